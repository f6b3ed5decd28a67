package app

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/ocsetup/ocsetup/installer/db"
	"github.com/ocsetup/ocsetup/installer/integrations"
	"github.com/ocsetup/ocsetup/installer/remote"
	"github.com/ocsetup/ocsetup/internal/fixture"
	"github.com/ocsetup/ocsetup/internal/testenv"
)

// TestSessionTrustsDBCertificate: the wizard's database step meets a
// MySQL server with a certificate no authority signed and not pinned: the
// direct route is refused and the result names the certificate's
// fingerprint (what the GUI's dialog shows); nothing is pinned. Once the
// user trusts that fingerprint, the direct route works and the
// certificate is pinned in known_certs, so a new session needs no
// consent. The step also warns, before Access and Settings send secrets,
// of the bridge and the admin over plain HTTP (the store has no HTTPS).
func TestSessionTrustsDBCertificate(t *testing.T) {
	env, st, dir, site := tlsMySQLStore(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	connect := func() *Session { return connectedSession(ctx, t, dir, site) }
	s := connect()
	res, err := s.ReadCredentials(ctx)
	if err != nil {
		t.Fatalf("credentials: %v", err)
	}
	re := res.UnknownCertificate()
	if re == nil || re.Fingerprint != env.MySQLTLS.CertSHA256 || res.Route == db.RouteDirect {
		t.Fatalf("first contact: unknown certificate %+v, route %s; want the direct route refused naming %s\n%s", re, res.Route, env.MySQLTLS.CertSHA256, res.Attempts)
	}
	warned := fmt.Sprint(res.Warnings)
	if res.Route != db.RouteBridge || !strings.Contains(warned, "database bridge ("+st.URL) || !strings.Contains(warned, "admin ("+st.URL) {
		t.Errorf("over the bridge: route %s, warnings %q; want the bridge and the admin over plain HTTP named", res.Route, res.Warnings)
	}
	if strings.Contains(readFile(t, dir+"/known_certs"), env.MySQLTLS.Addr()) {
		t.Fatal("the certificate was pinned without consent")
	}

	s.TrustDBCertificate(re.Fingerprint)
	res, err = s.ReadCredentials(ctx)
	if err != nil || res.Route != db.RouteDirect || res.UnknownCertificate() != nil {
		t.Fatalf("after Trust: %v, route %s\n%s", err, res.Route, res.Attempts)
	}
	if warned := fmt.Sprint(res.Warnings); strings.Contains(warned, "database bridge") || !strings.Contains(warned, "admin ("+st.URL) {
		t.Errorf("direct: warnings %q; want only the admin's", res.Warnings)
	}
	if !strings.Contains(readFile(t, dir+"/known_certs"), env.MySQLTLS.Addr()+" "+env.MySQLTLS.CertSHA256) {
		t.Fatalf("the trusted certificate is not pinned: %q", readFile(t, dir+"/known_certs"))
	}
	res, err = connect().ReadCredentials(ctx)
	if err != nil || res.Route != db.RouteDirect {
		t.Fatalf("a new session: %v, route %s", err, res.Route)
	}
}

func readFile(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	return string(b)
}

// tlsMySQLStore is a 3.0 fixture store over FTP (no SSH route: the
// database is reached directly or through the bridge) whose MySQL has a
// certificate nobody trusts yet; its FTPS certificate is trusted in dir,
// as the wizard's first-contact dialog does.
func tlsMySQLStore(t *testing.T) (*testenv.Env, *fixture.Store, string, remote.Site) {
	t.Helper()
	env := testenv.Get(t)
	ts := env.Site(t, testenv.FTP)
	st := fixture.New(t, env, ts, fixture.Options{Version: "3.0.3.8"})
	fixture.UseTLSMySQL(t, env, st)
	dir := t.TempDir()
	site, err := remote.ParseURL(siteURL(ts, st.Remote))
	must(t, err)
	site.Password = ts.Password
	tr := remote.NewTrust(dir)
	tr.TrustNew = true
	pool, err := remote.Open(context.Background(), site, tr, 1)
	must(t, err)
	pool.Close()
	return env, st, dir, site
}

// connectedSession is a wizard session on the only store of site, closed
// when the test ends.
func connectedSession(ctx context.Context, t *testing.T, dir string, site remote.Site) *Session {
	t.Helper()
	s := NewSession(dir, integrations.Builtin())
	t.Cleanup(s.Close)
	res, err := s.Connect(ctx, site, "")
	if err != nil || len(res.Stores) != 1 || !s.Choose(res.Stores[0].Root) {
		t.Fatalf("connect: %v", err)
	}
	return s
}
