package integrations

import (
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/ocsetup/ocsetup/installer/store"
)

func target(line store.Line) Target {
	return Target{Line: line, Currency: "AUD", StoreURL: "https://shop.example/",
		OrderStatuses: map[string]int64{"Pending": 1, "Processing": 2, "Complete": 5, "Canceled": 7, "Refunded": 11}}
}

var apsGood = Values{"merchant_identifier": "MxvOupuG", "access_code": "SILgpo7pWbmzuURp2qri",
	"request_sha_phrase": "in", "response_sha_phrase": "out"}

func with(v Values, kv ...string) Values {
	out := Values{}
	for k, x := range v {
		out[k] = x
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "<unset>" {
			delete(out, kv[i])
		} else {
			out[kv[i]] = kv[i+1]
		}
	}
	return out
}

func plan(t *testing.T, id string, tg Target, v Values) (*Plan, error) {
	t.Helper()
	p, ok := ByID(id)
	if !ok {
		t.Fatalf("no profile %s", id)
	}
	return p.Plan(tg, v)
}

// TestBadInputs: each mistake gives a clear message naming the field, and
// no plan (so nothing is written).
func TestBadInputs(t *testing.T) {
	for _, c := range []struct {
		name, profile string
		line          store.Line
		currency      string
		values        Values
		want          []string
	}{
		{"empty merchant identifier", "amazon_ps", store.Line30, "", with(apsGood, "merchant_identifier", "  "), []string{"Merchant identifier: is required"}},
		{"missing SHA phrases", "amazon_ps", store.Line15, "", with(apsGood, "request_sha_phrase", "<unset>", "response_sha_phrase", ""),
			[]string{"Request SHA phrase: is required", "Response SHA phrase: is required", "OCSETUP_SECRET_REQUEST_SHA_PHRASE"}},
		{"no payment method", "amazon_ps", store.Line30, "", with(apsGood, "credit_card", "0"), []string{"no payment method is"}},
		{"hmac on the legacy plugin", "amazon_ps", store.Line20, "", with(apsGood, "hash_algorithm", "hmac256"), []string{"SHA type: is \"hmac256\"; use one of sha1"}},
		{"a typo", "amazon_ps", store.Line30, "", with(apsGood, "merchant_identifer", "x"), []string{"merchant_identifer: is not a setting"}},
		{"key too short", "despatch_cloud", store.Line30, "", Values{"api_key": "short-key"}, []string{"API key: is 9 characters long; it needs at least 24"}},
		{"prefix with a quote", "despatch_cloud", store.Line30, "", Values{"order_prefix": "WEB'1"}, []string{"Order-ID prefix:", "no quotes"}},
		{"OneBox key too short", "onebox", store.Line30, "", Values{"api_key": strings.Repeat("a", 30)}, []string{"API key: is 30 characters long; it needs at least 64"}},
		{"unsupported currency", "latitudepay", store.Line30, "EUR", Values{"api_key": "k", "api_secret": "s"}, []string{"currency is EUR", "AUD", "NZD", "11 April 2023"}},
		{"terms for LatitudePay+", "latitudepay", store.Line30, "AUD", Values{"api_key": "k", "api_secret": "s", "product": "LPAYPLUS"}, []string{"Payment terms"}},
		{"APS on 4.x", "amazon_ps", store.Line41, "", apsGood, []string{"no Amazon Payment Services extension for OpenCart 4.1"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			tg := target(c.line)
			if c.currency != "" {
				tg.Currency = c.currency
			}
			p, err := plan(t, c.profile, tg, c.values)
			if err == nil || p != nil {
				t.Fatalf("accepted: %+v", p)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("%q lacks %q", err, w)
				}
			}
		})
	}
}

// TestAPSSignature reproduces the official vector and the other
// algorithms' results from docs/integrations.md §1.6.
func TestAPSSignature(t *testing.T) {
	if err := APSSelfTest(); err != nil {
		t.Fatal(err)
	}
	for alg, want := range map[string]string{
		"sha256":  "94c38afc7bdae0114fc8c740edf12416f22998241ce4b4ea70d5521233a2c882",
		"sha512":  "01575815bbdb23a862855bf2087012e243215e6464b6239a422d9a85936adca90bf6c3227c180890ad13b00ddf3a248608053d7174cbe622f24bdf2d5f345638",
		"hmac256": "b592468a25c7292cdadb2e58c3c184e5b868eda03d8c2920f66fe16a587681f3",
	} {
		got, err := APSSignature(with(Values(apsVector), "signature", "ignored"), "PASS", alg)
		if err != nil || got != want {
			t.Errorf("%s: %s %v", alg, got, err)
		}
	}
	tok := map[string]string{"access_code": "SILgpo7pWbmzuURp2qri", "language": "en", "merchant_identifier": "MxvOupuG",
		"merchant_reference": "MyReference0001", "service_command": "TOKENIZATION"}
	if got, _ := APSSignature(tok, "PASS", "sha256"); !strings.HasPrefix(got, "7ee560cc") || !strings.HasSuffix(got, "4b99") {
		t.Errorf("tokenization vector: %s", got)
	}
	if _, err := APSSignature(nil, "x", "md5"); err == nil {
		t.Error("md5 accepted")
	}
}

// TestAPSPlans: per line, the generation, the code and key prefix, the
// sub-method copies and the URL to paste.
func TestAPSPlans(t *testing.T) {
	p3, err := plan(t, "amazon_ps", target(store.Line30), with(apsGood, "apple_pay_networks", "visa,mada"))
	if err != nil {
		t.Fatal(err)
	}
	if p3.Extension.Code != "amazon_ps" || p3.Groups[0].Code != "payment_amazon_ps" || len(p3.SubMethods) != 7 || !p3.SubPermissions {
		t.Fatalf("3.x plan %+v", p3)
	}
	if !strings.HasSuffix(p3.Show[0].Value, "index.php?route=extension/payment/amazon_ps/response") {
		t.Errorf("host-to-host URL %q", p3.Show[0].Value)
	}
	var networks *Setting
	for i, s := range p3.Groups[0].Settings {
		if s.Key == "payment_amazon_ps_apple_pay_supported_network" {
			networks = &p3.Groups[0].Settings[i]
		}
	}
	if networks == nil || !networks.IsList || strings.Join(networks.List, ",") != "visa,mada" {
		t.Errorf("networks %+v", networks)
	}
	p23, err := plan(t, "amazon_ps", target(store.Line23), apsGood)
	if err != nil || p23.Groups[0].Code != "amazon_ps" || len(p23.SubMethods) != 6 {
		t.Fatalf("2.3 plan %+v %v", p23, err)
	}
	legacy, err := plan(t, "amazon_ps", target(store.Line30), with(apsGood, "extension", "payfort_fort", "hash_algorithm", "sha1"))
	if err != nil {
		t.Fatal(err)
	}
	if len(legacy.ExtraPermissions) != 1 || legacy.ExtraPermissions[0] != "payment/payfort_fort" {
		t.Errorf("the legacy form's route is not granted: %q", legacy.ExtraPermissions)
	}
	if legacy.Groups[0].Code != "payment_payfort_fort" || legacy.Groups[1].Code != "payment_payfort_fort_installments" ||
		!strings.HasSuffix(legacy.Show[0].Value, "route=payment/payfort_fort/response") {
		t.Fatalf("legacy 3.x plan %+v", legacy.Groups)
	}
	found := false
	for _, s := range legacy.Groups[1].Settings {
		found = found || s.Key == "payment_payfort_fort_installments_entry_merchant_identifier" && s.Value == "MxvOupuG"
	}
	if !found {
		t.Errorf("fixPostData copy missing: %+v", legacy.Groups[1])
	}
	if _, err := plan(t, "amazon_ps", target(store.Line22), with(apsGood, "extension", "amazon_ps")); err == nil {
		t.Error("amazon_ps accepted on 2.2")
	}
}

// TestSecretsAreSecret: a setting whose name the setup file refuses (it
// looks secret) must be a Secret field, else nobody could give it; and a
// Secret field must not have a default (a default secret is no secret).
func TestSecretsAreSecret(t *testing.T) {
	looksSecret := regexp.MustCompile(`(?i)(password|passwd|secret|phrase|token|api_?key|access_code|private)`)
	for _, p := range All() {
		for _, line := range store.Lines() {
			for _, f := range p.Fields(target(line)) {
				if looksSecret.MatchString(f.Key) != f.IsSecret() {
					t.Errorf("%s %s: %s looks secret %v, is secret %v", p.ID, line, f.Key, looksSecret.MatchString(f.Key), f.IsSecret())
				}
				if f.IsSecret() && f.Default != "" {
					t.Errorf("%s: secret %s has a default", p.ID, f.Key)
				}
			}
		}
	}
}

// TestLatitudeStatuses: the four statuses by name, "Partial Refunded"
// left to be created.
func TestLatitudeStatuses(t *testing.T) {
	p, err := plan(t, "latitudepay", target(store.Line30), Values{"api_key": "k", "api_secret": "s", "environment": "production"})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]Entry{}
	for _, e := range p.Post {
		got[e.Name] = e
	}
	if e := got["payment_latitudepay_order_failed_status_id"]; e.Values[0] != "7" {
		t.Errorf("failed %+v", e)
	}
	if e := got["payment_latitudepay_order_partial_refunded_status_id"]; e.Values[0] != "" || e.Status[0] != "Partial Refunded" {
		t.Errorf("partial %+v", e)
	}
	if _, ok := got["payment_latitudepay_production_api_key"]; !ok {
		t.Errorf("key not under the environment: %v", got)
	}
	if !strings.Contains(strings.Join(p.Notices, " "), "11 April 2023") {
		t.Error("no closure notice")
	}
	tg := target(store.Line30)
	tg.Currency = "NZD"
	g, err := plan(t, "latitudepay", tg, Values{"api_key": "k", "api_secret": "s"})
	if err != nil || g.Extension.Code != "genoapay" {
		t.Fatalf("NZD: %+v %v", g, err)
	}
}

// TestDespatchKey: a key is made when none is given, and shown.
func TestDespatchKey(t *testing.T) {
	p, err := plan(t, "despatch_cloud", target(store.Line40), nil)
	if err != nil {
		t.Fatal(err)
	}
	if p.Groups[0].Code != "module_despatch_cloud" || len(p.Show) != 2 || len(p.Show[1].Value) != 32 || !p.Show[1].Secret {
		t.Fatalf("%+v", p)
	}
	var ie *InputError
	_, err = plan(t, "despatch_cloud", target(store.Line40), Values{"code": "Despatch Cloud"})
	if !errors.As(err, &ie) {
		t.Fatalf("bad code accepted: %v", err)
	}
}
