package webguard

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

func TestSameOrigin(t *testing.T) {
	for _, c := range []struct {
		from, to string
		ok       bool
	}{
		{"https://shop.test/admin/", "https://shop.test/admin/index.php?route=x", true},
		{"http://shop.test/admin/", "https://shop.test/admin/", true},
		{"http://shop.test:8080/", "https://shop.test:8080/", true},
		{"http://SHOP.test/", "http://shop.TEST:80/x", true},
		{"https://shop.test/", "http://shop.test/", false},
		{"https://shop.test/", "https://evil.test/", false},
		{"https://shop.test/", "https://shop.test:8443/", false},
		{"http://shop.test/", "http://shop.test:8080/", false},
		{"http://shop.test:8080/", "https://shop.test:9443/", false},
		{"http://shop.test/", "ftp://shop.test/", false},
	} {
		from, _ := url.Parse(c.from)
		to, _ := url.Parse(c.to)
		if err := SameOrigin(from, to); (err == nil) != c.ok {
			t.Errorf("%s → %s: %v, want allowed=%v", c.from, c.to, err, c.ok)
		}
	}
}

// TestPreferHTTPS: https when it answers with a verified certificate, http
// when nothing serves https, and a hard stop naming the fingerprint when the
// certificate does not verify (an interceptor's).
func TestPreferHTTPS(t *testing.T) {
	ctx := context.Background()
	srv := httptest.NewTLSServer(http.NotFoundHandler())
	defer srv.Close()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "https://" + l.Addr().String() + "/admin/"
	l.Close()
	const plain = "http://127.0.0.1:1/admin/"
	if got, err := PreferHTTPS(ctx, srv.Client(), srv.URL+"/admin/", plain); err != nil || got != srv.URL+"/admin/" {
		t.Errorf("verified https: %q, %v", got, err)
	}
	if got, err := PreferHTTPS(ctx, nil, closed, plain); err != nil || got != plain {
		t.Errorf("no https: %q, %v", got, err)
	}
	got, err := PreferHTTPS(ctx, nil, srv.URL+"/admin/", plain)
	fp := Fingerprint(srv.Certificate())
	if err == nil || !strings.Contains(err.Error(), fp) {
		t.Errorf("unverified certificate: %q, %v; want an error naming %s", got, err, fp)
	}
}
