package admin

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/ocsetup/ocsetup/installer/msg"
	"github.com/ocsetup/ocsetup/installer/phpmsg"
	"github.com/ocsetup/ocsetup/installer/webguard"
)

// Options tune a session.
type Options struct {
	// HTTPClient makes the requests; nil means a client with a 60-second
	// timeout. Its redirect policy and cookie jar are replaced: the
	// session follows redirects itself (it reads the token from them) and
	// keeps its own cookies.
	HTTPClient *http.Client
	// UserAgent is sent with every request (4.x records it at login and
	// warns without one); "" means "ocsetup".
	UserAgent string
}

// maxBody bounds an admin page read into memory.
const maxBody = 8 << 20

// Session is a logged-in admin session: its cookies and its token.
type Session struct {
	base    *url.URL // the admin folder, ending in "/"
	dialect Dialect
	client  *http.Client
	agent   string
	token   string
	user    string
	msgs    *phpmsg.Finder
	// printed counts the PHP messages the admin printed into its answers
	// (Display Errors on); example is the first of them.
	printed int
	example string
	// secure is set once a request went over https: from then on plain
	// http is refused (the session cookie must not leak).
	secure atomic.Bool
}

// PHPMessages is how many PHP messages the admin printed into its answers
// in this session, and the first of them.
func (s *Session) PHPMessages() (int, string) { return s.printed, s.example }

// Dialect returns the line's dialect the session speaks.
func (s *Session) Dialect() Dialect { return s.dialect }

// User is the admin user name the session logged in as.
func (s *Session) User() string { return s.user }

// newSession prepares a session for the admin at adminURL
// ("https://shop.example.com/admin/"); it is not logged in.
func newSession(adminURL string, d Dialect, opt Options) (*Session, error) {
	u, err := url.Parse(adminURL)
	if err != nil || u.Host == "" || u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("the admin address %q is not an http(s) address", adminURL)
	}
	u.RawQuery, u.Fragment = "", ""
	u.Path = strings.TrimSuffix(u.Path, "index.php")
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
	}
	jar, err := cookiejar.New(nil)
	if err != nil {
		return nil, err
	}
	c := &http.Client{Timeout: 60 * time.Second}
	if opt.HTTPClient != nil {
		cp := *opt.HTTPClient
		c = &cp
	}
	c.Jar = jar
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	agent := opt.UserAgent
	if agent == "" {
		agent = "ocsetup"
	}
	return &Session{base: u, dialect: d, client: c, agent: agent, msgs: phpmsg.New()}, nil
}

// response is one answer of the admin.
type response struct {
	url      *url.URL
	status   int
	header   http.Header
	body     []byte
	location *url.URL // the target of a redirect, nil otherwise
	// headersLost: PHP printed messages before the answer's headers, so
	// the headers it meant to send (a redirect, a cookie) were dropped
	// ("Cannot modify header information - headers already sent").
	headersLost bool
}

func (r *response) isJSON() bool {
	return strings.Contains(r.header.Get("Content-Type"), "json") || bytes.HasPrefix(bytes.TrimSpace(r.body), []byte("{")) ||
		bytes.HasPrefix(bytes.TrimSpace(r.body), []byte("["))
}

// routeURL is index.php?route=<route>[&<token>=…][&<query>], the shape
// OpenCart's own links have.
func (s *Session) routeURL(route string, query url.Values, withToken bool) *url.URL {
	u := *s.base
	q := "route=" + strings.ReplaceAll(url.QueryEscape(route), "%2F", "/")
	if withToken && s.token != "" {
		q += "&" + s.dialect.TokenParam() + "=" + url.QueryEscape(s.token)
	}
	if enc := query.Encode(); enc != "" {
		q += "&" + enc
	}
	u.Path += "index.php"
	u.RawQuery = q
	return &u
}

// do sends one request and reads the answer; redirects are returned, not
// followed.
func (s *Session) do(ctx context.Context, method string, u *url.URL, body []byte, contentType string, ajax bool) (*response, error) {
	if err := s.allow(u); err != nil {
		return nil, &Error{Op: "use the admin", Reason: err.Error(), URL: redact(u)}
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), rd)
	if err != nil {
		return nil, err
	}
	req.Header.Set("User-Agent", s.agent)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if ajax {
		// What jQuery sends with dataType: 'json'.
		req.Header.Set("Accept", "application/json, text/javascript, */*; q=0.01")
		req.Header.Set("X-Requested-With", "XMLHttpRequest")
	} else {
		req.Header.Set("Accept", "text/html,application/xhtml+xml,*/*;q=0.8")
	}
	resp, err := s.client.Do(req)
	if err != nil {
		if cerr := webguard.Certificate(err); cerr != nil {
			return nil, &Error{Op: "reach the admin", Reason: cerr.Error(), URL: redact(u)}
		}
		return nil, &Error{Op: "reach the admin", Reason: err.Error(), URL: redact(u)}
	}
	if strings.EqualFold(u.Scheme, "https") {
		s.secure.Store(true)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if err != nil {
		return nil, &Error{Op: "read the admin's answer", Reason: err.Error(), URL: redact(u)}
	}
	if len(data) > maxBody {
		return nil, &Error{Op: "read the admin's answer", Reason: "the page is larger than 8 MB", URL: redact(u)}
	}
	r := &response{url: u, status: resp.StatusCode, header: resp.Header, body: data}
	if found := s.msgs.Find(string(data), 0); len(found) > 0 {
		// Stores with Display Errors on print PHP messages before the page
		// or the JSON; what the admin meant to answer is behind them.
		if s.printed == 0 {
			s.example = found[0].Text
		}
		s.printed += len(found)
		for _, m := range found {
			if strings.Contains(m.Text, "Cannot modify header information") {
				r.headersLost = true
			}
		}
		r.body = []byte(s.msgs.Strip(string(data)))
	}
	if resp.StatusCode >= 300 && resp.StatusCode < 400 {
		if loc, err := u.Parse(strings.ReplaceAll(resp.Header.Get("Location"), "&amp;", "&")); err == nil && resp.Header.Get("Location") != "" {
			r.location = loc
		}
	}
	if resp.StatusCode >= 500 {
		return r, &Error{Op: "use the admin", Reason: fmt.Sprintf("the server answered HTTP %d", resp.StatusCode), URL: redact(u), Reply: snippet(data)}
	}
	return r, nil
}

// allow says whether a request may go to u: only to the admin's own
// scheme, host and port, or https on the same host (an upgrade), and
// never back to plain http once https was used. A redirect or a form
// action elsewhere would carry the password or the session cookie to a
// place the user never named.
func (s *Session) allow(u *url.URL) error {
	if err := webguard.SameOrigin(s.base, u); err != nil {
		return err
	}
	if s.secure.Load() && !strings.EqualFold(u.Scheme, "https") {
		return &webguard.RedirectError{From: "https://" + u.Host, To: "http://" + u.Host, Why: "drops encryption (https to http)"}
	}
	return nil
}

// follow follows up to 5 redirects from r with GET, as a browser does
// after a form post.
func (s *Session) follow(ctx context.Context, r *response) (*response, error) {
	for i := 0; r.location != nil; i++ {
		if i == 5 {
			return nil, &Error{Op: "use the admin", Reason: "it redirects in a loop", URL: redact(r.url)}
		}
		next, err := s.do(ctx, http.MethodGet, r.location, nil, "", false)
		if err != nil {
			return nil, err
		}
		r = next
	}
	return r, nil
}

// get loads a route with the session's token and follows redirects.
func (s *Session) get(ctx context.Context, route string, query url.Values) (*response, error) {
	r, err := s.do(ctx, http.MethodGet, s.routeURL(route, query, true), nil, "", false)
	if err != nil {
		return nil, err
	}
	return s.follow(ctx, r)
}

// getJSON loads a route the admin answers with JSON (4.x install,
// uninstall and refresh buttons call them by AJAX).
func (s *Session) getJSON(ctx context.Context, route string, query url.Values) (*response, error) {
	return s.do(ctx, http.MethodGet, s.routeURL(route, query, true), nil, "", true)
}

// ErrLoggedOut says that the admin no longer accepts the session (it
// showed its login page or sent there).
var ErrLoggedOut error = msg.NewError("error.admin.logged_out")

// checkLoggedIn turns an answer that is the login page into ErrLoggedOut.
func (s *Session) checkLoggedIn(r *response) error {
	if r.url.Query().Get("route") == "common/login" || r.location != nil && r.location.Query().Get("route") == "common/login" {
		return ErrLoggedOut
	}
	if !r.isJSON() && isLoginPage(r.body) {
		return ErrLoggedOut
	}
	return nil
}

// isLoginPage: OpenCart answers a request without a valid token with the
// login form at the requested URL (oc@3.0.3.8:upload/admin/controller/startup/login.php).
func isLoginPage(body []byte) bool {
	b := bytes.ToLower(body)
	return bytes.Contains(b, []byte(`type="password"`)) && bytes.Contains(b, []byte(`name="username"`)) &&
		(bytes.Contains(b, []byte("common/login")) || bytes.Contains(b, []byte(`id="form-login"`)))
}

// Error is a failure of the admin channel in plain words, with the
// admin's own reply for the curious.
type Error struct {
	Op     string // what ocsetup tried: "log in", "install amazon_ps"…
	Reason string
	URL    string // token removed
	Reply  string // the start of the admin's answer
}

func (e *Error) Error() string { return e.Msg().English() }

// Msg is the error as a message, for the app to show in the user's
// language: the operations and reasons ocsetup names have texts; the
// store's own words and the server's stay as they are.
func (e *Error) Msg() msg.Msg {
	if e.URL != "" {
		return msg.New("error.admin.failed_at", "Op", opMsg(e.Op), "Reason", reasonMsg(e.Reason), "URL", e.URL)
	}
	return msg.New("error.admin.failed", "Op", opMsg(e.Op), "Reason", reasonMsg(e.Reason))
}

// opMsg is an Error's Op as a message ("install cheque"), or the Op
// itself when ocsetup has no text for it.
func opMsg(op string) any {
	switch op {
	case "use the admin", "reach the admin", "read the admin's answer", "save the settings", "refresh the modifications":
		return msg.New("error.admin.op." + strings.NewReplacer(" ", "_", "'", "").Replace(op))
	}
	if code, ok := strings.CutPrefix(op, "open the settings of "); ok {
		return msg.New("error.admin.op.open_settings", "Code", code)
	}
	if action, code, ok := strings.Cut(op, " "); ok && (action == "install" || action == "uninstall") {
		return msg.New("error.admin.op."+action, "Code", code)
	}
	return op
}

// reasonMsg is an Error's Reason as a message, or the Reason itself (a
// library's words).
func reasonMsg(reason string) any {
	if said, ok := strings.CutPrefix(reason, "the store said: "); ok {
		return msg.New("error.admin.reason.said", "Said", said)
	}
	for key, text := range adminReasons {
		if reason == text {
			return msg.New("error.admin.reason." + key)
		}
	}
	var status int
	if n, err := fmt.Sscanf(reason, "the server answered HTTP %d", &status); err == nil && n == 1 && reason == fmt.Sprintf("the server answered HTTP %d", status) {
		return msg.New("error.admin.reason.http", "Status", status)
	}
	return reason
}

// adminReasons are the fixed reasons of Error, by their key.
var adminReasons = map[string]string{
	"not_json":  "the answer is not JSON (a PHP error in the extension?)",
	"neither":   "the store answered neither success nor an error",
	"too_large": "the page is larger than 8 MB",
	"loop":      "it redirects in a loop",
}

// redact hides the session token in a URL shown to the user or logged.
func redact(u *url.URL) string {
	if u == nil {
		return ""
	}
	c := *u
	q := c.Query()
	for _, k := range []string{"token", "user_token", "login_token"} {
		if q.Has(k) {
			q.Set(k, "…")
		}
	}
	c.RawQuery = q.Encode()
	return c.String()
}

// snippet is the start of an answer, as text, for error reports.
func snippet(b []byte) string {
	const n = 500
	s := strings.ToValidUTF8(string(b), "?")
	if len(s) > n {
		s = s[:n] + "…"
	}
	return s
}
