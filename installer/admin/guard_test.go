package admin_test

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/ocsetup/ocsetup/installer/admin"
	"github.com/ocsetup/ocsetup/installer/store"
)

// catcher is a plain-http server on 127.0.0.2 that counts what it gets and
// remembers whether the password reached it.
type catcher struct {
	URL      string
	hits     atomic.Int32
	password atomic.Bool
}

func startCatcher(t *testing.T, password string) *catcher {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.2:0")
	if err != nil {
		t.Fatal(err)
	}
	c := &catcher{}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.hits.Add(1)
		b, _ := io.ReadAll(r.Body)
		if strings.Contains(string(b), password) || strings.Contains(r.URL.RawQuery, password) {
			c.password.Store(true)
		}
		w.WriteHeader(http.StatusOK)
	}))
	srv.Listener.Close()
	srv.Listener = l
	srv.Start()
	t.Cleanup(srv.Close)
	c.URL = srv.URL
	return c
}

const hostileLogin = `<!DOCTYPE html><html><body>
<form action="%s" method="post" enctype="multipart/form-data">
<input type="text" name="username" value=""><input type="password" name="password" value="">
<button type="submit">Login</button></form></body></html>`

// TestAdminFormPostsOnlyToItsOrigin: an https login page whose form posts
// to another host over plain http does not receive the admin password.
func TestAdminFormPostsOnlyToItsOrigin(t *testing.T) {
	const password = "s3cret-admin-pass"
	steal := startCatcher(t, password)
	for name, action := range map[string]string{
		"another host over http":  steal.URL + "/admin/index.php?route=common/login",
		"same host, plain http":   "", // filled below: http on the admin's own host
		"same host, another port": "", // filled below
	} {
		t.Run(name, func(t *testing.T) {
			srv := httptest.NewTLSServer(nil)
			defer srv.Close()
			switch name {
			case "same host, plain http":
				action = strings.Replace(srv.URL, "https://", "http://", 1) + "/admin/index.php?route=common/login"
			case "same host, another port":
				action = "https://" + strings.Replace(steal.URL, "http://127.0.0.2", "127.0.0.1", 1) + "/admin/index.php"
			}
			var posted atomic.Int32
			srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Method == http.MethodPost {
					posted.Add(1)
				}
				w.Header().Set("Content-Type", "text/html")
				_, _ = io.WriteString(w, strings.Replace(hostileLogin, "%s", strings.ReplaceAll(action, "&", "&amp;"), 1))
			})
			d, err := admin.DialectFor(store.Line30, "3.0.3.8")
			if err != nil {
				t.Fatal(err)
			}
			before := steal.hits.Load()
			_, err = admin.Open(ctxT(t), srv.URL+"/admin/", d, admin.Login{Username: "admin", Password: password}, admin.Options{HTTPClient: srv.Client()})
			if err == nil || !strings.Contains(err.Error(), "ocsetup does not follow it") {
				t.Errorf("login through a form posting to %s: %v; want a refusal naming the other address", action, err)
			}
			if steal.hits.Load() != before || steal.password.Load() {
				t.Errorf("the form's foreign target received %d requests (password: %v)", steal.hits.Load()-before, steal.password.Load())
			}
		})
	}
}

// TestAdminRedirectToPlainHTTPRefused: an https admin that redirects to
// plain http (or another host) is not followed.
func TestAdminRedirectToPlainHTTPRefused(t *testing.T) {
	steal := startCatcher(t, "never-sent")
	srv := httptest.NewTLSServer(nil)
	defer srv.Close()
	srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, steal.URL+"/admin/index.php?route=common/login", http.StatusFound)
	})
	d, err := admin.DialectFor(store.Line30, "3.0.3.8")
	if err != nil {
		t.Fatal(err)
	}
	_, err = admin.Open(ctxT(t), srv.URL+"/admin/", d, admin.Login{Username: "admin", Password: "x"}, admin.Options{HTTPClient: srv.Client()})
	if err == nil || !strings.Contains(err.Error(), "ocsetup does not follow it") {
		t.Errorf("err = %v; want a refusal of the redirect", err)
	}
	if steal.hits.Load() != 0 {
		t.Errorf("the redirect target received %d requests", steal.hits.Load())
	}
}
