package admin

import (
	"slices"
	"testing"
)

// latitudePage is the shape of the LatitudePay settings page after a save
// (Latitude-Financial/opencart-latitudepay-genoapay, latitudepay.twig):
// the success alert, and a payment-terms alert that is always in the page,
// hidden by the page's own stylesheet until its script shows it.
const latitudePage = `<html><head><title>LatitudePay</title></head><body>
<div class="alert alert-success alert-dismissible"><i class="fa fa-exclamation-circle"></i> Success: You have modified LatitudePay payment module!</div>
<form action="index.php?route=extension/payment/latitudepay&amp;user_token=t" method="post" id="form-payment">
<div class="form-group payment-terms"><label class="col-sm-2 control-label">Payment terms</label><div class="col-sm-10">
<div class="alert alert-danger no-payment-terms-error-message">
  You have to set at least one value for Payment Terms!
</div>
<div class="form-group"><input id="PaymentTerm6Month" class="form-control" name="payment_latitudepay_payment_terms[]" type="checkbox" value="6"/><label for="PaymentTerm6Month">6 months</label></div>
</div></div>
</form>
<style>
  /* the page's own rules */
  .payment-terms .form-group { display: flex; }
  .no-payment-terms-error-message {
    display: none;
  }
</style>
<script>document.querySelector('.no-payment-terms-error-message').style.display = 'block';</script>
</body></html>`

func TestHiddenAlertIsNotTheAnswer(t *testing.T) {
	pg, f := parseOne(t, latitudePage)
	if len(pg.warnings) != 0 || len(pg.fieldErrors) != 0 {
		t.Fatalf("a hidden alert was read as the store's answer: %q %+v", pg.warnings, pg.fieldErrors)
	}
	if len(pg.success) != 1 {
		t.Fatalf("success: %q", pg.success)
	}
	// The controls inside the hidden block's group are still read (the
	// browser posts them).
	if f.Field("payment_latitudepay_payment_terms[]") == nil {
		t.Fatalf("the payment terms were not read: %+v", f.Fields)
	}
}

// Once the store does refuse, its visible alert is read even though the
// hidden one stays in the page.
func TestVisibleAlertNextToHiddenOne(t *testing.T) {
	pg, _ := parseOne(t, `<div class="alert alert-danger alert-dismissible"><i class="fa fa-exclamation-circle"></i> API Key and API Secret are required!</div>
<div class="alert alert-danger no-payment-terms-error-message">You have to set at least one value for Payment Terms!</div>
<style>.no-payment-terms-error-message { display: none; }</style>`)
	if !slices.Equal(pg.warnings, []string{"API Key and API Secret are required!"}) {
		t.Fatalf("%q", pg.warnings)
	}
}

func TestHiddenMessageShapes(t *testing.T) {
	for _, tc := range []struct {
		name, html string
		shown      bool
	}{
		{"inline display none", `<div style="color: red; display : none"><div class="alert alert-danger">x</div></div>`, false},
		{"inline display none important", `<div class="alert alert-danger" style="display:none !important">x</div>`, false},
		{"hidden attribute", `<div hidden><span class="text-danger">x</span></div>`, false},
		{"bootstrap 5 d-none", `<div class="invalid-feedback d-none">x</div>`, false},
		{"bootstrap 3 hidden", `<div class="alert alert-warning hidden">x</div>`, false},
		{"template", `<template><div class="alert alert-danger">x</div></template>`, false},
		{"script", `<script>var t = '<div class="alert alert-danger">x</div>';</script>`, false},
		{"id rule", `<style>#terms-error{display:none}</style><div id="terms-error" class="alert alert-danger">x</div>`, false},
		{"visible", `<div class="alert alert-danger">x</div>`, true},
		{"d-none but shown from md", `<div class="alert alert-danger d-none d-md-block">x</div>`, true},
		{"rule only for print", `<style>@media print { .alert { display: none } }</style><div class="alert alert-danger">x</div>`, true},
		{"rule with a combinator", `<style>.modal .alert { display: none }</style><div class="alert alert-danger">x</div>`, true},
		{"rule for another class", `<style>.other { display: none } .alert { color: red }</style><div class="alert alert-danger">x</div>`, true},
		{"commented-out rule", `<style>/* .alert { display: none } */</style><div class="alert alert-danger">x</div>`, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pg, _ := parseOne(t, tc.html)
			n := len(pg.warnings) + len(pg.fieldErrors)
			if shown := n > 0; shown != tc.shown {
				t.Fatalf("read %d messages (%q %+v), want shown=%v", n, pg.warnings, pg.fieldErrors, tc.shown)
			}
		})
	}
}
