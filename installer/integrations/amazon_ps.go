package integrations

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/ocsetup/ocsetup/installer/admin"
	"github.com/ocsetup/ocsetup/installer/check"
	"github.com/ocsetup/ocsetup/installer/msg"
	"github.com/ocsetup/ocsetup/installer/store"
	ocsync "github.com/ocsetup/ocsetup/installer/sync"
)

// AmazonPS is the Amazon Payment Services profile.
func AmazonPS() Profile {
	return Profile{ID: "amazon_ps", Name: "Amazon Payment Services",
		Summary: "Card, installments, Apple Pay, KNET, NAPS and valU payments (formerly PayFort).", Impl: apsProfile{}}
}

// Amazon Payment Services has two plugin generations
// (docs/integrations.md §1):
//   - amazon_ps, v2.x for OpenCart 2.3 (payfort/opencart2.0-payfort) and
//     3.x (payfort/opencart3-payfort, the 2.4.0 .ocmod.zip);
//   - the legacy payfort_fort for 1.5 (payfort/opencart-payfort), 2.0–2.3
//     (payfort/opencart2.0-payfort@7dcf0c3) and 3.x
//     (payfort/opencart3-payfort@d649c46).
//
// No plugin for OpenCart 4 is known.
const (
	apsNew    = "amazon_ps"
	apsLegacy = "payfort_fort"
)

// apsField is a profile field and the setting it fills in each
// generation: the key after the code prefix ("" = not in that
// generation's form).
type apsField struct {
	Field
	newKey, oldKey string
}

// apsFields lists every setting of docs/integrations.md §1.3 and §1.4 in the order
// of the forms.
func apsFields() []apsField {
	req := func(f Field) Field { f.Required = true; return f }
	sec := func(key, label, help string) Field { return Field{Key: key, Label: label, Kind: Secret, Help: help} }
	txt := func(key, label, help string) Field { return Field{Key: key, Label: label, Kind: Text, Help: help} }
	one := func(key, label, def string, cs []Choice) Field {
		return Field{Key: key, Label: label, Kind: OneOf, Choices: cs, Default: def}
	}
	num := func(key, label, def string) Field { return Field{Key: key, Label: label, Kind: Number, Default: def} }
	general, cc, inst, other, apple := "General", "Credit card", "Installments", "Other methods", "Apple Pay"
	g := func(group string, fs ...apsField) []apsField {
		for i := range fs {
			fs[i].Group = group
		}
		return fs
	}
	var out []apsField
	out = append(out, g(general,
		apsField{boolField("status", "Enabled", "1", "Offer Amazon Payment Services at checkout."), "status", "status"},
		apsField{one("language", "Payment page language", "store", choices("store", "The store's language (Arabic if the store is Arabic, else English)", "en", "English", "ar", "Arabic")), "", "entry_language"},
		apsField{req(txt("merchant_identifier", "Merchant identifier", "Integration Settings in the Amazon Payment Services portal.")), "merchant_identifier", "entry_merchant_identifier"},
		apsField{req(sec("access_code", "Access code", "Integration Settings in the portal.")), "access_code", "entry_access_code"},
		apsField{req(sec("request_sha_phrase", "Request SHA phrase", "Security Settings in the portal; it signs what the store sends.")), "request_sha_phrase", "entry_request_sha_phrase"},
		apsField{req(sec("response_sha_phrase", "Response SHA phrase", "Security Settings in the portal; it checks what the gateway sends back.")), "response_sha_phrase", "entry_response_sha_phrase"},
		apsField{one("hash_algorithm", "SHA type", "sha256", choices("sha1", "SHA-1 (legacy plugin only)", "sha256", "SHA-256", "sha512", "SHA-512", "hmac256", "HMAC-256 (amazon_ps only)", "hmac512", "HMAC-512 (amazon_ps only)")), "sha_type", "entry_hash_algorithm"},
		apsField{one("command", "Command", "PURCHASE", choices("PURCHASE", "Purchase (capture at once)", "AUTHORIZATION", "Authorization (capture later)")), "command", "entry_command"},
		apsField{boolField("sandbox_mode", "Sandbox mode", "0", "Use the test gateway (sbcheckout.payfort.com)."), "sandbox_mode", "entry_sandbox_mode"},
		apsField{one("gateway_currency", "Gateway currency", "base", choices("base", "The store's default currency", "front", "The currency the customer chose")), "gateway_currency", "entry_gateway_currency"},
		apsField{boolField("debug", "Debug log", "0", "Write the gateway's messages to the log."), "debug", "debug"},
		apsField{Field{Key: "order_status", Label: "Order status after payment", Kind: OrderStatus, Help: "Legacy plugin only; amazon_ps sets its own statuses."}, "", "order_status_id"},
		apsField{one("order_placement", "Create the order", "all", choices("all", "Always", "success", "Only when the payment succeeded")), "", "order_placement"},
		apsField{num("sort_order", "Sort order", "1"), "", "sort_order"},
		apsField{one("check_status_cron_duration", "Check pending payments every (minutes)", "15", choices("15", "15", "30", "30", "45", "45", "60", "60", "120", "120")), "check_status_cron_duration", ""},
	)...)
	out = append(out, g(cc,
		apsField{boolField("credit_card", "Credit card", "1", ""), "cc_status", "credit_card"},
		apsField{one("cc_integration_type", "Credit card integration", "redirection", choices("redirection", "Redirection", "standard_checkout", "Standard checkout (amazon_ps)", "hosted_checkout", "Hosted checkout (amazon_ps)", "merchantPage", "Merchant page (legacy)", "merchantPage2", "Merchant page 2.0 (legacy)")), "cc_integration_type", "cc_integration_type"},
		apsField{boolField("cc_save_cards", "Save cards (tokenization)", "0", ""), "cc_tokenization", ""},
		apsField{boolField("cc_hide_delete_card", "Hide the delete-card button", "0", ""), "cc_hide_delete_token", ""},
		apsField{boolField("cc_show_mada_branding", "Show Mada branding", "0", "Saudi debit cards."), "cc_show_mada_branding", ""},
		apsField{boolField("cc_show_meeza_branding", "Show Meeza branding", "0", "Egyptian debit cards."), "cc_show_meeza_branding", ""},
		apsField{num("cc_sort_order", "Sort order", "1"), "cc_sort_order", ""},
	)...)
	out = append(out, g(inst,
		apsField{boolField("installments", "Installments", "0", "AED, SAR and EGP only."), "installments_status", "installments"},
		apsField{one("installments_integration_type", "Installments integration", "redirection", choices("redirection", "Redirection", "standard_checkout", "Standard checkout (amazon_ps)", "hosted_checkout", "Hosted checkout (amazon_ps)", "embedded_hosted_checkout", "Embedded hosted checkout (amazon_ps)", "merchantPage", "Merchant page (legacy)")), "installments_integration_type", "installments_integration_type"},
		apsField{num("installments_min_aed", "Installments from (AED)", "1000"), "installments_aed_order_min_value", ""},
		apsField{num("installments_min_egp", "Installments from (EGP)", "1000"), "installments_egp_order_min_value", ""},
		// The 2.x plugin's form posts …_installments_order_sar_min_value while
		// the controller reads …_installments_sar_order_min_value
		// (docs/integrations.md §1.4): ocsetup posts what the form posts.
		apsField{num("installments_min_sar", "Installments from (SAR)", "1000"), "installments_order_sar_min_value", ""},
		apsField{boolField("installments_issuer_name", "Show the issuer's name", "0", ""), "installments_issuer_name", ""},
		apsField{boolField("installments_issuer_logo", "Show the issuer's logo", "0", ""), "installments_issuer_logo", ""},
		apsField{num("installments_sort_order", "Installments sort order", ""), "installments_sort_order", "installments_sort_order"},
	)...)
	out = append(out, g(other,
		apsField{boolField("sadad", "SADAD (SAR)", "0", "Legacy plugin only."), "", "sadad"},
		apsField{boolField("naps", "NAPS (QAR)", "0", ""), "naps_status", "naps"},
		apsField{boolField("knet", "KNET (KWD)", "0", "amazon_ps only."), "knet_status", ""},
		apsField{boolField("tabby", "Tabby (SAR, AED)", "0", "amazon_ps 2.4.0 for OpenCart 3 only."), "tabby_status", ""},
		apsField{boolField("valu", "valU (EGP)", "0", "amazon_ps only."), "valu_status", ""},
		apsField{boolField("valu_down_payment", "valU down payment", "0", ""), "valu_down_payment_status", ""},
		apsField{num("valu_down_payment_value", "valU down payment amount", "0"), "valu_down_payment_value", ""},
		apsField{num("valu_min", "valU from (EGP)", "500"), "valu_order_min_value", ""},
		apsField{boolField("visa_checkout", "Visa Checkout", "0", "amazon_ps only."), "visa_checkout_status", ""},
		apsField{one("visa_checkout_integration_type", "Visa Checkout integration", "redirection", choices("redirection", "Redirection", "hosted_checkout", "Hosted checkout")), "visa_checkout_integration_type", ""},
		apsField{sec("visa_checkout_api_key", "Visa Checkout API key", ""), "visa_checkout_api_key", ""},
		apsField{txt("visa_checkout_profile_name", "Visa Checkout profile name", ""), "visa_checkout_profile_name", ""},
		apsField{num("sadad_sort_order", "SADAD sort order", ""), "", "sadad_sort_order"},
		apsField{num("naps_sort_order", "NAPS sort order", ""), "naps_sort_order", "qpay_sort_order"},
		apsField{num("knet_sort_order", "KNET sort order", ""), "knet_sort_order", ""},
		apsField{num("tabby_sort_order", "Tabby sort order", ""), "tabby_sort_order", ""},
		apsField{num("valu_sort_order", "valU sort order", ""), "valu_sort_order", ""},
		apsField{num("visa_checkout_sort_order", "Visa Checkout sort order", ""), "visa_checkout_sort_order", ""},
	)...)
	out = append(out, g(apple,
		apsField{boolField("apple_pay", "Apple Pay", "0", "amazon_ps only."), "apple_pay_status", ""},
		apsField{boolField("apple_pay_product_page", "Apple Pay button on product pages", "0", ""), "apple_pay_product_page", ""},
		apsField{boolField("apple_pay_cart_page", "Apple Pay button in the cart", "0", ""), "apple_pay_cart_page", ""},
		apsField{one("apple_pay_hash_algorithm", "Apple Pay SHA type", "sha256", choices("sha256", "SHA-256", "sha512", "SHA-512", "hmac256", "HMAC-256", "hmac512", "HMAC-512")), "apple_pay_sha_type", ""},
		apsField{one("apple_pay_button", "Apple Pay button", "apple-pay-buy", choices("apple-pay-buy", "Buy", "apple-pay-plain", "Plain", "apple-pay-check-out", "Check out", "apple-pay-book", "Book", "apple-pay-order", "Order")), "apple_pay_btn_type", ""},
		apsField{sec("apple_pay_access_code", "Apple Pay access code", ""), "apple_pay_access_code", ""},
		apsField{sec("apple_pay_request_sha_phrase", "Apple Pay request SHA phrase", ""), "apple_pay_request_sha_phrase", ""},
		apsField{sec("apple_pay_response_sha_phrase", "Apple Pay response SHA phrase", ""), "apple_pay_response_sha_phrase", ""},
		apsField{txt("apple_pay_domain_name", "Apple Pay domain", "The shop's domain, as registered with Apple."), "apple_pay_domain_name", ""},
		apsField{txt("apple_pay_display_name", "Apple Pay display name", ""), "apple_pay_display_name", ""},
		apsField{Field{Key: "apple_pay_networks", Label: "Apple Pay networks", Kind: MultiChoice, Choices: choices("amex", "American Express", "visa", "Visa", "masterCard", "Mastercard", "mada", "mada"), Default: "visa,masterCard"}, "apple_pay_supported_network", ""},
		apsField{sec("apple_pay_production_secret", "Apple Pay production key", "Secret: kept out of setup files."), "apple_pay_production_key", ""},
		apsField{num("apple_pay_sort_order", "Apple Pay sort order", ""), "apple_pay_sort_order", ""},
	)...)
	return out
}

// apsGeneration picks the plugin for a store: amazon_ps on 2.3 and 3.x,
// payfort_fort before; asked explicitly with the "extension" setting.
func apsGeneration(t Target, v Values) (string, error) {
	gen := strings.TrimSpace(v["extension"])
	switch {
	case t.Line.AtLeast(store.Line40):
		return "", msg.NewError("error.integration.aps_4", "Line", string(t.Line))
	case gen == "":
		if t.Line.AtLeast(store.Line23) {
			return apsNew, nil
		}
		return apsLegacy, nil
	case gen == apsNew && !t.Line.AtLeast(store.Line23):
		return "", msg.NewError("error.integration.aps_legacy", "Line", string(t.Line))
	case gen == apsNew, gen == apsLegacy:
		return gen, nil
	}
	return "", msg.NewError("error.integration.aps_extension", "Value", fmt.Sprintf("%q", gen))
}

// apsProfile configures Amazon Payment Services.
type apsProfile struct{}

func (apsProfile) fields(t Target, gen string) []Field {
	out := []Field{{Key: "extension", Label: "Extension", Kind: OneOf, Default: gen, Group: "General",
		Choices: choices(apsNew, "amazon_ps (OpenCart 2.3 and 3.x)", apsLegacy, "payfort_fort (legacy, OpenCart 1.5 to 3.x)")}}
	for _, f := range apsFields() {
		key := f.newKey
		if gen == apsLegacy {
			key = f.oldKey
		}
		if key == "" || strings.HasPrefix(f.Key, "tabby") && !t.Line.AtLeast(store.Line30) {
			continue
		}
		fl := f.Field
		if fl.Kind == OneOf {
			fl.Choices = apsChoicesFor(gen, fl)
		}
		out = append(out, fl)
	}
	return out
}

// apsChoicesFor drops the choices only the other generation's form has.
func apsChoicesFor(gen string, f Field) []Choice {
	other, otherValue := "(legacy", func(v string) bool { return v == "sha1" }
	if gen == apsLegacy {
		other, otherValue = "(amazon_ps", func(v string) bool { return strings.HasPrefix(v, "hmac") }
	}
	var out []Choice
	for _, c := range f.Choices {
		if !strings.Contains(c.Label, other) && !otherValue(c.Value) {
			out = append(out, c)
		}
	}
	return out
}

func (p apsProfile) Fields(t Target) []Field {
	gen, err := apsGeneration(t, nil)
	if err != nil {
		return nil
	}
	return p.fields(t, gen)
}

func (p apsProfile) Plan(t Target, in Values) (*Plan, error) {
	gen, err := apsGeneration(t, in)
	if err != nil {
		return nil, err
	}
	fields := p.fields(t, gen)
	if def := t.statusID("Processing"); def != 0 && gen == apsLegacy {
		for i := range fields {
			if fields[i].Key == "order_status" {
				fields[i].Default = fmt.Sprint(def)
			}
		}
	}
	v, err := resolve("amazon_ps", "Amazon Payment Services", fields, in)
	if err != nil {
		return nil, err
	}
	// Both plugins' validate(): with the module on, one method must be.
	if v["status"] == "1" {
		on := false
		for _, m := range []string{"credit_card", "installments", "sadad", "naps", "knet", "valu", "visa_checkout", "tabby"} {
			on = on || v[m] == "1"
		}
		if !on {
			return nil, &InputError{Profile: "Amazon Payment Services", ProfileMsg: profileMsg("amazon_ps", "Amazon Payment Services"),
				Problems: []Problem{{Field: "credit_card", Label: "Payment methods", LabelMsg: msg.New("error.input.label.payment_methods"),
					Message: msg.New("error.input.aps_no_method").English(), MessageMsg: msg.New("error.input.aps_no_method")}}}
		}
	}
	if gen == apsLegacy {
		return apsLegacyPlan(t, v, fields)
	}
	return apsNewPlan(t, v, fields)
}

// apsPost builds the form post: prefix + the generation's key per field.
func apsPost(gen, prefix string, v Values, fields []Field) Post {
	byKey := map[string]apsField{}
	for _, f := range apsFields() {
		byKey[f.Key] = f
	}
	var post Post
	for _, f := range fields {
		af, ok := byKey[f.Key]
		if !ok {
			continue // "extension" chooses the plugin; it is no setting
		}
		key := af.newKey
		if gen == apsLegacy {
			key = af.oldKey
		}
		e := Entry{Name: prefix + key, Field: f.Key, Secret: f.IsSecret(), Values: []string{v[f.Key]}}
		if f.Kind == MultiChoice {
			e.Name += "[]"
			e.List, e.Values = true, v.List(f.Key)
		}
		post = append(post, e)
	}
	return post
}

// apsNewPlan reproduces amazon_ps's install() and save
// (payfort/opencart3-payfort upload/admin/controller/extension/payment/amazon_ps.php,
// …/model/extension/payment/amazon_ps.php; the 2.3 plugin the same with
// code amazon_ps and the 2.3 event triggers).
func apsNewPlan(t Target, v Values, fields []Field) (*Plan, error) {
	ext := admin.Extension{Type: "payment", Code: apsNew}
	code := ext.SettingCode(t.Line) // payment_amazon_ps on 3.x, amazon_ps on 2.3
	// The form's first field is a hidden <code>_card = 1.
	post := append(Post{{Name: code + "_card", Values: []string{"1"}}}, apsPost(apsNew, code+"_", v, fields)...)
	subs := []string{"installments", "visa_checkout", "knet", "naps", "valu", "apple_pay"}
	if t.Line.AtLeast(store.Line30) {
		// 2.4.0 (the OpenCart 3 zip) adds tabby.
		subs = []string{"installments", "visa_checkout", "knet", "tabby", "naps", "valu", "apple_pay"}
	}
	plan := &Plan{Profile: "amazon_ps", Extension: ext, Post: post, SubPermissions: true}
	for _, s := range subs {
		plan.SubMethods = append(plan.SubMethods, admin.Extension{Type: "payment", Code: apsNew + "_" + s})
	}
	plan.save = func(post Post) []SettingGroup {
		groups := []SettingGroup{editSetting(t.Line, code, post)}
		for _, s := range subs {
			// filterPaymentSetting(): every key that contains the method's
			// name, then editSetting(), which keeps those starting with
			// the sub-method's code.
			var sub Post
			for _, e := range post {
				if strings.Contains(e.Name, s) {
					sub = append(sub, e)
				}
			}
			groups = append(groups, editSetting(t.Line, code+"_"+s, sub))
		}
		return groups
	}
	plan.Groups = plan.save(post)
	trig := func(view string) string {
		if t.Line.AtLeast(store.Line30) {
			return "catalog/view/" + view + "/after"
		}
		return "catalog/view/*/template/" + view + "/after"
	}
	plan.Events = []Event{
		{Code: "amazon_ps_apple_pay_btn", Trigger: trig("product/product"), Action: "extension/payment/amazon_ps_apple_pay/productBtn"},
		{Code: "amazon_ps_apple_pay_btn", Trigger: trig("checkout/cart"), Action: "extension/payment/amazon_ps_apple_pay/cartBtn"},
		{Code: "amazon_ps", Trigger: trig("common/success"), Action: "extension/payment/amazon_ps/displayPaymentData"},
	}
	plan.Tables = apsTables
	plan.Show = append(plan.Show,
		Info{Key: "host_to_host_url", Label: "Host-to-host URL (Direct Transaction Feedback, paste into the portal)", Value: t.StoreURL + "index.php?route=extension/payment/amazon_ps/response", Required: true},
		Info{Key: "cron_pending", Label: "Cron: check pending payments", Value: t.StoreURL + "index.php?route=extension/payment/amazon_ps/checkPaymentStatus"},
		Info{Key: "cron_recurring", Label: "Cron: recurring payments", Value: t.StoreURL + "index.php?route=extension/payment/amazon_ps/recurring"})
	apsNotices(plan, v)
	plan.DatabaseNotice(msg.New("notice.aps.bin_lists"))
	return plan, nil
}

// apsTables are the tables amazon_ps's install() creates, MyISAM like the
// plugin writes them (…/admin/model/extension/payment/amazon_ps.php).
var apsTables = []Table{
	{Name: "amazon_ps_order_meta_data", Create: "CREATE TABLE IF NOT EXISTS `{prefix}amazon_ps_order_meta_data` (`amazon_ps_order_id` INT(11) NOT NULL AUTO_INCREMENT, `order_id` INT(11) NOT NULL, `meta_key` VARCHAR(255) NOT NULL, `meta_value` LONGTEXT NULL, `date_added` DATETIME NOT NULL, PRIMARY KEY (`amazon_ps_order_id`)) ENGINE=MyISAM DEFAULT CHARSET=utf8 COLLATE=utf8_general_ci"},
	{Name: "amazon_ps_tokens", Create: "CREATE TABLE IF NOT EXISTS `{prefix}amazon_ps_tokens` (`ID` INT(11) NOT NULL AUTO_INCREMENT, `customer_id` INT(11) NOT NULL, `token` VARCHAR(255) NOT NULL, `created_at` DATETIME NOT NULL, `updated_at` DATETIME NOT NULL, PRIMARY KEY (`ID`)) ENGINE=MyISAM DEFAULT CHARSET=utf8 COLLATE=utf8_general_ci"},
	{Name: "amazon_ps_token_meta_data", Create: "CREATE TABLE IF NOT EXISTS `{prefix}amazon_ps_token_meta_data` (`ID` INT(11) NOT NULL AUTO_INCREMENT, `token_id` INT(11) NOT NULL, `meta_key` VARCHAR(255) NOT NULL, `meta_value` LONGTEXT NULL, `created_at` DATETIME NOT NULL, `updated_at` DATETIME NOT NULL, PRIMARY KEY (`ID`)) ENGINE=MyISAM DEFAULT CHARSET=utf8 COLLATE=utf8_general_ci"},
}

// apsLegacyPlan reproduces payfort_fort's install() (the three sub-method
// rows) and save: editSetting() of the post, then fixPostData() copies of
// it under each sub-method's code (docs/integrations.md §1.3;
// payfort/opencart2.0-payfort@7dcf0c3 upload/admin/controller/payment/payfort_fort.php).
func apsLegacyPlan(t Target, v Values, fields []Field) (*Plan, error) {
	ext := admin.Extension{Type: "payment", Code: apsLegacy}
	code := ext.SettingCode(t.Line) // payment_payfort_fort on 3.x
	post := apsPost(apsLegacy, code+"_", v, fields)
	subs := []string{"installments", "sadad", "qpay"}
	plan := &Plan{Profile: "amazon_ps", Extension: ext, Post: post}
	for _, s := range subs {
		plan.SubMethods = append(plan.SubMethods, admin.Extension{Type: "payment", Code: apsLegacy + "_" + s})
	}
	plan.save = func(post Post) []SettingGroup {
		groups := []SettingGroup{editSetting(t.Line, code, post)}
		for _, s := range subs {
			groups = append(groups, editSetting(t.Line, code+"_"+s, fixPostData(post, code, s)))
		}
		return groups
	}
	plan.Groups = plan.save(post)
	if t.Line.AtLeast(store.Line23) {
		// The legacy form (admin/view/template/payment/payfort_fort.tpl)
		// posts to payment/payfort_fort; 2.3 and 3.x install the extension
		// under extension/payment/payfort_fort and answer the post with
		// "Permission Denied!" (checked against OpenCart 2.3.0.2).
		plan.ExtraPermissions = []string{"payment/payfort_fort"}
	}
	route := "payment/payfort_fort/response"
	plan.Show = append(plan.Show, Info{Key: "host_to_host_url", Label: "Host-to-host URL (Direct Transaction Feedback, paste into the portal)", Value: t.StoreURL + "index.php?route=" + route, Required: true})
	apsNotices(plan, v)
	return plan, nil
}

// fixPostData is the legacy plugin's copy of the post for a sub-method:
// every key base_X becomes base_<sub>_X, and a key already posted under
// that name keeps its own value.
func fixPostData(post Post, base, sub string) Post {
	var out Post
	for _, e := range post {
		if !strings.HasPrefix(e.Name, base) {
			continue
		}
		name := base + "_" + sub + e.Name[len(base):]
		if own, ok := post.get(name); ok {
			e = own
		}
		e.Name = name
		out = append(out, e)
	}
	return out
}

func apsNotices(plan *Plan, v Values) {
	if err := APSSelfTest(); err != nil {
		plan.Notices = append(plan.Notices, err.Error())
	}
	if v["sandbox_mode"] == "1" {
		plan.Notice(msg.New("notice.aps.sandbox"))
	}
	if v["installments"] == "1" {
		plan.Notice(msg.New("notice.aps.installments"))
	}
}

// Extension: the registration and enabled checks look for amazon_ps.
func (apsProfile) Extension() *check.Extension {
	return &check.Extension{Type: "payment", Code: "amazon_ps", Folder: "amazon_ps"}
}

// Needs: Amazon Payment Services talks to the store through its own
// callback URLs signed with the SHA phrases, never the store's API; its
// status check is a job the Sync step can run.
func (apsProfile) Needs() Needs { return Needs{Sync: true} }

// Checks: the request signature against the official test vector, and the
// host-to-host URL the gateway calls.
func (apsProfile) Checks(c CheckContext) []check.ProfileCheck {
	return []check.ProfileCheck{
		{ID: "aps-signature", Title: "Request signature self-test", Run: func(context.Context, *check.Env) check.Result {
			if err := APSSelfTest(); err != nil {
				return check.FailedMsg(msg.New("check.aps-signature.fail"), msg.New("check.fix.report_bug"), err.Error())
			}
			return check.PassedMsg(msg.New("check.aps-signature.pass"))
		}},
		{ID: "aps-endpoint", Title: "Host-to-host URL answers", NeedsDB: true, Run: func(ctx context.Context, env *check.Env) check.Result {
			pl, err := c.Plan(ctx, env)
			if err != nil {
				return check.FailedMsg(msg.New("check.aps-endpoint.plan"), msg.New("check.fix.settings_first"), err.Error())
			}
			for _, info := range pl.Show {
				if strings.HasPrefix(info.Label, "Host-to-host") {
					return check.URLAnswers(ctx, env, info.Value)
				}
			}
			return check.FailedMsg(msg.New("check.aps-endpoint.none"), msg.New("check.fix.report_bug"), "")
		}},
	}
}

// Sync: the status check of pending payments, every
// check_status_cron_duration minutes (the Settings form's default when the
// setup names none, so both say the same interval).
func (p apsProfile) Sync(c SyncContext) SyncSpec {
	minutes, err := strconv.Atoi(c.Settings["check_status_cron_duration"])
	if err != nil || minutes <= 0 {
		for _, f := range p.Fields(Target{Line: c.Store.Line, Version: c.Store.Version}) {
			if f.Key == "check_status_cron_duration" {
				minutes, _ = strconv.Atoi(f.Default)
			}
		}
	}
	// The route its cron setting names (OpenCart 2.3 and 3.0).
	return SyncSpec{Jobs: []ocsync.Job{{Name: "aps-status-check", Title: "Amazon Payment Services status check",
		TitleMsg: msg.New("sync.job.aps_status_check"), Period: time.Duration(minutes) * time.Minute,
		Run: ocsync.HTTPJob(c.HTTP, strings.TrimRight(c.StoreURL, "/")+"/index.php?route=extension/payment/amazon_ps/checkPaymentStatus")}}}
}
