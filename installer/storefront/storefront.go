// Package storefront is the storefront channel: plain HTTP(S) to the shop
// for liveness, the API login with the integration's key (each line's own
// route and answer), and 4.1's signed API calls.
package storefront

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/ocsetup/ocsetup/installer/phpmsg"
	"github.com/ocsetup/ocsetup/installer/store"
	"github.com/ocsetup/ocsetup/installer/webguard"
)

// Client talks to one store's front controller.
type Client struct {
	// Base is the catalog's HTTP_SERVER, ending in "/".
	Base string
	HTTP *http.Client
	msgs *phpmsg.Finder
}

// New makes a client with sane timeouts for base.
func New(base string) *Client {
	if !strings.HasSuffix(base, "/") {
		base += "/"
	}
	return &Client{Base: base, HTTP: &http.Client{Timeout: 20 * time.Second}, msgs: phpmsg.New()}
}

// Page is an answer of the store.
type Page struct {
	Status int
	Body   string
	// PHPErrors are the first PHP messages printed into the page (every
	// form: Warning, Notice, Deprecated, Unknown, Fatal error…), in plain
	// text; PHPCount is how many there were in all.
	PHPErrors []string
	PHPCount  int
	// Raw is the answer as it came, PHP messages included (Body has them
	// stripped).
	Raw string
}

// Get fetches index.php with a query (route=common/home, say).
func (c *Client) Get(ctx context.Context, query url.Values) (*Page, error) {
	return c.do(ctx, http.MethodGet, c.Base+"index.php?"+query.Encode(), nil)
}

func (c *Client) do(ctx context.Context, method, u string, form url.Values) (*Page, error) {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return nil, err
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	// Redirects stay on the store's origin whatever client was given: a
	// 307 would carry the API key's POST anywhere.
	resp, err := webguard.Guard(c.HTTP).Do(req)
	if err != nil {
		if cerr := webguard.Certificate(err); cerr != nil {
			return nil, cerr
		}
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return nil, err
	}
	p := &Page{Status: resp.StatusCode, Body: string(b), Raw: string(b)}
	if c.msgs == nil {
		c.msgs = phpmsg.New()
	}
	for _, m := range c.msgs.Find(p.Body, 20) {
		p.PHPErrors = append(p.PHPErrors, m.Kind+": "+strings.TrimPrefix(m.Text, m.Kind+": "))
	}
	if len(p.PHPErrors) > 0 {
		p.PHPCount = c.msgs.Count(p.Body)
		// The JSON or HTML behind the messages is what the callers read.
		p.Body = c.msgs.Strip(p.Body)
	}
	return p, nil
}

// Home fetches the storefront's home page.
func (c *Client) Home(ctx context.Context) (*Page, error) {
	return c.Get(ctx, url.Values{"route": {"common/home"}})
}

// LoginError says why the API did not accept the key.
type LoginError struct {
	// IPNotAllowed is set when the store refused this machine's address;
	// IP is the address it saw (when it said).
	IPNotAllowed bool
	IP           string
	BadKey       bool
	// Raw is the store's answer.
	Raw string
}

func (e *LoginError) Error() string {
	switch {
	case e.IPNotAllowed && e.IP != "":
		return fmt.Sprintf("the store refused the API login from %s: add that address to the API user's allowed IPs", e.IP)
	case e.IPNotAllowed:
		return "the store refused the API login from this address: add it to the API user's allowed IPs"
	case e.BadKey:
		return "the store did not accept the API key (wrong key, wrong user name, or the API user is disabled)"
	}
	return "the store's API login failed: " + e.Raw
}

// Login is a successful API login.
type Login struct {
	Token string // the session token (api_token, token or cookie)
	Field string // which field carried it
}

var ipInMessage = regexp.MustCompile(`Your IP ([0-9a-fA-F:.]+) is not allowed`)

// APILogin logs in to the store's API by the line's route and fields:
// 2.0 username+password → cookie; 2.1–2.3 key → token; 3.0 username+key →
// api_token; 4.0 api/account/login → api_token; 1.5 checks the REST API
// module's key; 4.1 has no login, so a signed call stands in for it.
func (c *Client) APILogin(ctx context.Context, line store.Line, username, key string) (*Login, error) {
	switch line {
	case store.Line15:
		p, err := c.Get(ctx, url.Values{"route": {"feed/rest_api/version"}, "key": {key}})
		if err != nil {
			return nil, err
		}
		var ans map[string]any
		if err := decodeLenient(p.Body, &ans); err != nil {
			return nil, &LoginError{Raw: trim(p.Body)}
		}
		if _, ok := ans["error"]; ok {
			return nil, &LoginError{BadKey: true, Raw: trim(p.Body)}
		}
		return &Login{Token: key, Field: "key"}, nil
	case store.Line41:
		if err := c.SignedCall(ctx, username, key, "api/order", "confirm", nil); err != nil {
			return nil, err
		}
		return &Login{Field: "signature"}, nil
	}
	route, form := "api/login", url.Values{"key": {key}}
	switch line {
	case store.Line20:
		form = url.Values{"username": {username}, "password": {key}}
	case store.Line30:
		// Without a name 3.0 checks the key against "Default", as a
		// connector that sends the key alone (OneBox's cron.php) logs in.
		if username != "" {
			form.Set("username", username)
		}
	case store.Line40:
		route = "api/account/login"
		form.Set("username", username)
	}
	p, err := c.do(ctx, http.MethodPost, c.Base+"index.php?route="+url.QueryEscape(route), form)
	if err != nil {
		return nil, err
	}
	var ans struct {
		Error    json.RawMessage `json:"error"`
		Token    string          `json:"token"`
		APIToken string          `json:"api_token"`
		Cookie   string          `json:"cookie"`
	}
	// 2.2 and 3.0 answer a wrong key with an empty array: [].
	if strings.TrimSpace(jsonPart(p.Body)) == "[]" {
		return nil, &LoginError{BadKey: true, Raw: "[]"}
	}
	if err := decodeLenient(p.Body, &ans); err != nil {
		return nil, &LoginError{Raw: trim(p.Body)}
	}
	switch {
	case len(ans.Error) > 0:
		le := &LoginError{Raw: string(ans.Error)}
		if m := ipInMessage.FindStringSubmatch(string(ans.Error)); m != nil {
			le.IPNotAllowed, le.IP = true, m[1]
		} else {
			le.BadKey = true
		}
		return nil, le
	case ans.APIToken != "":
		return &Login{Token: ans.APIToken, Field: "api_token"}, nil
	case ans.Token != "":
		return &Login{Token: ans.Token, Field: "token"}, nil
	case ans.Cookie != "":
		return &Login{Token: ans.Cookie, Field: "cookie"}, nil
	}
	return nil, &LoginError{Raw: trim(p.Body)}
}

// SignedCall makes one 4.1 API call, signed as catalog/controller/startup/
// api.php checks it (oc@4.1.0.4): base64 HMAC-SHA1 with the API key over the
// route, call, user, host, folder, store, language, currency, the POST's
// md5 and the time.
func (c *Client) SignedCall(ctx context.Context, username, key, route, call string, post url.Values) error {
	p, err := c.signedPage(ctx, username, key, route, call, post)
	if err != nil {
		return err
	}
	if p.Status == http.StatusForbidden {
		// 4.1 says nothing more: wrong key, wrong user and a refused IP
		// all answer 403.
		return &LoginError{BadKey: true, IPNotAllowed: true, Raw: trim(p.Body)}
	}
	if p.Status != http.StatusOK {
		return &LoginError{Raw: fmt.Sprintf("HTTP %d: %s", p.Status, trim(p.Body))}
	}
	return nil
}

// signedPage makes a signed call and returns the store's answer as it is.
func (c *Client) signedPage(ctx context.Context, username, key, route, call string, post url.Values) (*Page, error) {
	base, err := url.Parse(c.Base)
	if err != nil {
		return nil, err
	}
	now := strconv.FormatInt(time.Now().Unix(), 10)
	dir := strings.TrimRight(path.Dir(path.Join(base.Path, "index.php")), "/") + "/"
	if post == nil {
		post = url.Values{}
	}
	sum := md5.Sum([]byte(phpHTTPBuildQuery(post)))
	msg := strings.Join([]string{route, call, username, base.Host, dir, "0", "en-gb", "USD", hex.EncodeToString(sum[:]), now}, "\n") + "\n"
	mac := hmac.New(sha1.New, []byte(key))
	mac.Write([]byte(msg))
	q := url.Values{"route": {route}, "call": {call}, "username": {username}, "store_id": {"0"}, "language": {"en-gb"},
		"currency": {"USD"}, "time": {now}, "signature": {base64.StdEncoding.EncodeToString(mac.Sum(nil))}}
	return c.do(ctx, http.MethodPost, c.Base+"index.php?"+q.Encode(), post)
}

// phpHTTPBuildQuery encodes like PHP's http_build_query for flat forms
// (keys in insertion order there; Go's url.Values sorts, which matches for
// the forms we send).
func phpHTTPBuildQuery(v url.Values) string {
	return strings.ReplaceAll(v.Encode(), "%20", "+")
}

// jsonPart skips what PHP printed before the JSON (notices with display_
// errors on, a BOM): the answer starts at the first { or [.
func jsonPart(body string) string {
	i := strings.IndexAny(body, "{[")
	if i < 0 {
		return ""
	}
	return body[i:]
}

func decodeLenient(body string, v any) error {
	part := jsonPart(body)
	if part == "" {
		return errors.New("no JSON in the answer")
	}
	dec := json.NewDecoder(bytes.NewReader([]byte(part)))
	return dec.Decode(v)
}

func trim(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > 300 {
		return s[:300] + "…"
	}
	return s
}
