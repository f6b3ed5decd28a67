package storefront

import (
	"encoding/json"
	"testing"
)

// TestMethodTitlePlain: a method title with markup (Amazon Payment
// Services' card logos, <b>, entities) is read as the text a shopper sees.
func TestMethodTitlePlain(t *testing.T) {
	raw := `{"amazon_ps":{"code":"amazon_ps","title":"Credit \/ Debit card<img style=\"margin: 5px !important;\" src=\"catalog\/view\/theme\/default\/image\/amazon_ps\/visa-logo.png\" alt=\"visa\" class=\"payment-icons\" \/><img src=\"x.png\" alt=\"amex\"\/>","terms":"","sort_order":"1"},` +
		`"bold":{"code":"bold","title":"<b>Pay</b> &amp; go  <script>alert(1)</script>","terms":""},` +
		`"plain":{"code":"plain","title":"  Cash On   Delivery ","terms":""}}`
	got, err := methodsOf(json.RawMessage(raw))
	if err != nil {
		t.Fatal(err)
	}
	for code, want := range map[string]string{"amazon_ps": "Credit / Debit card", "bold": "Pay & go", "plain": "Cash On Delivery"} {
		if got[code].Title != want {
			t.Errorf("%s: title %q, want %q", code, got[code].Title, want)
		}
	}
}
