package integrations

import (
	"fmt"
	"strings"

	"github.com/ocsetup/ocsetup/installer/admin"
	"github.com/ocsetup/ocsetup/installer/check"
	"github.com/ocsetup/ocsetup/installer/msg"
	"github.com/ocsetup/ocsetup/installer/store"
)

// LatitudeClosed is the notice every LatitudePay/Genoapay setup shows
// (docs/integrations.md §2: both services shut down on 11 April 2023).
const LatitudeClosed = "LatitudePay and Genoapay closed on 11 April 2023: they take no new payments, and refunds through the integration ended in mid-2023. The module can still be configured or removed, but it cannot take payments."

// latitudeProfile configures the LatitudePay (AUD) or Genoapay (NZD)
// extension: Latitude-Financial/opencart-latitudepay-genoapay for 3.x,
// and the 2.3 variant (IP-CAM/Latitudepay-Genoapay-Extension-for-Opencart-v.2.3.x)
// whose keys have no payment_ prefix and whose environment is 1/0.
type latitudeProfile struct{}

// LatitudePay is the LatitudePay / Genoapay profile.
func LatitudePay() Profile {
	return Profile{ID: "latitudepay", Name: "LatitudePay / Genoapay",
		Summary: "Buy now, pay later for AUD (LatitudePay) and NZD (Genoapay) stores.",
		Closed:  "LatitudePay and Genoapay closed on 11 April 2023; the module can be configured or removed, but it can no longer take payments.",
		Impl:    latitudeProfile{}}
}

// latitudeCode picks the extension from the store's currency: the
// extension's own admin page refuses any other currency
// (…/admin/controller/extension/payment/genoapay.php getCurrentPaymentGateway).
func latitudeCode(t Target) (code, name string, err error) {
	switch strings.ToUpper(t.Currency) {
	case "AUD":
		return "latitudepay", "LatitudePay", nil
	case "NZD":
		return "genoapay", "Genoapay", nil
	}
	cur := t.Currency
	if cur == "" {
		cur = "not known"
	}
	return "", "", msg.NewError("error.integration.latitude_currency", "Currency", cur, "Closed", msg.New("error.integration.latitude_closed"))
}

func (latitudeProfile) fields(t Target, code string) []Field {
	fs := []Field{
		boolField("status", "Enabled", "1", ""),
		{Key: "environment", Label: "Environment", Kind: OneOf, Default: "sandbox", Choices: choices("production", "Production", "sandbox", "Sandbox")},
		{Key: "api_key", Label: "API key", Kind: Secret, Required: true, Help: "For the chosen environment, from the merchant portal."},
		{Key: "api_secret", Label: "API secret", Kind: Secret, Required: true},
		boolField("debug", "Debug log", "0", ""),
		{Key: "sort_order", Label: "Sort order", Kind: Number, Default: "1"},
		{Key: "completed_status", Label: "Order status when paid", Kind: OrderStatus, Help: "Default: Complete."},
		{Key: "failed_status", Label: "Order status when the payment failed", Kind: OrderStatus, Help: "Default: Canceled."},
		{Key: "partial_refunded_status", Label: "Order status after a partial refund", Kind: OrderStatus, Help: "Default: Partial Refunded, created when missing."},
		{Key: "refunded_status", Label: "Order status after a refund", Kind: OrderStatus, Help: "Default: Refunded."},
	}
	if code == "latitudepay" && t.Line.AtLeast(store.Line30) {
		fs = append(fs,
			Field{Key: "product", Label: "Product", Kind: OneOf, Default: "LPAY", Choices: choices("LPAY", "LatitudePay", "LPAYPLUS", "LatitudePay+", "LPAY,LPAYPLUS", "Both")},
			Field{Key: "payment_terms", Label: "Payment terms (months)", Kind: MultiChoice, Choices: choices("6", "6", "12", "12", "18", "18", "24", "24"), Help: "Needed unless the product is LatitudePay alone."})
	}
	return fs
}

func (p latitudeProfile) Fields(t Target) []Field {
	code, _, err := latitudeCode(t)
	if err != nil {
		code = "genoapay"
	}
	return p.fields(t, code)
}

// latitudeStatuses are the statuses install() looks up by name and
// inserts when missing (…/admin/model/extension/payment/genoapay.php
// getOrderStatusByName). Stock OpenCart spells status 7 "Canceled", the
// plugin looks for "Cancelled" and would add a second one; ocsetup takes
// either spelling.
var latitudeStatuses = map[string][]string{
	"completed_status":        {"Complete"},
	"failed_status":           {"Canceled", "Cancelled"},
	"partial_refunded_status": {"Partial Refunded"},
	"refunded_status":         {"Refunded"},
}

func (p latitudeProfile) Plan(t Target, in Values) (*Plan, error) {
	if !t.Line.In(store.Line23, store.Line30) {
		return nil, msg.NewError("error.integration.latitude_line", "Line", string(t.Line), "Closed", msg.New("error.integration.latitude_closed"))
	}
	code, name, err := latitudeCode(t)
	if err != nil {
		return nil, err
	}
	v, err := resolve("latitudepay", name, p.fields(t, code), in)
	if err != nil {
		return nil, err
	}
	if code == "latitudepay" && t.Line.AtLeast(store.Line30) && v["product"] != "LPAY" && len(v.List("payment_terms")) == 0 {
		return nil, &InputError{Profile: name, ProfileMsg: profileMsg("latitudepay", name),
			Problems: []Problem{{Field: "payment_terms", Label: "Payment terms (months)", LabelMsg: msg.New("error.input.label.payment_terms"),
				Message: msg.New("error.input.latitude_terms").English(), MessageMsg: msg.New("error.input.latitude_terms")}}}
	}
	ext := admin.Extension{Type: "payment", Code: code}
	prefix := ext.SettingCode(t.Line) + "_"
	status := func(field, key string) Entry {
		e := Entry{Name: prefix + key, Field: field, Status: latitudeStatuses[field]}
		id := v[field]
		if id == "" {
			if n := t.statusID(e.Status...); n != 0 {
				id = fmt.Sprint(n)
			}
		} else {
			e.Status = nil // the user chose an id
		}
		e.Values = []string{id}
		return e
	}
	one := func(key, field string) Entry {
		return Entry{Name: prefix + key, Field: field, Values: []string{v[field]}}
	}
	var post Post
	if t.Line == store.Line23 {
		env := "0"
		if v["environment"] == "production" {
			env = "1"
		}
		post = Post{one("status", "status"), one("sort_order", "sort_order"),
			{Name: prefix + "environment", Field: "environment", Values: []string{env}},
			{Name: prefix + v["environment"] + "_api_key", Field: "api_key", Values: []string{v["api_key"]}, Secret: true},
			{Name: prefix + v["environment"] + "_api_secret", Field: "api_secret", Values: []string{v["api_secret"]}, Secret: true},
			{Name: prefix + "minimum_total", Values: []string{"20"}},
			one("debug", "debug"),
			status("completed_status", "entry_success_status_id"),
			status("failed_status", "entry_failed_status_id"),
			status("refunded_status", "entry_refunded_status_id"),
			status("partial_refunded_status", "entry_partially_refunded_status_id"),
		}
	} else {
		post = Post{one("status", "status"), one("environment", "environment"),
			{Name: prefix + v["environment"] + "_api_key", Field: "api_key", Values: []string{v["api_key"]}, Secret: true},
			{Name: prefix + v["environment"] + "_api_secret", Field: "api_secret", Values: []string{v["api_secret"]}, Secret: true},
			one("debug", "debug"), one("sort_order", "sort_order"),
			{Name: prefix + "images_api_url", Values: []string{"https://images.latitudepayapps.com/"}},
			status("completed_status", "order_completed_status_id"),
			status("failed_status", "order_failed_status_id"),
			status("partial_refunded_status", "order_partial_refunded_status_id"),
			status("refunded_status", "order_refunded_status_id"),
		}
		if code == "latitudepay" {
			post = append(post, one("product", "product"),
				Entry{Name: prefix + "payment_terms[]", Field: "payment_terms", List: true, Values: v.List("payment_terms")})
		}
	}
	plan := &Plan{Profile: "latitudepay", Extension: ext, Post: post}
	settingCode := ext.SettingCode(t.Line)
	plan.save = func(post Post) []SettingGroup { return []SettingGroup{editSetting(t.Line, settingCode, post)} }
	plan.Groups = plan.save(post)
	// install(): seven events and two tables; LatitudePay's model code is
	// "latitude", so its tables are latitude_… (docs/integrations.md §2).
	model := code
	if code == "latitudepay" {
		model = "latitude"
	}
	for _, e := range [][3]string{
		{"_product_info", "catalog/view/product/product/before", "/productInfo"},
		{"_product_modal_script", "catalog/controller/product/product/before", "/modalScript"},
		{"_cart_info", "catalog/view/checkout/cart/before", "/cartInfo"},
		{"_cart_modal_script", "catalog/controller/checkout/cart/before", "/modalScript"},
		{"_checkout_warning_check", "catalog/view/checkout/checkout/before", "/checkoutInfo"},
		{"_checkout_modal_script", "catalog/controller/checkout/checkout/before", "/modalScript"},
		{"_admin_refund_button", "admin/view/sale/order_info/before", "/orderInfo"},
	} {
		if t.Line.AtLeast(store.Line30) {
			plan.Events = append(plan.Events, Event{Code: code + e[0], Trigger: e[1], Action: "extension/payment/" + code + e[2]})
		}
	}
	plan.Tables = []Table{
		{Name: model + "_payment_transactions", Create: "CREATE TABLE IF NOT EXISTS `{prefix}" + model + "_payment_transactions` (`payment_id` INT(11) NOT NULL AUTO_INCREMENT, `payment_token` CHAR(100) NOT NULL, `order_id` INT(11) NOT NULL, `date_added` DATETIME NOT NULL, `date_modified` DATETIME NOT NULL, `payment_gateway` CHAR(20) NOT NULL, `currency_code` CHAR(3) NOT NULL, `total` DECIMAL(20,2) NOT NULL, PRIMARY KEY (`payment_id`)) ENGINE=MyISAM DEFAULT COLLATE=utf8_general_ci"},
		{Name: model + "_refund_transactions", Create: "CREATE TABLE IF NOT EXISTS `{prefix}" + model + "_refund_transactions` (`refund_id` INT(11) NOT NULL AUTO_INCREMENT, `refund_token` VARCHAR(100) NOT NULL, `order_id` INT(11) NOT NULL, `refund_date` VARCHAR(255) NOT NULL, `reference` VARCHAR(50) NOT NULL, `refund_amount` DECIMAL(20,2) NOT NULL, `commission_amount` DECIMAL(20,2) NOT NULL, `payment_gateway` VARCHAR(20) NOT NULL, PRIMARY KEY (`refund_id`)) ENGINE=MyISAM DEFAULT COLLATE=utf8_general_ci"},
	}
	if t.Line == store.Line23 {
		plan.Tables = nil // the 2.3 variant's install() is not checked here; ocsetup does not guess it
		plan.DatabaseNotice(msg.New("notice.latitude.community"))
	}
	plan.Notice(msg.New("error.integration.latitude_closed"))
	plan.Show = append(plan.Show, Info{Label: name + " callback URL", Value: t.StoreURL + "index.php?route=extension/payment/" + code + "/callback"})
	return plan, nil
}

// Extension: the registration and enabled checks look for latitudepay.
func (latitudeProfile) Extension() *check.Extension {
	return &check.Extension{Type: "payment", Code: "latitudepay", Folder: "latitudepay"}
}
