package app

import (
	"strings"
	"testing"

	"github.com/ocsetup/ocsetup/internal/adminfixture"
	"github.com/ocsetup/ocsetup/internal/testenv"
)

// TestLatitudePayApplyAndTest: LatitudePay on an AUD store, through a
// settings page shaped like the module's (an always-present hidden
// payment-terms alert, optional terms): apply exits 0, and test passes
// without trying the LatitudePay key as an OpenCart API key and without
// calling the empty payment terms missing.
func TestLatitudePayApplyAndTest(t *testing.T) {
	env := testenv.Get(t)
	s := newApplyShop(t, env, "3.0.3.8", adminfixture.Options{Extensions: []adminfixture.Extension{adminfixture.LatitudePay("latitudepay")}})
	if _, err := s.StoreDB(t).Exec("UPDATE " + s.Table("setting") + " SET `value` = 'AUD' WHERE `key` = 'config_currency'"); err != nil {
		t.Fatal(err)
	}
	file := s.setupFile(t, "integration: latitudepay\nsettings:\n  environment: sandbox\n  product: LPAY\n")
	s.vars[SecretVar("api_key")] = "latitude-sandbox-key"
	s.vars[SecretVar("api_secret")] = "latitude-sandbox-secret"
	code, out, errOut := runApplyCLI(t, s.vars, "apply", file, "--trust-new")
	if code != 0 {
		t.Fatalf("apply: exit %d: %s\n%s", code, errOut, out)
	}
	if !strings.Contains(out, "saved through the store's admin") || strings.Contains(out, "Payment Terms") {
		t.Fatalf("apply said:\n%s", out)
	}
	code, out, errOut = run(t, s.vars, "test", file)
	if code != 0 {
		t.Fatalf("test: exit %d: %s\n%s", code, errOut, out)
	}
	for _, not := range []string{"API login", "IP addresses are allowed", "missing:"} {
		if strings.Contains(out, not) {
			t.Errorf("test output has %q:\n%s", not, out)
		}
	}
	if !strings.Contains(out, "PASS     LatitudePay / Genoapay settings") {
		t.Errorf("no passing settings check:\n%s", out)
	}
}

func TestUsesStoreAPI(t *testing.T) {
	for _, c := range []struct {
		integration, apiUser string
		want                 bool
	}{
		{"onebox", "", true},
		{"onebox", "Default", true},
		{"amazon_ps", "", false},
		{"amazon_ps", "Default", true}, // the setup asked for an API user; APS has no api_key of its own
		{"latitudepay", "", false},
		{"latitudepay", "Default", false}, // OCSETUP_SECRET_API_KEY is LatitudePay's key
		{"despatch_cloud", "Default", false},
		{"custom", "", false},
		{"nosuch", "Default", false},
	} {
		f := &SetupFile{Integration: c.integration, Access: Access{APIUser: c.apiUser}}
		if got := usesStoreAPI(f); got != c.want {
			t.Errorf("%s with api_user %q: %v, want %v", c.integration, c.apiUser, got, c.want)
		}
	}
}
