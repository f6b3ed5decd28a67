package admin

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/ocsetup/ocsetup/installer/msg"
	"github.com/ocsetup/ocsetup/installer/store"
)

// Login is an admin account's user name and password.
type Login struct {
	Username string
	Password string
}

// LoginReason tells why a login failed.
type LoginReason string

// Why a login fails.
const (
	// WrongLogin: the store refused the user name or password.
	WrongLogin LoginReason = "wrong-login"
	// Captcha: the login form has a captcha (a security add-on; stock
	// OpenCart has none), which ocsetup does not try to solve.
	Captcha LoginReason = "captcha"
	// TwoFactor: the login worked but the admin asks for a code sent by
	// e-mail (4.1's config_user_2fa, oc@4.1.0.4:upload/admin/controller/startup/authorize.php).
	TwoFactor LoginReason = "two-factor"
	// NoLoginForm: the address does not show OpenCart's admin login.
	NoLoginForm LoginReason = "no-login-form"
	// Unexpected: the admin answered in a way ocsetup does not know.
	Unexpected LoginReason = "unexpected"
	// PHPOutput: the store prints PHP messages into its pages (Display
	// Errors on), so its login could not send the redirect that carries
	// the session token. Switching Display Errors off fixes it.
	PHPOutput LoginReason = "php-output"
)

// LoginError says why ocsetup could not log in to the admin, and what the
// user can do.
type LoginError struct {
	Reason  LoginReason
	User    string
	Message string // plain words, with what to do
	// StoreSaid is the admin's own message, when it showed one.
	StoreSaid string
	// MessageMsg is Message as a message, for the app to show in the
	// user's language.
	MessageMsg msg.Msg
}

func (e *LoginError) Error() string { return e.Msg().English() }

// Msg is the error as a message, for the app to show in the user's
// language; the store's own words stay as the store said them.
func (e *LoginError) Msg() msg.Msg {
	var m any = e.Message
	if !e.MessageMsg.IsZero() {
		m = e.MessageMsg
	}
	if e.StoreSaid != "" && !strings.Contains(e.Message, e.StoreSaid) {
		return msg.New("error.admin.store_said", "Message", m, "Said", fmt.Sprintf("%q", e.StoreSaid))
	}
	if mm, ok := m.(msg.Msg); ok {
		return mm
	}
	return msg.New("error.admin.message", "Message", e.Message)
}

// loginError is a LoginError with its message.
func loginError(reason LoginReason, user, said string, m msg.Msg) *LoginError {
	return &LoginError{Reason: reason, User: user, StoreSaid: said, Message: m.English(), MessageMsg: m}
}

// Open logs in to the admin at adminURL (the admin folder's address, such
// as "https://shop.example.com/admin/"; the folder may have been renamed)
// the way the login page does on the store's line.
func Open(ctx context.Context, adminURL string, d Dialect, l Login, opt Options) (*Session, error) {
	s, err := newSession(adminURL, d, opt)
	if err != nil {
		return nil, err
	}
	if err := s.login(ctx, l); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *Session) login(ctx context.Context, l Login) error {
	fail := func(reason LoginReason, said string, m msg.Msg) error {
		return loginError(reason, l.Username, said, m)
	}
	r, err := s.do(ctx, http.MethodGet, s.routeURL("common/login", nil, false), nil, "", false)
	if err == nil {
		r, err = s.follow(ctx, r)
	}
	if err != nil {
		return err
	}
	pg, err := parsePage(r.url, r.body)
	if err != nil {
		return err
	}
	form := loginForm(pg)
	if form == nil {
		return fail(NoLoginForm, "", msg.New("error.admin.no_login_form", "URL", redact(r.url), "Status", r.status))
	}
	if pg.captcha != "" {
		return fail(Captcha, "", msg.New("error.admin.captcha", "Captcha", pg.captcha))
	}
	if err := form.Set("username", l.Username); err != nil {
		return fail(NoLoginForm, "", msg.New("error.admin.no_user_field", "Error", err.Error()))
	}
	if err := form.Set("password", l.Password); err != nil {
		return fail(NoLoginForm, "", msg.New("error.admin.no_password_field", "Error", err.Error()))
	}
	ajax := form.AJAX || s.dialect.JSON()
	body, ctype, err := form.Encode()
	if err != nil {
		return err
	}
	r, err = s.do(ctx, http.MethodPost, form.Action, body, ctype, ajax)
	if err != nil {
		return err
	}
	s.user = l.Username

	if ajax && r.isJSON() {
		// 4.x: {"redirect": "…&user_token=…"} or {"error": "…"}
		// (oc@4.0.2.3:upload/admin/controller/common/login.php login()).
		var ans struct {
			Redirect string          `json:"redirect"`
			Error    json.RawMessage `json:"error"`
		}
		if err := json.Unmarshal(r.body, &ans); err != nil {
			return fail(Unexpected, snippet(r.body), msg.New("error.admin.not_json", "Line", string(s.dialect.Line)))
		}
		if said := jsonMessage(ans.Error); said != "" {
			return fail(WrongLogin, said, msg.New("error.admin.wrong_login", "User", fmt.Sprintf("%q", l.Username)))
		}
		u, err := r.url.Parse(strings.ReplaceAll(ans.Redirect, "&amp;", "&"))
		if err != nil || u.Query().Get(s.dialect.TokenParam()) == "" {
			return fail(Unexpected, "", msg.New("error.admin.no_token", "URL", redact(u)))
		}
		s.token = u.Query().Get(s.dialect.TokenParam())
		return s.checkLanding(ctx, u, l)
	}

	if r.location != nil && r.location.Query().Get(s.dialect.TokenParam()) != "" {
		// Up to 3.x a good login redirects to common/dashboard&token=…
		// (oc@2.3.0.2:upload/admin/controller/common/login.php).
		s.token = r.location.Query().Get(s.dialect.TokenParam())
		return s.checkLanding(ctx, r.location, l)
	}
	if r.location == nil && r.headersLost {
		// Up to 3.x the answer to a good login is only a redirect; PHP
		// could not send it after the messages it printed. Whether the
		// password was right cannot be told: say what stands in the way.
		_, example := s.PHPMessages()
		return fail(PHPOutput, example, msg.New("error.admin.php_output"))
	}
	if r.location != nil {
		if r, err = s.follow(ctx, r); err != nil {
			return err
		}
	}
	after, err := parsePage(r.url, r.body)
	if err != nil {
		return err
	}
	if after.captcha != "" {
		return fail(Captcha, strings.Join(after.warnings, " "), msg.New("error.admin.captcha_after", "Captcha", after.captcha))
	}
	return fail(WrongLogin, strings.Join(after.warnings, " "), msg.New("error.admin.wrong_login", "User", fmt.Sprintf("%q", l.Username)))
}

// checkLanding opens the page a login leads to, to see that the session
// holds and that no second factor is asked for.
func (s *Session) checkLanding(ctx context.Context, u *url.URL, l Login) error {
	if s.dialect.Line.In(store.Line20, store.Line21, store.Line22, store.Line23, store.Line30) {
		// Up to 3.x the dashboard refreshes the currency rates when it
		// opens (config_currency_auto), which changes the store: the user
		// list shows as well that the session holds, and changes nothing.
		u = s.routeURL("user/user", nil, true)
	}
	r, err := s.do(ctx, http.MethodGet, u, nil, "", false)
	if err == nil {
		r, err = s.follow(ctx, r)
	}
	if err != nil {
		return err
	}
	if r.url.Query().Get("route") == "common/authorize" || strings.Contains(string(r.body), "route=common/authorize") {
		return loginError(TwoFactor, l.Username, "", msg.New("error.admin.two_factor", "User", fmt.Sprintf("%q", l.Username)))
	}
	if err := s.checkLoggedIn(r); err != nil {
		return loginError(Unexpected, l.Username, "", msg.New("error.admin.session_lost"))
	}
	return nil
}

// loginForm is the form with the password field.
func loginForm(pg *page) *Form {
	for _, f := range pg.forms {
		if fl := f.Field("password"); fl != nil && fl.Kind == Password {
			return f
		}
	}
	return nil
}

// jsonMessage reads OpenCart's "error": a string, or an object of
// messages by field ("warning" first).
func jsonMessage(raw json.RawMessage) string {
	if len(raw) == 0 || string(raw) == "null" || string(raw) == `""` || string(raw) == "false" {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var m map[string]string
	if json.Unmarshal(raw, &m) == nil {
		if w := m["warning"]; w != "" {
			return w
		}
		var parts []string
		for _, v := range m {
			parts = append(parts, v)
		}
		return strings.Join(parts, " ")
	}
	return string(raw)
}

// Close logs the session out (common/logout), so the session is not left
// open on the store.
func (s *Session) Close(ctx context.Context) error {
	if s.token == "" {
		return nil
	}
	_, err := s.do(ctx, http.MethodGet, s.routeURL("common/logout", nil, true), nil, "", false)
	s.token = ""
	return err
}
