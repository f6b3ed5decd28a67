package app

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ocsetup/ocsetup/internal/testenv"
	"github.com/ocsetup/ocsetup/internal/testext"
)

// switchToAUD adds the Australian dollar and makes it the store's default
// currency, as a merchant would under System > Localisation > Currencies
// and System > Settings.
func switchToAUD(t *testing.T, s *realShop) {
	t.Helper()
	if _, err := s.sql.Exec("INSERT INTO oc_currency (title, code, symbol_left, symbol_right, decimal_place, value, status, date_modified) VALUES ('Australian Dollar', 'AUD', '$', '', '2', 1.0, 1, NOW())"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.sql.Exec("UPDATE oc_setting SET value = 'AUD' WHERE store_id = 0 AND `key` = 'config_currency'"); err != nil {
		t.Fatal(err)
	}
}

// TestLatitudePayRealStore: our reproduction of the LatitudePay module on
// the real 3.0 store. In AUD, apply exits 0 although the settings page
// always holds the hidden payment-terms alert (the settings are in the
// database and the page still carries the alert, hidden by its <style>
// rule), registers the package's install.xml, and test passes with no
// OpenCart API login check and a passing checkout. In USD, apply refuses
// with the currency reason and changes nothing.
func TestLatitudePayRealStore(t *testing.T) {
	env := testenv.Get(t)
	s := newRealShop(t, env, "3.0.3.9", testenv.SFTP)
	v := testext.LatitudePay()
	body := "integration: latitudepay\npackage: " + testext.PackageOf(t, "3.0", v) + "\nsettings:\n  environment: sandbox\n  product: LPAY\n"
	s.vars[SecretVar("api_key")] = "latitude-sandbox-key"
	s.vars[SecretVar("api_secret")] = "latitude-sandbox-secret"

	t.Run("USD", func(t *testing.T) {
		file := s.setupFile(t, body)
		dump, tree := env.Dump(t, s.rs), env.Tree(t, s.rs)
		code, out, errOut := runApplyCLI(t, s.vars, "apply", file, "--trust-new")
		if code == 0 || !strings.Contains(out+errOut, "the store's default currency is USD") || !strings.Contains(out+errOut, "Australian dollars (AUD)") {
			t.Fatalf("apply on a USD store: exit %d, want the currency refusal:\n%s\n%s", code, out, errOut)
		}
		if env.Dump(t, s.rs) != dump {
			t.Errorf("the refused apply changed the database")
		}
		if after := env.Tree(t, s.rs); !sameTree(tree, after) {
			t.Errorf("the refused apply changed files:\n%s", treeDiff(tree, after))
		}
	})

	t.Run("AUD", func(t *testing.T) {
		switchToAUD(t, s)
		file := s.setupFile(t, body)
		code, out, errOut := runApplyCLI(t, s.vars, "apply", file, "--trust-new")
		if code != 0 {
			t.Fatalf("apply: exit %d\n%s\n%s", code, out, errOut)
		}
		if !strings.Contains(out, "saved through the store's admin") || strings.Contains(out+errOut, "Payment Terms") {
			t.Fatalf("apply said:\n%s\n%s", out, errOut)
		}
		if !strings.Contains(out, "install.xml") {
			t.Errorf("apply says nothing of the package's install.xml:\n%s", out)
		}
		for key, want := range map[string]string{"payment_latitudepay_status": "1", "payment_latitudepay_environment": "sandbox",
			"payment_latitudepay_sandbox_api_key": "latitude-sandbox-key", "payment_latitudepay_product": "LPAY"} {
			if got := s.setting(t, key); got != want {
				t.Errorf("%s = %q, want %q", key, got, want)
			}
		}
		if got := s.setting(t, "payment_latitudepay_payment_terms"); got != "<none>" {
			t.Errorf("payment terms saved as %q with LPAY and none chosen", got)
		}
		if got := s.value(t, "SELECT COUNT(*) FROM oc_modification WHERE code = 'latitudepay' AND status = 1"); got != "1" {
			t.Errorf("install.xml is not a modification of the store (%s rows)", got)
		}
		if b, err := os.ReadFile(filepath.Join(s.rs.Root, "system/storage/modification/catalog/view/theme/default/template/checkout/cart.twig")); err != nil || !strings.Contains(string(b), "latitudepay-cart-info") {
			t.Errorf("the refreshed modifications lack the cart.twig edit: %v", err)
		}

		// The page the store answers with still holds the alert, hidden
		// by the <style> rule: this is the shape apply read past.
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		a, err := testext.AdminLogin(ctx, s.rs)
		if err != nil {
			t.Fatal(err)
		}
		a.Variant = v
		page, err := a.SettingsPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(page.Body, testext.LatitudePayTerms) || !strings.Contains(page.Body, ".latitudepay-hidden-alert { display: none; }") || strings.Contains(page.Body, `style="display:none"`) {
			t.Errorf("the settings page lacks the alert hidden by a <style> rule:\n%.3000s", page.Body)
		}

		code, out, errOut = runApplyCLI(t, s.vars, "test", file, "--trust-new")
		if code != 0 {
			t.Fatalf("test: exit %d\n%s\n%s", code, out, errOut)
		}
		for _, not := range []string{"API login", "IP addresses are allowed", "missing:", "FAIL"} {
			if strings.Contains(out, not) {
				t.Errorf("test output has %q:\n%s", not, out)
			}
		}
		if !strings.Contains(out, "PASS     The checkout offers the payment method") {
			t.Errorf("no passing checkout check:\n%s", out)
		}

		// LatitudePay+ with terms: the multi-select is posted and read back.
		plus := s.setupFile(t, strings.Replace(body, "product: LPAY\n", "product: LPAYPLUS\n  payment_terms: [\"6\", \"12\"]\n", 1))
		code, out, errOut = runApplyCLI(t, s.vars, "apply", plus, "--trust-new")
		if code != 0 || strings.Contains(out+errOut, "Payment Terms") {
			t.Fatalf("apply with LatitudePay+ and terms: exit %d\n%s\n%s", code, out, errOut)
		}
		if got := s.setting(t, "payment_latitudepay_payment_terms"); got != `["6","12"]` {
			t.Errorf("payment terms saved as %q", got)
		}
		if code, out, errOut = runApplyCLI(t, s.vars, "test", plus, "--trust-new"); code != 0 || strings.Contains(out, "FAIL") {
			t.Errorf("test with LatitudePay+: exit %d\n%s\n%s", code, out, errOut)
		}
	})
}
