package check

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/ocsetup/ocsetup/installer/admin"
	"github.com/ocsetup/ocsetup/installer/db"
	"github.com/ocsetup/ocsetup/installer/msg"
	"github.com/ocsetup/ocsetup/installer/phpmsg"
	"github.com/ocsetup/ocsetup/installer/remote"
	"github.com/ocsetup/ocsetup/installer/store"
	"github.com/ocsetup/ocsetup/installer/storefront"
)

// CheckoutSpec asks the suite to prove the checkout through the store's
// own API, as a client would: a temporary API user, one product in the
// cart, a guest customer and a payment address, and the integration's
// payment method in the store's list.
type CheckoutSpec struct {
	// Method is the payment method's code ("cod", "amazon_ps").
	Method string
	// ConfirmRoute is the module's catalog confirm route, called with the
	// API session after the method is chosen; "" skips it.
	ConfirmRoute string
	// Record says where the temporary API user is recorded (the data
	// folder, the site, the store's folder) so that a run killed before it
	// removed the user leaves a record CleanupAPILeftovers acts on.
	Record admin.RecordPlace
}

// CheckoutTimeout bounds the checkout check: a handful of API calls.
const CheckoutTimeout = 60 * time.Second

// checkoutAfter is what the checkout check waits for: the database, and on
// 4.1 away from this computer the PHP probe, which tells the address the
// store sees (4.1 refuses a call without saying why).
func (st *state) checkoutAfter() []string {
	after := []string{"db-schema"}
	if st.s.Store.Line == store.Line41 && !loopbackURL(st.s.StoreURL) {
		after = append(after, "php-probe")
	}
	return after
}

func loopbackURL(u string) bool {
	p, err := url.Parse(u)
	if err != nil {
		return false
	}
	if p.Hostname() == "localhost" {
		return true
	}
	ip := net.ParseIP(p.Hostname())
	return ip != nil && ip.IsLoopback()
}

// checkout runs the store's checkout through its API up to the list of
// payment methods and requires the integration's method in it.
func (st *state) checkout(ctx context.Context) (res Result) {
	spec := st.s.Checkout
	line := st.s.Store.Line
	if l := st.schema.Line(); l != "" {
		line = l
	}
	if !line.In(store.Line21, store.Line22, store.Line23, store.Line30, store.Line40, store.Line41) {
		return SkippedMsg(msg.New("check.checkout.no_api", "Line", string(line)))
	}
	place := spec.Record
	place.Database, place.Prefix = st.schema.Database, st.schema.Prefix
	st.removeAPILeftovers(ctx, place)

	o, err := st.checkoutOrder(ctx, spec.Method)
	if err != nil {
		return FailedMsg(msg.New("check.checkout.no_product"), msg.New("check.checkout.no_product.fix"), err.Error())
	}
	u, err := createTempAPIUser(ctx, st.db, st.schema, place)
	if u == nil {
		return FailedMsg(msg.New("check.checkout.no_user"), msg.New("check.checkout.no_user.fix_record"), err.Error())
	}
	// From here the user may exist: it goes whatever happens next.
	defer func() {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 20*time.Second)
		defer cancel()
		if err := u.remove(cctx); err != nil {
			if res.Status == Pass {
				res = WarnedMsg(Sentences(res.CauseMsg, msg.New("check.checkout.user_left")), msg.New("check.checkout.user_left.fix", "Name", u.Name), err.Error())
			} else {
				res.Detail = strings.TrimSpace(res.Detail + "\n" + err.Error())
			}
		}
	}()
	if err != nil {
		return FailedMsg(msg.New("check.checkout.no_user"), msg.New("check.checkout.no_user.fix"), err.Error())
	}
	c := storefront.New(st.s.StoreURL)
	c.HTTP = st.s.HTTP
	sess, ipNote, res := st.openAPI(ctx, c, line, u)
	if sess == nil {
		return res
	}
	methods, err := sess.PaymentMethods(ctx, o)
	if sess.Token() != "" {
		u.token = sess.Token()
	}
	if r, bad := st.checkoutFailure(ctx, line, sess.Answers, err); bad {
		return r
	}
	m, ok := methods[spec.Method]
	if !ok {
		return st.methodAbsent(ctx, line, spec.Method, o, methods, sess.NoMethods)
	}
	title := m.Title
	if title == "" {
		title = spec.Method
	}
	done := msg.New("check.checkout.offers", "Title", title, "Method", spec.Method, "Product", o.ProductID, "Address", st.addressName(ctx, o))
	var warned *Result
	if spec.ConfirmRoute != "" {
		a, err := sess.Confirm(ctx, spec.ConfirmRoute, m)
		if err != nil {
			if r, bad := st.checkoutFailure(ctx, line, sess.Answers, err); bad {
				return r
			}
		}
		if r, bad := st.checkoutFailure(ctx, line, sess.Answers[:len(sess.Answers)-1], nil); bad {
			return r
		}
		if r, ok := missingFiles(a); ok {
			return r
		}
		if a.Status != http.StatusOK {
			return st.httpFailure(ctx, line, a)
		}
		var fatal, warnings []phpmsg.Message
		for _, m := range a.Serious() {
			if m.Kind == "Warning" || m.Kind == "User Warning" {
				warnings = append(warnings, m)
			} else {
				fatal = append(fatal, m)
			}
		}
		if len(fatal) > 0 {
			return FailedMsg(msg.New("check.checkout.confirm_php", "Route", spec.ConfirmRoute, "Title", title),
				msg.New("check.checkout.confirm_php.fix"), messagesText(fatal))
		}
		if len(warnings) > 0 {
			// ocsetup calls the step without an order (it places none on a
			// live store), which some modules do not expect.
			w := WarnedMsg(Sentences(done, msg.New("check.checkout.confirm_warnings", "Route", spec.ConfirmRoute)),
				msg.New("check.checkout.confirm_warnings.fix"), messagesText(warnings))
			warned = &w
		} else {
			done = Sentences(done, msg.New("check.checkout.confirm_ok", "Route", spec.ConfirmRoute))
		}
	}
	if warned != nil {
		return *warned
	}
	if n := noise(sess.Answers); n > 0 {
		done = Sentences(done, msg.New("check.checkout.noise", "Count", n))
	}
	return PassedMsg(Sentences(done, ipNote))
}

// openAPI logs the temporary user in, allowing the address the store sees.
func (st *state) openAPI(ctx context.Context, c *storefront.Client, line store.Line, u *tempAPIUser) (*storefront.APISession, msg.Msg, Result) {
	refused := func(err error, ip string) Result {
		why := msg.New("check.checkout.allowed_ip", "IP", ip)
		if ip == "" {
			why = msg.New("check.checkout.allowed_none")
		}
		return FailedMsg(msg.New("check.checkout.api_refused"),
			msg.New("check.checkout.api_refused.fix_allowed", "Allowed", why), err.Error())
	}
	if line == store.Line41 {
		// 4.1 answers 403 without detail: allow the address we can know.
		ip, note := "", msg.Msg{}
		switch {
		case loopbackURL(st.s.StoreURL):
			ip = "127.0.0.1"
		case st.php.RemoteAddr != "":
			ip = st.php.RemoteAddr
			note = msg.New("check.checkout.ip_note", "IP", ip)
		}
		if ip == "" {
			return nil, msg.Msg{}, FailedMsg(msg.New("check.checkout.no_ip"), msg.New("check.checkout.no_ip.fix"), "")
		}
		if err := u.allow(ctx, ip); err != nil {
			return nil, msg.Msg{}, FailedMsg(msg.New("check.checkout.allow"), msg.New("check.checkout.allow.fix"), err.Error())
		}
		sess, err := c.OpenAPI(ctx, line, u.Name, u.Key)
		if err != nil {
			return nil, msg.Msg{}, FailedMsg(msg.New("check.checkout.api_down"), msg.New("check.checkout.api_down.fix"), err.Error())
		}
		return sess, note, Result{}
	}
	// 2.1–4.0 name the refused address: log in once, allow it, log in.
	_, err := c.OpenAPI(ctx, line, u.Name, u.Key)
	var le *storefront.LoginError
	if errors.As(err, &le) && !le.IPNotAllowed {
		return nil, msg.Msg{}, FailedMsg(msg.New("check.checkout.user_rejected"), msg.New("check.checkout.user_rejected.fix"), err.Error())
	}
	if !errors.As(err, &le) || !le.IPNotAllowed || le.IP == "" {
		if err == nil {
			err = errors.New("the store accepted an API user with no allowed address")
		}
		return nil, msg.Msg{}, refused(err, "")
	}
	if err := u.allow(ctx, le.IP); err != nil {
		return nil, msg.Msg{}, FailedMsg(msg.New("check.checkout.allow"), msg.New("check.checkout.allow.fix"), err.Error())
	}
	sess, err := c.OpenAPI(ctx, line, u.Name, u.Key)
	if err != nil {
		return nil, msg.Msg{}, refused(err, le.IP)
	}
	if sess.Token() != "" {
		u.token = sess.Token()
	}
	return sess, msg.Msg{}, Result{}
}

// couldNotLoad is OpenCart's loader failing on a file that is gone: a route
// up to 3.0 ("extension/payment/x"), a class name on 4.x
// ("Opencart\Catalog\Model\Extension\X\Payment\X").
var couldNotLoad = regexp.MustCompile(`Could not load (model|controller|language|library|helper) ([A-Za-z0-9_/.\\\-]+)`)

// checkoutFailure turns what went wrong in the API session into a result:
// PHP errors in any answer first (they explain the rest), then the
// store's refusal or error.
func (st *state) checkoutFailure(ctx context.Context, line store.Line, answers []*storefront.Answer, err error) (Result, bool) {
	for _, a := range answers {
		if serious := a.Serious(); len(serious) > 0 {
			if r, ok := missingFiles(a); ok {
				return r, true
			}
			return FailedMsg(msg.New("check.checkout.php_errors", "Step", stepMsg(a.Step), "Call", a.Call),
				msg.New("check.checkout.php_errors.fix"), messagesText(serious)), true
		}
	}
	if err == nil {
		return Result{}, false
	}
	var ce *storefront.CheckoutError
	if !errors.As(err, &ce) {
		return FailedMsg(msg.New("check.checkout.api_down"), msg.New("check.checkout.api_down.fix"), err.Error()), true
	}
	switch {
	case ce.Login != nil:
		return FailedMsg(msg.New("check.checkout.api_refused"), msg.New("check.checkout.api_refused.fix"), ce.Login.Error()), true
	case ce.Answer.Status != http.StatusOK:
		return st.httpFailure(ctx, line, ce.Answer), true
	case ce.Reason == "the answer is not JSON":
		if r, ok := missingFiles(ce.Answer); ok {
			return r, true
		}
		if r, ok := st.missingModels(ctx, line, ce.Answer); ok {
			return r, true
		}
		return FailedMsg(msg.New("check.checkout.not_json", "Step", stepMsg(ce.Answer.Step)),
			msg.New("check.checkout.not_json.fix"), firstLine(plainBody(ce.Answer.Body))), true
	}
	return FailedMsg(msg.New("check.checkout.refused", "Step", stepMsg(ce.Answer.Step), "Reason", ce.Reason),
		msg.New("check.checkout.refused.fix"), ce.Answer.Call+": "+firstLine(ce.Answer.Body)), true
}

// checkoutSteps are the steps of the store's API session (storefront's
// Answer.Step, English words) as messages, for the results that name them.
var checkoutSteps = map[string]msg.Msg{
	"add the product to the cart":               msg.New("check.checkout.step.cart"),
	"set the customer":                          msg.New("check.checkout.step.customer"),
	"set the payment address":                   msg.New("check.checkout.step.payment_address"),
	"list the shipping methods":                 msg.New("check.checkout.step.shipping_methods"),
	"list the payment methods":                  msg.New("check.checkout.step.payment_methods"),
	"choose the payment method":                 msg.New("check.checkout.step.payment_method"),
	"confirm the order with the payment method": msg.New("check.checkout.step.confirm"),
}

// stepMsg is a step of the API session as a message; a step this list
// lacks keeps its English (a test holds the list to storefront's steps).
func stepMsg(step string) msg.Msg {
	if m, ok := checkoutSteps[step]; ok {
		return m
	}
	return msg.Msg{Key: "check.checkout.step." + step, Own: step}
}

// httpFailure explains an answer that is not HTTP 200.
func (st *state) httpFailure(ctx context.Context, line store.Line, a *storefront.Answer) Result {
	if r, ok := missingFiles(a); ok {
		return r
	}
	if r, ok := st.missingModels(ctx, line, a); ok {
		return r
	}
	detail := messagesText(a.Messages)
	if detail == "" {
		detail = firstLine(plainBody(a.Body))
	}
	return FailedMsg(msg.New("check.checkout.http", "Status", a.Status, "Step", stepMsg(a.Step), "Call", a.Call),
		msg.New("check.checkout.http.fix"), detail)
}

// missingFiles recognises OpenCart's "Could not load model …": a module
// still installed in the database whose files are gone.
func missingFiles(a *storefront.Answer) (Result, bool) {
	m := couldNotLoad.FindStringSubmatch(a.Body)
	if m == nil {
		return Result{}, false
	}
	return FailedMsg(msg.New("check.checkout.cannot_load", "Kind", m[1], "Name", strings.TrimRight(m[2], "!."), "Step", stepMsg(a.Step)),
		msg.New("check.checkout.cannot_load.fix"), firstLine(plainBody(a.Body))), true
}

// missingModels looks for the reason of a failed answer the store did not
// print (Display Errors off): an installed payment extension whose
// catalog model file is gone, which OpenCart cannot load when it lists
// the payment methods.
func (st *state) missingModels(ctx context.Context, line store.Line, a *storefront.Answer) (Result, bool) {
	if st.s.Files == nil {
		return Result{}, false
	}
	ext, _ := db.Table(st.schema.Prefix, "extension")
	cols := "`code`, '' AS folder"
	if st.schema.HasColumn("extension", "extension") {
		cols = "`code`, `extension` AS folder"
	}
	rows, err := st.db.Query(ctx, fmt.Sprintf("SELECT %s FROM %s WHERE `type` = 'payment' ORDER BY `code`", cols, ext))
	if err != nil {
		return Result{}, false
	}
	listed := map[string]map[string]bool{}
	var missing []string
	for i := 0; i < rows.Len(); i++ {
		code, folder := rows.Row(i).String("code"), rows.Row(i).String("folder")
		rel := "catalog/model/extension/payment/" + code + ".php"
		if line.AtLeast(store.Line40) {
			rel = "extension/" + folder + "/catalog/model/payment/" + code + ".php"
		} else if line.In(store.Line21, store.Line22) {
			rel = "catalog/model/payment/" + code + ".php"
		}
		dir, name := path.Split(path.Join(st.s.Store.Root, rel))
		if listed[dir] == nil {
			listed[dir] = map[string]bool{}
			list, err := st.s.Files.List(ctx, dir)
			if err != nil && !isNotExist(err) {
				return Result{}, false
			}
			for _, f := range list {
				listed[dir][f.Name] = true
			}
		}
		if !listed[dir][name] {
			missing = append(missing, code+" ("+rel+")")
		}
	}
	if len(missing) == 0 {
		return Result{}, false
	}
	return FailedMsg(msg.New("check.checkout.files_missing", "Status", a.Status, "Step", stepMsg(a.Step), "Missing", strings.Join(missing, ", ")),
		msg.New("check.checkout.files_missing.fix"), firstLine(plainBody(a.Body))), true
}

// isNotExist: a folder that is gone altogether is a missing file too.
func isNotExist(err error) bool {
	var re *remote.Error
	if errors.As(err, &re) && re.Kind == remote.KindNotFound {
		return true
	}
	return errors.Is(err, fs.ErrNotExist)
}

func messagesText(msgs []phpmsg.Message) string {
	var lines []string
	for i, m := range msgs {
		if i == 10 {
			lines = append(lines, fmt.Sprintf("… and %d more", len(msgs)-10))
			break
		}
		lines = append(lines, m.Kind+": "+m.Text)
	}
	return strings.Join(lines, "\n")
}

var tags = regexp.MustCompile(`<[^>]*>`)

func plainBody(s string) string {
	return strings.Join(strings.Fields(tags.ReplaceAllString(s, " ")), " ")
}

func noise(answers []*storefront.Answer) int {
	n := 0
	for _, a := range answers {
		n += len(a.Messages) - len(a.Serious())
	}
	return n
}

// methodSettings are the setting keys of a payment method: 3.0 and later
// prefix them with "payment_".
func methodKey(line store.Line, code, name string) string {
	if line.AtLeast(store.Line30) {
		return "payment_" + code + "_" + name
	}
	return code + "_" + name
}

func (st *state) setting(ctx context.Context, key string) (string, bool) {
	table, err := db.Table(st.schema.Prefix, "setting")
	if err != nil {
		return "", false
	}
	row, err := st.db.QueryRow(ctx, fmt.Sprintf("SELECT value FROM %s WHERE store_id = 0 AND `key` = ?", table), key)
	if err != nil {
		return "", false
	}
	return row.String("value"), true
}

// methodAbsent says why the store does not offer the method: not
// installed, disabled, outside its geo zone, below its minimum total, or
// refused by its own code.
func (st *state) methodAbsent(ctx context.Context, line store.Line, code string, o storefront.Order, offered map[string]storefront.PaymentMethod, storeSays string) Result {
	names := make([]string, 0, len(offered))
	for k := range offered {
		names = append(names, k)
	}
	sort.Strings(names)
	detail := "The store offers: " + strings.Join(names, ", ")
	if len(names) == 0 {
		detail = "The store offers no payment method for this cart."
		if storeSays != "" {
			detail += " It says: " + storeSays
		}
	}
	ext, _ := db.Table(st.schema.Prefix, "extension")
	row, err := st.db.QueryRow(ctx, fmt.Sprintf("SELECT COUNT(*) AS n FROM %s WHERE `type` = 'payment' AND `code` = ?", ext), code)
	if err == nil && row.String("n") == "0" {
		return FailedMsg(msg.New("check.checkout.not_installed", "Code", code), msg.New("check.checkout.not_installed.fix"), detail)
	}
	if v, _ := st.setting(ctx, methodKey(line, code, "status")); v != "1" {
		return FailedMsg(msg.New("check.checkout.disabled", "Code", code, "Key", methodKey(line, code, "status"), "Value", fmt.Sprintf("%q", v)),
			msg.New("check.checkout.disabled.fix"), detail)
	}
	if gz, _ := st.setting(ctx, methodKey(line, code, "geo_zone_id")); gz != "" && gz != "0" {
		z2g, _ := db.Table(st.schema.Prefix, "zone_to_geo_zone")
		row, err := st.db.QueryRow(ctx, fmt.Sprintf("SELECT COUNT(*) AS n FROM %s WHERE geo_zone_id = ? AND country_id = ? AND (zone_id = ? OR zone_id = 0)", z2g), gz, o.CountryID, o.ZoneID)
		if err == nil && row.String("n") == "0" {
			return FailedMsg(msg.New("check.checkout.geo_zone", "Code", code, "Address", st.addressName(ctx, o), "Zone", gz),
				msg.New("check.checkout.geo_zone.fix"), detail)
		}
	}
	if min, _ := st.setting(ctx, methodKey(line, code, "total")); min != "" {
		if f, err := strconv.ParseFloat(min, 64); err == nil && f > 0 {
			return FailedMsg(msg.New("check.checkout.min_total", "Code", code, "Total", min),
				msg.New("check.checkout.min_total.fix"), detail)
		}
	}
	return FailedMsg(msg.New("check.checkout.absent", "Code", code), msg.New("check.checkout.absent.fix"), detail)
}

// checkoutOrder picks what the test cart holds and where it goes: an
// enabled product in stock in the default store, without required
// options or subscriptions, that ships (many methods, cash on delivery
// among them, need goods that ship); and an address in the store's own
// country and zone, or in the method's geo zone when it has one.
func (st *state) checkoutOrder(ctx context.Context, method string) (storefront.Order, error) {
	o := storefront.Order{Quantity: 1, Firstname: "Ocsetup", Lastname: "Checkout Test", Email: "ocsetup-check@example.com",
		Telephone: "5550100", Address1: "1 Test Street", City: "Testville", Postcode: "10001"}
	sc := st.schema
	t := func(name string) string { n, _ := db.Table(sc.Prefix, name); return n }
	where := []string{"p.status = 1", "(p.quantity > 0 OR p.subtract = 0)"}
	if sc.HasColumn("product", "date_available") {
		where = append(where, "p.date_available <= NOW()")
	}
	if sc.Has("product_option") {
		where = append(where, fmt.Sprintf("NOT EXISTS (SELECT 1 FROM %s po WHERE po.product_id = p.product_id AND po.required = 1)", t("product_option")))
	}
	for _, sub := range []string{"product_recurring", "product_subscription"} {
		if sc.Has(sub) {
			where = append(where, fmt.Sprintf("NOT EXISTS (SELECT 1 FROM %s ps WHERE ps.product_id = p.product_id)", t(sub)))
		}
	}
	q := fmt.Sprintf("SELECT p.product_id, p.minimum FROM %s p JOIN %s s ON s.product_id = p.product_id AND s.store_id = 0 WHERE %s ORDER BY p.shipping DESC, p.price > 0 DESC, p.product_id LIMIT 1",
		t("product"), t("product_to_store"), strings.Join(where, " AND "))
	row, err := st.db.QueryRow(ctx, q)
	if errors.Is(err, db.ErrNoRows) {
		return o, errors.New("no enabled product in stock without required options")
	}
	if err != nil {
		return o, err
	}
	o.ProductID, _ = strconv.ParseInt(row.String("product_id"), 10, 64)
	if m, _ := strconv.Atoi(row.String("minimum")); m > 1 {
		o.Quantity = m
	}
	line := st.s.Store.Line
	if l := sc.Line(); l != "" {
		line = l
	}
	if g, ok := st.setting(ctx, "config_customer_group_id"); ok {
		o.CustomerGroupID, _ = strconv.ParseInt(g, 10, 64)
	}
	country, _ := st.setting(ctx, "config_country_id")
	zone, _ := st.setting(ctx, "config_zone_id")
	if gz, _ := st.setting(ctx, methodKey(line, method, "geo_zone_id")); gz != "" && gz != "0" {
		// An address the method serves, when its geo zone leaves out
		// the store's own.
		row, err := st.db.QueryRow(ctx, fmt.Sprintf("SELECT COUNT(*) AS n FROM %s WHERE geo_zone_id = ? AND country_id = ? AND (zone_id = ? OR zone_id = 0)", t("zone_to_geo_zone")), gz, country, zone)
		if err == nil && row.String("n") == "0" {
			row, err = st.db.QueryRow(ctx, fmt.Sprintf("SELECT g.country_id, IF(g.zone_id = 0, (SELECT MIN(z.zone_id) FROM %s z WHERE z.country_id = g.country_id AND z.status = 1), g.zone_id) AS zone_id FROM %s g WHERE g.geo_zone_id = ? ORDER BY g.zone_to_geo_zone_id LIMIT 1", t("zone"), t("zone_to_geo_zone")), gz)
			if err == nil {
				country, zone = row.String("country_id"), row.String("zone_id")
			}
		}
	}
	row, err = st.db.QueryRow(ctx, fmt.Sprintf("SELECT z.country_id, z.zone_id FROM %s z JOIN %s c ON c.country_id = z.country_id WHERE z.country_id = ? AND z.zone_id = ? AND z.status = 1 AND c.status = 1", t("zone"), t("country")), country, zone)
	if errors.Is(err, db.ErrNoRows) {
		row, err = st.db.QueryRow(ctx, fmt.Sprintf("SELECT z.country_id, z.zone_id FROM %s z JOIN %s c ON c.country_id = z.country_id WHERE z.status = 1 AND c.status = 1 ORDER BY c.country_id = ? DESC, z.zone_id LIMIT 1", t("zone"), t("country")), country)
	}
	if err != nil {
		return o, fmt.Errorf("no enabled country with an enabled zone: %w", err)
	}
	o.CountryID, _ = strconv.ParseInt(row.String("country_id"), 10, 64)
	o.ZoneID, _ = strconv.ParseInt(row.String("zone_id"), 10, 64)
	return o, nil
}

// addressName is "Zone, Country" of the test address, for the result: the
// store's own names, or a message naming the ids when it has none.
func (st *state) addressName(ctx context.Context, o storefront.Order) any {
	zone, _ := db.Table(st.schema.Prefix, "zone")
	country, _ := db.Table(st.schema.Prefix, "country")
	row, err := st.db.QueryRow(ctx, fmt.Sprintf("SELECT z.name AS zone, c.name AS country FROM %s z JOIN %s c ON c.country_id = z.country_id WHERE z.zone_id = ?", zone, country), o.ZoneID)
	if err != nil && st.schema.Has("country_description") && st.schema.Has("zone_description") {
		// 4.1 keeps the names in description tables, one per language.
		zd, _ := db.Table(st.schema.Prefix, "zone_description")
		cd, _ := db.Table(st.schema.Prefix, "country_description")
		row, err = st.db.QueryRow(ctx, fmt.Sprintf("SELECT (SELECT name FROM %s WHERE zone_id = ? ORDER BY language_id LIMIT 1) AS zone, (SELECT name FROM %s WHERE country_id = ? ORDER BY language_id LIMIT 1) AS country", zd, cd), o.ZoneID, o.CountryID)
	}
	if err != nil || row.String("zone") == "" {
		return msg.New("check.checkout.address_ids", "Country", o.CountryID, "Zone", o.ZoneID)
	}
	return row.String("zone") + ", " + row.String("country")
}

// removeAPILeftovers removes the temporary API users that earlier, killed
// checks left on this store, before making a new one.
func (st *state) removeAPILeftovers(ctx context.Context, place admin.RecordPlace) {
	if place.DataDir == "" {
		return
	}
	_, _ = CleanupAPILeftovers(ctx, place.DataDir, func(_ context.Context, p admin.RecordPlace) (db.DB, *db.Schema, func(), error) {
		if !db.SameSite(p.Site, place.Site) || p.Root != place.Root || p.Database != place.Database || p.Prefix != place.Prefix {
			return nil, nil, nil, admin.ErrSkipStore
		}
		return st.db, st.schema, nil, nil
	})
}
