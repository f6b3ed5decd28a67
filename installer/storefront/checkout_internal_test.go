package storefront

import (
	"encoding/json"
	"testing"
)

// The answers below are as the stores give them (3.0.3.9, 4.0.2.3,
// 4.1.0.4 on PHP 8.2); PHP encodes an empty array as [].
func TestMethodsOf(t *testing.T) {
	for _, c := range []struct {
		name, raw        string
		code, title, opt string
		n                int
	}{
		{"3.0", `{"cod":{"code":"cod","title":"Cash On Delivery","terms":"","sort_order":"5"}}`, "cod", "Cash On Delivery", "", 1},
		{"4.x", `{"cod":{"code":"cod","name":"Cash On Delivery","option":{"cod":{"code":"cod.cod","name":"Cash On Delivery"}},"sort_order":"5"}}`, "cod", "Cash On Delivery", "cod.cod", 1},
		{"none", `[]`, "", "", "", 0},
		{"absent", ``, "", "", "", 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := methodsOf(json.RawMessage(c.raw))
			if err != nil || len(got) != c.n {
				t.Fatalf("%v %v", got, err)
			}
			if c.n > 0 && (got[c.code].Title != c.title || got[c.code].Option != c.opt) {
				t.Fatalf("%+v", got[c.code])
			}
		})
	}
	if _, err := methodsOf(json.RawMessage(`"x"`)); err == nil {
		t.Fatal("a string is no list of methods")
	}
}

func TestFirstQuote(t *testing.T) {
	q, ok := firstQuote(json.RawMessage(`{"flat":{"title":"Flat Rate","quote":{"flat":{"code":"flat.flat","name":"Flat Shipping Rate","cost":5,"tax_class_id":9,"text":"$5.00"}},"sort_order":"1","error":false}}`))
	if !ok || q["code"] != "flat.flat" || q["cost"] != "5" || q["tax_class_id"] != "9" || q["name"] != "Flat Shipping Rate" {
		t.Fatalf("%v %v", q, ok)
	}
	if _, ok := firstQuote(json.RawMessage(`[]`)); ok {
		t.Fatal("no shipping method is no quote")
	}
}

func TestErrorText(t *testing.T) {
	for raw, want := range map[string]string{
		`"Warning: No Payment options are available!"`:                        "Warning: No Payment options are available!",
		`{"ip":"Your IP 10.0.0.1 is not allowed","key":"Incorrect API Key!"}`: "ip: Your IP 10.0.0.1 is not allowed; key: Incorrect API Key!",
		`{"error":{"firstname":"First Name!"}}`:                               "error: firstname: First Name!",
	} {
		if got := errorText(json.RawMessage(raw)); got != want {
			t.Errorf("%s: %q", raw, got)
		}
	}
}

func TestSeriousKind(t *testing.T) {
	for kind, want := range map[string]bool{"Warning": true, "Fatal error": true, "Exception": true, "Parse error": true,
		"Notice": false, "Deprecated": false, "Unknown": false} {
		if SeriousKind(kind) != want {
			t.Errorf("%s: %v", kind, !want)
		}
	}
}
