package integrations

import (
	"strings"

	"github.com/ocsetup/ocsetup/installer/admin"
	"github.com/ocsetup/ocsetup/installer/msg"
)

// customProfile configures any extension through its own settings form:
// the form becomes the fields (FormFields), and the answers go into it by
// the fields' names. There is no database fallback: ocsetup does not know
// what an unknown extension's install() and save do.
type customProfile struct{}

// Custom is the profile for any extension package.
func Custom() Profile {
	return Profile{ID: "custom", Name: "Custom extension",
		Summary: "Any OpenCart extension package: upload, install and fill its own settings form.", Impl: customProfile{}}
}

// Needs: the settings go through the extension's own form only, so the
// test has no rows to compare them with.
func (customProfile) Needs() Needs { return Needs{FormOnly: true} }

func (customProfile) Fields(Target) []Field {
	return []Field{
		{Key: "type", Label: "Extension type", Kind: OneOf, Default: "payment",
			Choices: choices("payment", "Payment", "shipping", "Shipping", "module", "Module", "total", "Order total", "feed", "Feed", "fraud", "Anti-fraud", "analytics", "Analytics", "captcha", "Captcha", "dashboard", "Dashboard", "report", "Report")},
		{Key: "code", Label: "Extension code", Kind: Text, Required: true, Help: "Its file name, without .php."},
		{Key: "folder", Label: "Extension folder (OpenCart 4)", Kind: Text, Help: "The folder under extension/; usually the package's name."},
	}
}

func (p customProfile) Plan(t Target, in Values) (*Plan, error) {
	base := Values{}
	form := Values{}
	for k, v := range in {
		switch k {
		case "type", "code", "folder":
			base[k] = v
		default:
			form[k] = v
		}
	}
	v, err := resolve("custom", "the custom extension", p.Fields(t), base)
	if err != nil {
		return nil, err
	}
	ext := admin.Extension{Type: v["type"], Code: v["code"], Folder: v["folder"]}
	if ext.Folder == "" {
		ext.Folder = ext.Code
	}
	if err := ext.Check(t.Line); err != nil {
		return nil, &InputError{Profile: "the custom extension", ProfileMsg: profileMsg("custom", ""),
			Problems: []Problem{problem("custom", Field{Key: "code", Label: "Extension code"}, msg.New("msg.text", "Text", msg.CauseArg(err)))}}
	}
	plan := &Plan{Profile: "custom", Extension: ext}
	for _, k := range sortedKeys(form) {
		e := Entry{Name: k, Field: k, Values: []string{form[k]}}
		if strings.HasSuffix(k, "[]") {
			e.List, e.Values = true, Values{"x": form[k]}.List("x")
		}
		plan.Post = append(plan.Post, e)
	}
	plan.DatabaseNotice(msg.New("notice.custom.admin_only"))
	return plan, nil
}

// FormFields turns an extension's own settings form into fields the
// wizard can show and a setup file can fill (by the form's field names).
func FormFields(f *admin.Form) []Field {
	var out []Field
	for _, fl := range f.Fields {
		field := Field{Key: fl.Name, Label: fl.Label, Help: fl.Help, Group: fl.Tab, Required: fl.Required, Default: strings.Join(fl.Values, ",")}
		for _, o := range fl.Options {
			field.Choices = append(field.Choices, Choice{Value: o.Value, Label: o.Label})
		}
		switch fl.Kind {
		case admin.Password:
			field.Kind = Secret
			field.Default = ""
		case admin.Select, admin.Radio:
			field.Kind = OneOf
		case admin.MultiSelect, admin.CheckboxGroup:
			field.Kind = MultiChoice
		case admin.Checkbox:
			field.Kind, field.Choices = Bool, nil
			field.Default = "0"
			if len(fl.Values) > 0 && fl.Values[0] != "0" {
				field.Default = "1"
			}
		case admin.Hidden, admin.File:
			continue // kept as the form has it
		default:
			field.Kind = Text
		}
		if fl.ReadOnly || fl.Disabled {
			continue
		}
		out = append(out, field)
	}
	return out
}

// FillForm puts a plan's post into the extension's own form. Fields the
// form does not have are listed, not guessed for: an extension that
// renamed a field is reported to the user instead.
func FillForm(p *Plan, f *admin.Form, statusByName func(names []string, options []admin.Option) (string, bool)) (missing []string, err error) {
	for _, e := range p.Post {
		fl := f.Field(e.Name)
		if fl == nil {
			missing = append(missing, e.Name)
			continue
		}
		values := e.Values
		if len(e.Status) > 0 {
			id, ok := statusByName(e.Status, fl.Options)
			if !ok {
				return missing, msg.NewError("error.integration.no_status", "List", fl.Label, "Status", strings.Join(e.Status, " or "))
			}
			values = []string{id}
		}
		if err := f.Set(e.Name, values...); err != nil {
			return missing, err
		}
	}
	return missing, nil
}
