package storefront_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/ocsetup/ocsetup/installer/store"
	"github.com/ocsetup/ocsetup/installer/storefront"
	"github.com/ocsetup/ocsetup/installer/webguard"
)

// TestAPILoginRedirectElsewhereRefused: a store that redirects the API
// login (307 keeps the POST and its key) to another host, or from https to
// http, does not get the key sent there.
func TestAPILoginRedirectElsewhereRefused(t *testing.T) {
	const key = "api-key-0123456789abcdef"
	l, err := net.Listen("tcp", "127.0.0.2:0")
	if err != nil {
		t.Fatal(err)
	}
	var leaked, hits atomic.Int32
	catcher := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		b, _ := io.ReadAll(r.Body)
		if strings.Contains(string(b), key) {
			leaked.Add(1)
		}
	}))
	catcher.Listener.Close()
	catcher.Listener = l
	catcher.Start()
	defer catcher.Close()
	plainSameHost := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		b, _ := io.ReadAll(r.Body)
		if strings.Contains(string(b), key) {
			leaked.Add(1)
		}
	}))
	defer plainSameHost.Close()
	for name, target := range map[string]string{"another host": catcher.URL, "https to http": plainSameHost.URL} {
		t.Run(name, func(t *testing.T) {
			srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, target+r.URL.RequestURI(), http.StatusTemporaryRedirect)
			}))
			defer srv.Close()
			c := storefront.New(srv.URL + "/")
			c.HTTP = srv.Client()
			before := hits.Load()
			_, err := c.APILogin(context.Background(), store.Line30, "Default", key)
			var re *webguard.RedirectError
			if !errorsAs(err, &re) {
				t.Errorf("err = %v; want the redirect refused", err)
			}
			if hits.Load() != before || leaked.Load() != 0 {
				t.Errorf("the redirect target got %d requests, %d with the key", hits.Load()-before, leaked.Load())
			}
		})
	}
}

// TestStorefrontCertificateNamed: a certificate that does not verify is
// reported with its fingerprint.
func TestStorefrontCertificateNamed(t *testing.T) {
	srv := httptest.NewTLSServer(http.NotFoundHandler())
	defer srv.Close()
	_, err := storefront.New(srv.URL + "/").Home(context.Background())
	fp := webguard.Fingerprint(srv.Certificate())
	if err == nil || !strings.Contains(err.Error(), fp) {
		t.Errorf("err = %v; want the certificate's fingerprint %s", err, fp)
	}
}

func errorsAs(err error, target any) bool { return err != nil && errors.As(err, target) }
