package integrations

import (
	"fmt"
	"regexp"

	"github.com/ocsetup/ocsetup/installer/admin"
	"github.com/ocsetup/ocsetup/installer/check"
	"github.com/ocsetup/ocsetup/installer/keygen"
	"github.com/ocsetup/ocsetup/installer/msg"
	"github.com/ocsetup/ocsetup/installer/store"
)

// despatchProfile configures the Despatch Cloud module: enabled, an API
// key of 24+ random characters, an optional order-ID prefix. No public
// copy of the module was found (docs/integrations.md §3), so its code and setting
// names are ocsetup's assumption — the "code" setting changes the code,
// and the admin form, when reachable, is what counts.
type despatchProfile struct{}

// DespatchCloud is the Despatch Cloud profile.
func DespatchCloud() Profile {
	return Profile{ID: "despatch_cloud", Name: "Despatch Cloud",
		Summary: "Order fulfilment: the module, an API key and the URL to paste into Despatch Cloud.", Impl: despatchProfile{}}
}

// DespatchDefaultCode is the module code assumed for Despatch Cloud.
const DespatchDefaultCode = "despatch_cloud"

// orderPrefixRE: the prefix goes in front of order numbers that Despatch
// Cloud shows and sends back, so it is kept to letters, digits, - and _
// (a quote or space there breaks matching on the way back).
var orderPrefixRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,16}$`)

func (despatchProfile) Fields(Target) []Field {
	return []Field{
		{Key: "code", Label: "Module code", Kind: Text, Default: DespatchDefaultCode,
			Help: "The module's code (its file name under Extensions > Modules); change it only if the package names it otherwise.",
			check: func(v string) error {
				if !regexp.MustCompile(`^[a-z0-9_]{1,32}$`).MatchString(v) {
					return msg.NewError("error.field.module_code", "Value", fmt.Sprintf("%q", v))
				}
				return nil
			}},
		boolField("status", "Enabled", "1", ""),
		{Key: "api_key", Label: "API key", Kind: Secret, MinLength: keygen.MinLength, MaxLength: keygen.MaxLength,
			Help:  "Leave empty to have ocsetup make one (32 random characters); paste the same key into Despatch Cloud.",
			check: func(v string) error { return keygen.Valid(v, keygen.MinLength) }},
		{Key: "order_prefix", Label: "Order-ID prefix", Kind: Text, MaxLength: 16,
			Help: "Optional: put in front of the store's order numbers in Despatch Cloud (letters, digits, - and _).",
			check: func(v string) error {
				if !orderPrefixRE.MatchString(v) {
					return msg.NewError("error.field.order_prefix", "Value", fmt.Sprintf("%q", v))
				}
				return nil
			}},
	}
}

func (p despatchProfile) Plan(t Target, in Values) (*Plan, error) {
	v, err := resolve("despatch_cloud", "Despatch Cloud", p.Fields(t), in)
	if err != nil {
		return nil, err
	}
	generated := v["api_key"] == ""
	if generated {
		if v["api_key"], err = keygen.Generate(keygen.DefaultLength); err != nil {
			return nil, err
		}
	}
	ext := admin.Extension{Type: "module", Code: v["code"], Folder: v["code"]}
	code := ext.SettingCode(t.Line) // module_despatch_cloud on 3.x and 4.x
	post := Post{
		{Name: code + "_status", Field: "status", Values: []string{v["status"]}},
		{Name: code + "_api_key", Field: "api_key", Values: []string{v["api_key"]}, Secret: true},
		{Name: code + "_order_prefix", Field: "order_prefix", Values: []string{v["order_prefix"]}},
	}
	plan := &Plan{Profile: "despatch_cloud", Extension: ext, Post: post}
	plan.save = func(post Post) []SettingGroup { return []SettingGroup{editSetting(t.Line, code, post)} }
	plan.Groups = plan.save(post)
	plan.Show = []Info{
		{Key: "despatch_store_url", Label: "Store URL (paste into Despatch Cloud)", Value: t.StoreURL, Required: true},
		{Key: "despatch_api_key", Label: "API key (paste into Despatch Cloud)", Value: v["api_key"], Secret: true, Required: true},
	}
	if generated {
		plan.Notice(msg.New("notice.despatch.new_key"))
	}
	plan.Notice(msg.New("notice.despatch.names", "Code", code))
	if t.Line.AtLeast(store.Line40) {
		plan.Notice(msg.New("notice.despatch.folder", "Folder", ext.Folder))
	}
	return plan, nil
}

// Extension: the registration and enabled checks look for the module's
// assumed code. Despatch Cloud's key is a setting of its module (the
// Settings step), not an API user, so it declares no Needs.
func (despatchProfile) Extension() *check.Extension {
	return &check.Extension{Type: "module", Code: DespatchDefaultCode, Folder: DespatchDefaultCode}
}
