package testext

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ocsetup/ocsetup/internal/testenv"
)

// realStoreVersions maps the lines to the real stores of the test environment.
var realStoreVersions = map[string]string{"2.3": "2.3.0.2", "3.0": "3.0.3.9", "4.0": "4.0.2.3", "4.1": "4.1.0.4"}

func installed(t *testing.T, e *testenv.Env, line string) (testenv.RealStore, *Admin, *sql.DB) {
	t.Helper()
	rs := e.Store(t, realStoreVersions[line])
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	a, err := AdminLogin(ctx, rs)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Install(ctx, Package(t, line), DefaultSettings()); err != nil {
		t.Fatalf("install ocpay by hand: %v", err)
	}
	db, err := storeDB(rs, e.MySQL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return rs, a, db
}

func count(t *testing.T, db *sql.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := db.QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// TestOcpayWorksOnEachLine installs ocpay through each real store's admin,
// then proves with the store's API that the checkout offers it and that
// its confirm step records the payment.
func TestOcpayWorksOnEachLine(t *testing.T) {
	e := testenv.Get(t)
	for _, line := range Lines {
		t.Run(line, func(t *testing.T) {
			rs, a, db := installed(t, e, line)
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()

			// What install() made.
			if n := count(t, db, "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = 'oc_ocpay_transaction'", rs.Database); n != 1 {
				t.Errorf("install() made no table oc_ocpay_transaction")
			}
			if n := count(t, db, "SELECT COUNT(*) FROM oc_event WHERE code = 'ocpay'"); n != 1 {
				t.Errorf("install() registered %d events with code ocpay, want 1", n)
			}
			if n := count(t, db, "SELECT COUNT(*) FROM oc_setting WHERE `key` = ? AND value = 'M-1001'", Prefix(line)+"merchant_id"); n != 1 {
				t.Errorf("the settings were not saved")
			}

			if line == "2.3" || line == "3.0" {
				if n := count(t, db, "SELECT COUNT(*) FROM oc_modification WHERE code = 'ocpay' AND status = 1"); n != 1 {
					t.Errorf("install.xml is not a modification of the store")
				}
				b, err := os.ReadFile(filepath.Join(rs.Root, "system/storage/modification/catalog/controller/common/footer.php"))
				if err != nil || !strings.Contains(string(b), "// ocpay modification applied") {
					t.Errorf("the refreshed modifications lack ocpay's change to the footer: %v", err)
				}
			}

			// The settings form: required fields, and the hidden error block.
			page, err := a.SettingsPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(page.Body, `style="display:none"`) || !strings.Contains(page.Body, TermsError) {
				t.Errorf("settings page lacks the hidden Payment Terms error block")
			}
			bad := DefaultSettings()
			bad.MerchantID, bad.Secret = "", ""
			ans, err := a.PostSettings(ctx, bad)
			if err != nil {
				t.Fatal(err)
			}
			for _, want := range []string{"Merchant ID required!", "Secret required!"} {
				if !strings.Contains(ans.Body, want) {
					t.Errorf("saving without merchant ID and secret: answer lacks %q: %.500s", want, ans.Body)
				}
			}
			if n := count(t, db, "SELECT COUNT(*) FROM oc_setting WHERE `key` = ? AND value = 'M-1001'", Prefix(line)+"merchant_id"); n != 1 {
				t.Errorf("a refused form changed the saved settings")
			}

			res, err := Checkout(ctx, rs, CheckoutOptions{MySQL: e.MySQL, Pay: Code})
			if err != nil {
				t.Fatalf("checkout: %v\n%s", err, dump(res))
			}
			if !slices.Contains(res.Methods, Code) {
				t.Errorf("the checkout offers %v, not ocpay", res.Methods)
			}
			if res.PHPMessages != nil {
				t.Errorf("PHP messages in the answers: %q", res.PHPMessages)
			}
			t.Logf("methods %v, order %d, confirm: HTTP %d %s", res.Methods, res.OrderID, res.Confirm.Status, res.Confirm.Body)
			c, err := ParseConfirm(res.Confirm)
			if err != nil {
				t.Fatal(err)
			}
			if n := count(t, db, "SELECT COUNT(*) FROM oc_ocpay_transaction WHERE transaction_id = ? AND order_id = ?", c.TransactionID, res.OrderID); n != 1 {
				t.Errorf("no row %d for order %d in oc_ocpay_transaction", c.TransactionID, res.OrderID)
			}
			if n := count(t, db, "SELECT COUNT(*) FROM oc_api WHERE `key` = ?", res.apiKey); n != 0 {
				t.Errorf("the temporary API user is still there")
			}
			if line != "4.1" {
				if n := count(t, db, "SELECT COUNT(*) FROM oc_cart WHERE api_id <> 0 AND api_id NOT IN (SELECT api_id FROM oc_api)"); n != 0 {
					t.Errorf("the checkout left %d cart rows of its API user", n)
				}
			}

			// uninstall() undoes install().
			if err := a.UninstallExtension(ctx); err != nil {
				t.Fatal(err)
			}
			if n := count(t, db, "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = 'oc_ocpay_transaction'", rs.Database); n != 0 {
				t.Errorf("uninstall() left the table oc_ocpay_transaction")
			}
			if n := count(t, db, "SELECT COUNT(*) FROM oc_event WHERE code = 'ocpay'"); n != 0 {
				t.Errorf("uninstall() left %d events", n)
			}
		})
	}
}

// TestOcpayFailures proves that the checkout notices a disabled method, a
// module whose table is gone and a store printing PHP messages (one line:
// each real-store test locks a store).
func TestOcpayFailures(t *testing.T) {
	e := testenv.Get(t)
	rs, a, db := installed(t, e, "3.0")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	off := DefaultSettings()
	off.Status = false
	if err := a.SaveSettings(ctx, off); err != nil {
		t.Fatal(err)
	}
	res, err := Checkout(ctx, rs, CheckoutOptions{MySQL: e.MySQL})
	if err != nil {
		t.Fatalf("checkout: %v\n%s", err, dump(res))
	}
	if slices.Contains(res.Methods, Code) || len(res.Methods) == 0 {
		t.Errorf("status off: the checkout offers %v; want the store's other methods without ocpay", res.Methods)
	}

	if err := a.SaveSettings(ctx, DefaultSettings()); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("DROP TABLE oc_ocpay_transaction"); err != nil {
		t.Fatal(err)
	}
	res, err = Checkout(ctx, rs, CheckoutOptions{MySQL: e.MySQL, Pay: Code})
	if err != nil {
		t.Fatalf("checkout: %v\n%s", err, dump(res))
	}
	if !slices.Contains(res.Methods, Code) {
		t.Errorf("the checkout offers %v, not ocpay", res.Methods)
	}
	if _, err := ParseConfirm(res.Confirm); err == nil {
		t.Errorf("confirm succeeded without its table: HTTP %d %s", res.Confirm.Status, res.Confirm.Body)
	} else {
		t.Logf("confirm without its table: %v", err)
	}

	// A noisy store: every answer of the API carries PHP messages.
	e.MakeNoisy(t, rs)
	res, err = Checkout(ctx, rs, CheckoutOptions{MySQL: e.MySQL})
	if err != nil {
		t.Fatalf("checkout on the noisy store: %v\n%s", err, dump(res))
	}
	if !slices.Contains(res.Methods, Code) || res.PHPMessages == nil {
		t.Errorf("noisy store: methods %v, PHP messages %q; want ocpay listed and the messages found", res.Methods, res.PHPMessages)
	}
}

func dump(res *CheckoutResult) string {
	if res == nil {
		return ""
	}
	var b strings.Builder
	for _, a := range res.Answers {
		b.WriteString(a.Step + ": HTTP " + strings.TrimSpace(a.Location) + " " + truncate(a.Body, 400) + "\n")
	}
	return b.String()
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}
