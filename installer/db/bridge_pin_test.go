package db

import (
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/ocsetup/ocsetup/installer/remote"
	"github.com/ocsetup/ocsetup/installer/webguard"
	"github.com/ocsetup/ocsetup/internal/fixture"
	"github.com/ocsetup/ocsetup/internal/testenv"
)

// TestBridgeHTTPSCertificatePinned: the store serves HTTPS with its own
// certificate (a TLS proxy with a self-signed certificate in front of
// PHP's built-in server). The bridge is refused with the certificate's
// fingerprint, nothing goes to the http address, nothing is pinned; with
// the fingerprint accepted (as --fingerprint does through the site's
// trust) the bridge works over https and the certificate is pinned for
// that host:port, so the next connection needs no consent.
func TestBridgeHTTPSCertificatePinned(t *testing.T) {
	env := testenv.Get(t)
	ts := env.Site(t, testenv.FTP)
	st := fixture.New(t, env, ts, fixture.Options{Version: "3.0.3.8"})
	pool := openPool(t, ts)
	backend, err := url.Parse(st.URL)
	if err != nil {
		t.Fatal(err)
	}
	proxy := httptest.NewUnstartedServer(httputil.NewSingleHostReverseProxy(&url.URL{Scheme: "http", Host: backend.Host}))
	cert := testenv.SelfSignedCert(t)
	proxy.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	proxy.StartTLS()
	defer proxy.Close()
	var plain atomic.Int32
	watch := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		plain.Add(1)
		http.NotFound(w, r)
	}))
	defer watch.Close()
	fp := remote.FingerprintSHA256(cert.Certificate[0])
	addr := strings.TrimPrefix(proxy.URL, "https://")
	creds := func() *Credentials {
		c := readCreds(t, pool, st)
		c.Catalog.HTTPSServer = proxy.URL + backend.Path
		c.Catalog.HTTPServer = watch.URL + backend.Path
		c.Admin.HTTPCatalog, c.Admin.HTTPSCatalog = "", ""
		return c
	}
	data := t.TempDir()
	trust := remote.NewTrust(data)
	d, attempts, err := Connect(ctxT(t), pool, creds(), Options{Routes: []Route{RouteBridge}, DataDir: data, Trust: trust})
	if err == nil {
		d.Close()
		t.Fatal("the bridge worked over a certificate nobody accepted")
	}
	ce := webguard.Certificate(err)
	for _, a := range attempts {
		if ce == nil {
			ce = webguard.Certificate(a.Err)
		}
	}
	if ce == nil || ce.Fingerprint != fp || ce.Addr != addr || !ce.Pinnable {
		t.Fatalf("refusal %v (%+v); want the certificate %s of %s named\nattempts: %s", err, ce, fp, addr, attempts)
	}
	if plain.Load() != 0 {
		t.Fatalf("the http address was tried after the certificate was refused")
	}
	if _, err := os.Stat(filepath.Join(data, "known_certs")); !os.IsNotExist(err) {
		t.Fatalf("pinned without consent: %v", err)
	}

	trust = remote.NewTrust(data)
	trust.Accept = fp
	d, _ = connect(t, pool, creds(), Options{Routes: []Route{RouteBridge}, DataDir: data, Trust: trust})
	if PlainHTTP(d) != "" || !strings.HasPrefix(d.(*conn).r.(*bridgeRunner).currentURL(), proxy.URL) {
		t.Fatalf("the bridge is at %s, not over https", d.(*conn).r.(*bridgeRunner).currentURL())
	}
	if _, err := d.Query(ctxT(t), "SELECT 1"); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(data, "known_certs")); !strings.Contains(string(b), addr+" "+fp) {
		t.Fatalf("known_certs: %q", b)
	}
	connect(t, pool, creds(), Options{Routes: []Route{RouteBridge}, DataDir: data, Trust: remote.NewTrust(data)})
	if plain.Load() != 0 {
		t.Fatalf("the http address was used")
	}
}
