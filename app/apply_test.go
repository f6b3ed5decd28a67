package app

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ocsetup/ocsetup/installer/admin"
	"github.com/ocsetup/ocsetup/installer/db"
	"github.com/ocsetup/ocsetup/installer/remote"
	"github.com/ocsetup/ocsetup/installer/store"
	"github.com/ocsetup/ocsetup/internal/fixture"
	"github.com/ocsetup/ocsetup/internal/testenv"
	"github.com/ocsetup/ocsetup/internal/testext"
)

const testKey = "k3y-0123456789abcdefghijKLMNOP"

// runApplyCLI runs `ocsetup apply` (registering it when NewCLI does not yet).
func runApplyCLI(t testing.TB, vars map[string]string, args ...string) (int, string, string) {
	t.Helper()
	cli := NewCLI()
	if _, ok := cli.commands["apply"]; !ok {
		cli.addApply()
	}
	var o, e bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	code := cli.Run(ctx, args, IO{In: strings.NewReader(""), Out: &o, Err: &e, Getenv: func(k string) string { return vars[k] }})
	return code, o.String(), e.String()
}

// applyShop is a real store of the test environment in the shape of a
// fixture store, on the SFTP site.
type applyShop struct {
	*fixture.Store
	site testenv.Site
	vars map[string]string
	// real is the real store of the test environment, when it is one.
	real testenv.RealStore
}

// newRealApplyShop is a real store of the test environment (restored to
// its snapshot, locked for the test) in the shape of an applyShop: the
// store's own admin answers, not an imitation.
func newRealApplyShop(t *testing.T, env *testenv.Env, version string) *applyShop {
	t.Helper()
	ts := env.Site(t, testenv.SFTP)
	rs := env.Store(t, version)
	st := &fixture.Store{Options: fixture.Options{Version: version, Root: rs.Root, URL: rs.URL, Prefix: "oc_", AdminDir: rs.AdminDir,
		DB: fixture.DB{Host: env.MySQL.Host, Port: env.MySQL.Port, User: rs.DBUser, Password: rs.DBPassword, Name: rs.Database}},
		Remote: rs.RemoteRoot(ts), Local: rs.Root}
	return &applyShop{Store: st, site: ts, real: rs, vars: map[string]string{PasswordVar: ts.Password, DataDirVar: t.TempDir()}}
}

// despatchVariant is a Despatch-Cloud-shaped module of our own.
func despatchVariant() testext.Variant {
	return testext.Variant{Type: "module", Code: "despatch_cloud", Title: "Despatch Cloud", Fields: []testext.Field{
		{Name: "status", Label: "Status", Kind: testext.Select},
		{Name: "api_key", Label: "API key", Kind: testext.Password, Required: true, MinLength: 24},
		{Name: "order_prefix", Label: "Order prefix", Kind: testext.Text},
	}}
}

// putModule lays a module's files into the real store as a merchant who
// uploaded it by hand (not installed).
func (s *applyShop) putModule(t *testing.T, v testext.Variant) {
	t.Helper()
	files, err := testext.FilesOf(s.real.Line, v)
	must(t, err)
	for rel, b := range files {
		p := filepath.Join(s.Local, filepath.FromSlash(rel))
		must(t, os.MkdirAll(filepath.Dir(p), 0o755))
		must(t, os.WriteFile(p, b, 0o644))
	}
	must(t, testenv.ChownTree(s.Local, s.site.UID, s.site.GID))
}

// setupFile writes a setup file for the shop.
func (s *applyShop) setupFile(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "setup.yaml")
	content := fmt.Sprintf("site: %s\n%s", siteURL(s.site, s.Remote), body)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// fingerprint is a checksum of the tables a setup can change, to tell
// that nothing changed.
func (s *applyShop) fingerprint(t *testing.T) string {
	t.Helper()
	q := s.StoreDB(t)
	tables := []string{"setting", "extension", "user_group", "user", "event", "order_status"}
	var parts []string
	for _, tb := range tables {
		var name string
		var sum *int64
		if err := q.QueryRow("CHECKSUM TABLE "+s.Table(tb)).Scan(&name, &sum); err != nil {
			t.Fatalf("%s: %v", tb, err)
		}
		if sum != nil {
			parts = append(parts, fmt.Sprintf("%s=%d", tb, *sum))
		}
	}
	return strings.Join(parts, " ")
}

func (s *applyShop) count(t *testing.T, query string, args ...any) int {
	t.Helper()
	var n int
	if err := s.StoreDB(t).QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func TestApplyHelpPrintsACompleteExample(t *testing.T) {
	code, out, errOut := runApplyCLI(t, nil, "help", "apply")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{exampleSetupFile("en"), "integration: amazon_ps", "merchant_identifier:", "$OCSETUP_SECRET_ACCESS_CODE",
		"integration: latitudepay", "11 April 2023", "integration: despatch_cloud", "order_prefix:", "integration: onebox", "integration: custom",
		"--settings-via", AdminPasswordVar} {
		if !strings.Contains(out, want) {
			t.Errorf("help lacks %q", want)
		}
	}
}

// TestApplyThroughTheAdmin runs a whole setup: the settings go in through
// the store's admin with a temporary account, which is gone afterwards;
// the key is masked in the output.
func TestApplyThroughTheAdmin(t *testing.T) {
	env := testenv.Get(t)
	s := newRealApplyShop(t, env, "3.0.3.9")
	// The module, uploaded by the merchant before (not installed).
	s.putModule(t, despatchVariant())
	file := s.setupFile(t, "integration: despatch_cloud\nsettings:\n  order_prefix: WEB-\n")
	s.vars["OCSETUP_SECRET_API_KEY"] = testKey
	code, out, errOut := runApplyCLI(t, s.vars, "apply", file, "--trust-new", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s\n%s", code, errOut, out)
	}
	if strings.Contains(out+errOut, testKey) || strings.Contains(out+errOut, s.DB.Password) {
		t.Fatal("a secret was printed")
	}
	var res struct {
		Settings struct {
			Via       string `json:"via"`
			Installed bool   `json:"installed"`
		} `json:"settings"`
		Show []struct{ Label, Value string } `json:"show"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if res.Settings.Via != "admin" || !res.Settings.Installed || len(res.Show) != 2 || res.Show[0].Value != s.URL || res.Show[1].Value != "********" {
		t.Fatalf("%s", out)
	}
	if n := s.count(t, "SELECT COUNT(*) FROM "+s.Table("setting")+" WHERE `key` = 'module_despatch_cloud_api_key' AND value = ?", testKey); n != 1 {
		t.Fatal("the key was not saved")
	}
	if n := s.count(t, "SELECT COUNT(*) FROM "+s.Table("user")+" WHERE username LIKE 'ocsetup\\_%'"); n != 0 {
		t.Fatalf("%d temporary accounts left", n)
	}
	// --reveal shows the key to hand over.
	code, out, _ = runApplyCLI(t, s.vars, "apply", file, "--reveal")
	if code != 0 || !strings.Contains(out, testKey) || !strings.Contains(out, "saved through the store's admin") {
		t.Fatalf("exit %d: %s", code, out)
	}
}

// TestApplyBadInputs: each mistake stops the run with a clear message
// before anything in the store changes.
func TestApplyBadInputs(t *testing.T) {
	env := testenv.Get(t)
	aps := "integration: amazon_ps\nsettings:\n  merchant_identifier: %s\n"
	cases := []struct {
		name, body string
		vars       map[string]string
		args       []string
		want       []string
	}{
		{"empty merchant identifier", fmt.Sprintf(aps, `""`), map[string]string{"OCSETUP_SECRET_ACCESS_CODE": "a", "OCSETUP_SECRET_REQUEST_SHA_PHRASE": "b", "OCSETUP_SECRET_RESPONSE_SHA_PHRASE": "c"}, nil,
			[]string{"Merchant identifier: is required", "nothing was changed"}},
		{"missing SHA phrases", fmt.Sprintf(aps, "MxvOupuG"), map[string]string{"OCSETUP_SECRET_ACCESS_CODE": "a"}, nil,
			[]string{"Request SHA phrase: is required", "Response SHA phrase: is required", "OCSETUP_SECRET_RESPONSE_SHA_PHRASE"}},
		{"key too short", "integration: despatch_cloud\n", map[string]string{"OCSETUP_SECRET_API_KEY": "too-short"}, nil,
			[]string{"API key: is 9 characters long; it needs at least 24"}},
		{"prefix with a quote", "integration: despatch_cloud\nsettings:\n  order_prefix: \"WEB'1\"\n", nil, nil,
			[]string{"Order-ID prefix:", "no quotes"}},
		{"currency no profile supports", "integration: latitudepay\n", map[string]string{"OCSETUP_SECRET_API_KEY": testKey, "OCSETUP_SECRET_API_SECRET": testKey}, nil,
			[]string{"default currency is USD", "AUD", "NZD", "11 April 2023"}},
		{"wrong admin password", "integration: despatch_cloud\n", map[string]string{AdminPasswordVar: "not-the-admin-password"}, []string{"--admin-user", fixture.AdminUser, "--settings-via", "admin"},
			[]string{"refused the admin login", "user name or password is wrong"}},
		{"captcha on the login form", "integration: despatch_cloud\n", nil, []string{"--settings-via", "admin"},
			[]string{"captcha"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			// The real store; the captcha is a security add-on's, put on
			// the login form by a module of ours.
			s := newRealApplyShop(t, env, "3.0.3.9")
			if strings.Contains(c.name, "captcha") {
				env.AddLoginCaptcha(t, s.real)
			}
			before := s.fingerprint(t)
			for k, v := range c.vars {
				s.vars[k] = v
			}
			args := append([]string{"apply", s.setupFile(t, c.body), "--trust-new"}, c.args...)
			code, out, errOut := runApplyCLI(t, s.vars, args...)
			if code != 1 {
				t.Fatalf("exit %d: %s %s", code, out, errOut)
			}
			for _, w := range c.want {
				if !strings.Contains(errOut, w) {
					t.Errorf("%q lacks %q", errOut, w)
				}
			}
			if after := s.fingerprint(t); after != before {
				t.Fatalf("the store changed: %s → %s", before, after)
			}
		})
	}
}

// TestApplyOneBox: the API user, cron.php's $host and $apiKey, the
// database login to hand over (masked).
func TestApplyOneBox(t *testing.T) {
	env := testenv.Get(t)
	s := newRealApplyShop(t, env, "2.3.0.2")
	cron := filepath.Join(s.Local, "catalog", "onebox", "cron.php")
	must(t, os.MkdirAll(filepath.Dir(cron), 0o755))
	must(t, os.WriteFile(cron, []byte("<?php\n$languages = array('ru');\n$host = '';\n$track = 'catalog/onebox/';\n$apiKey = '';\n"), 0o644))
	must(t, testenv.ChownTree(filepath.Dir(cron), s.site.UID, s.site.GID))
	file := s.setupFile(t, "integration: onebox\naccess:\n  ips: [203.0.113.7]\n  cron: none\nsettings:\n  service_ip: 203.0.113.7\n")
	var before string
	must(t, s.StoreDB(t).QueryRow("SELECT `key` FROM "+s.Table("api")+" WHERE name = 'Default'").Scan(&before))
	code, out, errOut := runApplyCLI(t, s.vars, "apply", file, "--trust-new", "--reveal")
	if code != 0 {
		t.Fatalf("exit %d: %s\n%s", code, errOut, out)
	}
	b, err := os.ReadFile(cron)
	must(t, err)
	var key string
	if err := s.StoreDB(t).QueryRow("SELECT `key` FROM " + s.Table("api") + " WHERE name = 'Default' ORDER BY api_id DESC LIMIT 1").Scan(&key); err != nil {
		t.Fatal(err)
	}
	// No key was given: Default keeps its own, and cron.php is given it.
	if key != before || len(key) < 64 || !strings.Contains(string(b), "$apiKey = '"+key+"';") || !strings.Contains(string(b), "$host = '"+s.URL+"';") {
		t.Fatalf("cron.php:\n%s\nkey %s", b, key)
	}
	if !strings.Contains(out, "GRANT SELECT, INSERT, UPDATE, DELETE ON `"+s.DB.Name+"`.* TO '"+s.DB.User+"'@'203.0.113.7'") || !strings.Contains(out, s.DB.Password) {
		t.Fatalf("no grant or password to hand over: %s", out)
	}
	code, out, _ = runApplyCLI(t, s.vars, "apply", file)
	if code != 0 || strings.Contains(out, s.DB.Password) {
		t.Fatalf("exit %d, password shown without --reveal: %s", code, out)
	}
}

// TestApplyRemovesAKilledRunsAccount: a temporary admin account recorded
// by a run that died is removed by the next apply on the same store.
func TestApplyRemovesAKilledRunsAccount(t *testing.T) {
	env := testenv.Get(t)
	s := newRealApplyShop(t, env, "4.0.2.3")
	// 4.x registers an extension with its files: the merchant uploaded the
	// module by hand before.
	dc := filepath.Join(s.Local, "extension/despatch_cloud/admin/controller/module/despatch_cloud.php")
	must(t, os.MkdirAll(filepath.Dir(dc), 0o755))
	must(t, os.WriteFile(dc, []byte("<?php\n"), 0o644))
	ctx := context.Background()
	site := remote.Site{Protocol: remote.SFTP, Host: s.site.Host, Port: s.site.Port, User: s.site.User, Password: s.site.Password, Timeout: 10 * time.Second}
	tr := remote.NewTrust(t.TempDir())
	tr.TrustNew = true
	pool, err := remote.Open(ctx, site, tr, 1)
	must(t, err)
	defer pool.Close()
	creds, err := db.Read(ctx, pool, store.Store{Root: s.Remote, Version: s.Version, Line: store.Line40, AdminDir: "admin"})
	must(t, err)
	d, _, err := db.Connect(ctx, pool, creds, db.Options{Routes: []db.Route{db.RouteDirect}, DataDir: t.TempDir()})
	must(t, err)
	defer d.Close()
	sc, err := d.Schema(ctx)
	must(t, err)
	// The "killed" run: the account and its record, never removed.
	acc, err := admin.CreateTempAccount(ctx, d, sc, store.Line40, admin.RecordPlace{DataDir: s.vars[DataDirVar], Site: site, Root: s.Remote})
	must(t, err)

	file := s.setupFile(t, "integration: despatch_cloud\n")
	s.vars["OCSETUP_SECRET_API_KEY"] = testKey
	code, out, errOut := runApplyCLI(t, s.vars, "apply", file, "--trust-new", "--settings-via", "database")
	if code != 0 || !strings.Contains(out, "removed:   temporary admin account "+acc.Username) {
		t.Fatalf("exit %d: %s %s", code, out, errOut)
	}
	// On 4.0 the extension's files on the store are registered with it:
	// the folders and the controller.
	if n := s.count(t, "SELECT COUNT(*) FROM "+s.Table("extension_path")+" WHERE path LIKE 'despatch\\_cloud%'"); n != 5 {
		t.Errorf("%d extension paths", n)
	}
	if n := s.count(t, "SELECT COUNT(*) FROM "+s.Table("user")+" WHERE username = ?", acc.Username); n != 0 {
		t.Fatal("the killed run's account is still there")
	}
	if left, _ := admin.Leftovers(s.vars[DataDirVar]); len(left) != 0 {
		t.Fatalf("records left: %+v", left)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestApplyWithPackage: the package goes up with the deploy engine, and
// on 4.0 the database fallback registers the uploaded files
// (extension_install, extension_path) with the extension.
func TestApplyWithPackage(t *testing.T) {
	env := testenv.Get(t)
	s := newRealApplyShop(t, env, "4.0.2.3")
	dir := t.TempDir()
	zipPath := filepath.Join(dir, "despatch_cloud.ocmod.zip")
	f, err := os.Create(zipPath)
	must(t, err)
	zw := zip.NewWriter(f)
	for name, body := range map[string]string{
		"install.json": `{"name": "Despatch Cloud", "version": "1.0.0", "author": "Test Author", "link": "https://example.com/"}`,
		"admin/controller/module/despatch_cloud.php": "<?php\n// test module\n",
	} {
		w, err := zw.Create(name)
		must(t, err)
		_, err = w.Write([]byte(body))
		must(t, err)
	}
	must(t, zw.Close())
	must(t, f.Close())
	file := filepath.Join(dir, "setup.yaml")
	must(t, os.WriteFile(file, []byte(fmt.Sprintf("site: %s\nintegration: despatch_cloud\npackage: despatch_cloud.ocmod.zip\n", siteURL(s.site, s.Remote))), 0o600))
	s.vars["OCSETUP_SECRET_API_KEY"] = testKey
	code, out, errOut := runApplyCLI(t, s.vars, "apply", file, "--trust-new", "--settings-via", "database", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s\n%s", code, errOut, out)
	}
	var res struct {
		Package struct {
			Manifest string `json:"manifest"`
			Sent     int    `json:"files_sent"`
		} `json:"package"`
		Settings struct{ Via string } `json:"settings"`
	}
	must(t, json.Unmarshal([]byte(out), &res))
	if res.Package.Manifest == "" || res.Package.Sent == 0 || res.Settings.Via != "database" {
		t.Fatalf("%s", out)
	}
	if _, err := os.Stat(filepath.Join(s.Local, "extension", "despatch_cloud", "admin", "controller", "module", "despatch_cloud.php")); err != nil {
		t.Fatal(err)
	}
	if n := s.count(t, "SELECT COUNT(*) FROM "+s.Table("extension_path")+" p JOIN "+s.Table("extension_install")+" i USING (extension_install_id) WHERE i.code = 'despatch_cloud' AND i.name = 'Despatch Cloud' AND p.path = 'despatch_cloud/admin/controller/module/despatch_cloud.php'"); n != 1 {
		t.Fatalf("the uploaded controller is not registered (%d)", n)
	}
}
