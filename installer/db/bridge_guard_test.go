package db

import (
	"net/http"
	"net/http/httptest"
	"path"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/ocsetup/ocsetup/installer/webguard"
	"github.com/ocsetup/ocsetup/internal/fixture"
	"github.com/ocsetup/ocsetup/internal/testenv"
)

// TestBridgeCertificateFailureStops: an https address whose certificate
// does not verify (what an interceptor presents) stops the bridge with the
// certificate's fingerprint; the plain http address is never tried.
func TestBridgeCertificateFailureStops(t *testing.T) {
	env := testenv.Get(t)
	ts := env.Site(t, testenv.SFTP)
	st := fixture.New(t, env, ts, fixture.Options{Version: "2.0.3.1"})
	pool := openPool(t, ts)
	c := readCreds(t, pool, st)
	interceptor := httptest.NewTLSServer(http.NotFoundHandler())
	defer interceptor.Close()
	var plain atomic.Int32
	watch := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		plain.Add(1)
		http.NotFound(w, r)
	}))
	defer watch.Close()
	c.Catalog.HTTPSServer = interceptor.URL + "/shop/"
	c.Catalog.HTTPServer = watch.URL + "/shop/"
	c.Admin.HTTPCatalog, c.Admin.HTTPSCatalog = "", ""
	data := t.TempDir()
	d, attempts, err := Connect(ctxT(t), pool, c, Options{Routes: []Route{RouteBridge}, DataDir: data})
	if err == nil {
		d.Close()
		t.Fatalf("connected through %s despite a certificate that does not verify", d.Route())
	}
	fp := webguard.Fingerprint(interceptor.Certificate())
	if !strings.Contains(err.Error()+attempts.String(), fp) {
		t.Errorf("the refusal does not name the certificate's fingerprint %s: %v\nattempts: %s", fp, err, attempts)
	}
	if plain.Load() != 0 {
		t.Errorf("the bridge was tried over plain http after the certificate failed (%d requests)", plain.Load())
	}
	if left := bridgeFilesIn(t, st.Local); len(left) != 0 {
		t.Errorf("bridge left on the store: %v", left)
	}
}

// TestBridgeRedirectLeavingOrigin: a redirect of the bridge's address to
// another port, another host or from https to http is refused, named.
func TestBridgeRedirectLeavingOrigin(t *testing.T) {
	env := testenv.Get(t)
	ts := env.Site(t, testenv.SFTP)
	st := fixture.New(t, env, ts, fixture.Options{Version: "2.0.3.1"})
	pool := openPool(t, ts)
	for _, target := range []string{st.URL, strings.Replace(st.URL, "127.0.0.1", "127.0.0.2", 1)} {
		c := readCreds(t, pool, st)
		var redirected atomic.Int32
		redirector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			redirected.Add(1)
			http.Redirect(w, r, target+path.Base(r.URL.Path), http.StatusTemporaryRedirect)
		}))
		c.Catalog.HTTPSServer, c.Catalog.HTTPServer = "", redirector.URL+"/shop/"
		c.Admin.HTTPCatalog, c.Admin.HTTPSCatalog = "", ""
		d, attempts, err := Connect(ctxT(t), pool, c, Options{Routes: []Route{RouteBridge}, DataDir: t.TempDir()})
		redirector.Close()
		if err == nil {
			d.Close()
			t.Fatalf("followed a redirect to %s", target)
		}
		if msg := err.Error() + attempts.String(); !strings.Contains(msg, "ocsetup does not follow it") {
			t.Errorf("redirect to %s: the refusal does not say why: %v\nattempts: %s", target, err, attempts)
		}
		if redirected.Load() == 0 {
			t.Errorf("the redirector was never asked")
		}
		if left := bridgeFilesIn(t, st.Local); len(left) != 0 {
			t.Errorf("bridge left on the store: %v", left)
		}
	}
}
