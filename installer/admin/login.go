package admin

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

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
}

func (e *LoginError) Error() string {
	if e.StoreSaid != "" && !strings.Contains(e.Message, e.StoreSaid) {
		return fmt.Sprintf("%s (the store said: %q)", e.Message, e.StoreSaid)
	}
	return e.Message
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
	fail := func(reason LoginReason, said, msg string, args ...any) error {
		return &LoginError{Reason: reason, User: l.Username, StoreSaid: said, Message: fmt.Sprintf(msg, args...)}
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
		return fail(NoLoginForm, "", "%s does not show OpenCart's admin login form (HTTP %d). Check the admin address; the admin folder may have been renamed.", redact(r.url), r.status)
	}
	if pg.captcha != "" {
		return fail(Captcha, "", "The admin login form has a captcha (%s), which a security add-on adds; ocsetup does not solve captchas. Turn the captcha off for the setup, or let ocsetup write the settings into the database instead.", pg.captcha)
	}
	if err := form.Set("username", l.Username); err != nil {
		return fail(NoLoginForm, "", "The admin login form has no user name field: %v", err)
	}
	if err := form.Set("password", l.Password); err != nil {
		return fail(NoLoginForm, "", "The admin login form has no password field: %v", err)
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
			return fail(Unexpected, snippet(r.body), "The admin's login answer is not the JSON OpenCart %s sends.", s.dialect.Line)
		}
		if msg := jsonMessage(ans.Error); msg != "" {
			return fail(WrongLogin, msg, "The store refused the admin login for %q: the user name or password is wrong, or the account is disabled.", l.Username)
		}
		u, err := r.url.Parse(strings.ReplaceAll(ans.Redirect, "&amp;", "&"))
		if err != nil || u.Query().Get(s.dialect.TokenParam()) == "" {
			return fail(Unexpected, "", "The admin accepted the login form but gave no session token (it sent ocsetup to %s). Its login token may have expired; try again.", redact(u))
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
		return fail(PHPOutput, example, "The store prints PHP messages into its pages (Display Errors is on), and they stop its admin login: PHP cannot send the login's redirect after them. Let ocsetup switch Display Errors off (it is undone with the setup), or switch it off in System > Settings > Server, and ask the author of the module named in the messages for a version that supports this PHP.")
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
		return fail(Captcha, strings.Join(after.warnings, " "), "The admin now asks for a captcha (%s), after a failed login; ocsetup does not solve captchas.", after.captcha)
	}
	return fail(WrongLogin, strings.Join(after.warnings, " "), "The store refused the admin login for %q: the user name or password is wrong, or the account is disabled.", l.Username)
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
		return &LoginError{Reason: TwoFactor, User: l.Username, Message: fmt.Sprintf(
			"The login of %q worked, but the store asks for a code sent by e-mail (two-factor authorisation, System > Settings > Option > Two-factor authorization); ocsetup cannot read that mail. Turn it off for the setup, or let ocsetup write the settings into the database instead.", l.Username)}
	}
	if err := s.checkLoggedIn(r); err != nil {
		return &LoginError{Reason: Unexpected, User: l.Username, Message: "The admin accepted the login but forgot the session on the next page: its session cookie did not come back. The admin address may differ from the one in the admin's config.php (http vs https, www or not)."}
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
