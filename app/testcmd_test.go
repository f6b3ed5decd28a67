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
	"github.com/ocsetup/ocsetup/installer/check"
	"github.com/ocsetup/ocsetup/installer/db"
	"github.com/ocsetup/ocsetup/installer/keygen"
	"github.com/ocsetup/ocsetup/installer/phpconf"
	"github.com/ocsetup/ocsetup/installer/remote"
	"github.com/ocsetup/ocsetup/installer/store"
	"github.com/ocsetup/ocsetup/internal/fixture"
	"github.com/ocsetup/ocsetup/internal/testenv"
)

// TestTestCommandAndReports: `ocsetup test` on a store set up for OneBox
// passes, writes the three report formats, and no secret of the run is in
// any of them; a wrong key makes it exit 1.
func TestTestCommandAndReports(t *testing.T) {
	env := testenv.Get(t)
	ts := env.Site(t, testenv.SFTP)
	st := fixture.New(t, env, ts, fixture.Options{Version: "3.0.3.8"})
	key, _ := keygen.Generate(64)
	ctx := context.Background()
	tr := remote.NewTrust(t.TempDir())
	tr.TrustNew = true
	pool, err := remote.Open(ctx, remote.Site{Protocol: remote.SFTP, Host: ts.Host, Port: ts.Port, User: ts.User,
		Password: ts.Password, Timeout: 10 * time.Second}, tr, 1)
	if err != nil {
		t.Fatal(err)
	}
	creds, err := db.Read(ctx, pool, store.Store{Root: st.Remote, Version: st.Version, Line: store.Line30, AdminDir: "admin"})
	if err != nil {
		t.Fatal(err)
	}
	d, _, err := db.Connect(ctx, pool, creds, db.Options{Routes: []db.Route{db.RouteDirect}, DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	sc, _ := d.Schema(ctx)
	if _, err := access.EnsureAPIUser(ctx, d, sc, store.Line30, access.APIUser{Name: "Default", Key: key, IPs: []string{"127.0.0.1", "203.0.113.7"}, ReplaceKey: true}); err != nil {
		t.Fatal(err)
	}
	d.Close()
	pool.Close()

	// OneBox's cron.php, filled in as the Access step leaves it.
	cron := filepath.Join(st.Local, "catalog", "onebox", "cron.php")
	if err := os.MkdirAll(filepath.Dir(cron), 0o755); err != nil {
		t.Fatal(err)
	}
	src, err := phpconf.SetOneBoxCron([]byte("<?php\n$host = '';\n$apiKey = '';\n"), st.URL, key)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cron, src, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := testenv.ChownTree(st.Local, ts.UID, ts.GID); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	setup := filepath.Join(dir, "setup.yaml")
	body := fmt.Sprintf("site: sftp://%s@%s%s\nintegration: onebox\naccess:\n  api_user: Default\n  ips: [203.0.113.7]\n  cron: app\n", ts.User, ts.Addr(), st.Remote)
	if err := os.WriteFile(setup, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{PasswordVar: ts.Password, DataDirVar: t.TempDir(), SecretVar(APIKeyField): key}
	secretsUsed := []string{ts.Password, key, st.DB.Password}
	for _, ext := range []string{"md", "html", "json"} {
		report := filepath.Join(dir, "report."+ext)
		code, out, errOut := run(t, vars, "test", setup, "--trust-new", "--report", report)
		if code != 0 {
			t.Fatalf("exit %d\n%s%s", code, out, errOut)
		}
		b, err := os.ReadFile(report)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range secretsUsed {
			if strings.Contains(string(b), s) || strings.Contains(out, s) || strings.Contains(errOut, s) {
				t.Errorf("%s report or output contains a secret", ext)
			}
		}
		if !strings.Contains(string(b), "product_id=") || !strings.Contains(string(b), "3.0.3.8") {
			t.Errorf("%s report lacks the product link or version:\n%s", ext, b)
		}
	}
	// A bridge an earlier run left on this site is named; this run's own
	// bridge, which may be up while the leftovers check runs beside it, is
	// not (TestEarlierLeftoversOnlyBeforeRun makes that order certain).
	earlier := st.Remote + "/ocsetup-bridge-3a71e7.php"
	if _, err := db.RecordUpload(vars[DataDirVar], remote.Site{Protocol: remote.SFTP, Host: ts.Host, Port: ts.Port, User: ts.User}, earlier, time.Hour); err != nil {
		t.Fatal(err)
	}
	bridged := filepath.Join(dir, "bridged.yaml")
	if err := os.WriteFile(bridged, []byte(body+"db_routes: bridge\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := run(t, vars, "test", bridged, "--json")
	var rep check.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("exit %d: %v\n%s%s", code, err, out, errOut)
	}
	for _, r := range rep.Results {
		if r.ID == "db-route" && r.Status != check.Pass {
			t.Fatalf("the bridge route: %s %s %s", r.Status, r.Cause, r.Detail)
		}
		if r.ID == "leftovers" && (r.Status != check.Fail || !strings.Contains(r.Detail, earlier) || strings.Count(r.Detail, "ocsetup-bridge-") != 1) {
			t.Fatalf("leftovers: %s %s %q, want a failure naming only %s", r.Status, r.Cause, r.Detail, earlier)
		}
	}
	if code != 1 {
		t.Fatalf("a leftover on the store: exit %d\n%s%s", code, out, errOut)
	}
	recs, _ := db.Leftovers(vars[DataDirVar])
	if len(recs) != 1 || recs[0].Path != earlier {
		t.Fatalf("after the test, the records are %+v, want the earlier bridge's alone", recs)
	}

	vars[SecretVar(APIKeyField)] = key[:60] + "zzzz"
	code, out, _ = run(t, vars, "test", setup)
	if code != 1 || !strings.Contains(out, "did not accept the key the way the connector sends it") {
		t.Fatalf("wrong key: exit %d\n%s", code, out)
	}
}
