package ui

import (
	"crypto/tls"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/ocsetup/ocsetup/app"
	"github.com/ocsetup/ocsetup/installer/remote"
	"github.com/ocsetup/ocsetup/internal/fixture"
	"github.com/ocsetup/ocsetup/internal/testenv"
)

// TestHTTPSCertificateDialog: the store serves HTTPS with a certificate
// of its own (a TLS proxy with a self-signed certificate in front of the
// test store), and the database is reached only through the bridge (an
// FTP site, and a MySQL server whose certificate is not trusted). The
// database step stops, and a dialog shows the HTTPS certificate's
// fingerprint; Trust pins it for the store's host:port and reads again,
// and the bridge then works over https, never over http.
func TestHTTPSCertificateDialog(t *testing.T) {
	env := testenv.Get(t)
	ts, st, fp, addr := selfSignedHTTPSStore(t, env)

	w := newWalker(t)
	w.ui.do(func() { w.m.welcome.selectID("amazon_ps") })
	w.next(app.StepConnect)
	connectPlainFTP(t, w, ts, st.Remote)
	cr := w.m.creds
	certs := filepath.Join(w.wiz.Session.DataDir(), "known_certs")
	w.ui.do(func() { test.Tap(cr.read) })
	eventually(t, w.ui, "the HTTPS certificate dialog", func() bool {
		return findButton(w.m.Window.Canvas(), T("creds.https_trust.confirm")) != nil
	})
	w.ui.do(func() {
		top := w.m.Window.Canvas().Overlays().Top()
		if !holdsText(top, fp) || !holdsText(top, addr) {
			t.Errorf("the dialog does not show the fingerprint %s and the address %s", fp, addr)
		}
		if w.wiz.Done(app.StepCredentials) {
			t.Errorf("the step is done with the store's certificate refused")
		}
	})
	if b, _ := os.ReadFile(certs); strings.Contains(string(b), addr) {
		t.Fatalf("pinned before Trust: %q", b)
	}
	w.ui.do(func() { test.Tap(findButton(w.m.Window.Canvas(), T("creds.https_trust.confirm"))) })
	if b, _ := os.ReadFile(certs); !strings.Contains(string(b), addr+" "+fp) {
		t.Fatalf("Trust did not pin the certificate: %q", b)
	}
	// The read again reaches the bridge over https; the MySQL server's
	// own certificate is asked about next, and not trusted here.
	eventually(t, w.ui, "the database step done", func() bool { return w.wiz.Done(app.StepCredentials) })
	w.ui.do(func() {
		if !strings.Contains(strings.ToLower(cr.route.Text), "bridge: ok") {
			t.Errorf("route %q, want the bridge", cr.route.Text)
		}
		if strings.Contains(cr.job.status.Text, "database bridge (http://") {
			t.Errorf("the bridge went over plain http: %q", cr.job.status.Text)
		}
	})
}

// selfSignedHTTPSStore is a fixture store whose config.php names an https
// address served with a self-signed certificate (a TLS proxy in front of
// the test store), reached over plain FTP, with a MySQL server whose
// certificate is not trusted: the database step can only use the bridge,
// and asks about the certificate. It returns the certificate's
// fingerprint and the proxy's host:port.
func selfSignedHTTPSStore(t *testing.T, env *testenv.Env) (testenv.Site, *fixture.Store, string, string) {
	t.Helper()
	ts := env.Site(t, testenv.FTPNoTLS)
	st := fixture.New(t, env, ts, fixture.Options{Version: "3.0.3.8"})
	fixture.UseTLSMySQL(t, env, st)
	backend, err := url.Parse(st.URL)
	if err != nil {
		t.Fatal(err)
	}
	proxy := httptest.NewUnstartedServer(httputil.NewSingleHostReverseProxy(&url.URL{Scheme: "http", Host: backend.Host}))
	cert := testenv.SelfSignedCert(t)
	proxy.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	proxy.StartTLS()
	t.Cleanup(proxy.Close)
	fp := remote.FingerprintSHA256(cert.Certificate[0])
	addr := strings.TrimPrefix(proxy.URL, "https://")
	for _, f := range []string{"config.php", "admin/config.php"} {
		p := filepath.Join(st.Local, f)
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		s := string(b)
		for _, c := range []string{"HTTPS_SERVER", "HTTPS_CATALOG"} {
			s = strings.ReplaceAll(s, "'"+c+"', '"+st.URL, "'"+c+"', '"+proxy.URL+backend.Path)
		}
		if s == string(b) {
			t.Fatalf("%s names no https address to change", f)
		}
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}

	return ts, st, fp, addr
}

// connectPlainFTP connects over plain FTP (no certificate accepted at
// Connect) and waits for the store.
func connectPlainFTP(t *testing.T, w *walker, ts testenv.Site, folder string) {
	t.Helper()
	c := w.m.connect
	w.ui.do(func() {
		c.protocol.SetSelected(T(protocols[3].key))
		c.allowPlain.SetChecked(true)
		test.Type(c.host, ts.Host)
		c.port.SetText(strconv.Itoa(ts.Port))
		test.Type(c.user, ts.User)
		test.Type(c.pass, ts.Password)
		c.folder.SetText(folder)
		test.Tap(c.connect)
	})
	eventually(t, w.ui, "a store", func() bool {
		got, ok := w.wiz.Session.Store()
		return ok && got.Root == folder
	})
}
