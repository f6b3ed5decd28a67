package check_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net"
	"os"
	osexec "os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/ocsetup/ocsetup/installer/admin"
	"github.com/ocsetup/ocsetup/installer/check"
	"github.com/ocsetup/ocsetup/installer/db"
	"github.com/ocsetup/ocsetup/installer/pkg"
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
	env := testenv.Get(t)
	return sceneFor(t, env, env.Store(t, version), t.TempDir())
}

// sceneFor points a Setup at rs as it is (no lock, no restore: a child
// process of a test that holds both), recording in dataDir.
func sceneFor(t *testing.T, env *testenv.Env, rs testenv.RealStore, dataDir string) *realScene {
	t.Helper()
	ctx := context.Background()
	version := rs.Version
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
	connect := func(ctx context.Context, creds *db.Credentials) (db.DB, error) {
		d, _, err := db.Connect(ctx, pool, creds, db.Options{Routes: []db.Route{db.RouteDirect}, DataDir: dataDir})
		return d, err
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
// allowed addresses, sessions, 4.1's call history and cart rows.
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
	// created and deleted during the test), the test cart's among them.
	for _, tbl := range []string{"oc_api_ip", "oc_api_session", "oc_api_history", "oc_cart"} {
		var exists int
		_ = s.sql.QueryRow("SELECT COUNT(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND COLUMN_NAME = 'api_id'", tbl).Scan(&exists)
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

// TestCheckoutOnNoisyStore: a store that prints PHP deprecations before
// every JSON answer (each line's noisy twin) still passes: the answers are
// read behind the messages, and the result says the store printed them.
func TestCheckoutOnNoisyStore(t *testing.T) {
	for _, v := range testenv.RealVersions {
		t.Run(v, func(t *testing.T) {
			s := newRealScene(t, v)
			testenv.Get(t).MakeNoisy(t, s.rs)
			got := runChecks(t, s.setup, "checkout", "storefront")
			if r := got["checkout"]; r.Status != check.Pass || !strings.Contains(r.Cause, "(cod)") || !strings.Contains(r.Cause, "PHP notices or deprecation messages") {
				t.Fatalf("checkout on the noisy store: %+v", r)
			}
			if left := s.tempAPIRows(t); left != "" {
				t.Fatalf("the temporary API user left %s", left)
			}
		})
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

// The killed run's child process: it runs the checkout check against a
// storefront that never answers, so that it is sure to be inside the
// check, its API user made and recorded, when the parent kills it.
const childVar = "OCSETUP_CHECKOUT_KILL_CHILD"

func TestCheckoutKilledChild(t *testing.T) {
	spec := os.Getenv(childVar)
	if spec == "" {
		t.Skip("the child process of TestCheckoutKilledRunIsCleanedUp")
	}
	dataDir, hang, _ := strings.Cut(spec, "|")
	env := testenv.Get(t)
	s := sceneFor(t, env, env.Stores["3.0.3.9"], dataDir)
	s.setup.StoreURL = hang
	runChecks(t, s.setup, "checkout")
	t.Fatal("the check returned although its storefront never answers")
}

// TestCheckoutKilledRunIsCleanedUp: a run killed with SIGKILL while its
// temporary API user exists leaves a record; the next run removes the user
// with its allowed addresses, and the record.
func TestCheckoutKilledRunIsCleanedUp(t *testing.T) {
	s := newRealScene(t, "3.0.3.9")
	// A storefront that accepts connections and never answers.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		var held []net.Conn
		defer func() {
			for _, c := range held {
				c.Close()
			}
		}()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			held = append(held, c)
		}
	}()
	child := osexec.Command(os.Args[0], "-test.run", "^TestCheckoutKilledChild$", "-test.count=1")
	child.Env = append(os.Environ(), childVar+"="+s.dataDir+"|http://"+ln.Addr().String()+"/")
	var out strings.Builder
	child.Stdout, child.Stderr = &out, &out
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	// Wait until the child's API user is recorded and in the store.
	deadline := time.Now().Add(60 * time.Second)
	for {
		recs, _ := check.APILeftovers(s.dataDir)
		var n int
		_ = s.sql.QueryRow("SELECT COUNT(*) FROM oc_api WHERE username LIKE 'ocsetup\\_check\\_%'").Scan(&n)
		if len(recs) == 1 && n == 1 {
			break
		}
		if time.Now().After(deadline) {
			_ = child.Process.Kill()
			_ = child.Wait()
			t.Fatalf("the child never made its API user (records %d, rows %d): %s", len(recs), n, out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	// Its login is under way: the address it was refused from is allowed
	// or about to be; kill it there.
	if err := child.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = child.Wait()
	recs, _ := check.APILeftovers(s.dataDir)
	if len(recs) != 1 || s.tempAPIRows(t) == "" {
		t.Fatalf("a killed run should leave its record and its user: records %+v, rows %q", recs, s.tempAPIRows(t))
	}
	// Add an address for the user, as a run killed after its login would
	// have: the cleanup removes those rows with the user.
	s.exec(t, "INSERT INTO oc_api_ip (api_id, ip) SELECT api_id, '127.0.0.1' FROM oc_api WHERE username = ?", recs[0].Username)

	// The next run removes the user before it makes its own, and passes.
	r := runChecks(t, s.setup, "checkout")["checkout"]
	if r.Status != check.Pass {
		t.Fatalf("the next run: %+v", r)
	}
	if left := s.tempAPIRows(t); left != "" {
		t.Fatalf("after the next run, the killed run's user left %s", left)
	}
	if recs, _ := check.APILeftovers(s.dataDir); len(recs) != 0 {
		t.Fatalf("records left: %+v", recs)
	}
}

// TestCleanupAPILeftovers: the cleanup app/ runs at start removes a
// recorded user (and its addresses) of this store, keeps the records of
// stores it skips, and never deletes an API user ocsetup did not make.
func TestCleanupAPILeftovers(t *testing.T) {
	s := newRealScene(t, "3.0.3.9")
	ctx := context.Background()
	creds, err := db.Read(ctx, s.setup.Files, s.setup.Store)
	if err != nil {
		t.Fatal(err)
	}
	d, err := s.setup.Connect(ctx, creds)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	sc, err := d.Schema(ctx)
	if err != nil {
		t.Fatal(err)
	}
	s.exec(t, "INSERT INTO oc_api (username, `key`, status, date_added, date_modified) VALUES ('ocsetup_check_0badf00d', 'k', 1, NOW(), NOW())")
	s.exec(t, "INSERT INTO oc_api_ip (api_id, ip) SELECT api_id, '127.0.0.1' FROM oc_api WHERE username = 'ocsetup_check_0badf00d'")
	place := admin.RecordPlace{Site: s.site, Root: s.root, Database: sc.Database, Prefix: sc.Prefix}
	elsewhere := place
	elsewhere.Root += "-elsewhere"
	for name, p := range map[string]admin.RecordPlace{"ocsetup_check_0badf00d": place, "ocsetup_check_elsewhere": elsewhere} {
		b, _ := json.Marshal(check.APIUserRecord{Place: p, Username: name, Created: time.Now()})
		must(t, os.MkdirAll(filepath.Join(s.dataDir, "api-users"), 0o700))
		must(t, os.WriteFile(filepath.Join(s.dataDir, "api-users", name+".json"), b, 0o600))
	}
	// A record naming a merchant's user is refused as damaged, never acted on.
	b, _ := json.Marshal(check.APIUserRecord{Place: place, Username: "Default"})
	must(t, os.WriteFile(filepath.Join(s.dataDir, "api-users", "Default.json"), b, 0o600))
	res, err := check.CleanupAPILeftovers(ctx, s.dataDir, func(_ context.Context, p admin.RecordPlace) (db.DB, *db.Schema, func(), error) {
		if strings.HasSuffix(p.Root, "elsewhere") {
			return nil, nil, nil, admin.ErrSkipStore
		}
		return d, sc, nil, nil
	})
	if err == nil || !strings.Contains(err.Error(), "damaged") {
		t.Fatalf("the record naming Default should be reported: %v", err)
	}
	got := map[string]string{}
	for _, r := range res {
		got[r.Record.Username] = fmt.Sprintf("removed %v skipped %v err %v", r.Removed, r.Skipped, r.Err)
	}
	if got["ocsetup_check_0badf00d"] != "removed true skipped false err <nil>" || got["ocsetup_check_elsewhere"] != "removed false skipped true err <nil>" || len(got) != 2 {
		t.Fatalf("%v", got)
	}
	if recs, _ := check.APILeftovers(s.dataDir); len(recs) != 1 || recs[0].Username != "ocsetup_check_elsewhere" {
		t.Fatalf("the skipped store's record should stay, the other go: %+v", recs)
	}
	if left := s.tempAPIRows(t); left != "" {
		t.Fatalf("left %s", left)
	}
	var n int
	_ = s.sql.QueryRow("SELECT COUNT(*) FROM oc_api WHERE username = 'Default'").Scan(&n)
	if n != 1 {
		t.Fatalf("the store's Default API user is gone")
	}
}

// TestCreatesCheck: the tables and events an extension's install() makes
// must exist; a dropped table or a deleted event fails the check, naming
// it, with the fix.
func TestCreatesCheck(t *testing.T) {
	for _, v := range []string{"2.3.0.2", "4.1.0.4"} {
		t.Run(v, func(t *testing.T) {
			s := newRealScene(t, v)
			s.setup.Checkout = nil
			s.exec(t, "CREATE TABLE oc_ocsetup_test_meta (id INT PRIMARY KEY)")
			s.exec(t, "CREATE TABLE oc_ocsetup_test_log (id INT PRIMARY KEY)")
			cols, vals := "code, `trigger`, action, status", "'ocsetup_test_confirm', 'catalog/model/checkout/order/addOrderHistory/before', 'extension/x/y', 1"
			if v == "4.1.0.4" {
				cols, vals = "code, description, `trigger`, action, status, sort_order", "'ocsetup_test_confirm', '', 'catalog/model/checkout/order.addHistory/before', 'extension/x/y', 1, 0"
			}
			if v == "2.3.0.2" {
				cols, vals = cols+", date_added", vals+", NOW()"
			}
			s.exec(t, fmt.Sprintf("INSERT INTO oc_event (%s) VALUES (%s)", cols, vals))
			s.setup.Creates = pkg.Creates{Tables: []string{"ocsetup_test_log", "ocsetup_test_meta"}, Events: []string{"ocsetup_test_confirm"}}
			if r := runChecks(t, s.setup, "creates")["creates"]; r.Status != check.Pass || !strings.Contains(r.Cause, "ocsetup_test_meta") {
				t.Fatalf("all there: %+v", r)
			}
			s.exec(t, "DROP TABLE oc_ocsetup_test_meta")
			r := runChecks(t, s.setup, "creates")["creates"]
			if r.Status != check.Fail || !strings.Contains(r.Cause, "table oc_ocsetup_test_meta is missing") || strings.Contains(r.Cause, "test_log") || !strings.Contains(r.Fix, "install()") {
				t.Fatalf("table dropped: %+v", r)
			}
			s.exec(t, "DELETE FROM oc_event WHERE code = 'ocsetup_test_confirm'")
			r = runChecks(t, s.setup, "creates")["creates"]
			if r.Status != check.Fail || !strings.Contains(r.Cause, "oc_ocsetup_test_meta and the event ocsetup_test_confirm are missing") {
				t.Fatalf("table and event gone: %+v", r)
			}
		})
	}
}

// codConfirm is the stock cash-on-delivery module's confirm route.
var codConfirm = map[string]string{
	"2.3.0.2": "extension/payment/cod/confirm",
	"3.0.3.9": "extension/payment/cod/confirm",
	"4.0.2.3": "extension/opencart/payment/cod.confirm",
	"4.1.0.4": "extension/opencart/payment/cod.confirm",
}

// TestCheckoutConfirmStep: with the module's confirm route given, the
// check calls it with the method chosen in the API session: the stock
// module answers on every line; a confirm action that dies fails the
// check, naming the route.
func TestCheckoutConfirmStep(t *testing.T) {
	for _, v := range testenv.RealVersions {
		t.Run(v, func(t *testing.T) {
			s := newRealScene(t, v)
			s.setup.Checkout.ConfirmRoute = codConfirm[v]
			r := runChecks(t, s.setup, "checkout")["checkout"]
			if r.Status != check.Pass || !strings.Contains(r.Cause, "Its confirm step ("+codConfirm[v]+") answers without a PHP error") {
				t.Fatalf("confirm of the stock module: %+v", r)
			}
			if left := s.tempAPIRows(t); left != "" {
				t.Fatalf("the temporary API user left %s", left)
			}
		})
	}
	t.Run("dies", func(t *testing.T) {
		s := newRealScene(t, "3.0.3.9")
		// The module's confirm action calls a function that does not exist.
		ctrl := filepath.Join(s.rs.Root, "catalog/controller/extension/payment/cod.php")
		src, err := os.ReadFile(ctrl)
		must(t, err)
		broken := strings.Replace(string(src), "public function confirm() {", "public function confirm() {\n\t\tocsetup_no_such_function();", 1)
		if broken == string(src) {
			t.Fatal("the confirm action was not found in cod.php")
		}
		must(t, os.WriteFile(ctrl, []byte(broken), 0o644))
		s.setup.Checkout.ConfirmRoute = codConfirm["3.0.3.9"]
		r := runChecks(t, s.setup, "checkout")["checkout"]
		if r.Status != check.Fail || !strings.Contains(r.Cause, "confirm the order") || !strings.Contains(r.Cause, "HTTP 500") {
			t.Fatalf("a confirm step that dies: %+v", r)
		}
		if left := s.tempAPIRows(t); left != "" {
			t.Fatalf("the temporary API user left %s", left)
		}
	})
}
