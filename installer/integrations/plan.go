package integrations

import (
	"strings"

	"github.com/ocsetup/ocsetup/installer/admin"
	"github.com/ocsetup/ocsetup/installer/msg"
	"github.com/ocsetup/ocsetup/installer/store"
)

// Target is what a profile needs to know of the store.
type Target struct {
	Line    store.Line
	Version string
	// Currency is the store's default currency (config_currency).
	Currency string
	// StoreURL is the storefront's address, ending in "/".
	StoreURL string
	// OrderStatuses are the store's order statuses by name (the admin
	// language's names).
	OrderStatuses map[string]int64
	// DB is the store's database login, for profiles whose service reads
	// the database itself (OneBox); nil when not known.
	DB *DBLogin
}

// DBLogin is a database login to hand over to a service.
type DBLogin struct {
	Host, Database, User, Password string
	Port                           int
}

// statusID finds a status by one of its names, 0 when the store has none.
func (t Target) statusID(names ...string) int64 {
	for _, n := range names {
		for have, id := range t.OrderStatuses {
			if strings.EqualFold(have, n) {
				return id
			}
		}
	}
	return 0
}

// Entry is one field of the extension's form as the browser posts it:
// a name and its value, or several values for a name[] list.
type Entry struct {
	Name   string   `json:"name"`
	Values []string `json:"values"`
	List   bool     `json:"list,omitempty"` // posted as name[] (stored as an array)
	// Field is the profile field the entry comes from ("" for an entry
	// the extension's form always posts with that value).
	Field string `json:"field,omitempty"`
	// Secret entries are masked when shown.
	Secret bool `json:"secret,omitempty"`
	// Status names the order status the value is the id of (accepted
	// names; the first is created when the store has none): the admin
	// form picks it by name, the database fallback by id.
	Status []string `json:"status,omitempty"`
}

// Post is what the extension's settings form posts, in form order.
type Post []Entry

// get returns an entry by name.
func (p Post) get(name string) (Entry, bool) {
	for _, e := range p {
		if e.Name == name {
			return e, true
		}
	}
	return Entry{}, false
}

// Setting is one row the extension's save handler writes.
type Setting struct {
	Key    string   `json:"key"`
	Value  string   `json:"value,omitempty"`
	List   []string `json:"list,omitempty"`
	IsList bool     `json:"is_list,omitempty"` // serialized = 1, written in the line's serialisation
	Secret bool     `json:"secret,omitempty"`
	Status []string `json:"status,omitempty"` // as Entry.Status
}

// SettingGroup is one editSetting() call: every store-0 row of Code is
// replaced by Settings.
type SettingGroup struct {
	Code     string    `json:"code"`
	Settings []Setting `json:"settings"`
}

// editSetting is model/setting/setting editSetting($code, $post) of the
// line: from 2.0 only keys that start with the code are kept
// (oc@2.0.3.1:upload/admin/model/setting/setting.php); 1.5 keeps every
// key of the post (oc@1.5.6.4:…/setting.php).
func editSetting(line store.Line, code string, post Post) SettingGroup {
	g := SettingGroup{Code: code}
	for _, e := range post {
		if line != store.Line15 && !strings.HasPrefix(e.Name, code) {
			continue
		}
		// PHP posts name[] as the array $_POST['name'].
		s := Setting{Key: strings.TrimSuffix(e.Name, "[]"), Secret: e.Secret, Status: e.Status}
		if e.List {
			s.IsList, s.List = true, append([]string{}, e.Values...)
		} else if len(e.Values) > 0 {
			s.Value = e.Values[0]
		}
		g.Settings = append(g.Settings, s)
	}
	return g
}

// Event is a row of the event table an extension's install() adds.
type Event struct {
	Code    string `json:"code"`
	Trigger string `json:"trigger"`
	Action  string `json:"action"`
}

// Info is something to show the user, with a copy button: a URL to paste
// into the provider's portal, a key, a database login.
type Info struct {
	// Key names the label for translations ("host_to_host_url"); Label
	// is its English.
	Key    string `json:"key,omitempty"`
	Label  string `json:"label"`
	Value  string `json:"value"`
	Secret bool   `json:"secret,omitempty"` // masked until the user asks
	// Required: the integration does not work until the merchant puts
	// this in the provider's portal (the others are for reference).
	Required bool `json:"required,omitempty"`
}

// Table is a table the extension's install() creates, with its CREATE
// statement: the database channel runs no DDL, so when the admin cannot
// run install() the user is given this to run.
type Table struct {
	Name   string `json:"name"` // without prefix
	Create string `json:"create"`
}

// Plan is everything a profile wants done in the store, worked out before
// anything is changed: what the admin form gets, or, without the admin,
// the rows that reproduce the extension's install() and save.
type Plan struct {
	Profile string `json:"profile"`
	// Extension is the extension to install and configure; Type "" means
	// the profile configures no extension (OneBox).
	Extension admin.Extension `json:"extension"`
	// SubMethods are further extension rows the extension's install or
	// save registers (payment sub-methods), with their permissions.
	SubMethods []admin.Extension `json:"sub_methods,omitempty"`
	// Post is what the settings form gets.
	Post Post `json:"post,omitempty"`
	// Groups are the rows the save handler writes (editSetting calls).
	Groups []SettingGroup `json:"groups,omitempty"`
	// Events and Tables are what the extension's install() adds.
	Events []Event `json:"events,omitempty"`
	Tables []Table `json:"tables,omitempty"`
	// SubPermissions: the sub-methods get access and modify permissions
	// too (amazon_ps's save does; payfort_fort's install() does not).
	SubPermissions bool `json:"sub_permissions,omitempty"`
	// ExtraPermissions are routes the extension's own pages need that its
	// install does not grant (the legacy payfort_fort form posts to
	// payment/payfort_fort, which OpenCart 2.3 refuses without them).
	ExtraPermissions []string `json:"extra_permissions,omitempty"`
	// Show is what the user copies into the provider's portal.
	Show []Info `json:"show,omitempty"`
	// Notices are things the user must know (a closed service, a step
	// left to do).
	Notices []string `json:"notices,omitempty"`
	// DatabaseNotices hold only when the settings go straight into the
	// database (no admin session): what the extension's own form or
	// install() would have done and the rows cannot. Through the admin they
	// would be wrong, so they are shown only on that path.
	DatabaseNotices []string `json:"database_notices,omitempty"`
	// NoticeMsgs are the messages of Notices and DatabaseNotices, by their
	// English text, for the app to show in the user's language.
	NoticeMsgs map[string]msg.Msg `json:"-"`
	// Access is set by profiles that need the store's API user.
	Access *AccessNeed `json:"access,omitempty"`

	// save is the extension's save handler: the editSetting() calls it
	// makes for a post (with its sub-method copies).
	save func(Post) []SettingGroup
}

// SaveGroups runs the extension's save handler on a post: the database
// fallback calls it with the plan's Post over the settings the store
// already has, as the form would show and post them.
func (p *Plan) SaveGroups(post Post) []SettingGroup {
	if p.save == nil {
		return nil
	}
	return p.save(post)
}

// SaveWith sets the extension's save handler: the editSetting() calls it
// makes for a post (see EditSetting). Without one, the settings go in only
// through the extension's own form in the admin.
func (p *Plan) SaveWith(save func(Post) []SettingGroup) { p.save = save }

// EditSetting is OpenCart's editSetting($code, $post) on the line, for a
// save handler (SaveWith).
func EditSetting(line store.Line, code string, post Post) SettingGroup {
	return editSetting(line, code, post)
}

// Merge returns p's entries over the entries of prev that p lacks (a form
// posts every field it shows, also those the user did not touch).
func (p Post) Merge(prev Post) Post {
	out := append(Post{}, p...)
	for _, e := range prev {
		if _, ok := p.get(e.Name); !ok {
			out = append(out, e)
		}
	}
	return out
}

// AccessNeed is what a connector needs of the store besides settings:
// the store's API user, the connector's config file and its cron job.
type AccessNeed struct {
	// APIUser and APIKey are the store's API user to create or update.
	APIUser string `json:"api_user"`
	APIKey  string `json:"-"`
	// KeepKey: the setup gave no key (APIKey is a new one), so an API
	// user that exists keeps its own key and the connector is given it:
	// the connector is bound to that user (3.0 checks a key sent alone
	// against "Default"), and whatever else uses its key keeps working.
	KeepKey bool `json:"keep_key,omitempty"`
	// ConfigFile is the connector's file (relative to the store root)
	// whose $host and $apiKey are set to CronHost and APIKey.
	ConfigFile string `json:"config_file,omitempty"`
	CronHost   string `json:"cron_host,omitempty"`
	// Schedule and Command are the cron job the connector needs; Command
	// is relative to the store root (the caller prefixes the path).
	Schedule string `json:"schedule,omitempty"`
	Command  string `json:"command,omitempty"`
}

// Notice adds a notice with its message.
func (p *Plan) Notice(m msg.Msg) {
	p.Notices = append(p.Notices, p.noticeText(m))
}

// DatabaseNotice adds a notice of the database path with its message.
func (p *Plan) DatabaseNotice(m msg.Msg) {
	p.DatabaseNotices = append(p.DatabaseNotices, p.noticeText(m))
}

func (p *Plan) noticeText(m msg.Msg) string {
	if p.NoticeMsgs == nil {
		p.NoticeMsgs = map[string]msg.Msg{}
	}
	text := m.English()
	p.NoticeMsgs[text] = m
	return text
}
