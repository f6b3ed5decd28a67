package integrations

import (
	"net/url"
	"testing"

	"github.com/ocsetup/ocsetup/installer/admin"
	"github.com/ocsetup/ocsetup/installer/store"
)

// TestCustomForm: an unknown extension's form becomes fields (hidden and
// read-only ones stay as the form has them), and a plan fills the form by
// the fields' names, reporting the ones the form lacks.
func TestCustomForm(t *testing.T) {
	base, _ := url.Parse("https://shop.example/admin/index.php")
	forms, err := admin.ParseForms(base, []byte(`<form method="post" action="x">
<div class="form-group required"><label for="a">Account</label><input id="a" type="text" name="payment_x_account" value="old"/></div>
<div class="form-group"><label for="k">Key</label><input id="k" type="password" name="payment_x_key" value="hidden-secret"/></div>
<div class="form-group"><label for="m">Mode</label><select id="m" name="payment_x_mode"><option value="live">Live</option><option value="test" selected>Test</option></select></div>
<div class="form-group"><label>Status</label><input type="checkbox" name="payment_x_status" value="1" checked/></div>
<input type="hidden" name="payment_x_token" value="t"/>
<input type="text" name="payment_x_url" value="https://cb" readonly/>
</form>`))
	if err != nil || len(forms) != 1 {
		t.Fatal(forms, err)
	}
	fields := FormFields(forms[0])
	got := map[string]Field{}
	for _, f := range fields {
		got[f.Key] = f
	}
	if len(fields) != 4 || got["payment_x_account"].Default != "old" || !got["payment_x_account"].Required ||
		got["payment_x_key"].Kind != Secret || got["payment_x_key"].Default != "" ||
		got["payment_x_mode"].Kind != OneOf || got["payment_x_mode"].Default != "test" || len(got["payment_x_mode"].Choices) != 2 ||
		got["payment_x_status"].Kind != Bool || got["payment_x_status"].Default != "1" {
		t.Fatalf("%+v", fields)
	}
	p, _ := ByID("custom")
	plan, err := p.Plan(Target{Line: store.Line30}, Values{"code": "x", "payment_x_account": "A-1", "payment_x_mode": "live", "payment_x_renamed": "v"})
	if err != nil {
		t.Fatal(err)
	}
	if plan.SaveGroups(plan.Post) != nil {
		t.Error("a custom extension got a database fallback")
	}
	missing, err := FillForm(plan, forms[0], nil)
	if err != nil || len(missing) != 1 || missing[0] != "payment_x_renamed" {
		t.Fatalf("missing %q, %v", missing, err)
	}
	if v := forms[0].Values(); v["payment_x_account"][0] != "A-1" || v["payment_x_mode"][0] != "live" {
		t.Fatalf("%v", v)
	}
}
