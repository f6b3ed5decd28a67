package testext

import (
	"context"
	"crypto/hmac"
	"crypto/md5"
	"crypto/rand"
	"crypto/sha1"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/ocsetup/ocsetup/internal/testenv"
)

// CheckoutOptions say where the store's database is and what to pay with.
type CheckoutOptions struct {
	// MySQL is the database server of the store (the store's own database
	// user from rs logs in over TCP).
	MySQL testenv.MySQL
	// Prefix is the store's table prefix; "" means "oc_".
	Prefix string
	// Pay is the payment method to order with and whose confirm step to
	// call; "" lists the methods only.
	Pay string
	// ConfirmRoute is the storefront route of the module's confirm step;
	// "" means ConfirmRoute(rs.Line, Pay).
	ConfirmRoute string
	// PayName is the method's name, which 4.1's API wants with its code;
	// "" means ocpay's Title.
	PayName string
}

// CheckoutResult is what a client saw.
type CheckoutResult struct {
	// Methods are the payment method codes the store offered, sorted.
	Methods []string
	// OrderID is the order made through the API (0 without Pay).
	OrderID int
	// Confirm is the answer of the module's confirm step (empty without Pay).
	Confirm Answer
	// Answers are all answers, in order.
	Answers []Answer
	// PHPMessages are the PHP messages found in any answer, each prefixed
	// with the step that carried it.
	PHPMessages []string
	// apiKey is the temporary API user's key, for tests that check it is gone.
	apiKey string
}

// ConfirmRoute returns the storefront route of a payment module's confirm
// action on the line (OpenCart's own modules use the same names).
func ConfirmRoute(line, code string) string {
	switch line {
	case "2.3", "3.0":
		return "extension/payment/" + code + "/confirm"
	default:
		return "extension/" + code + "/payment/" + code + ".confirm"
	}
}

// Checkout drives the store's own API as an order client would, with plain
// HTTP calls: it creates a temporary API user allowed from 127.0.0.1 (and
// removes it, its sessions and its history afterwards), logs in the line's
// way, adds an enabled in-stock product without required options, sets a
// customer and a payment address, lists the payment methods; with opts.Pay
// it also sets a shipping address and method, orders with that payment
// method and posts the order to the module's confirm step.
func Checkout(ctx context.Context, rs testenv.RealStore, opts CheckoutOptions) (res *CheckoutResult, err error) {
	if opts.Prefix == "" {
		opts.Prefix = "oc_"
	}
	res = &CheckoutResult{}
	defer func() {
		for _, a := range res.Answers {
			for _, m := range a.PHPMessages() {
				res.PHPMessages = append(res.PHPMessages, a.Step+": "+m)
			}
		}
	}()
	db, err := storeDB(rs, opts.MySQL)
	if err != nil {
		return res, err
	}
	defer db.Close()
	fx, err := readFixtures(ctx, db, rs.Line, opts.Prefix)
	if err != nil {
		return res, err
	}
	var user *apiUser
	user, err = addAPIUser(ctx, db, rs.Line, opts.Prefix)
	if err != nil {
		return res, err
	}
	res.apiKey = user.key
	defer func() {
		// A fresh context: the caller's may be done, and the user must go.
		cctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if derr := user.remove(cctx, db); derr != nil && err == nil {
			err = derr
		}
	}()
	c := newClient(&res.Answers)
	var api checkoutAPI
	if rs.Line == "4.1" {
		name := opts.PayName
		if name == "" {
			name = Title
		}
		api = &signedAPI{rs: rs, c: c, user: user, state: fx.state41(), payName: name}
	} else {
		api = &sessionAPI{rs: rs, c: c, user: user, fx: fx}
	}
	if err = api.start(ctx); err != nil {
		return res, err
	}
	if res.Methods, err = api.paymentMethods(ctx); err != nil {
		return res, err
	}
	if opts.Pay == "" {
		return res, nil
	}
	if res.OrderID, err = api.order(ctx, opts.Pay); err != nil {
		return res, err
	}
	route := opts.ConfirmRoute
	if route == "" {
		route = ConfirmRoute(rs.Line, opts.Pay)
	}
	res.Confirm, err = c.post(ctx, "confirm "+route, rs.URL+"index.php?route="+route, url.Values{"order_id": {strconv.Itoa(res.OrderID)}})
	return res, err
}

// checkoutAPI is one line's way through the store's API.
type checkoutAPI interface {
	// start logs in, fills the cart, sets the customer and the addresses.
	start(ctx context.Context) error
	paymentMethods(ctx context.Context) ([]string, error)
	// order picks a shipping method and the payment method code, makes
	// the order and returns its id.
	order(ctx context.Context, pay string) (int, error)
}

func storeDB(rs testenv.RealStore, m testenv.MySQL) (*sql.DB, error) {
	cfg := mysql.NewConfig()
	cfg.User, cfg.Passwd, cfg.DBName = rs.DBUser, rs.DBPassword, rs.Database
	cfg.Net, cfg.Addr = "tcp", m.Addr()
	return sql.Open("mysql", cfg.FormatDSN())
}

// fixtures are what the checkout orders and where it ships.
type fixtures struct {
	productID, quantity int
	countryID, zoneID   int
}

func readFixtures(ctx context.Context, db *sql.DB, line, p string) (fixtures, error) {
	var fx fixtures
	// Products a client can order in one call: enabled, in stock, on sale,
	// without required options and (3.0 recurring, 4.x subscription) plans.
	q := "SELECT p.product_id, GREATEST(p.minimum, 1) FROM " + p + "product p WHERE p.status = 1 AND p.quantity > 0 AND p.date_available <= NOW() AND p.price > 0" +
		" AND p.product_id NOT IN (SELECT product_id FROM " + p + "product_option WHERE required = 1)" +
		" AND p.product_id IN (SELECT product_id FROM " + p + "product_to_store WHERE store_id = 0)"
	switch line {
	case "3.0":
		q += " AND p.product_id NOT IN (SELECT product_id FROM " + p + "product_recurring)"
	case "4.0", "4.1":
		q += " AND p.product_id NOT IN (SELECT product_id FROM " + p + "product_subscription)"
	}
	q += " ORDER BY p.product_id LIMIT 1"
	if err := db.QueryRowContext(ctx, q).Scan(&fx.productID, &fx.quantity); err != nil {
		return fx, fmt.Errorf("no enabled in-stock product to order: %w", err)
	}
	err := db.QueryRowContext(ctx, "SELECT c.country_id, z.zone_id FROM "+p+"country c JOIN "+p+"zone z ON z.country_id = c.country_id WHERE c.iso_code_2 = 'GB' AND c.status = 1 AND z.status = 1 ORDER BY z.zone_id LIMIT 1").Scan(&fx.countryID, &fx.zoneID)
	if err != nil {
		return fx, fmt.Errorf("no enabled country GB with a zone: %w", err)
	}
	return fx, nil
}

// apiUser is the temporary API user of one checkout.
type apiUser struct {
	id         int64
	name, key  string
	line, pref string
}

func addAPIUser(ctx context.Context, db *sql.DB, line, p string) (*apiUser, error) {
	b := make([]byte, 64)
	if _, err := rand.Read(b); err != nil {
		return nil, err
	}
	u := &apiUser{name: "ocpay-test-" + hex.EncodeToString(b[:4]), key: hex.EncodeToString(b), line: line, pref: p}
	nameCol := "username"
	if line == "2.3" {
		nameCol = "name"
	}
	r, err := db.ExecContext(ctx, "INSERT INTO "+p+"api (`"+nameCol+"`, `key`, status, date_added, date_modified) VALUES (?, ?, 1, NOW(), NOW())", u.name, u.key)
	if err != nil {
		return nil, fmt.Errorf("add API user: %w", err)
	}
	if u.id, err = r.LastInsertId(); err != nil {
		return nil, err
	}
	if _, err := db.ExecContext(ctx, "INSERT INTO "+p+"api_ip (api_id, ip) VALUES (?, '127.0.0.1')", u.id); err != nil {
		return u, errors.Join(fmt.Errorf("allow the API user's IP: %w", err), u.remove(ctx, db))
	}
	return u, nil
}

func (u *apiUser) remove(ctx context.Context, db *sql.DB) error {
	// The cart goes too: 2.3 keeps the API session's cart rows after the
	// order, and a list-only checkout orders nothing.
	tables := []string{"cart", "api_ip", "api_session", "api"}
	if u.line == "4.1" {
		tables = []string{"api_ip", "api_history", "api"}
	}
	var errs []error
	for _, t := range tables {
		if _, err := db.ExecContext(ctx, "DELETE FROM "+u.pref+t+" WHERE api_id = ?", u.id); err != nil {
			errs = append(errs, fmt.Errorf("remove the API user from %s: %w", t, err))
		}
	}
	return errors.Join(errs...)
}

// The customer and address every checkout uses.
var (
	customer = [][2]string{{"customer_id", "0"}, {"customer_group_id", "1"}, {"firstname", "Test"}, {"lastname", "Buyer"}, {"email", "buyer@example.com"}, {"telephone", "0123456789"}}
	address  = [][2]string{{"firstname", "Test"}, {"lastname", "Buyer"}, {"company", ""}, {"address_1", "1 Test Street"}, {"address_2", ""}, {"city", "London"}, {"postcode", "SW1A 1AA"}}
)

func values(pairs [][2]string) url.Values {
	v := url.Values{}
	for _, p := range pairs {
		v.Add(p[0], p[1])
	}
	return v
}

// apiError returns the "error" of a JSON answer, or nil.
func apiError(a Answer, v map[string]json.RawMessage) error {
	if e, ok := v["error"]; ok && string(e) != "" && string(e) != "[]" && string(e) != "{}" && string(e) != `""` {
		return fmt.Errorf("%s: %s", a.Step, e)
	}
	return nil
}

func decode(a Answer) (map[string]json.RawMessage, error) {
	var v map[string]json.RawMessage
	if err := a.JSON(&v); err != nil {
		return nil, err
	}
	if len(v) == 0 {
		// OpenCart answers [] for a refused login on 2.3 and 3.0.
		return nil, fmt.Errorf("%s: HTTP %d, refused (answer %s)", a.Step, a.Status, strings.TrimSpace(a.Body))
	}
	if a.Status != 200 {
		return v, fmt.Errorf("%s: HTTP %d: %.300s", a.Step, a.Status, a.Body)
	}
	return v, apiError(a, v)
}

// methodCodes returns the keys of payment_methods.
func methodCodes(raw json.RawMessage) []string {
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil {
		return nil
	}
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// shippingQuote is one quote of shipping_methods: {"flat": {"quote": {"flat": {...}}}}.
type shippingQuote struct {
	Code       string  `json:"code"`
	Name       string  `json:"name"`
	Title      string  `json:"title"`
	Cost       flexNum `json:"cost"`
	TaxClassID flexNum `json:"tax_class_id"`
}

// flexNum takes a JSON number or a number in a string: OpenCart passes
// settings through as strings ("5.00") and computed values as numbers.
type flexNum string

func (f *flexNum) UnmarshalJSON(b []byte) error {
	*f = flexNum(strings.Trim(string(b), `"`))
	return nil
}

func firstQuote(raw json.RawMessage) (shippingQuote, error) {
	var m map[string]struct {
		Quote map[string]shippingQuote `json:"quote"`
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		return shippingQuote{}, fmt.Errorf("shipping methods: %w", err)
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, q := range m[k].Quote {
			return q, nil
		}
	}
	return shippingQuote{}, errors.New("the store offers no shipping method")
}

// sessionAPI is the API of 2.3, 3.0 and 4.0: a login makes a session
// that later calls name by a token in the URL (2.3 also by its cookie).
type sessionAPI struct {
	rs    testenv.RealStore
	c     *client
	user  *apiUser
	fx    fixtures
	token string
}

func (s *sessionAPI) route(name string) string {
	if s.rs.Line == "4.0" {
		r := map[string]string{
			"login": "api/account/login", "cart/add": "api/sale/cart.add", "customer": "api/sale/customer",
			"payment/address": "api/sale/payment_address", "payment/methods": "api/sale/payment_method",
			"shipping/address": "api/sale/shipping_address", "shipping/methods": "api/sale/shipping_method",
			"shipping/method": "api/sale/shipping_method.save", "payment/method": "api/sale/payment_method.save",
			"order/add": "api/sale/order.confirm",
		}[name]
		return r
	}
	return "api/" + name
}

func (s *sessionAPI) call(ctx context.Context, name string, form url.Values) (map[string]json.RawMessage, error) {
	u := s.rs.URL + "index.php?route=" + s.route(name)
	switch {
	case s.token == "":
	case s.rs.Line == "2.3":
		u += "&token=" + url.QueryEscape(s.token)
	default:
		u += "&api_token=" + url.QueryEscape(s.token)
	}
	var a Answer
	var err error
	if form == nil {
		a, err = s.c.get(ctx, s.route(name), u)
	} else {
		a, err = s.c.post(ctx, s.route(name), u, form)
	}
	if err != nil {
		return nil, err
	}
	return decode(a)
}

func (s *sessionAPI) start(ctx context.Context) error {
	login := url.Values{"key": {s.user.key}}
	if s.rs.Line != "2.3" {
		login.Set("username", s.user.name)
	}
	v, err := s.call(ctx, "login", login)
	if err != nil {
		return err
	}
	field := "api_token"
	if s.rs.Line == "2.3" {
		field = "token"
	}
	if err := json.Unmarshal(v[field], &s.token); err != nil || s.token == "" {
		return fmt.Errorf("API login: no %s in the answer", field)
	}
	if _, err := s.call(ctx, "cart/add", url.Values{"product_id": {strconv.Itoa(s.fx.productID)}, "quantity": {strconv.Itoa(s.fx.quantity)}}); err != nil {
		return err
	}
	if _, err := s.call(ctx, "customer", values(customer)); err != nil {
		return err
	}
	_, err = s.call(ctx, "payment/address", s.address("payment"))
	return err
}

func (s *sessionAPI) address(kind string) url.Values {
	v := values(address)
	v.Set("country_id", strconv.Itoa(s.fx.countryID))
	v.Set("zone_id", strconv.Itoa(s.fx.zoneID))
	if s.rs.Line == "4.0" {
		// 4.0 reads these without isset: a missing one is a PHP warning.
		v.Set(kind+"_address_id", "0")
	}
	return v
}

func (s *sessionAPI) paymentMethods(ctx context.Context) ([]string, error) {
	var form url.Values
	if s.rs.Line != "4.0" {
		form = url.Values{}
	}
	v, err := s.call(ctx, "payment/methods", form)
	if err != nil {
		return nil, err
	}
	return methodCodes(v["payment_methods"]), nil
}

func (s *sessionAPI) order(ctx context.Context, pay string) (int, error) {
	if _, err := s.call(ctx, "shipping/address", s.address("shipping")); err != nil {
		return 0, err
	}
	var form url.Values
	if s.rs.Line != "4.0" {
		form = url.Values{}
	}
	v, err := s.call(ctx, "shipping/methods", form)
	if err != nil {
		return 0, err
	}
	q, err := firstQuote(v["shipping_methods"])
	if err != nil {
		return 0, err
	}
	if _, err := s.call(ctx, "shipping/method", url.Values{"shipping_method": {q.Code}}); err != nil {
		return 0, err
	}
	method := pay
	if s.rs.Line == "4.0" {
		method = pay + "." + pay // code.option
	}
	if _, err := s.call(ctx, "payment/method", url.Values{"payment_method": {method}}); err != nil {
		return 0, err
	}
	v, err = s.call(ctx, "order/add", url.Values{})
	if err != nil {
		return 0, err
	}
	return orderID(v)
}

func orderID(v map[string]json.RawMessage) (int, error) {
	var id json.Number
	if err := json.Unmarshal(v["order_id"], &id); err != nil {
		return 0, fmt.Errorf("the order answer has no order_id")
	}
	n, err := strconv.Atoi(strings.Trim(id.String(), `"`))
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("the order answer has no order_id")
	}
	return n, nil
}

// signedAPI is 4.1's API: no login and no session; every call to
// route=api/order carries the whole order in its POST body and a
// signature (HMAC-SHA1 with the user's key) over the call.
type signedAPI struct {
	rs    testenv.RealStore
	c     *client
	user  *apiUser
	state [][2]string
	// payName is the name of the method to pay with.
	payName string
}

func (fx fixtures) state41() [][2]string {
	st := append([][2]string{}, customer...)
	st = append(st, [2]string{"product[0][product_id]", strconv.Itoa(fx.productID)}, [2]string{"product[0][quantity]", strconv.Itoa(fx.quantity)})
	for _, kind := range []string{"payment", "shipping"} {
		st = append(st, [2]string{kind + "_address_id", "0"})
		for _, a := range address {
			st = append(st, [2]string{kind + "_" + a[0], a[1]})
		}
		st = append(st, [2]string{kind + "_country_id", strconv.Itoa(fx.countryID)}, [2]string{kind + "_zone_id", strconv.Itoa(fx.zoneID)})
	}
	return st
}

// phpQuery encodes pairs in order as PHP's http_build_query does, so
// that the store's md5 over its re-encoding of the POST matches ours.
func phpQuery(pairs [][2]string) string {
	parts := make([]string, len(pairs))
	for i, p := range pairs {
		parts[i] = url.QueryEscape(p[0]) + "=" + url.QueryEscape(p[1])
	}
	return strings.Join(parts, "&")
}

func (s *signedAPI) call(ctx context.Context, call string) (map[string]json.RawMessage, error) {
	u, err := url.Parse(s.rs.URL)
	if err != nil {
		return nil, err
	}
	body := phpQuery(s.state)
	sum := md5.Sum([]byte(body))
	now := strconv.FormatInt(time.Now().Unix(), 10)
	const route, store, lang, currency = "api/order", "0", "en-gb", "USD"
	signed := strings.Join([]string{route, call, s.user.name, u.Host, strings.TrimRight(u.Path, "/") + "/", store, lang, currency, hex.EncodeToString(sum[:]), now}, "\n") + "\n"
	mac := hmac.New(sha1.New, []byte(s.user.key))
	mac.Write([]byte(signed))
	q := url.Values{"route": {route}, "call": {call}, "username": {s.user.name}, "store_id": {store}, "language": {lang}, "currency": {currency}, "time": {now}, "signature": {base64.StdEncoding.EncodeToString(mac.Sum(nil))}}
	a, err := s.c.do(ctx, "api/order call="+call, "POST", s.rs.URL+"index.php?"+q.Encode(), strings.NewReader(body), "application/x-www-form-urlencoded")
	if err != nil {
		return nil, err
	}
	return decode(a)
}

func (s *signedAPI) start(ctx context.Context) error {
	_, err := s.call(ctx, "cart")
	return err
}

func (s *signedAPI) paymentMethods(ctx context.Context) ([]string, error) {
	// The cart needs shipping, and 4.1 lists payment methods only once a
	// shipping method is chosen.
	v, err := s.call(ctx, "shipping_methods")
	if err != nil {
		return nil, err
	}
	q, err := firstQuote(v["shipping_methods"])
	if err != nil {
		return nil, err
	}
	s.state = append(s.state, [2]string{"shipping_method[name]", q.Name}, [2]string{"shipping_method[code]", q.Code},
		[2]string{"shipping_method[cost]", string(q.Cost)}, [2]string{"shipping_method[tax_class_id]", string(q.TaxClassID)})
	v, err = s.call(ctx, "payment_methods")
	if err != nil {
		return nil, err
	}
	return methodCodes(v["payment_methods"]), nil
}

func (s *signedAPI) order(ctx context.Context, pay string) (int, error) {
	s.state = append(s.state, [2]string{"payment_method[name]", s.payName}, [2]string{"payment_method[code]", pay + "." + pay})
	if _, err := s.call(ctx, "payment_method"); err != nil {
		return 0, err
	}
	v, err := s.call(ctx, "confirm")
	if err != nil {
		return 0, err
	}
	return orderID(v)
}
