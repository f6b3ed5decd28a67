package webtrust_test

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ocsetup/ocsetup/installer/remote"
	"github.com/ocsetup/ocsetup/installer/webguard"
	"github.com/ocsetup/ocsetup/installer/webtrust"
	"github.com/ocsetup/ocsetup/internal/testenv"
)

// serve answers "store" over HTTPS with cert on addr ("127.0.0.1:0" for
// any port) until the test ends; it returns the address it listens on.
func serve(t *testing.T, addr string, cert tls.Certificate) (string, func()) {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{
		Handler:   http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "store") }),
		TLSConfig: &tls.Config{Certificates: []tls.Certificate{cert}},
	}
	go func() { _ = srv.ServeTLS(ln, "", "") }()
	stop := func() { _ = srv.Close() }
	t.Cleanup(stop)
	return ln.Addr().String(), stop
}

func get(c *http.Client, url string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return "", err
	}
	resp, err := c.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return string(b), err
}

// TestPinnedHTTPSCertificate: a store's HTTPS server on loopback with a
// self-signed certificate. Without consent the request is refused, with
// the certificate's fingerprint named and nothing pinned; with its
// fingerprint accepted (--fingerprint, the app's Trust) it goes through
// and the certificate is pinned for that host:port, so a later client
// needs no consent; once the server's certificate changes it is refused
// again, naming both fingerprints, even with --trust-new.
func TestPinnedHTTPSCertificate(t *testing.T) {
	dir := t.TempDir()
	first := testenv.SelfSignedCert(t)
	addr, stop := serve(t, "127.0.0.1:0", first)
	url := "https://" + addr + "/"
	fp := remote.FingerprintSHA256(first.Certificate[0])

	_, err := get(webtrust.Client(nil, remote.NewTrust(dir)), url)
	ce := webguard.Certificate(err)
	var re *remote.Error
	if ce == nil || ce.Fingerprint != fp || ce.Addr != addr || !ce.Pinnable || !strings.Contains(err.Error(), fp) || !errors.As(err, &re) || re.Kind != remote.KindUnknownKey {
		t.Fatalf("first contact without consent: %v; want a refusal naming %s for %s", err, fp, addr)
	}
	if !strings.Contains(err.Error(), "--fingerprint "+fp) {
		t.Errorf("the refusal does not say how to trust the certificate: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "known_certs")); !os.IsNotExist(err) {
		t.Fatalf("something was pinned without consent: %v", err)
	}

	other := remote.NewTrust(dir)
	other.Accept = "SHA256:not-this-one"
	if _, err := get(webtrust.Client(nil, other), url); webguard.Certificate(err) == nil {
		t.Fatalf("accepted with another fingerprint: %v", err)
	}

	accepting := remote.NewTrust(dir)
	accepting.Accept = fp
	if body, err := get(webtrust.Client(nil, accepting), url); err != nil || body != "store" {
		t.Fatalf("with the fingerprint accepted: %q %v", body, err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "known_certs")); string(b) != addr+" "+fp+"\n" {
		t.Fatalf("known_certs after the accepted contact: %q", b)
	}
	if body, err := get(webtrust.Client(nil, remote.NewTrust(dir)), url); err != nil || body != "store" {
		t.Fatalf("the pinned certificate, without consent: %q %v", body, err)
	}

	// The same host:port, another certificate.
	stop()
	second := testenv.SelfSignedCert(t)
	serve(t, addr, second)
	changed := remote.FingerprintSHA256(second.Certificate[0])
	trustNew := remote.NewTrust(dir)
	trustNew.TrustNew = true
	_, err = get(webtrust.Client(nil, trustNew), url)
	ce = webguard.Certificate(err)
	if ce == nil || ce.Fingerprint != changed || ce.Trusted != fp || ce.Pinnable || !errors.As(err, &re) || re.Kind != remote.KindChangedKey {
		t.Fatalf("changed certificate: %v; want a refusal naming %s and the trusted %s", err, changed, fp)
	}
	if !strings.Contains(err.Error(), changed) || !strings.Contains(err.Error(), fp) {
		t.Errorf("the refusal does not name both fingerprints: %v", err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "known_certs")); string(b) != addr+" "+fp+"\n" {
		t.Errorf("known_certs after the changed certificate: %q", b)
	}
}

// TestRedirectsStayOnOrigin: the client keeps webguard's redirect rule.
func TestRedirectsStayOnOrigin(t *testing.T) {
	c := webtrust.Client(nil, nil)
	if c.CheckRedirect == nil {
		t.Fatal("no redirect check")
	}
	req, _ := http.NewRequest(http.MethodGet, "http://127.0.0.2/", nil)
	via, _ := http.NewRequest(http.MethodGet, "https://127.0.0.1/", nil)
	if err := c.CheckRedirect(req, []*http.Request{via}); err == nil {
		t.Fatal("a redirect from https to another host over http was allowed")
	}
}
