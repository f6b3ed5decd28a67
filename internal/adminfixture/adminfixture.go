// Package adminfixture puts a small admin app into a fixture store's admin
// folder: our own PHP (admin.php), not OpenCart, that answers login,
// extension install, settings save and modification refresh the way each
// OpenCart line's admin does, on the store's real database. Tests of the
// admin channel run against it on PHP's built-in server; what it imitates
// was read from the OpenCart tags (docs/opencart.md §4–§7)
// and checked against real OpenCart (see the admin package's tests).
package adminfixture

import (
	_ "embed"
	"encoding/json"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ocsetup/ocsetup/installer/store"
	"github.com/ocsetup/ocsetup/internal/fixture"
	"github.com/ocsetup/ocsetup/internal/testenv"
)

//go:embed admin.php
var adminPHP string

// Kind is a form field's input type.
type Kind string

// The input types the settings form can show.
const (
	Text        Kind = "text"
	Password    Kind = "password"
	TextArea    Kind = "textarea"
	Hidden      Kind = "hidden"
	Select      Kind = "select"
	MultiSelect Kind = "multiselect"
	Radio       Kind = "radio"
	Checkbox    Kind = "checkbox"
	Checkboxes  Kind = "checkboxes" // a group of boxes named name[]
)

// Option is a choice of a select, radio or checkbox group.
type Option struct {
	Value string `json:"value"`
	Label string `json:"label"`
}

// Field is one field of the settings form. Its HTML name is the line's
// setting code, "_" and Name (payment_x_merchant on 3.x, x_merchant
// before), as OpenCart's extensions name them.
type Field struct {
	Name     string   `json:"name"`
	Kind     Kind     `json:"kind"`
	Label    string   `json:"label"`
	Help     string   `json:"help,omitempty"`
	Options  []Option `json:"options,omitempty"`
	Default  any      `json:"default,omitempty"` // string, or []string for multiple values
	Required bool     `json:"required,omitempty"`
	// MinLength is checked on the server, like an extension's validate().
	MinLength int `json:"min_length,omitempty"`
	// RequiredUnless makes the field required unless the field named
	// [0] is posted with the value [1] (LatitudePay's payment terms are
	// needed unless the product is LPAY alone).
	RequiredUnless []string `json:"required_unless,omitempty"`
}

// Tab is a tab of the form.
type Tab struct {
	Title  string  `json:"title"`
	Fields []Field `json:"fields"`
}

// Form is an extension's settings form.
type Form struct {
	Tabs []Tab `json:"tabs"`
}

// Extension is an extension the fixture admin can install and configure.
type Extension struct {
	Type   string `json:"type"`
	Code   string `json:"code"`
	Folder string `json:"folder"` // 4.x extension folder
	Form   Form   `json:"form"`
	// HiddenAlert is an error message the settings page always carries in
	// blocks the browser does not show (a class its own stylesheet hides,
	// an inline display:none, a <template>), as LatitudePay's page does.
	HiddenAlert string `json:"hidden_alert,omitempty"`
	// SavesToOwnPage: up to 3.x, a save redirects to the settings page
	// itself with a success alert (LatitudePay), not to the list.
	SavesToOwnPage bool `json:"saves_to_own_page,omitempty"`
	// Drops are fields (short names) the save handler leaves out of what
	// it stores, although it answers success.
	Drops []string `json:"drops,omitempty"`
}

// Options tune the fixture admin.
type Options struct {
	Extensions []Extension
	// Captcha puts a captcha on the login form (as security add-ons do).
	Captcha bool
	// TwoFactor asks for an e-mailed code after the login (4.1's 2FA).
	TwoFactor bool
}

// Admin is the installed fixture admin.
type Admin struct {
	URL string // the admin folder's address, ending in "/"
	// RefreshLog is the file each modification refresh appends a line to.
	RefreshLog string
}

// config is ocsetup-fixture.json, read by admin.php.
type config struct {
	SessionDir string      `json:"session_dir"`
	RefreshLog string      `json:"refresh_log"`
	Captcha    bool        `json:"captcha"`
	TwoFactor  bool        `json:"two_factor"`
	Extensions []Extension `json:"extensions"`
	// Granted are routes group 1 has besides its rows: the extension
	// list routes of the extensions' types, which a fresh install's
	// Administrator has and the fixture store does not seed.
	Granted []string `json:"granted"`
}

// Install replaces the fixture store's admin front controller by the
// fixture admin, writes the extensions' controller files where the line
// keeps them (so the admin finds them, as OpenCart checks), and gives it
// all to the site's user.
func Install(t testing.TB, site testenv.Site, st *fixture.Store, o Options) *Admin {
	t.Helper()
	adminDir := filepath.Join(st.Local, st.AdminFolder())
	sessions := filepath.Join(st.Local, "fixture-sessions")
	cfg := config{SessionDir: sessions, RefreshLog: filepath.Join(sessions, "refreshed.log"),
		Captcha: o.Captcha, TwoFactor: o.TwoFactor, Extensions: o.Extensions}
	if cfg.Extensions == nil {
		cfg.Extensions = []Extension{}
	}
	line, _ := store.LineOf(st.Version)
	cfg.Granted = []string{}
	for _, e := range cfg.Extensions {
		list := "extension/" + e.Type
		if line.AtLeast(store.Line23) && !line.AtLeast(store.Line40) {
			list = "extension/extension/" + e.Type
		}
		cfg.Granted = append(cfg.Granted, list)
	}
	data, err := json.MarshalIndent(cfg, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		filepath.Join(adminDir, "index.php"):            strings.ReplaceAll(adminPHP, "{{VERSION}}", st.Version),
		filepath.Join(adminDir, "ocsetup-fixture.json"): string(data),
	}
	for _, e := range o.Extensions {
		files[filepath.Join(st.Local, filepath.FromSlash(ControllerPath(st.Version, st.AdminFolder(), e)))] = "<?php\n// ocsetup fixture: the controller of " + e.Code + "\n"
	}
	if err := os.MkdirAll(sessions, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, content := range files {
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := testenv.ChownTree(st.Local, site.UID, site.GID); err != nil {
		t.Fatal(err)
	}
	return &Admin{URL: st.URL + st.AdminFolder() + "/", RefreshLog: cfg.RefreshLog}
}

// ControllerPath is where the line keeps an extension's admin controller,
// relative to the store root (docs/opencart.md §1 and §4).
func ControllerPath(version, adminFolder string, e Extension) string {
	line, _ := store.LineOf(version)
	switch {
	case line.AtLeast(store.Line40):
		return path.Join("extension", e.Folder, "admin/controller", e.Type, e.Code+".php")
	case line.AtLeast(store.Line23):
		return path.Join(adminFolder, "controller/extension", e.Type, e.Code+".php")
	default:
		return path.Join(adminFolder, "controller", e.Type, e.Code+".php")
	}
}

// Refreshes counts the modification refreshes the admin did.
func (a *Admin) Refreshes(t testing.TB) int {
	t.Helper()
	b, err := os.ReadFile(a.RefreshLog)
	if os.IsNotExist(err) {
		return 0
	}
	if err != nil {
		t.Fatal(err)
	}
	return strings.Count(string(b), "\n")
}

// EveryKind is a settings form with each input type on two tabs, with
// server-side rules: a required merchant id, a secret of 12+ characters,
// choice fields that accept only their options.
func EveryKind() Form {
	yesNo := []Option{{"1", "Yes"}, {"0", "No"}}
	return Form{Tabs: []Tab{
		{Title: "General", Fields: []Field{
			{Name: "merchant", Kind: Text, Label: "Merchant ID", Help: "From the provider's portal", Required: true},
			{Name: "secret", Kind: Password, Label: "Secret", MinLength: 12},
			{Name: "mode", Kind: Select, Label: "Mode", Options: []Option{{"live", "Live"}, {"test", "Test"}}, Default: "test"},
			{Name: "sandbox", Kind: Radio, Label: "Sandbox", Options: yesNo, Default: "0"},
			{Name: "status", Kind: Checkbox, Label: "Status"},
		}},
		{Title: "Advanced", Fields: []Field{
			{Name: "notes", Kind: TextArea, Label: "Notes"},
			{Name: "networks", Kind: MultiSelect, Label: "Networks", Options: []Option{{"visa", "Visa"}, {"mastercard", "Mastercard"}, {"amex", "Amex"}}},
			{Name: "cards", Kind: Checkboxes, Label: "Cards", Options: []Option{{"mada", "mada"}, {"meeza", "Meeza"}}},
			{Name: "callback", Kind: Hidden, Label: "Callback", Default: "cb-42"},
		}},
	}}
}

// LatitudePay is a settings form shaped like the LatitudePay module's on
// 2.3/3.x (Latitude-Financial/opencart-latitudepay-genoapay,
// admin/view/template/extension/payment/latitudepay.twig and
// admin/controller/extension/payment/genoapay.php): a product choice,
// optional payment-term boxes (required unless the product is LPAY), the
// always-present hidden payment-terms alert, and a save that returns to
// its own page. The fields are the ones ocsetup's profile posts.
func LatitudePay(code string) Extension {
	yesNo := []Option{{"1", "Enabled"}, {"0", "Disabled"}}
	status := func(name, label string) Field {
		return Field{Name: name, Kind: Select, Label: label, Options: []Option{{"1", "Pending"}, {"5", "Complete"}, {"7", "Canceled"}, {"11", "Refunded"}, {"99", "Partial Refunded"}}}
	}
	fields := []Field{
		{Name: "status", Kind: Select, Label: "Status", Options: yesNo, Default: "0"},
		{Name: "environment", Kind: Select, Label: "Environment", Options: []Option{{"production", "Production"}, {"sandbox", "Sandbox"}}, Required: true},
		{Name: "production_api_key", Kind: Text, Label: "Production API key"},
		{Name: "production_api_secret", Kind: Password, Label: "Production API secret"},
		{Name: "sandbox_api_key", Kind: Text, Label: "Sandbox API key"},
		{Name: "sandbox_api_secret", Kind: Password, Label: "Sandbox API secret"},
		{Name: "debug", Kind: Select, Label: "Debug", Options: yesNo, Default: "0"},
		{Name: "sort_order", Kind: Text, Label: "Sort order"},
		{Name: "images_api_url", Kind: Text, Label: "Images API URL"},
		status("order_completed_status_id", "Completed status"),
		status("order_failed_status_id", "Failed status"),
		status("order_partial_refunded_status_id", "Partially refunded status"),
		status("order_refunded_status_id", "Refunded status"),
	}
	if code == "latitudepay" {
		fields = append(fields,
			Field{Name: "product", Kind: Select, Label: "Product", Options: []Option{{"LPAY", "LatitudePay"}, {"LPAYPLUS", "LatitudePay+"}, {"LPAY,LPAYPLUS", "Co-presentment"}}},
			Field{Name: "payment_terms", Kind: Checkboxes, Label: "Payment Terms", Options: []Option{{"6", "6 months"}, {"12", "12 months"}, {"18", "18 months"}, {"24", "24 months"}},
				RequiredUnless: []string{"product", "LPAY"}})
	}
	return Extension{Type: "payment", Code: code, Folder: code, Form: Form{Tabs: []Tab{{Title: "General", Fields: fields}}},
		HiddenAlert: "You have to set at least one value for Payment Terms!", SavesToOwnPage: true}
}
