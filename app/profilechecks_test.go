package app

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ocsetup/ocsetup/installer/access"
	"github.com/ocsetup/ocsetup/installer/db"
	"github.com/ocsetup/ocsetup/installer/integrations"
	"github.com/ocsetup/ocsetup/installer/keygen"
	"github.com/ocsetup/ocsetup/installer/phpconf"
	"github.com/ocsetup/ocsetup/installer/remote"
	"github.com/ocsetup/ocsetup/installer/settings"
	"github.com/ocsetup/ocsetup/installer/store"
	"github.com/ocsetup/ocsetup/internal/fixture"
	"github.com/ocsetup/ocsetup/internal/testenv"
)

// profileScene is a 3.0 fixture store set up for one integration, with
// the store's database open for the test to set up and break things.
type profileScene struct {
	st    *fixture.Store
	ts    testenv.Site
	d     db.DB
	sc    *db.Schema
	vars  map[string]string
	setup string
}

func newProfileScene(t *testing.T, env *testenv.Env, integration, settingsYAML string) *profileScene {
	t.Helper()
	ts := env.Site(t, testenv.SFTP)
	st := fixture.New(t, env, ts, fixture.Options{Version: "3.0.3.8"})
	ctx := context.Background()
	tr := remote.NewTrust(t.TempDir())
	tr.TrustNew = true
	pool, err := remote.Open(ctx, remote.Site{Protocol: remote.SFTP, Host: ts.Host, Port: ts.Port, User: ts.User,
		Password: ts.Password, Timeout: 10 * time.Second}, tr, 1)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pool.Close() })
	creds, err := db.Read(ctx, pool, store.Store{Root: st.Remote, Version: st.Version, Line: store.Line30, AdminDir: "admin"})
	if err != nil {
		t.Fatal(err)
	}
	d, _, err := db.Connect(ctx, pool, creds, db.Options{Routes: []db.Route{db.RouteDirect}, DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	sc, _ := d.Schema(ctx)
	dir := t.TempDir()
	setup := filepath.Join(dir, "setup.yaml")
	body := fmt.Sprintf("site: sftp://%s@%s%s\nintegration: %s\naccess:\n  api_user: Default\n  cron: app\n  ips: [127.0.0.1]\n%s", ts.User, ts.Addr(), st.Remote, integration, settingsYAML)
	if err := os.WriteFile(setup, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return &profileScene{st: st, ts: ts, d: d, sc: sc, setup: setup,
		vars: map[string]string{PasswordVar: ts.Password, DataDirVar: t.TempDir()}}
}

// results runs `ocsetup test` and returns each check's status by id.
func (p *profileScene) results(t *testing.T) map[string]string {
	t.Helper()
	code, out, errOut := run(t, p.vars, "test", p.setup, "--trust-new", "--json")
	if code != 0 && code != 1 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var rep struct {
		Checks []struct{ ID, Status, Cause, Detail string } `json:"checks"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	got := map[string]string{}
	for _, c := range rep.Checks {
		got[c.ID] = c.Status
		if c.Status == "fail" {
			t.Logf("%s failed: %s %s", c.ID, c.Cause, c.Detail)
		}
	}
	return got
}

// onlyFails asserts that exactly the named check fails.
func onlyFails(t *testing.T, got map[string]string, id string) {
	t.Helper()
	for k, v := range got {
		if (k == id) != (v == "fail") {
			t.Errorf("%s: %s", k, v)
		}
	}
	if _, ok := got[id]; !ok && id != "" {
		t.Errorf("no check %q in %v", id, got)
	}
}

func TestOneBoxChecks(t *testing.T) {
	env := testenv.Get(t)
	p := newProfileScene(t, env, "onebox", "")
	key, _ := keygen.Generate(64)
	p.vars[SecretVar(APIKeyField)] = key
	ctx := context.Background()
	if _, err := access.EnsureAPIUser(ctx, p.d, p.sc, store.Line30, access.APIUser{Name: "Default", Key: key, IPs: []string{"127.0.0.1"}, ReplaceKey: true}); err != nil {
		t.Fatal(err)
	}
	cron := filepath.Join(p.st.Local, filepath.FromSlash(phpconf.OneBoxCronPath))
	must(t, os.MkdirAll(filepath.Dir(cron), 0o755))
	src, err := phpconf.SetOneBoxCron([]byte("<?php\n$host = '';\n$apiKey = '';\n"), p.st.URL, key)
	must(t, err)
	must(t, os.WriteFile(cron, src, 0o644))
	must(t, testenv.ChownTree(p.st.Local, p.ts.UID, p.ts.GID))
	onlyFails(t, p.results(t), "")

	other, _ := phpconf.SetOneBoxCron(src, p.st.URL, key[:60]+"zzzz")
	must(t, os.WriteFile(cron, other, 0o644))
	onlyFails(t, p.results(t), "onebox-cron")
}

func TestAPSChecks(t *testing.T) {
	env := testenv.Get(t)
	// The fixture store imitates the admin and the module's settings, not
	// a checkout: the checkout check runs on the real stores
	// (installer/check), so it is switched off here.
	p := newProfileScene(t, env, "amazon_ps", "payment_method: none\nsettings:\n  merchant_identifier: TESTMERCHANT\n")
	for k, v := range map[string]string{"access_code": "zx0IPmPy5jp1vAz8Kpg7", "request_sha_phrase": "req-phrase-1", "response_sha_phrase": "resp-phrase-1"} {
		p.vars[SecretVar(k)] = v
	}
	ctx := context.Background()
	prof, _ := integrations.ByID("amazon_ps")
	target, err := settings.ReadTarget(ctx, p.d, p.sc, store.Line30, "3.0.3.8", p.st.URL)
	must(t, err)
	values := integrations.Values{"merchant_identifier": "TESTMERCHANT", "access_code": "zx0IPmPy5jp1vAz8Kpg7",
		"request_sha_phrase": "req-phrase-1", "response_sha_phrase": "resp-phrase-1"}
	plan, err := prof.Plan(target, values)
	must(t, err)
	if _, err := settings.WriteDirect(ctx, p.d, p.sc, store.Line30, plan, settings.DirectOptions{DataDir: t.TempDir()}); err != nil {
		t.Fatal(err)
	}
	ctrl := filepath.Join(p.st.Local, "catalog", "controller", "extension", "payment", "amazon_ps.php")
	must(t, os.MkdirAll(filepath.Dir(ctrl), 0o755))
	must(t, os.WriteFile(ctrl, []byte("<?php class ControllerExtensionPaymentAmazonPs extends Controller {}\n"), 0o644))
	must(t, testenv.ChownTree(p.st.Local, p.ts.UID, p.ts.GID))
	onlyFails(t, p.results(t), "")

	// The module's files are gone: the portal's calls would get 404.
	must(t, os.Remove(ctrl))
	onlyFails(t, p.results(t), "aps-endpoint")
	must(t, os.WriteFile(ctrl, []byte("<?php\n"), 0o644))

	// Someone changed the merchant identifier in the admin.
	table, _ := db.Table(p.sc.Prefix, "setting")
	must(t, p.d.Tx(ctx, func(tx db.Tx) error {
		tx.Exec("UPDATE " + table + " SET value = 'OTHER' WHERE `key` = 'payment_amazon_ps_merchant_identifier'")
		return nil
	}))
	onlyFails(t, p.results(t), "settings")
}

func TestLatitudeClosureWarns(t *testing.T) {
	f := &SetupFile{Integration: "latitudepay"}
	p, _ := integrations.ByID(f.Integration)
	checks := profileChecks(p, f, func(string) string { return "" })
	if len(checks) == 0 || checks[0].ID != "service" {
		t.Fatalf("%+v", checks)
	}
	r := checks[0].Run(context.Background(), nil)
	if r.Status != "warn" || !strings.Contains(r.Cause, "11 April 2023") {
		t.Fatalf("%+v", r)
	}
}
