package app

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ocsetup/ocsetup/installer/access"
	"github.com/ocsetup/ocsetup/installer/admin"
	"github.com/ocsetup/ocsetup/installer/check"
	"github.com/ocsetup/ocsetup/installer/db"
	"github.com/ocsetup/ocsetup/installer/remote"
	"github.com/ocsetup/ocsetup/internal/testenv"
)

// eavesdropper is a proxy on the store's plain HTTP path that keeps
// everything that crosses it, both ways.
type eavesdropper struct {
	mu   sync.Mutex
	seen bytes.Buffer
}

func (e *eavesdropper) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		b, err := io.ReadAll(r.Body)
		r.Body.Close()
		if err != nil {
			return nil, err
		}
		e.keep(b)
		r.Body = io.NopCloser(bytes.NewReader(b))
	}
	resp, err := http.DefaultTransport.RoundTrip(r)
	if err != nil {
		return nil, err
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	e.keep(b)
	resp.Body = io.NopCloser(bytes.NewReader(b))
	return resp, nil
}

func (e *eavesdropper) keep(b []byte) {
	e.mu.Lock()
	e.seen.Write(b)
	e.seen.WriteByte('\n')
	e.mu.Unlock()
}

// saw says whether secret crossed, as it is or JSON-escaped.
func (e *eavesdropper) saw(secret string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	esc, _ := json.Marshal(secret)
	return strings.Contains(e.seen.String(), secret) || strings.Contains(e.seen.String(), strings.Trim(string(esc), `"`))
}

// TestPlainHTTPBridgeStepsLimited: on a real store without HTTPS, reached
// through the database bridge over plain HTTP (an eavesdropping proxy on
// the way), apply (access and settings, with the setup journal), test
// and uninstall each do their work, and what crossed the proxy holds
// neither the admin users' password hashes nor the key of the store's
// own API user "Default", which no step needs: the bridge of each command
// is limited to the tables and columns its steps use.
func TestPlainHTTPBridgeStepsLimited(t *testing.T) {
	env := testenv.Get(t)
	for _, v := range testenv.RealVersions {
		t.Run(v, func(t *testing.T) { plainHTTPBridgeSteps(t, env, v) })
	}
}

func plainHTTPBridgeSteps(t *testing.T, env *testenv.Env, version string) {
	s := newRealShop(t, env, version, testenv.FTP)
	name := "username"
	if s.rs.Line == "2.3" {
		name = "name"
	}
	env.Fresh(t, s.rs)
	backend, err := url.Parse(s.rs.URL)
	if err != nil {
		t.Fatal(err)
	}
	ears := &eavesdropper{}
	rp := httputil.NewSingleHostReverseProxy(&url.URL{Scheme: "http", Host: backend.Host})
	rp.Transport = ears
	proxy := httptest.NewServer(rp)
	defer proxy.Close()

	hash := s.value(t, "SELECT `password` FROM oc_user ORDER BY user_id LIMIT 1")
	defaultKey := s.value(t, "SELECT `key` FROM oc_api WHERE `"+name+"` = 'Default'")
	if len(hash) < 20 || len(defaultKey) < 20 {
		t.Fatalf("the store has no admin hash (%q) or Default key (%q) to look for", hash, defaultKey)
	}
	body, statusKey := chequeSetup(s.rs.Line)
	file := s.setupFile(t, body+"db_routes: bridge\nstore_url: "+proxy.URL+backend.Path+"\npayment_method: cheque\naccess:\n  api_user: ocsetup-plain\n  ips: [127.0.0.1]\n")

	// What a killed test left, which apply removes first (recovery).
	if _, err := s.sql.Exec("INSERT INTO oc_api (`" + name + "`, `key`, status, date_added, date_modified) VALUES ('ocsetup_check_5ca1ab1e', 'k', 1, NOW(), NOW())"); err != nil {
		t.Fatal(err)
	}
	site, err := remote.ParseURL(siteURL(s.site, s.rs.RemoteRoot(s.site)))
	if err != nil {
		t.Fatal(err)
	}
	rec, _ := json.Marshal(check.APIUserRecord{Place: admin.RecordPlace{Site: site, Root: s.rs.RemoteRoot(s.site), Database: s.rs.Database, Prefix: "oc_"},
		Username: "ocsetup_check_5ca1ab1e", Created: time.Now()})
	must(t, os.MkdirAll(filepath.Join(s.vars[DataDirVar], "api-users"), 0o700))
	must(t, os.WriteFile(filepath.Join(s.vars[DataDirVar], "api-users", "ocsetup_check_5ca1ab1e.json"), rec, 0o600))

	code, out, errOut := runApplyCLI(t, s.vars, "apply", file, "--trust-new", "--json")
	var res struct {
		DBRoute string `json:"db_route"`
	}
	_ = json.Unmarshal([]byte(out), &res)
	if code != 0 || res.DBRoute != "bridge" || s.setting(t, statusKey) != "1" {
		t.Fatalf("apply over the bridge on plain HTTP: exit %d, route %q\n%s\n%s", code, res.DBRoute, out, errOut)
	}
	if n := s.value(t, "SELECT COUNT(*) FROM oc_api WHERE `"+name+"` LIKE 'ocsetup\\_check\\_%'"); n != "0" || !strings.Contains(out, "ocsetup_check_5ca1ab1e") {
		t.Fatalf("apply left %s temporary API users\n%s\n%s", n, out, errOut)
	}
	if got := s.value(t, "SELECT COUNT(*) FROM oc_api WHERE `"+name+"` = 'ocsetup-plain' AND status = 1"); got != "1" {
		t.Fatalf("apply made %s API users ocsetup-plain", got)
	}
	if !ears.saw("ocsetup-bridge-") {
		t.Fatal("nothing of the bridge crossed the proxy, so the test proves nothing")
	}

	// The test logs in to the store's API with the key apply made (its
	// checks read the API user's addresses and make a temporary API user).
	s.vars[SecretVar(APIKeyField)] = s.value(t, "SELECT `key` FROM oc_api WHERE `"+name+"` = 'ocsetup-plain'")
	{
		code, out, errOut = runApplyCLI(t, s.vars, "test", file, "--trust-new", "--json")
		var rep check.Report
		if err := json.Unmarshal([]byte(out), &rep); err != nil || len(rep.Results) < 5 {
			t.Fatalf("test: exit %d %v\n%s\n%s", code, err, out, errOut)
		}
		for _, r := range rep.Results {
			t.Logf("test: %s %s %s %s", r.ID, r.Status, r.Cause, r.Detail)
			if r.Status == check.Fail {
				t.Errorf("test: the check %s failed: %s %s", r.ID, r.Cause, r.Detail)
			}
		}
	}

	code, out, errOut = runApplyCLI(t, s.vars, "uninstall", file, "--trust-new")
	if code != 0 || s.setting(t, statusKey) == "1" || s.value(t, "SELECT COUNT(*) FROM oc_api WHERE `"+name+"` = 'ocsetup-plain'") != "0" {
		t.Fatalf("uninstall over the bridge on plain HTTP: exit %d\n%s\n%s", code, out, errOut)
	}

	// The settings written straight into the database (no admin): the
	// extension's rows, settings and events, and their undo.
	if s.rs.Line == "4.0" || s.rs.Line == "4.1" {
		p := filepath.Join(s.rs.Root, "extension/despatch_cloud/admin/controller/module/despatch_cloud.php")
		must(t, os.MkdirAll(filepath.Dir(p), 0o755))
		must(t, os.WriteFile(p, []byte("<?php\n"), 0o644))
	}
	s.vars[SecretVar("api_key")] = "dc-0123456789abcdef0123456789"
	direct := s.setupFile(t, "integration: despatch_cloud\ndb_routes: bridge\nstore_url: "+proxy.URL+backend.Path+"\nsettings:\n  order_prefix: WEB-\naccess:\n  api_user: ocsetup-plain\n")
	code, out, errOut = runApplyCLI(t, s.vars, "apply", direct, "--trust-new", "--settings-via", "database")
	if code != 0 || s.value(t, "SELECT COUNT(*) FROM oc_setting WHERE `value` = 'WEB-'") != "1" {
		t.Fatalf("apply with the settings in the database, over the bridge on plain HTTP: exit %d\n%s\n%s", code, out, errOut)
	}
	code, out, errOut = runApplyCLI(t, s.vars, "uninstall", direct, "--trust-new")
	if code != 0 || s.value(t, "SELECT COUNT(*) FROM oc_setting WHERE `value` = 'WEB-'") != "0" {
		t.Fatalf("uninstall of the settings written in the database, over the bridge on plain HTTP: exit %d\n%s\n%s", code, out, errOut)
	}

	// A setup that replaces the key of the store's own "Default" user:
	// over plain HTTP its old key is never read, so uninstall cannot put
	// it back, but it must not blank it (an empty key is a key anyone
	// could send).
	s.vars[SecretVar(APIKeyField)] = "dk-0123456789abcdef0123456789abcdef"
	replace := s.setupFile(t, body+"db_routes: bridge\nstore_url: "+proxy.URL+backend.Path+"\naccess:\n  api_user: Default\n")
	code, out, errOut = runApplyCLI(t, s.vars, "apply", replace, "--trust-new")
	newKey := s.value(t, "SELECT `key` FROM oc_api WHERE `"+name+"` = 'Default'")
	if code != 0 || newKey == defaultKey {
		t.Fatalf("apply replacing Default's key over the bridge on plain HTTP: exit %d\n%s\n%s", code, out, errOut)
	}
	code, out, errOut = runApplyCLI(t, s.vars, "uninstall", replace, "--trust-new")
	if got := s.value(t, "SELECT `key` FROM oc_api WHERE `"+name+"` = 'Default'"); code != 0 || got != newKey {
		t.Fatalf("uninstall of a replaced key over the bridge on plain HTTP: exit %d, Default's key %q (want the setup's, %q, kept)\n%s\n%s", code, got, newKey, out, errOut)
	}

	for what, secret := range map[string]string{"an admin user's password hash": hash, "the Default API user's key": defaultKey} {
		if ears.saw(secret) {
			t.Errorf("%s crossed plain HTTP", what)
		}
	}
}

// TestSessionStepsOverLimitedBridge: the wizard reaches a store whose
// MySQL certificate nobody trusted yet, so its database step uses the
// bridge, over plain HTTP. That bridge is limited to the wizard's steps:
// the Access step lists, previews and creates the API user (comparing
// the stored key, never reading it), and uninstall undoes it; a read of
// a table no step uses (the customers) is refused, naming plain HTTP.
func TestSessionStepsOverLimitedBridge(t *testing.T) {
	_, st, dir, site := tlsMySQLStore(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	s := connectedSession(ctx, t, dir, site)
	cr, err := s.ReadCredentials(ctx)
	if err != nil || cr.Route != db.RouteBridge {
		t.Fatalf("credentials: %v, route %s; want the bridge", err, cr.Route)
	}
	s.steps.mu.Lock()
	d := s.steps.db
	s.steps.mu.Unlock()
	if db.PlainHTTP(d) == "" {
		t.Fatal("the bridge is not on plain HTTP")
	}
	var se *db.StatementError
	if _, err := d.Query(ctx, "SELECT `email` FROM `"+st.Table("customer")+"`"); !errors.As(err, &se) || !strings.Contains(err.Error(), "plain HTTP") {
		t.Fatalf("a read of the customers through the wizard's bridge: %v; want a refusal naming plain HTTP", err)
	}

	q := st.StoreDB(t)
	if _, err := q.Exec("INSERT INTO `" + st.Table("api") + "` (username, `key`, status, date_added, date_modified) SELECT 'Default', 'default-key-0123456789abcdef', 1, NOW(), NOW() FROM DUAL WHERE NOT EXISTS (SELECT 1 FROM `" + st.Table("api") + "` WHERE username = 'Default')"); err != nil {
		t.Fatal(err)
	}
	users, err := s.APIUsers(ctx)
	if err != nil || !slices.Contains(users, "Default") {
		t.Fatalf("API users: %v %v", users, err)
	}
	key := "wk-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcd"
	pre, err := s.PreviewAccess(ctx, access.APIUser{Name: "Default", Key: key})
	if err != nil || !pre.Exists || !pre.KeyReplaced {
		t.Fatalf("preview of Default with another key: %+v %v", pre, err)
	}
	own := access.APIUser{Name: "ocsetup wizard", Key: key, IPs: []string{"203.0.113.7"}}
	made, err := s.ApplyAccess(ctx, own)
	if err != nil || !made.Created {
		t.Fatalf("access: %+v %v", made, err)
	}
	again, err := s.ApplyAccess(ctx, own)
	if err != nil || again.Created || again.Updated || len(again.IPsAdded) != 0 {
		t.Fatalf("access again: %+v %v", again, err)
	}
	var n int
	must(t, q.QueryRow("SELECT COUNT(*) FROM `"+st.Table("api")+"` WHERE username = ? AND `key` = ?", own.Name, key).Scan(&n))
	if n != 1 {
		t.Fatalf("%d API users with the wizard's name and key", n)
	}
	un, err := s.Uninstall(ctx)
	if err != nil || un.Nothing != "" {
		t.Fatalf("uninstall: %+v %v", un, err)
	}
	must(t, q.QueryRow("SELECT COUNT(*) FROM `"+st.Table("api")+"` WHERE username = ?", own.Name).Scan(&n))
	if n != 0 {
		t.Fatalf("%d API users left after uninstall", n)
	}
}
