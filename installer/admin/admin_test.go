package admin_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/ocsetup/ocsetup/installer/admin"
	"github.com/ocsetup/ocsetup/installer/store"
	"github.com/ocsetup/ocsetup/internal/adminfixture"
	"github.com/ocsetup/ocsetup/internal/fixture"
	"github.com/ocsetup/ocsetup/internal/testenv"
	"github.com/ocsetup/ocsetup/internal/testext"
)

// TestInstallAndSaveEveryLine (the lines only our imitation stands for;
// TestRealInstallSaveUninstall drives the real ones) logs in, installs the fixture extension by
// the line's route, reads its form (every input type, two tabs), posts it
// with mistakes and reads the errors back, then saves it and checks the
// rows with the line's code, key prefix and serialisation.
func TestInstallAndSaveEveryLine(t *testing.T) {
	env := testenv.Get(t)
	for _, v := range imitationVersions {
		t.Run(v, func(t *testing.T) {
			t.Parallel()
			s := newStore(t, env, v, adminfixture.Options{}, fixture.Options{})
			ctx := ctxT(t)
			sess, err := admin.Open(ctx, s.admin.URL, s.dialect, admin.Login{Username: fixture.AdminUser, Password: fixture.AdminPassword}, admin.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer sess.Close(ctx)
			q := s.StoreDB(t)

			if err := sess.Install(ctx, s.ext); err != nil {
				t.Fatal(err)
			}
			if n := queryInt(t, q, "SELECT COUNT(*) FROM "+s.Table("extension")+" WHERE type = 'payment' AND code = 'ocsfix'"); n != 1 {
				t.Fatalf("%d extension rows", n)
			}
			if n := queryInt(t, q, "SELECT COUNT(*) FROM "+s.Table("ocsfix_fixture_install")); n != 1 {
				t.Fatalf("the extension's install() ran %d times", n)
			}
			var perm string
			if err := q.QueryRow("SELECT permission FROM " + s.Table("user_group") + " WHERE user_group_id = 1").Scan(&perm); err != nil {
				t.Fatal(err)
			}
			route := s.ext.Route(s.dialect.Line)
			if !strings.Contains(perm, strings.ReplaceAll(route, "/", `\/`)) && !strings.Contains(perm, route) {
				t.Fatalf("permission %s lacks %s", perm, route)
			}

			page, err := sess.OpenSettings(ctx, s.ext)
			if err != nil {
				t.Fatal(err)
			}
			f := page.Form
			code := s.ext.SettingCode(s.dialect.Line)
			name := func(n string) string { return code + "_" + n }
			for n, want := range map[string]admin.Kind{
				"merchant": admin.Text, "secret": admin.Password, "mode": admin.Select, "sandbox": admin.Radio,
				"status": admin.Checkbox, "notes": admin.TextArea, "networks[]": admin.MultiSelect,
				"cards[]": admin.CheckboxGroup, "callback": admin.Hidden, "form_version": admin.Hidden,
			} {
				fl := f.Field(name(n))
				if fl == nil {
					t.Fatalf("no field %s in %+v", name(n), f.Values())
				}
				if fl.Kind != want {
					t.Errorf("%s is %s, want %s", fl.Name, fl.Kind, want)
				}
			}
			if got := f.Field(name("merchant")); got.Label != "Merchant ID" || !got.Required || got.Tab != "General" || got.Help != "From the provider's portal" {
				t.Errorf("merchant: %+v", got)
			}
			if got := f.Field(name("cards[]")); got.Tab != "Advanced" || len(got.Options) != 2 || got.Options[1].Label != "Meeza" {
				t.Errorf("cards: %+v", got)
			}
			if !slices.Equal(f.Tabs, []string{"General", "Advanced"}) {
				t.Errorf("tabs %q", f.Tabs)
			}
			if got := f.Field(name("mode")).Value(); got != "test" {
				t.Errorf("mode defaults to %q", got)
			}
			if err := f.Set(name("mode"), "paypal"); err == nil {
				t.Error("a value that is not an option was accepted")
			}

			// Mistakes: no merchant id, a short secret. Nothing is saved.
			must(t, f.Set(name("secret"), "short"))
			res, err := sess.Save(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			if res.Saved || res.Err() == nil {
				t.Fatalf("saved with mistakes: %+v", res)
			}
			errs := map[string]string{}
			for _, fe := range res.Errors {
				errs[fe.Field] = fe.Label + "|" + fe.Message
			}
			if !strings.Contains(errs[name("merchant")], "Merchant ID|Merchant ID required") || !strings.Contains(errs[name("secret")], "at least 12") {
				t.Fatalf("errors %q", errs)
			}
			if got := settings(t, s, code); len(got) != 0 {
				t.Fatalf("settings written despite errors: %v", got)
			}

			must(t, f.Set(name("merchant"), "M-1 'quoted' & <b>"))
			must(t, f.Set(name("secret"), "s3cret-s3cret"))
			must(t, f.Set(name("mode"), "live"))
			must(t, f.Set(name("sandbox"), "1"))
			must(t, f.Set(name("status"), "1"))
			must(t, f.Set(name("notes"), "line one\nline two"))
			must(t, f.Set(name("networks[]"), "visa", "amex"))
			must(t, f.Set(name("cards[]"), "meeza"))
			res, err = sess.Save(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			if err := res.Err(); err != nil {
				t.Fatal(err)
			}
			want := map[string]string{
				name("merchant"): "M-1 'quoted' & <b>", name("secret"): "s3cret-s3cret", name("mode"): "live",
				name("sandbox"): "1", name("status"): "1", name("notes"): "line one\r\nline two",
				name("callback"): "cb-42", name("form_version"): "fixture-1",
				name("networks"): "serialized:" + list(s.dialect.Line, "visa", "amex"),
				name("cards"):    "serialized:" + list(s.dialect.Line, "meeza"),
			}
			got := settings(t, s, code)
			for k, v := range want {
				if got[k] != v {
					t.Errorf("%s = %q, want %q", k, got[k], v)
				}
			}

			// What was saved comes back in the form.
			page, err = sess.OpenSettings(ctx, s.ext)
			if err != nil {
				t.Fatal(err)
			}
			if v := page.Form.Values(); !slices.Equal(v[name("networks[]")], []string{"visa", "amex"}) || v[name("status")][0] != "1" || v[name("sandbox")][0] != "1" {
				t.Errorf("read back %v", v)
			}

			err = sess.RefreshModifications(ctx)
			switch s.dialect.Line {
			case store.Line15, store.Line40:
				if !errors.Is(err, admin.ErrNoModifications) {
					t.Errorf("refresh on %s: %v", v, err)
				}
			default:
				if err != nil {
					t.Fatal(err)
				}
				if n := s.admin.Refreshes(t); n != 1 {
					t.Errorf("%d refreshes", n)
				}
			}
		})
	}
}

// list is an array setting as the line stores it: serialize() on 1.5 and
// 2.0, json_encode() from 2.1.
func list(line store.Line, items ...string) string {
	if !line.AtLeast(store.Line21) {
		out := "a:" + strconv.Itoa(len(items)) + ":{"
		for i, s := range items {
			out += "i:" + strconv.Itoa(i) + ";s:" + strconv.Itoa(len(s)) + `:"` + s + `";`
		}
		return out + "}"
	}
	return `["` + strings.Join(items, `","`) + `"]`
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestLoginFailures: each way a login fails gives its reason, in words.
// The wrong passwords of 1.5 and 2.2 are the imitation's (those lines do
// not run on PHP 8.2); the captcha is on the real stores' login form, put
// there by a module of ours as a security add-on would.
func TestLoginFailures(t *testing.T) {
	env := testenv.Get(t)
	cases := []struct {
		name, version string
		login         admin.Login
		want          admin.LoginReason
		words         string
	}{
		{"wrong password 2.2", "2.2.0.0", admin.Login{Username: fixture.AdminUser, Password: "nope"}, admin.WrongLogin, "user name or password is wrong"},
		{"wrong password 1.5", "1.5.6.4", admin.Login{Username: fixture.AdminUser, Password: "nope"}, admin.WrongLogin, "No match for Username"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			s := newStore(t, env, c.version, adminfixture.Options{}, fixture.Options{})
			_, err := admin.Open(ctxT(t), s.admin.URL, s.dialect, c.login, admin.Options{})
			var le *admin.LoginError
			if !errors.As(err, &le) || le.Reason != c.want || !strings.Contains(err.Error(), c.words) {
				t.Fatalf("got %v, want %s with %q", err, c.want, c.words)
			}
		})
	}
	for _, v := range []string{"2.3.0.2", "3.0.3.9", "4.1.0.4"} {
		t.Run("captcha "+v, func(t *testing.T) {
			t.Parallel()
			rs := env.Store(t, v)
			env.AddLoginCaptcha(t, rs)
			_, err := admin.Open(ctxT(t), rs.URL+rs.AdminDir+"/", realDialect(t, rs), admin.Login{Username: rs.AdminUser, Password: rs.AdminPassword}, admin.Options{})
			var le *admin.LoginError
			if !errors.As(err, &le) || le.Reason != admin.Captcha || !strings.Contains(err.Error(), "g-recaptcha") || !strings.Contains(err.Error(), "does not solve captchas") {
				t.Fatalf("got %v, want %s naming the g-recaptcha widget", err, admin.Captcha)
			}
		})
	}
	t.Run("not an admin", func(t *testing.T) {
		t.Parallel()
		rs := env.Store(t, "3.0.3.9")
		_, err := admin.Open(ctxT(t), rs.URL, realDialect(t, rs), admin.Login{Username: "a", Password: "b"}, admin.Options{})
		var le *admin.LoginError
		if !errors.As(err, &le) || le.Reason != admin.NoLoginForm {
			t.Fatalf("got %v", err)
		}
	})
}

// TestRenamedAdminFolder: 4.x stores may rename the admin folder; the
// session works at whatever address the admin has (a real 4.0 store whose
// admin/ became manage7/, its config.php changed to match).
func TestRenamedAdminFolder(t *testing.T) {
	env := testenv.Get(t)
	rs := env.Store(t, "4.0.2.3")
	q := realSQL(t, env, rs)
	placeOcpay(t, env, rs, q)
	if err := os.Rename(filepath.Join(rs.Root, "admin"), filepath.Join(rs.Root, "manage7")); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(rs.Root, "manage7", "config.php")
	b, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	b = []byte(strings.NewReplacer("/admin/'", "/manage7/'", "'admin/'", "'manage7/'").Replace(string(b)))
	if err := os.WriteFile(cfg, b, 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := ctxT(t)
	sess, err := admin.Open(ctx, rs.URL+"manage7/", realDialect(t, rs), admin.Login{Username: rs.AdminUser, Password: rs.AdminPassword}, admin.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ext := admin.Extension{Type: "payment", Code: testext.Code, Folder: testext.Code}
	if err := sess.Install(ctx, ext); err != nil {
		t.Fatal(err)
	}
	if _, err := sess.OpenSettings(ctx, ext); err != nil {
		t.Fatal(err)
	}
}

// TestHiddenAlertOnEveryLine: a settings page that always carries a hidden
// error block (LatitudePay's shape) is judged by what it shows: saved when
// the store accepts, refused with only the visible messages otherwise.
func TestHiddenAlertOnEveryLine(t *testing.T) {
	env := testenv.Get(t)
	ext := fixtureExt
	ext.HiddenAlert = "You have to set at least one value for Payment Terms!"
	// 1.5 does not run on PHP 8.2: its admin is our imitation. The real
	// lines' pages carry the same hidden block (the test extension's):
	// TestRealInstallSaveUninstall.
	for _, v := range []string{"1.5.6.4"} {
		t.Run(v, func(t *testing.T) {
			t.Parallel()
			s := newStore(t, env, v, adminfixture.Options{Extensions: []adminfixture.Extension{ext}}, fixture.Options{})
			ctx := ctxT(t)
			sess, err := admin.Open(ctx, s.admin.URL, s.dialect, admin.Login{Username: fixture.AdminUser, Password: fixture.AdminPassword}, admin.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer sess.Close(ctx)
			must(t, sess.Install(ctx, s.ext))
			page, err := sess.OpenSettings(ctx, s.ext)
			if err != nil {
				t.Fatal(err)
			}
			if len(page.Notices) != 0 {
				t.Fatalf("hidden alert read as a notice: %q", page.Notices)
			}
			name := func(n string) string { return s.ext.SettingCode(s.dialect.Line) + "_" + n }
			res, err := sess.Save(ctx, page.Form) // no merchant id: refused
			if err != nil {
				t.Fatal(err)
			}
			msg := fmt.Sprint(res.Err())
			if res.Saved || !strings.Contains(msg, "Merchant ID required") || strings.Contains(msg, "Payment Terms") {
				t.Fatalf("refusal read as %+v: %s", res, msg)
			}
			must(t, page.Form.Set(name("merchant"), "M-1"))
			must(t, page.Form.Set(name("secret"), "s3cret-s3cret"))
			res, err = sess.Save(ctx, page.Form)
			if err != nil {
				t.Fatal(err)
			}
			if !res.Saved || len(res.Warnings) != 0 || len(res.Errors) != 0 {
				t.Fatalf("save read as %+v", res)
			}
		})
	}
}
