package check_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/ocsetup/ocsetup/installer/admin"
	"github.com/ocsetup/ocsetup/installer/check"
	"github.com/ocsetup/ocsetup/installer/db"
	"github.com/ocsetup/ocsetup/installer/remote"
	"github.com/ocsetup/ocsetup/installer/store"
	"github.com/ocsetup/ocsetup/internal/testenv"
)

// realScene is a real OpenCart store, fresh from its snapshot, with the
// suite's Setup pointing at it over SFTP, the database reached directly,
// and root's view of its database for the assertions.
type realScene struct {
	rs      testenv.RealStore
	setup   *check.Setup
	sql     *sql.DB
	dataDir string
	line    store.Line
	site    remote.Site
	root    string
}

func newRealScene(t *testing.T, version string) *realScene {
	t.Helper()
	ctx := context.Background()
	env := testenv.Get(t)
	rs := env.Store(t, version)
	ts := env.Site(t, testenv.SFTP)
	site := remote.Site{Protocol: remote.SFTP, Host: ts.Host, Port: ts.Port, User: ts.User, Password: ts.Password, Timeout: 10 * time.Second}
	tr := remote.NewTrust(t.TempDir())
	tr.TrustNew = true
	pool, err := remote.Open(ctx, site, tr, 2)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pool.Close() })
	line, _ := store.LineOf(version)
	root := rs.RemoteRoot(ts)
	if root == "" {
		t.Fatalf("the store %s is not under the SFTP account", rs.Root)
	}
	info := store.Store{Root: root, Version: version, Line: line, AdminDir: rs.AdminDir}
	dataDir := t.TempDir()
	connect := func(ctx context.Context) (db.DB, *db.Credentials, error) {
		creds, err := db.Read(ctx, pool, info)
		if err != nil {
			return nil, nil, err
		}
		d, _, err := db.Connect(ctx, pool, creds, db.Options{Routes: []db.Route{db.RouteDirect}, DataDir: dataDir})
		return d, creds, err
	}
	cfg := mysql.NewConfig()
	cfg.User, cfg.Net, cfg.Addr, cfg.DBName = "root", "unix", env.MySQL.Socket, rs.Database
	q, err := sql.Open("mysql", cfg.FormatDSN())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { q.Close() })
	setup := &check.Setup{Files: pool, Store: info, Connect: connect, StoreURL: rs.URL,
		Checkout: &check.CheckoutSpec{Method: "cod", Record: admin.RecordPlace{DataDir: dataDir, Site: site, Root: root}}}
	return &realScene{rs: rs, setup: setup, sql: q, dataDir: dataDir, line: line, site: site, root: root}
}

func (s *realScene) exec(t *testing.T, query string, args ...any) {
	t.Helper()
	if _, err := s.sql.Exec(query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

// tempAPIRows counts what the check's temporary API users left: users,
// allowed addresses, sessions and 4.1's call history.
func (s *realScene) tempAPIRows(t *testing.T) string {
	t.Helper()
	nameCol := "username"
	if s.line == store.Line23 {
		nameCol = "name"
	}
	var out []string
	var n int
	if err := s.sql.QueryRow(fmt.Sprintf("SELECT COUNT(*) FROM oc_api WHERE `%s` LIKE 'ocsetup\\_check\\_%%'", nameCol)).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n > 0 {
		out = append(out, fmt.Sprintf("%d API users", n))
	}
	// Rows of any API user that no longer exists (ours are the only ones
	// created and deleted during the test).
	for _, tbl := range []string{"oc_api_ip", "oc_api_session", "oc_api_history"} {
		var exists int
		_ = s.sql.QueryRow("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?", tbl).Scan(&exists)
		if exists == 0 {
			continue
		}
		if err := s.sql.QueryRow(fmt.Sprintf("SELECT COUNT(*) FROM %s x WHERE NOT EXISTS (SELECT 1 FROM oc_api a WHERE a.api_id = x.api_id)", tbl)).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			out = append(out, fmt.Sprintf("%d rows in %s", n, tbl))
		}
	}
	return strings.Join(out, ", ")
}

func runChecks(t *testing.T, s *check.Setup, ids ...string) map[string]check.Result {
	t.Helper()
	out, err := check.RunSuite(context.Background(), s, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]check.Result{}
	for _, r := range out.Results {
		got[r.ID] = r
	}
	for _, id := range ids {
		if _, ok := got[id]; !ok {
			t.Fatalf("no %s check in %+v", id, out.Results)
		}
	}
	return got
}

func (s *realScene) statusKey() string {
	if s.line == store.Line23 {
		return "cod_status"
	}
	return "payment_cod_status"
}

// TestCheckoutOnRealStores: on each line's real store, a clean store's
// checkout offers cash on delivery; with the method disabled the check
// fails and names it; and either way the temporary API user is gone.
func TestCheckoutOnRealStores(t *testing.T) {
	for _, v := range testenv.RealVersions {
		t.Run(v, func(t *testing.T) {
			s := newRealScene(t, v)
			got := runChecks(t, s.setup, "checkout")
			r := got["checkout"]
			if r.Status != check.Pass || !strings.Contains(r.Cause, "(cod)") || !strings.Contains(r.Cause, "Cash On Delivery") {
				t.Fatalf("checkout on a clean store: %+v", r)
			}
			if left := s.tempAPIRows(t); left != "" {
				t.Fatalf("the temporary API user left %s", left)
			}
			if recs, _ := check.APILeftovers(s.dataDir); len(recs) != 0 {
				t.Fatalf("records left: %+v", recs)
			}

			s.exec(t, "UPDATE oc_setting SET value = '0' WHERE store_id = 0 AND `key` = ?", s.statusKey())
			got = runChecks(t, s.setup, "checkout")
			r = got["checkout"]
			if r.Status != check.Fail || !strings.Contains(r.Cause, "cod") || !strings.Contains(r.Cause, "disabled") || !strings.Contains(r.Fix, "Enabled") {
				t.Fatalf("checkout with cod disabled: %+v", r)
			}
			if left := s.tempAPIRows(t); left != "" {
				t.Fatalf("the temporary API user left %s", left)
			}
		})
	}
}

// TestCheckoutOnNoisyStore: a 3.0 store that prints PHP deprecations
// before every JSON answer still passes: the answers are read behind the
// messages, and the result says the store printed them.
func TestCheckoutOnNoisyStore(t *testing.T) {
	s := newRealScene(t, "3.0.3.9")
	testenv.Get(t).MakeNoisy(t, s.rs)
	got := runChecks(t, s.setup, "checkout", "storefront")
	if r := got["checkout"]; r.Status != check.Pass || !strings.Contains(r.Cause, "(cod)") || !strings.Contains(r.Cause, "PHP notices or deprecation messages") {
		t.Fatalf("checkout on the noisy store: %+v", r)
	}
	if left := s.tempAPIRows(t); left != "" {
		t.Fatalf("the temporary API user left %s", left)
	}
}

// TestCheckoutMissingModelFile: a method still installed whose catalog
// model file is gone fails with the cause and the fix: from the store's
// own message where it prints one (4.0 with Display Errors on), from the
// files on the server where it answers a bare HTTP 500 (3.0).
func TestCheckoutMissingModelFile(t *testing.T) {
	for _, c := range []struct {
		version, model, want string
		display              bool
	}{
		{"3.0.3.9", "catalog/model/extension/payment/cod.php", "cod (catalog/model/extension/payment/cod.php) are missing while it is still installed", false},
		{"4.0.2.3", "extension/opencart/catalog/model/payment/cod.php", `could not load model Opencart\Catalog\Model\Extension\Opencart\Payment\Cod when`, true},
	} {
		t.Run(c.version, func(t *testing.T) {
			s := newRealScene(t, c.version)
			if c.display {
				s.exec(t, "UPDATE oc_setting SET value = '1' WHERE store_id = 0 AND `key` = 'config_error_display'")
			}
			if err := os.Remove(filepath.Join(s.rs.Root, c.model)); err != nil {
				t.Fatal(err)
			}
			r := runChecks(t, s.setup, "checkout")["checkout"]
			if r.Status != check.Fail || !strings.Contains(r.Cause, c.want) || !strings.Contains(r.Cause, "missing") || !strings.Contains(r.Fix, "Upload the extension's files again") {
				t.Fatalf("checkout with the model file gone: %+v", r)
			}
			if left := s.tempAPIRows(t); left != "" {
				t.Fatalf("the temporary API user left %s", left)
			}
		})
	}
}
