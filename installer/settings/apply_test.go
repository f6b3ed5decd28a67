package settings_test

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ocsetup/ocsetup/installer/admin"
	"github.com/ocsetup/ocsetup/installer/integrations"
	"github.com/ocsetup/ocsetup/installer/settings"
	"github.com/ocsetup/ocsetup/installer/store"
	"github.com/ocsetup/ocsetup/internal/adminfixture"
	"github.com/ocsetup/ocsetup/internal/fixture"
	"github.com/ocsetup/ocsetup/internal/testenv"
	"github.com/ocsetup/ocsetup/internal/testext"
)

// despatchForm is the Despatch Cloud module's form in the fixture admin;
// rename changes the name of the order-prefix field, minKey is the
// store's own rule for the key.
func despatchForm(rename string, minKey int) adminfixture.Extension {
	prefix := "order_prefix"
	if rename != "" {
		prefix = rename
	}
	return adminfixture.Extension{Type: "module", Code: "despatch_cloud", Folder: "despatch_cloud", Form: adminfixture.Form{Tabs: []adminfixture.Tab{{
		Title: "General", Fields: []adminfixture.Field{
			{Name: "status", Kind: adminfixture.Checkbox, Label: "Status"},
			{Name: "api_key", Kind: adminfixture.Password, Label: "API key", Required: true, MinLength: minKey},
			{Name: prefix, Kind: adminfixture.Text, Label: "Order prefix"},
		}}}}}
}

type adminShop struct {
	*shop
	admin   *adminfixture.Admin
	dialect admin.Dialect
}

func newAdminShop(t *testing.T, env *testenv.Env, version string, o adminfixture.Options) *adminShop {
	t.Helper()
	s := newShop(t, env, version)
	a := adminfixture.Install(t, s.site, s.Store, o)
	d, err := admin.DialectFor(s.line, version)
	must(t, err)
	return &adminShop{shop: s, admin: a, dialect: d}
}

func despatchPlan(t *testing.T, s *shop) *integrations.Plan {
	t.Helper()
	p, _ := integrations.ByID("despatch_cloud")
	plan, err := p.Plan(s.target(t), integrations.Values{"api_key": apiKey, "order_prefix": "WEB-"})
	must(t, err)
	return plan
}

// despatchVariant is a Despatch-Cloud-shaped module of our own for the
// real stores: rename changes the order-prefix field's name, minKey is the
// module's own rule for the key.
func despatchVariant(rename string, minKey int) testext.Variant {
	prefix := "order_prefix"
	if rename != "" {
		prefix = rename
	}
	return testext.Variant{Type: "module", Code: "despatch_cloud", Title: "Despatch Cloud", Fields: []testext.Field{
		{Name: "status", Label: "Status", Kind: testext.Select},
		{Name: "api_key", Label: "API key", Kind: testext.Password, Required: true, MinLength: minKey},
		{Name: prefix, Label: "Order prefix", Kind: testext.Text},
	}}
}

// putVariant lays the module's files into the real store, as a merchant
// who uploaded it by hand (not installed yet).
func putVariant(t *testing.T, s *shop, v testext.Variant) {
	t.Helper()
	files, err := testext.FilesOf(string(s.line), v)
	must(t, err)
	for rel, b := range files {
		p := filepath.Join(s.Local, filepath.FromSlash(rel))
		must(t, os.MkdirAll(filepath.Dir(p), 0o755))
		must(t, os.WriteFile(p, b, 0o644))
	}
	must(t, testenv.ChownTree(s.Local, s.site.UID, s.site.GID))
}

// TestApplyThroughAdmin: with an admin session the extension is installed
// by the store (its install() runs) and saved through its own form; with
// a temporary account, the account is gone afterwards. 1.5 runs against
// the imitation of its admin (it cannot run on PHP 8.2); every other line
// against its real admin, with a module of our own.
func TestApplyThroughAdmin(t *testing.T) {
	env := testenv.Get(t)
	for _, v := range []string{"1.5.6.4", "2.3.0.2", "3.0.3.9", "4.0.2.3", "4.1.0.4"} {
		t.Run(v, func(t *testing.T) {
			t.Parallel()
			var s *shop
			var adminURL string
			imitation := v == "1.5.6.4"
			var fx *adminShop
			if imitation {
				fx = newAdminShop(t, env, v, adminfixture.Options{Extensions: []adminfixture.Extension{despatchForm("", 24)}})
				s, adminURL = fx.shop, fx.admin.URL
			} else {
				s, adminURL = newRealShop(t, env, v)
				putVariant(t, s, despatchVariant("", 24))
			}
			d, err := admin.DialectFor(s.line, v)
			must(t, err)
			ctx := ctxT(t)
			dir := t.TempDir()
			open := settings.TempAccountOpener(adminURL, d, s.d, s.sc, admin.RecordPlace{DataDir: dir, Root: s.Remote}, admin.Options{})
			req := settings.Request{Plan: despatchPlan(t, s), Line: s.line, Mode: settings.Auto, OpenAdmin: open, DB: s.d, Schema: s.sc,
				Direct: settings.DirectOptions{DataDir: t.TempDir(), ExtensionPaths: []string{"despatch_cloud"}}, Refresh: true}
			res, err := settings.Apply(ctx, req)
			if err != nil {
				t.Fatal(err)
			}
			if res.Via != settings.ViaAdmin || !res.Installed || res.Save == nil || !res.Save.Saved {
				t.Fatalf("result %+v", res)
			}
			code := "despatch_cloud"
			if s.line.AtLeast(store.Line30) {
				code = "module_despatch_cloud"
			}
			got := s.rows(t, code)
			if got[code+"_api_key"] != apiKey || got[code+"_order_prefix"] != "WEB-" || got[code+"_status"] != "1" {
				t.Fatalf("rows %v", got)
			}
			installed := "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = '" + s.Table("despatch_cloud_transaction") + "'"
			if imitation {
				installed = "SELECT COUNT(*) FROM " + s.Table("despatch_cloud_fixture_install")
			}
			if n := s.count(t, installed); n != 1 {
				t.Fatal("the extension's install() did not run")
			}
			if n := s.count(t, "SELECT COUNT(*) FROM "+s.Table("user")+" WHERE username LIKE 'ocsetup\\_%'"); n != 0 {
				t.Fatalf("%d temporary accounts left", n)
			}
			if left, _ := admin.Leftovers(dir); len(left) != 0 {
				t.Fatalf("records left %+v", left)
			}
			// The lines with OCMOD refresh the modifications after the install.
			if withOCMOD := !s.line.In(store.Line15, store.Line40); res.Refreshed != withOCMOD {
				t.Errorf("refreshed %v on %s", res.Refreshed, s.line)
			}
			if imitation && fx.admin.Refreshes(t) != 0 {
				t.Errorf("1.5 refreshed %d times", fx.admin.Refreshes(t))
			}
		})
	}
}

// TestApplyAdminRefusals: what the admin refuses leaves no settings
// written, with the reason in words.
func TestApplyAdminRefusals(t *testing.T) {
	env := testenv.Get(t)
	cases := []struct {
		name    string
		captcha bool
		variant testext.Variant
		mode    settings.Mode
		check   func(t *testing.T, err error)
	}{
		{"renamed field", false, despatchVariant("prefix", 24), settings.Auto,
			func(t *testing.T, err error) {
				var me *settings.MissingFieldsError
				if !errors.As(err, &me) || len(me.Fields) != 1 || !strings.HasSuffix(me.Fields[0], "_order_prefix") || !strings.Contains(err.Error(), "nothing was saved") {
					t.Fatalf("got %v", err)
				}
			}},
		{"store's own rule", false, despatchVariant("", 40), settings.Auto,
			func(t *testing.T, err error) {
				var ve *admin.ValidationError
				if !errors.As(err, &ve) || !strings.Contains(err.Error(), "API key: API key must be at least 40 characters") {
					t.Fatalf("got %v", err)
				}
			}},
		{"captcha", true, despatchVariant("", 24), settings.AdminOnly,
			func(t *testing.T, err error) {
				var le *admin.LoginError
				if !errors.As(err, &le) || le.Reason != admin.Captcha {
					t.Fatalf("got %v", err)
				}
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			// The real 3.0 store, with a module of our own shaped as the
			// case needs; the captcha is a security add-on's, put on the
			// login form by a module of ours.
			s, adminURL := newRealShop(t, env, "3.0.3.9")
			putVariant(t, s, c.variant)
			if c.captcha {
				env.AddLoginCaptcha(t, s.real)
			}
			d, err := admin.DialectFor(s.line, s.Version)
			must(t, err)
			before := s.rowsOnly(t)
			login := s.adminLogin
			req := settings.Request{Plan: despatchPlan(t, s), Line: s.line, Mode: c.mode, OpenAdmin: settings.LoginOpener(adminURL, d, login, admin.Options{}), DB: s.d, Schema: s.sc,
				Direct: settings.DirectOptions{DataDir: t.TempDir(), ExtensionPaths: []string{"despatch_cloud"}}, Refresh: true}
			_, err = settings.Apply(ctxT(t), req)
			c.check(t, err)
			if got := s.rows(t, "module_despatch_cloud"); len(got) != 0 {
				t.Fatalf("settings written: %v", got)
			}
			if c.name == "wrong password" || c.name == "captcha" {
				if after := s.rowsOnly(t); after != before {
					t.Fatal("rows changed")
				}
			}
		})
	}
}

// TestApplyFallsBack: a login that cannot work sends the settings to the
// database (auto mode), and the result says so and why; with AdminOnly the
// refusal stands and nothing is written. On the real 2.3 and 3.0 stores.
func TestApplyFallsBack(t *testing.T) {
	env := testenv.Get(t)
	for _, v := range []string{"2.3.0.2", "3.0.3.9"} {
		t.Run(v, func(t *testing.T) {
			t.Parallel()
			s, adminURL := newRealShop(t, env, v)
			d, err := admin.DialectFor(s.line, v)
			must(t, err)
			code := "despatch_cloud"
			if s.line.AtLeast(store.Line30) {
				code = "module_despatch_cloud"
			}
			wrong := settings.LoginOpener(adminURL, d, admin.Login{Username: fixture.AdminUser, Password: "wrong"}, admin.Options{})
			req := settings.Request{Plan: despatchPlan(t, s), Line: s.line, Mode: settings.AdminOnly, OpenAdmin: wrong, DB: s.d, Schema: s.sc,
				Direct: settings.DirectOptions{DataDir: t.TempDir()}, Refresh: true}
			before := s.rowsOnly(t)
			_, err = settings.Apply(ctxT(t), req)
			var le *admin.LoginError
			if !errors.As(err, &le) || le.Reason != admin.WrongLogin || !strings.Contains(err.Error(), "user name or password is wrong") {
				t.Fatalf("admin only, wrong password: got %v", err)
			}
			if after := s.rowsOnly(t); after != before {
				t.Fatal("rows changed after a refused login")
			}

			req.Mode = settings.Auto
			res, err := settings.Apply(ctxT(t), req)
			if err != nil {
				t.Fatal(err)
			}
			if res.Via != settings.ViaDatabase || !strings.Contains(res.Why, "user name or password is wrong") || res.Direct == nil || res.Direct.Backup == "" {
				t.Fatalf("result %+v", res)
			}
			if got := s.rows(t, code); got[code+"_api_key"] != apiKey {
				t.Fatalf("rows %v", got)
			}
			if !strings.Contains(strings.Join(res.Notices, " "), "Refresh") {
				t.Errorf("no word on the refresh it could not do: %q", res.Notices)
			}
		})
	}
}

// TestLatitudePayThroughAdmin: LatitudePay's page always carries a hidden
// "set at least one value for Payment Terms" alert; with product LPAY and
// no terms the save is accepted and read back, and the optional terms have
// no row. On the real 3.0 store in AUD, with our module of LatitudePay's
// shape.
func TestLatitudePayThroughAdmin(t *testing.T) {
	env := testenv.Get(t)
	s, adminURL := newRealShop(t, env, "3.0.3.9")
	putVariant(t, s, testext.LatitudePay())
	s.exec(t, "INSERT INTO "+s.Table("currency")+" (title, code, symbol_left, symbol_right, decimal_place, value, status, date_modified) VALUES ('Australian Dollar', 'AUD', '$', '', '2', 1.0, 1, NOW())")
	s.exec(t, "UPDATE "+s.Table("setting")+" SET `value` = 'AUD' WHERE `key` = 'config_currency'")
	d, err := admin.DialectFor(s.line, s.Version)
	must(t, err)
	p, _ := integrations.ByID("latitudepay")
	request := func(plan *integrations.Plan) settings.Request {
		return settings.Request{Plan: plan, Line: s.line, Mode: settings.AdminOnly, OpenAdmin: settings.LoginOpener(adminURL, d, s.adminLogin, admin.Options{}), DB: s.d, Schema: s.sc,
			Direct: settings.DirectOptions{DataDir: t.TempDir()}, Refresh: true}
	}
	plan, err := p.Plan(s.target(t), integrations.Values{"api_key": "sandbox-key", "api_secret": "sandbox-secret"})
	must(t, err)
	res, err := settings.Apply(ctxT(t), request(plan))
	if err != nil {
		t.Fatal(err)
	}
	// (The real 3.0 admin goes back to the extension list after a save,
	// which loads its success message later by script: Success is empty.)
	if res.Via != settings.ViaAdmin || !res.Installed || !res.Save.Saved || len(res.Save.Warnings) != 0 || len(res.Save.Errors) != 0 {
		t.Fatalf("save %+v", res.Save)
	}
	got := s.rows(t, "payment_latitudepay")
	if got["payment_latitudepay_status"] != "1" || got["payment_latitudepay_sandbox_api_key"] != "sandbox-key" || got["payment_latitudepay_product"] != "LPAY" {
		t.Fatalf("rows %v", got)
	}
	if _, ok := got["payment_latitudepay_payment_terms"]; ok {
		t.Fatalf("payment terms stored although none were chosen: %v", got)
	}

	// With terms, they are saved as a list.
	plan, err = p.Plan(s.target(t), integrations.Values{"api_key": "sandbox-key", "api_secret": "sandbox-secret", "product": "LPAY,LPAYPLUS", "payment_terms": "6,12"})
	must(t, err)
	if _, err := settings.Apply(ctxT(t), request(plan)); err != nil {
		t.Fatal(err)
	}
	if got := s.rows(t, "payment_latitudepay")["payment_latitudepay_payment_terms"]; got != `ser:["6","12"]` {
		t.Fatalf("terms %q", got)
	}
}

// TestSaveReadBack: a store that answers success but does not store a
// posted field is not taken at its word (the real 3.0 store, with a module
// of ours whose save leaves the order prefix out).
func TestSaveReadBack(t *testing.T) {
	env := testenv.Get(t)
	s, adminURL := newRealShop(t, env, "3.0.3.9")
	v := despatchVariant("", 24)
	v.Fields[2].Dropped = true
	putVariant(t, s, v)
	d, err := admin.DialectFor(s.line, s.Version)
	must(t, err)
	req := settings.Request{Plan: despatchPlan(t, s), Line: s.line, Mode: settings.Auto, OpenAdmin: settings.LoginOpener(adminURL, d, s.adminLogin, admin.Options{}), DB: s.d, Schema: s.sc,
		Direct: settings.DirectOptions{DataDir: t.TempDir(), ExtensionPaths: []string{"despatch_cloud"}}, Refresh: true}
	res, err := settings.Apply(ctxT(t), req)
	var ns *settings.NotStoredError
	if !errors.As(err, &ns) || !slices.Equal(ns.Missing, []string{"module_despatch_cloud_order_prefix"}) || len(ns.Different) != 0 {
		t.Fatalf("got %v", err)
	}
	if res.Save == nil || res.Save.Saved {
		t.Fatalf("save %+v", res.Save)
	}
	if res.Via == settings.ViaDatabase {
		t.Fatal("fell back to the database after the admin answered")
	}
}

// variantFor is a module of our own whose form has exactly the fields the
// plan posts (a multi-select for lists, the order statuses for statuses):
// an extension that takes exactly what ocsetup sends.
func variantFor(plan *integrations.Plan, code string) testext.Variant {
	var fields []testext.Field
	for _, e := range plan.Post {
		name, ok := strings.CutPrefix(strings.TrimSuffix(e.Name, "[]"), code+"_")
		if !ok {
			continue
		}
		f := testext.Field{Name: name, Kind: testext.Text, Label: name}
		switch {
		case e.List:
			f.Kind = testext.MultiSelect
			for _, v := range e.Values {
				f.Options = append(f.Options, testext.Option{Value: v, Label: v})
			}
		case len(e.Status) > 0:
			f.Kind = testext.Select
		}
		fields = append(fields, f)
	}
	ext := plan.Extension
	return testext.Variant{Type: ext.Type, Code: ext.Code, Title: ext.Code, Fields: fields}
}

// TestNoticesFollowThePath: a notice about what only the admin's form
// does (Amazon Payment Services' Mada and Meeza BIN lists) is given when
// the settings went into the database, not after a save through the admin
// (the real 3.0 admin, with a module of our own that has the plan's form).
func TestNoticesFollowThePath(t *testing.T) {
	env := testenv.Get(t)
	p, _ := integrations.ByID("amazon_ps")
	s, adminURL := newRealShop(t, env, "3.0.3.9")
	plan, err := p.Plan(s.target(t), answers["amazon_ps"])
	must(t, err)
	putVariant(t, s, variantFor(plan, "payment_amazon_ps"))
	d, err := admin.DialectFor(s.line, s.Version)
	must(t, err)
	const bins = "Mada and Meeza BIN lists are not written"
	req := settings.Request{Plan: plan, Line: s.line, Mode: settings.AdminOnly, OpenAdmin: settings.LoginOpener(adminURL, d, s.adminLogin, admin.Options{}), DB: s.d, Schema: s.sc,
		Direct: settings.DirectOptions{DataDir: t.TempDir()}, Refresh: true}
	res, err := settings.Apply(ctxT(t), req)
	if err != nil {
		t.Fatal(err)
	}
	if res.Via != settings.ViaAdmin || strings.Contains(strings.Join(res.Notices, " "), bins) {
		t.Fatalf("through the admin: via %s, notices %q", res.Via, res.Notices)
	}
	// The tables the real module's install() makes (ours makes its own),
	// so that the database path has nothing to refuse.
	for _, tb := range plan.Tables {
		s.exec(t, strings.ReplaceAll(tb.Create, "{prefix}", s.sc.Prefix))
	}
	s.refresh(t)
	req.Mode, req.OpenAdmin, req.Schema = settings.DatabaseOnly, nil, s.sc
	res, err = settings.Apply(ctxT(t), req)
	if err != nil {
		t.Fatal(err)
	}
	if res.Via != settings.ViaDatabase || !strings.Contains(strings.Join(res.Notices, " "), bins) {
		t.Fatalf("through the database: via %s, notices %q", res.Via, res.Notices)
	}
}
