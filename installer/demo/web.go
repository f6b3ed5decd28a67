package demo

import (
	"context"
	"errors"
	"fmt"
	"html"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/ocsetup/ocsetup/installer/store"
)

// web answers what internal/fixture's PHP front controllers answer
// (fixture/phpsrc.go), ported to Go so that the demo needs no PHP: the
// storefront's home page, the admin login form, and the API login of the
// store's line. Everything else is OpenCart's "Page Not Found!".
type web struct {
	version  string // VERSION, "3.0.3.8"
	line     store.Line
	adminDir string
	db       *storeDB
	// files is the store's folder, for the PHP files the demo answers.
	files *os.Root
	// now is the clock of the 4.1 signature check (tests move it).
	now func() time.Time
}

// webServer is the HTTP server of the demo store.
type webServer struct {
	srv    *http.Server
	served sync.WaitGroup
}

func startWeb(ln net.Listener, h http.Handler) *webServer {
	s := &webServer{srv: &http.Server{Handler: h, ReadHeaderTimeout: 20 * time.Second}}
	s.served.Add(1)
	go func() {
		defer s.served.Done()
		_ = s.srv.Serve(ln) // returns http.ErrServerClosed on Close
	}()
	return s
}

// Close ends the server and its connections at once: a demo has no
// requests worth finishing when the app quits.
func (s *webServer) Close() error {
	err := s.srv.Close()
	s.served.Wait()
	return err
}

func (w *web) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/", "/index.php":
		w.catalog(rw, r)
	case "/" + w.adminDir, "/" + w.adminDir + "/", "/" + w.adminDir + "/index.php":
		w.admin(rw, r)
	default:
		if strings.HasSuffix(r.URL.Path, ".php") {
			w.phpFile(rw, r)
			return
		}
		notFound(rw)
	}
}

// route is index.php's ?route=, with the front controller's default.
func route(r *http.Request, def string) string {
	if v := r.URL.Query().Get("route"); v != "" {
		return v
	}
	return def
}

func (w *web) catalog(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	rt := route(r, "common/home")
	if rt == "common/home" {
		name, err := w.db.setting(ctx, "config_name")
		if err != nil {
			dbError(rw, err)
			return
		}
		page(rw, http.StatusOK, name, "<h1>"+html.EscapeString(name)+"</h1>\n<p>Powered By OpenCart "+w.version+"</p>")
		return
	}
	if !w.api(rw, r, rt) {
		notFound(rw)
	}
}

func (w *web) admin(rw http.ResponseWriter, r *http.Request) {
	if route(r, "common/login") != "common/login" {
		notFound(rw)
		return
	}
	page(rw, http.StatusOK, "Administration", strings.Join([]string{
		`<h1>Please enter your login details.</h1>`,
		`<form action="index.php?route=common/login" method="post" enctype="multipart/form-data" id="form-login">`,
		`<label for="input-username">Username</label>`,
		`<input type="text" name="username" value="" id="input-username">`,
		`<label for="input-password">Password</label>`,
		`<input type="password" name="password" value="" id="input-password">`,
		`<button type="submit">Login</button>`,
		`</form>`,
		fmt.Sprintf(`<footer>OpenCart &copy; 2009-%d All Rights Reserved.<br>Version %s</footer>`, time.Now().Year(), w.version),
	}, "\n"))
}

// page writes an HTML page the way the fixture's fixture_page() does.
func page(rw http.ResponseWriter, status int, title, body string) {
	rw.Header().Set("Content-Type", "text/html; charset=UTF-8")
	rw.WriteHeader(status)
	fmt.Fprintf(rw, "<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"UTF-8\">\n<title>%s</title>\n</head>\n<body>\n%s\n</body>\n</html>\n",
		html.EscapeString(title), body)
}

func notFound(rw http.ResponseWriter) {
	page(rw, http.StatusNotFound, "Page Not Found!", "<h1>Page Not Found!</h1>")
}

// dbError is OpenCart's answer when its database does not answer; the
// detail stays out of the page, as PHP's mysqli exception code does.
func dbError(rw http.ResponseWriter, err error) {
	msg := "Error: Could not make a database link"
	if errors.Is(err, context.Canceled) {
		msg = "Error: the request was cancelled"
	}
	page(rw, http.StatusInternalServerError, "Error", "<p>"+msg+"</p>")
}
