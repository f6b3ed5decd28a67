package storefront

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/net/html"

	"github.com/ocsetup/ocsetup/installer/phpmsg"
	"github.com/ocsetup/ocsetup/installer/store"
)

// Order is what a checkout through the store's API sends: one product, a
// guest customer and a payment address. docs/opencart.md ("The store's
// API at the checkout") describes the calls of each line.
type Order struct {
	ProductID int64
	Quantity  int
	// CustomerGroupID is the store's default customer group (0: let the
	// store pick its default).
	CustomerGroupID int64
	Firstname       string
	Lastname        string
	Email           string
	Telephone       string
	Address1        string
	City            string
	Postcode        string
	CountryID       int64
	ZoneID          int64
}

// PaymentMethod is one method the store offers at the checkout.
type PaymentMethod struct {
	Code  string
	Title string
	// Option is 4.x's code of the method's first option ("cod.cod"), which
	// choosing the method takes.
	Option string
}

// Answer is one API answer as the store gave it.
type Answer struct {
	Step   string // what the call did, in words ("add the product to the cart")
	Call   string // the route (and 4.1's call)
	Status int
	Body   string
	// Messages are the PHP messages printed into the answer.
	Messages []phpmsg.Message
}

// Serious reports PHP messages that mean code failed (warnings, errors,
// exceptions), as opposed to deprecation notices many live stores print.
func (a *Answer) Serious() []phpmsg.Message {
	var out []phpmsg.Message
	for _, m := range a.Messages {
		if SeriousKind(m.Kind) {
			out = append(out, m)
		}
	}
	return out
}

// SeriousKind is true for the PHP message kinds that mean code did not do
// its job: warnings, errors and uncaught exceptions. Notices, deprecations
// (OpenCart labels them "Unknown") and strict-standards hints are not.
func SeriousKind(kind string) bool {
	switch kind {
	case "Notice", "Deprecated", "Unknown", "User Deprecated", "Strict Standards":
		return false
	}
	return true
}

// CheckoutError says which call of the checkout failed and why.
type CheckoutError struct {
	Answer *Answer
	// Login is set when the API login itself was refused.
	Login *LoginError
	// Reason is the store's own error text, or what was wrong with the
	// answer.
	Reason string
}

func (e *CheckoutError) Error() string {
	if e.Login != nil {
		return e.Login.Error()
	}
	return fmt.Sprintf("%s (%s): %s", e.Answer.Step, e.Answer.Call, e.Reason)
}

// APISession is a logged-in API client of one store: the token and cookies
// of the login up to 4.0, the user and key that sign each call on 4.1.
type APISession struct {
	c        *Client
	http     *http.Client
	line     store.Line
	username string
	key      string
	token    string
	finder   *phpmsg.Finder
	// Answers are every answer of this session, in order.
	Answers []*Answer
	// NoMethods is the store's answer when it offered no payment method.
	NoMethods string
	// order is 4.1's: every call carries the whole order.
	order url.Values
}

// Token is the session's API token ("" on 4.1, which signs calls).
func (s *APISession) Token() string { return s.token }

// OpenAPI logs in to the store's API by the line's route (2.1–2.3 api/login
// with the key; 3.0 api/login with user and key; 4.0 api/account/login);
// on 4.1, which has no login, it only prepares the signed calls. The
// session keeps its own cookies (2.3 keeps the API session in PHP's).
func (c *Client) OpenAPI(ctx context.Context, line store.Line, username, key string) (*APISession, error) {
	jar, _ := cookiejar.New(nil)
	hc := *c.HTTP
	hc.Jar = jar
	s := &APISession{c: &Client{Base: c.Base, HTTP: &hc}, http: &hc, line: line, username: username, key: key, finder: phpmsg.New()}
	if line == store.Line41 {
		return s, nil
	}
	if !line.In(store.Line21, store.Line22, store.Line23, store.Line30, store.Line40) {
		return nil, fmt.Errorf("the checkout test supports OpenCart 2.1 to 4.1, not %s", line)
	}
	login, err := s.c.APILogin(ctx, line, username, key)
	if err != nil {
		return nil, err
	}
	s.token = login.Token
	return s, nil
}

// routes of the checkout calls up to 4.0 (4.0 moved them under api/sale/).
func (s *APISession) route(step string) string {
	if s.line == store.Line40 {
		return map[string]string{"cart": "api/sale/cart.add", "customer": "api/sale/customer", "payment_address": "api/sale/payment_address",
			"payment_methods": "api/sale/payment_method", "payment_method": "api/sale/payment_method.save"}[step]
	}
	return map[string]string{"cart": "api/cart/add", "customer": "api/customer", "payment_address": "api/payment/address",
		"payment_methods": "api/payment/methods", "payment_method": "api/payment/method"}[step]
}

// call posts form to an API route with the session's token.
func (s *APISession) call(ctx context.Context, step, route string, form url.Values) (*Answer, map[string]json.RawMessage, error) {
	q := url.Values{"route": {route}}
	switch s.line {
	case store.Line21, store.Line22, store.Line23:
		q.Set("token", s.token)
	default:
		q.Set("api_token", s.token)
	}
	p, err := s.c.do(ctx, http.MethodPost, s.c.Base+"index.php?"+q.Encode(), form)
	if err != nil {
		return nil, nil, err
	}
	return s.answer(step, route, p)
}

// signed makes one of 4.1's signed calls with the whole order.
func (s *APISession) signed(ctx context.Context, step, call string) (*Answer, map[string]json.RawMessage, error) {
	p, err := s.c.signedPage(ctx, s.username, s.key, "api/order", call, s.order)
	if err != nil {
		return nil, nil, err
	}
	return s.answer(step, "api/order call="+call, p)
}

// answer records the store's answer and reads the JSON behind any PHP
// messages printed before it.
func (s *APISession) answer(step, call string, p *Page) (*Answer, map[string]json.RawMessage, error) {
	a := &Answer{Step: step, Call: call, Status: p.Status, Body: p.Raw, Messages: s.finder.Find(p.Raw, 0)}
	s.Answers = append(s.Answers, a)
	if p.Status == http.StatusForbidden && s.line == store.Line41 {
		return a, nil, &CheckoutError{Answer: a, Login: &LoginError{BadKey: true, IPNotAllowed: true, Raw: trim(p.Body)}}
	}
	if p.Status != http.StatusOK {
		return a, nil, &CheckoutError{Answer: a, Reason: fmt.Sprintf("HTTP %d", p.Status)}
	}
	var ans map[string]json.RawMessage
	body := strings.TrimSpace(p.Body)
	if body == "[]" {
		ans = map[string]json.RawMessage{}
	} else if err := decodeLenient(body, &ans); err != nil {
		return a, nil, &CheckoutError{Answer: a, Reason: "the answer is not JSON"}
	}
	if e, ok := ans["error"]; ok {
		return a, ans, &CheckoutError{Answer: a, Reason: errorText(e)}
	}
	return a, ans, nil
}

// errorText flattens OpenCart's error answers: a string, or an object of
// field → message (nested one level on some routes).
func errorText(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil {
		return string(raw)
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, k+": "+errorText(m[k]))
	}
	return strings.Join(parts, "; ")
}

func (o Order) customer() url.Values {
	v := url.Values{}
	v.Set("customer_id", "0")
	if o.CustomerGroupID > 0 {
		v.Set("customer_group_id", strconv.FormatInt(o.CustomerGroupID, 10))
	}
	v.Set("firstname", o.Firstname)
	v.Set("lastname", o.Lastname)
	v.Set("email", o.Email)
	v.Set("telephone", o.Telephone)
	return v
}

func (o Order) address(prefix string) url.Values {
	v := url.Values{}
	for k, val := range map[string]string{"firstname": o.Firstname, "lastname": o.Lastname, "company": "", "address_1": o.Address1,
		"address_2": "", "city": o.City, "postcode": o.Postcode, "country_id": strconv.FormatInt(o.CountryID, 10), "zone_id": strconv.FormatInt(o.ZoneID, 10)} {
		v.Set(prefix+k, val)
	}
	return v
}

// paymentAddress is the payment address form; 4.0 reads payment_address_id
// without a default (a PHP warning, and HTTP 500 with Display Errors off,
// when it is missing).
func (s *APISession) paymentAddress(o Order) url.Values {
	v := o.address("")
	if s.line == store.Line40 {
		v.Set("payment_address_id", "0")
	}
	return v
}

func merge(dst url.Values, srcs ...url.Values) url.Values {
	for _, src := range srcs {
		for k, v := range src {
			dst[k] = v
		}
	}
	return dst
}

// PaymentMethods runs the checkout up to the list of payment methods: the
// product in the cart, the guest customer, the payment address (and, on
// 4.1, whose payment list needs them for goods that ship, the shipping
// address and the first shipping method quoted).
func (s *APISession) PaymentMethods(ctx context.Context, o Order) (map[string]PaymentMethod, error) {
	qty := strconv.Itoa(max(o.Quantity, 1))
	if s.line == store.Line41 {
		return s.paymentMethods41(ctx, o, qty)
	}
	steps := []struct {
		step, key string
		form      url.Values
	}{
		{"add the product to the cart", "cart", url.Values{"product_id": {strconv.FormatInt(o.ProductID, 10)}, "quantity": {qty}}},
		{"set the customer", "customer", o.customer()},
		{"set the payment address", "payment_address", s.paymentAddress(o)},
	}
	for _, st := range steps {
		if _, _, err := s.call(ctx, st.step, s.route(st.key), st.form); err != nil {
			return nil, err
		}
	}
	_, ans, err := s.call(ctx, "list the payment methods", s.route("payment_methods"), url.Values{})
	return s.methods(ans, err)
}

// methods reads the list; a store that offers none answers with an
// error ("No Payment options are available"), which is an empty list.
func (s *APISession) methods(ans map[string]json.RawMessage, err error) (map[string]PaymentMethod, error) {
	var ce *CheckoutError
	if errors.As(err, &ce) && ce.Login == nil && ans != nil {
		s.NoMethods = ce.Reason
		return map[string]PaymentMethod{}, nil
	}
	if err != nil {
		return nil, err
	}
	return methodsOf(ans["payment_methods"])
}

func (s *APISession) paymentMethods41(ctx context.Context, o Order, qty string) (map[string]PaymentMethod, error) {
	s.order = merge(url.Values{
		"product[0][product_id]": {strconv.FormatInt(o.ProductID, 10)},
		"product[0][quantity]":   {qty},
	}, o.customer(), o.address("payment_"), o.address("shipping_"))
	_, ans, err := s.signed(ctx, "add the product to the cart", "cart")
	if err != nil {
		return nil, err
	}
	var cart struct {
		Products []struct {
			Shipping any `json:"shipping"`
		} `json:"products"`
	}
	_ = json.Unmarshal(ans["products"], &cart.Products)
	if _, _, err := s.signed(ctx, "set the customer", "customer"); err != nil {
		return nil, err
	}
	if _, _, err := s.signed(ctx, "set the payment address", "payment_address"); err != nil {
		return nil, err
	}
	// Goods that ship need a shipping address and method before 4.1
	// lists payment methods: take the first quote the store offers.
	_, ans, err = s.signed(ctx, "list the shipping methods", "shipping_methods")
	if err == nil {
		if q, ok := firstQuote(ans["shipping_methods"]); ok {
			for k, v := range q {
				s.order.Set("shipping_method["+k+"]", v)
			}
		}
	} else if ce, ok := err.(*CheckoutError); !ok || ce.Answer == nil || ce.Answer.Status != http.StatusOK {
		return nil, err
	}
	_, ans, err = s.signed(ctx, "list the payment methods", "payment_methods")
	return s.methods(ans, err)
}

// firstQuote is the first shipping quote of 4.1's shipping_methods answer
// ({"flat": {"quote": {"flat": {code, name, cost, tax_class_id}}}}).
func firstQuote(raw json.RawMessage) (map[string]string, bool) {
	var methods map[string]struct {
		Quote map[string]map[string]any `json:"quote"`
	}
	if json.Unmarshal(raw, &methods) != nil {
		return nil, false
	}
	names := make([]string, 0, len(methods))
	for k := range methods {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, n := range names {
		quotes := methods[n].Quote
		qn := make([]string, 0, len(quotes))
		for k := range quotes {
			qn = append(qn, k)
		}
		sort.Strings(qn)
		for _, k := range qn {
			q := quotes[k]
			out := map[string]string{}
			for _, f := range []string{"name", "code", "cost", "tax_class_id"} {
				out[f] = fmt.Sprint(q[f])
			}
			return out, true
		}
	}
	return nil, false
}

// methodsOf reads payment_methods: code → {title (up to 3.0) or name (4.x)}.
// PHP encodes an empty array as [], which is no method.
func methodsOf(raw json.RawMessage) (map[string]PaymentMethod, error) {
	out := map[string]PaymentMethod{}
	if len(raw) == 0 || strings.TrimSpace(string(raw)) == "[]" {
		return out, nil
	}
	var m map[string]struct {
		Code   string                     `json:"code"`
		Title  string                     `json:"title"`
		Name   string                     `json:"name"`
		Option map[string]json.RawMessage `json:"option"`
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("the store's list of payment methods cannot be read: %w", err)
	}
	for k, v := range m {
		title := v.Title
		if title == "" {
			title = v.Name
		}
		pm := PaymentMethod{Code: k, Title: plainText(title)}
		opts := make([]string, 0, len(v.Option))
		for o := range v.Option {
			opts = append(opts, o)
		}
		sort.Strings(opts)
		for _, o := range opts {
			var opt struct {
				Code string `json:"code"`
			}
			if json.Unmarshal(v.Option[o], &opt) == nil && opt.Code != "" {
				pm.Option = opt.Code
				break
			}
		}
		out[k] = pm
	}
	return out, nil
}

// plainText is a method title as a person reads it: modules put HTML in
// their titles (Amazon Payment Services appends <img> card logos, others
// wrap words in <b>), which a report must not print as markup.
func plainText(s string) string {
	if !strings.ContainsAny(s, "<&") {
		return strings.Join(strings.Fields(s), " ")
	}
	var b strings.Builder
	z := html.NewTokenizer(strings.NewReader(s))
	skip := 0
	for {
		switch z.Next() {
		case html.ErrorToken:
			return strings.Join(strings.Fields(b.String()), " ")
		case html.TextToken:
			if skip == 0 {
				b.Write(z.Text())
			}
		case html.StartTagToken:
			if name, _ := z.TagName(); string(name) == "script" || string(name) == "style" {
				skip++
			}
		case html.EndTagToken:
			if name, _ := z.TagName(); (string(name) == "script" || string(name) == "style") && skip > 0 {
				skip--
			}
		}
	}
}

// Confirm chooses the payment method in the API session (up to 4.0) and
// calls the module's confirm route, as the checkout's Confirm Order does,
// with the API session as the customer's session: its cookie on 3.0 and
// 4.0, the cookies of the login on 2.3. The answer is returned whatever it
// says; the caller judges its status and PHP messages.
func (s *APISession) Confirm(ctx context.Context, route string, m PaymentMethod) (*Answer, error) {
	if s.line != store.Line41 {
		form := url.Values{"payment_method": {m.Code}}
		if s.line == store.Line40 && m.Option != "" {
			form.Set("payment_method", m.Option)
		}
		if _, _, err := s.call(ctx, "choose the payment method", s.route("payment_method"), form); err != nil {
			return nil, err
		}
	}
	u := s.c.Base + "index.php?route=" + url.QueryEscape(route)
	if s.line.In(store.Line30, store.Line40) && s.token != "" {
		base, err := url.Parse(s.c.Base)
		if err == nil {
			s.http.Jar.SetCookies(base, []*http.Cookie{{Name: "OCSESSID", Value: s.token, Path: "/"}})
		}
	}
	p, err := s.c.do(ctx, http.MethodPost, u, url.Values{})
	if err != nil {
		return nil, err
	}
	a := &Answer{Step: "confirm the order with the payment method", Call: route, Status: p.Status, Body: p.Raw, Messages: s.finder.Find(p.Raw, 0)}
	s.Answers = append(s.Answers, a)
	return a, nil
}
