package admin

import (
	"net/url"
	"strings"
	"testing"

	"github.com/ocsetup/ocsetup/installer/store"
)

func parseOne(t *testing.T, html string) (*page, *Form) {
	t.Helper()
	base, _ := url.Parse("https://shop.example/admin/index.php?route=x")
	pg, err := parsePage(base, []byte(html))
	if err != nil {
		t.Fatal(err)
	}
	var best *Form
	for _, f := range pg.forms {
		if best == nil || len(f.Fields) > len(best.Fields) {
			best = f
		}
	}
	return pg, best
}

// The 4.x switch: a hidden "0" before the checkbox, both named alike
// (oc@4.0.2.3:upload/extension/opencart/admin/view/template/payment/cod.twig).
// The browser sends both; PHP keeps the last.
func TestCheckboxWithHiddenOff(t *testing.T) {
	_, f := parseOne(t, `<form action="index.php?route=extension/opencart/payment/cod.save&amp;user_token=abc" method="post" data-oc-toggle="ajax">
<div class="row mb-3"><label class="col-sm-2 col-form-label">Status</label><div class="col-sm-10"><div class="form-check form-switch">
<input type="hidden" name="payment_cod_status" value="0"/>
<input type="checkbox" name="payment_cod_status" value="1" id="input-status" class="form-check-input"/>
</div></div></div>
<div class="row mb-3"><label for="input-sort-order" class="col-sm-2 col-form-label">Sort Order</label><div class="col-sm-10">
<input type="text" name="payment_cod_sort_order" value="" id="input-sort-order" class="form-control"/><div id="error-sort-order" class="invalid-feedback"></div></div></div>
</form>`)
	st := f.Field("payment_cod_status")
	if st.Kind != Checkbox || st.Label != "Status" || st.ID != "input-status" || st.Value() != "0" {
		t.Fatalf("%+v", st)
	}
	if f.Action.Query().Get("user_token") != "abc" || !f.AJAX {
		t.Fatalf("action %v ajax %v", f.Action, f.AJAX)
	}
	must(t, f.Set("payment_cod_status", "1"))
	body, ctype, err := f.Encode()
	must(t, err)
	if string(body) != "payment_cod_status=0&payment_cod_status=1&payment_cod_sort_order=" || ctype != "application/x-www-form-urlencoded" {
		t.Fatalf("%s %s", body, ctype)
	}
	if fl := fieldForKey(f, "sort_order"); fl == nil || fl.Name != "payment_cod_sort_order" {
		t.Fatalf("4.x error key: %+v", fl)
	}
}

// 1.5 lays out settings as table rows with the label in the first cell,
// "*" for required and span.help, errors in span.error after the input,
// tabs as .htabs links.
func TestOldTableForm(t *testing.T) {
	pg, f := parseOne(t, `<div class="warning">Warning: Please check the form carefully for errors!</div>
<div id="tabs" class="htabs"><a href="#tab-general">General</a></div>
<form action="index.php?route=payment/x&amp;token=t" method="post" enctype="multipart/form-data" id="form">
<div id="tab-general"><table class="form">
<tr><td><span class="required">*</span> Merchant:<br/><span class="help">From the portal</span></td>
<td><input type="text" name="x_merchant" value=""/><span class="error">Merchant required!</span></td></tr>
<tr><td>Sandbox:</td><td><input type="radio" name="x_sandbox" value="1"/> Yes <input type="radio" name="x_sandbox" value="0" checked="checked"/> No</td></tr>
<tr><td>Notes:</td><td><textarea name="x_notes">
a
b</textarea></td></tr>
</table></div></form>`)
	m := f.Field("x_merchant")
	if m.Label != "Merchant" || !m.Required || m.Help != "From the portal" || m.Tab != "General" {
		t.Fatalf("%+v", m)
	}
	sb := f.Field("x_sandbox")
	if sb.Kind != Radio || sb.Value() != "0" || sb.Options[0].Label != "Yes" {
		t.Fatalf("%+v", sb)
	}
	if n := f.Field("x_notes"); n.Value() != "a\nb" {
		t.Fatalf("textarea %q", n.Value())
	}
	if len(pg.fieldErrors) != 1 || pg.fieldErrors[0].Field != "x_merchant" || len(pg.warnings) != 1 {
		t.Fatalf("%+v %+v", pg.fieldErrors, pg.warnings)
	}
	must(t, f.Set("x_notes", "one\ntwo"))
	body, ctype, err := f.Encode()
	must(t, err)
	if !strings.HasPrefix(ctype, "multipart/form-data; boundary=") || !strings.Contains(string(body), "one\r\ntwo") {
		t.Fatalf("%s\n%s", ctype, body)
	}
}

// 3.x: form-group with the tooltip help, a select, a checkbox group, a
// multi-select, and the submit button outside the form (form="…").
func TestBootstrapForm(t *testing.T) {
	_, f := parseOne(t, `<button type="submit" form="form-payment">Save</button>
<ul class="nav nav-tabs"><li><a href="#tab-general" data-toggle="tab">General</a></li><li><a href="#tab-apple" data-toggle="tab">Apple Pay</a></li></ul>
<form action="x" method="post" enctype="multipart/form-data" id="form-payment">
<div class="tab-content"><div class="tab-pane active" id="tab-general">
<div class="form-group required"><label class="col-sm-2 control-label" for="input-merchant"><span data-toggle="tooltip" title="Your id">Merchant</span></label>
<div class="col-sm-10"><input type="text" name="p_merchant" id="input-merchant" value="M"/><div class="text-danger">Required!</div></div></div>
<div class="form-group"><label class="col-sm-2 control-label" for="input-command">Command</label><div class="col-sm-10">
<select name="p_command" id="input-command"><option value="PURCHASE">Purchase</option><option value="AUTHORIZATION" selected="selected">Authorization</option></select></div></div>
</div><div class="tab-pane" id="tab-apple">
<div class="form-group"><label class="col-sm-2 control-label">Networks</label><div class="col-sm-10">
<div class="checkbox"><label><input type="checkbox" name="p_networks[]" value="visa" checked="checked"/> Visa</label></div>
<div class="checkbox"><label><input type="checkbox" name="p_networks[]" value="mada"/> mada</label></div></div></div>
<select name="p_multi[]" multiple><option value="a" selected>A</option><option value="b">B</option></select>
</div></div></form>`)
	m := f.Field("p_merchant")
	if m.Label != "Merchant" || m.Help != "Your id" || !m.Required || m.Tab != "General" {
		t.Fatalf("%+v", m)
	}
	if c := f.Field("p_command"); c.Kind != Select || c.Value() != "AUTHORIZATION" || c.Label != "Command" {
		t.Fatalf("%+v", c)
	}
	n := f.Field("p_networks[]")
	if n.Kind != CheckboxGroup || n.Tab != "Apple Pay" || n.Label != "Networks" || n.Options[1].Label != "mada" || strings.Join(n.Values, ",") != "visa" {
		t.Fatalf("%+v", n)
	}
	if err := f.Set("p_networks[]", "visa", "amex"); err == nil {
		t.Error("amex accepted")
	}
	must(t, f.Set("p_networks[]", "mada"))
	must(t, f.Set("p_multi[]", "a", "b"))
	if v := f.Values(); strings.Join(v["p_networks[]"], ",") != "mada" || strings.Join(v["p_multi[]"], ",") != "a,b" {
		t.Fatalf("%v", v)
	}
}

func TestCaptchaSpotted(t *testing.T) {
	for _, html := range []string{
		`<form method="post"><input name="username"><input type="password" name="password"><div class="g-recaptcha" data-sitekey="x"></div></form>`,
		`<script src="https://www.google.com/recaptcha/api.js"></script><form method="post"><input type="password" name="password"></form>`,
		`<form method="post"><input type="password" name="password"><input name="captcha"></form>`,
		`<form method="post"><input type="password" name="password"><img src="index.php?route=tool/captcha"></form>`,
	} {
		if pg, _ := parseOne(t, html); pg.captcha == "" {
			t.Errorf("no captcha seen in %s", html)
		}
	}
	if pg, _ := parseOne(t, `<form method="post"><input name="username"><input type="password" name="password"></form>`); pg.captcha != "" {
		t.Errorf("captcha %q in a plain login", pg.captcha)
	}
}

func TestDialect(t *testing.T) {
	for _, c := range []struct {
		line            store.Line
		version, token  string
		method, refresh string
	}{
		{store.Line15, "1.5.6.4", "token", "payment/install", ""},
		{store.Line22, "2.2.0.0", "token", "payment/install", "extension/modification/refresh"},
		{store.Line30, "3.0.3.8", "user_token", "payment/install", "marketplace/modification/refresh"},
		{store.Line40, "4.0.1.1", "user_token", "payment|install", ""},
		{store.Line40, "4.0.2.3", "user_token", "payment.install", ""},
		{store.Line41, "4.1.0.4", "user_token", "payment.install", "marketplace/modification.refresh"},
	} {
		d, err := DialectFor(c.line, c.version)
		must(t, err)
		if d.TokenParam() != c.token || d.Method("payment", "install") != c.method || d.RefreshRoute() != c.refresh {
			t.Errorf("%s: %s %s %s", c.version, d.TokenParam(), d.Method("payment", "install"), d.RefreshRoute())
		}
	}
	e := Extension{Type: "payment", Code: "amazon_ps", Folder: "aps"}
	for line, want := range map[store.Line]string{store.Line20: "payment/amazon_ps", store.Line23: "extension/payment/amazon_ps", store.Line41: "extension/aps/payment/amazon_ps"} {
		if got := e.Route(line); got != want {
			t.Errorf("%s: %s", line, got)
		}
	}
	if err := (Extension{Type: "payment", Code: "x'y"}).Check(store.Line30); err == nil {
		t.Error("a quote in a code accepted")
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// Extensions write their own error markup: the Amazon Payment Services
// plugin prints <span style="color:red"> under a field (checked against
// the real plugin on OpenCart 3.0.4.1); error/permission has no alert;
// PHP errors printed into the page are reported.
func TestOtherMessages(t *testing.T) {
	pg, _ := parseOne(t, `<form method="post"><div class="form-group"><label for="m">Merchant</label>
<input type="text" name="p_merchant" id="m"/><span style="color: red">Merchant Identifier Required!</span></div></form>`)
	if len(pg.fieldErrors) != 1 || pg.fieldErrors[0].Field != "p_merchant" || pg.fieldErrors[0].Message != "Merchant Identifier Required!" {
		t.Fatalf("%+v", pg.fieldErrors)
	}
	pg, _ = parseOne(t, `<html><head><title>Permission Denied!</title></head><body><h1>Permission Denied!</h1></body></html>`)
	if len(pg.warnings) != 1 || !strings.Contains(pg.warnings[0], "Permission Denied") {
		t.Fatalf("%+v", pg.warnings)
	}
	pg, _ = parseOne(t, `<b>Warning</b>: Cannot modify header information - headers already sent in <b>/x/response.php</b> on line <b>12</b><form method="post"></form>`)
	if len(pg.phpErrors) != 1 || !strings.HasPrefix(pg.phpErrors[0], "Warning: Cannot modify header information") {
		t.Fatalf("%q", pg.phpErrors)
	}
}
