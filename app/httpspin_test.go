package app

import (
	"encoding/json"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ocsetup/ocsetup/installer/check"
	"github.com/ocsetup/ocsetup/installer/remote"
	"github.com/ocsetup/ocsetup/internal/testenv"
)

// TestTestPinsHTTPSCertificate: a store served over https with a
// certificate no authority signed (self-signed, as on many small hosts).
// `test` refuses its pages, naming the certificate's fingerprint, and
// pins nothing; given that fingerprint (--fingerprint, as for a host key),
// it pins the certificate and the storefront checks pass over https.
func TestTestPinsHTTPSCertificate(t *testing.T) {
	env := testenv.Get(t)
	s := newRealShop(t, env, "3.0.3.9", testenv.SFTP)
	backend, err := url.Parse(s.rs.URL)
	if err != nil {
		t.Fatal(err)
	}
	proxy := httptest.NewUnstartedServer(httputil.NewSingleHostReverseProxy(&url.URL{Scheme: "http", Host: backend.Host}))
	proxy.StartTLS()
	defer proxy.Close()
	fp := remote.FingerprintSHA256(proxy.Certificate().Raw)
	addr := strings.TrimPrefix(proxy.URL, "https://")
	body, _ := chequeSetup(s.rs.Line)
	file := s.setupFile(t, body+"store_url: "+proxy.URL+backend.Path+"\n")

	// The hosting's host key first, so that the fingerprint given below
	// can only be the certificate's.
	if code, out, errOut := runApplyCLI(t, s.vars, "detect", siteURL(s.site, s.rs.RemoteRoot(s.site)), "--trust-new"); code != 0 {
		t.Fatalf("detect: exit %d\n%s\n%s", code, out, errOut)
	}
	knownCerts := filepath.Join(s.vars[DataDirVar], "known_certs")
	storefront := func(args ...string) check.Result {
		t.Helper()
		code, out, errOut := runApplyCLI(t, s.vars, append([]string{"test", file, "--json"}, args...)...)
		var rep check.Report
		if err := json.Unmarshal([]byte(out), &rep); err != nil {
			t.Fatalf("test %v: exit %d %v\n%s\n%s", args, code, err, out, errOut)
		}
		for _, r := range rep.Results {
			if r.ID == "storefront" {
				return r
			}
		}
		t.Fatalf("test %v: no storefront check\n%s", args, out)
		return check.Result{}
	}

	r := storefront()
	if r.Status != check.Fail || !strings.Contains(r.Cause+r.Fix+r.Detail, fp) {
		t.Fatalf("a certificate nobody accepted: %+v; want a failure naming %s", r, fp)
	}
	if b, _ := os.ReadFile(knownCerts); strings.Contains(string(b), addr) {
		t.Fatalf("pinned without consent:\n%s", b)
	}

	r = storefront("--fingerprint", fp)
	if r.Status != check.Pass {
		t.Fatalf("with the certificate's fingerprint given: %+v", r)
	}
	if b, _ := os.ReadFile(knownCerts); !strings.Contains(string(b), addr) {
		t.Fatalf("the certificate of %s is not pinned:\n%s", addr, b)
	}
	// Pinned: the next run needs nothing more.
	if r = storefront(); r.Status != check.Pass {
		t.Fatalf("after pinning: %+v", r)
	}
}
