package app

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/ocsetup/ocsetup/installer/db"
	"github.com/ocsetup/ocsetup/installer/remote"
	"github.com/ocsetup/ocsetup/installer/store"
	"github.com/ocsetup/ocsetup/internal/testenv"
	"github.com/ocsetup/ocsetup/internal/testext"
)

// realShop is a real OpenCart store of the test environment, reached over
// one of the file servers.
type realShop struct {
	rs   testenv.RealStore
	env  *testenv.Env
	site testenv.Site
	vars map[string]string
	sql  *sql.DB
}

func newRealShop(t *testing.T, env *testenv.Env, version, site string) *realShop {
	t.Helper()
	s := &realShop{rs: env.Store(t, version), env: env, site: env.Site(t, site)}
	s.vars = map[string]string{PasswordVar: s.site.Password, DataDirVar: t.TempDir()}
	s.sql = storeSQL(t, env, s.rs)
	return s
}

func (s *realShop) setupFile(t testing.TB, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "setup.yaml")
	content := fmt.Sprintf("site: %s\n%s", siteURL(s.site, s.rs.RemoteRoot(s.site)), body)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func (s *realShop) value(t *testing.T, query string, args ...any) string {
	t.Helper()
	var v sql.NullString
	err := s.sql.QueryRow(query, args...).Scan(&v)
	if err == sql.ErrNoRows {
		return "<none>"
	}
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return v.String
}

func (s *realShop) setting(t *testing.T, key string) string {
	return s.value(t, "SELECT value FROM oc_setting WHERE store_id = 0 AND `key` = ?", key)
}

// chequeSetup is a setup of the store's own Cheque / Money Order payment
// (shipped with every line, not installed): the Custom profile installs it
// through the admin and saves its form.
func chequeSetup(line string) (body, statusKey string) {
	prefix, folder := "payment_cheque_", ""
	switch line {
	case "2.3":
		prefix = "cheque_"
	case "4.0", "4.1":
		folder = "  folder: opencart\n"
	}
	body = "integration: custom\nsettings:\n  type: payment\n  code: cheque\n" + folder +
		"  " + prefix + "payable: ocsetup test\n  " + prefix + "status: \"1\"\n  " + prefix + "order_status_id: \"1\"\n"
	return body, prefix + "status"
}

// TestApplyRealStoreDisplayErrors: on every real line, a setup goes
// through the store's admin on the clean store; on the noisy twin without
// consent, the lines whose admin cannot log in behind PHP messages (2.3,
// 3.0) fail with the reason and change no setting; with
// --display-errors-off the switch is made, the setup goes through the
// admin, and the undo puts both Display Errors places back byte for byte.
func TestApplyRealStoreDisplayErrors(t *testing.T) {
	env := testenv.Get(t)
	for _, v := range testenv.RealVersions {
		t.Run(v, func(t *testing.T) {
			t.Parallel()
			s := newRealShop(t, env, v, testenv.SFTP)
			body, statusKey := chequeSetup(s.rs.Line)
			file := s.setupFile(t, body)

			code, out, errOut := runApplyCLI(t, s.vars, "apply", file, "--trust-new")
			if code != 0 {
				t.Fatalf("clean store: exit %d\n%s\n%s", code, out, errOut)
			}
			if !strings.Contains(out, "saved through the store's admin") {
				t.Fatalf("clean store: not through the admin:\n%s", out)
			}
			if got := s.setting(t, statusKey); got != "1" {
				t.Fatalf("%s = %s after apply", statusKey, got)
			}

			// The noisy twin, from a fresh store.
			env.Fresh(t, s.rs)
			s.vars[DataDirVar] = t.TempDir()
			env.MakeNoisy(t, s.rs)
			defaultPHP, err := os.ReadFile(filepath.Join(s.rs.Root, "system", "config", "default.php"))
			if err != nil {
				t.Fatal(err)
			}
			file = s.setupFile(t, body)
			code, out, errOut = runApplyCLI(t, s.vars, "apply", file, "--trust-new")
			if line := store.Line(s.rs.Line); !line.AtLeast(store.Line40) {
				if code == 0 {
					t.Fatalf("noisy %s without consent: exit 0\n%s", v, out)
				}
				if !strings.Contains(out+errOut, "Display Errors") || !strings.Contains(out, "--display-errors-off") {
					t.Fatalf("noisy %s: the failure does not name Display Errors and the way out:\n%s\n%s", v, out, errOut)
				}
				if got := s.setting(t, statusKey); got != "<none>" {
					t.Fatalf("noisy %s without consent: %s = %s, want no setting", v, statusKey, got)
				}
			} else if code != 0 {
				t.Fatalf("noisy %s: the admin reads JSON behind the messages, yet exit %d\n%s\n%s", v, code, out, errOut)
			}

			code, out, errOut = runApplyCLI(t, s.vars, "apply", file, "--trust-new", "--display-errors-off")
			if code != 0 {
				t.Fatalf("noisy %s with consent: exit %d\n%s\n%s", v, code, out, errOut)
			}
			if got := s.setting(t, statusKey); got != "1" {
				t.Fatalf("noisy %s with consent: %s = %s", v, statusKey, got)
			}
			t.Logf("noisy %s with consent:\n%s", v, out)
			switched := strings.Contains(out, "Display Errors was switched off (undo record")
			if !switched && v != "4.0.2.3" {
				t.Fatalf("noisy %s: Display Errors not switched off:\n%s", v, out)
			}
			if switched {
				if got := s.setting(t, "config_error_display"); got != "0" {
					t.Fatalf("config_error_display = %s after the switch", got)
				}
			}

			// Undo: both places as they were.
			pool, d, sc, root := s.connect(t)
			undone, err := UndoDisplayErrors(ctxT(t), s.vars[DataDirVar], pool, d, sc, root)
			if err != nil || undone != switched {
				t.Fatalf("UndoDisplayErrors = %v, %v; switched %v", undone, err, switched)
			}
			if got := s.setting(t, "config_error_display"); got != "1" {
				t.Fatalf("config_error_display = %s after undo, want 1", got)
			}
			after, err := os.ReadFile(filepath.Join(s.rs.Root, "system", "config", "default.php"))
			if err != nil || string(after) != string(defaultPHP) {
				t.Fatalf("system/config/default.php differs after undo (%v)", err)
			}
		})
	}
}

// connect opens the store the way the commands do.
func (s *realShop) connect(t *testing.T) (*remote.Pool, db.DB, *db.Schema, string) {
	t.Helper()
	ctx := ctxT(t)
	site, err := remote.ParseURL(siteURL(s.site, s.rs.RemoteRoot(s.site)))
	if err != nil {
		t.Fatal(err)
	}
	site.Password = s.site.Password
	pool, err := remote.Open(ctx, site, remote.NewTrust(s.vars[DataDirVar]), 2)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pool.Close() })
	found, err := Detect(ctx, pool)
	if err != nil || len(found.Stores) != 1 {
		t.Fatalf("detect: %v %v", found, err)
	}
	st := found.Stores[0]
	creds, err := db.Read(ctx, pool, st)
	if err != nil {
		t.Fatal(err)
	}
	d, _, err := db.Connect(ctx, pool, creds, db.Options{Routes: []db.Route{db.RouteDirect}, DataDir: s.vars[DataDirVar]})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	sc, err := d.Schema(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return pool, d, sc, st.Root
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// TestUninstallRealStores: apply of the ocpay package (files, OCMOD on
// 2.3 and 3.0, its install()'s table and event), then uninstall, on every
// real line: a rollback of the files alone is refused while the extension
// is installed; after uninstall the file tree and the database are as they
// were before the setup (but for counters, sessions, logs and caches); a
// second uninstall changes nothing and says so.
func TestUninstallRealStores(t *testing.T) {
	env := testenv.Get(t)
	for _, v := range testenv.RealVersions {
		t.Run(v, func(t *testing.T) {
			t.Parallel()
			s := newRealShop(t, env, v, testenv.SFTP)
			s.vars[SecretVar(testext.Prefix(s.rs.Line)+"secret")] = "s3cret-phrase"
			// The store's own API user "Default" gets a new key and an
			// allowed address from the setup: both must come back as they were.
			file := s.setupFile(t, ocpaySetup(t, s.rs.Line)+"access:\n  api_user: Default\n  ips: [203.0.113.7]\n")
			tree, dump := env.Tree(t, s.rs), env.Dump(t, s.rs)
			apiBefore := s.value(t, "SELECT GROUP_CONCAT(`key`) FROM oc_api")

			code, out, errOut := runApplyCLI(t, s.vars, "apply", file, "--trust-new")
			if code != 0 || s.setting(t, testext.Prefix(s.rs.Line)+"status") != "1" {
				t.Fatalf("apply: exit %d\n%s\n%s", code, out, errOut)
			}

			// The files alone cannot go while the extension is installed.
			site := siteURL(s.site, s.rs.RemoteRoot(s.site))
			code, out, errOut = runApplyCLI(t, s.vars, "rollback", site, "--trust-new")
			if code == 0 || !strings.Contains(errOut, "still installed") || !strings.Contains(errOut, "ocsetup uninstall") {
				t.Fatalf("rollback of an installed extension's files: exit %d\n%s\n%s", code, out, errOut)
			}
			if _, err := os.Stat(filepath.Join(s.rs.Root, ocpayController(s.rs.Line))); err != nil {
				t.Fatalf("the refused rollback removed files: %v", err)
			}

			if s.value(t, "SELECT GROUP_CONCAT(`key`) FROM oc_api") == apiBefore || s.value(t, "SELECT COUNT(*) FROM oc_api_ip WHERE ip = '203.0.113.7'") != "1" {
				t.Fatalf("the setup did not change the Default API user, so the test proves nothing")
			}
			code, out, errOut = runApplyCLI(t, s.vars, "uninstall", file, "--trust-new")
			if code != 0 {
				t.Fatalf("uninstall: exit %d\n%s\n%s", code, out, errOut)
			}
			t.Logf("uninstall:\n%s", out)
			if got := env.Dump(t, s.rs); got != dump {
				t.Errorf("the database differs after uninstall:\n%s", lineDiff(dump, got))
			}
			if got := env.Tree(t, s.rs); !sameTree(tree, got) {
				t.Errorf("the file tree differs after uninstall:\n%s", treeDiff(tree, got))
			}

			confirm := "" // the line's usual route, but 4.x keeps its own modules in extension/opencart
			if s.rs.Line == "4.0" || s.rs.Line == "4.1" {
				confirm = "extension/opencart/payment/cod.confirm"
			}
			res, err := testext.Checkout(ctxT(t), s.rs, testext.CheckoutOptions{MySQL: env.MySQL, Pay: "cod", ConfirmRoute: confirm})
			if err != nil || !slices.Contains(res.Methods, "cod") || slices.Contains(res.Methods, testext.Code) || res.Confirm.Status != 200 {
				t.Fatalf("the checkout after uninstall: %v, methods %v, confirm HTTP %d", err, res.Methods, res.Confirm.Status)
			}
			dump = env.Dump(t, s.rs) // with the order just placed

			code, out, errOut = runApplyCLI(t, s.vars, "uninstall", file, "--trust-new")
			if code != 0 || !strings.Contains(out, "Nothing to undo") {
				t.Fatalf("second uninstall: exit %d\n%s\n%s", code, out, errOut)
			}
			if got := env.Dump(t, s.rs); got != dump {
				t.Errorf("the second uninstall changed the database:\n%s", lineDiff(dump, got))
			}
		})
	}
}

func lineDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	in := func(l []string) map[string]bool {
		m := map[string]bool{}
		for _, x := range l {
			m[x] = true
		}
		return m
	}
	am, bm := in(al), in(bl)
	var out []string
	for _, x := range al {
		if !bm[x] {
			out = append(out, "- "+trimLine(x))
		}
	}
	for _, x := range bl {
		if !am[x] {
			out = append(out, "+ "+trimLine(x))
		}
	}
	if len(out) > 40 {
		out = append(out[:40], fmt.Sprintf("… %d more", len(out)-40))
	}
	return strings.Join(out, "\n")
}

func trimLine(s string) string {
	if len(s) > 300 {
		return s[:300] + "…"
	}
	return s
}

func sameTree(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func treeDiff(a, b map[string]string) string {
	var out []string
	for k, v := range a {
		if w, ok := b[k]; !ok {
			out = append(out, "- "+k)
		} else if w != v {
			out = append(out, "~ "+k)
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			out = append(out, "+ "+k)
		}
	}
	if len(out) > 40 {
		out = append(out[:40], fmt.Sprintf("… %d more", len(out)-40))
	}
	return strings.Join(out, "\n")
}

// ocpaySetup is a setup of the test payment extension ocpay (a package of
// our own that behaves like a real payment module) with the Custom profile.
func ocpaySetup(t testing.TB, line string) string {
	t.Helper()
	p := testext.Prefix(line)
	folder := ""
	if line == "4.0" || line == "4.1" {
		folder = "  folder: " + testext.Code + "\n"
	}
	return "integration: custom\npayment_method: " + testext.Code + "\npackage: " + testext.Package(t, line) + "\nsettings:\n  type: payment\n  code: " + testext.Code + "\n" + folder +
		"  " + p + "merchant_id: M-4711\n  " + p + "secret: \"\"\n  " + p + "status: \"1\"\n  " + p + "order_status_id: \"1\"\n"
}

// TestApplyRealPackage is the merchant's outcome on every real line,
// clean and noisy, over SFTP and over FTPS: apply uploads ocpay and goes
// through the store's admin (its install() made its table), and a client
// that drives the store's API with its own HTTP calls (not ocsetup's
// code) sees the method offered and its confirm step answer without a PHP
// error.
func TestApplyRealPackage(t *testing.T) {
	env := testenv.Get(t)
	for _, v := range testenv.RealVersions {
		t.Run(v, func(t *testing.T) {
			t.Parallel()
			rs := env.Store(t, v)
			for _, site := range []string{testenv.SFTP, testenv.FTPSReuse} {
				for _, noisy := range []bool{false, true} {
					name := site
					if noisy {
						name += "-noisy"
					}
					t.Run(name, func(t *testing.T) {
						env.Fresh(t, rs)
						if noisy {
							env.MakeNoisy(t, rs)
						}
						s := &realShop{rs: rs, env: env, site: env.Site(t, site)}
						s.vars = map[string]string{PasswordVar: s.site.Password, DataDirVar: t.TempDir(),
							SecretVar(testext.Prefix(rs.Line) + "secret"): "s3cret-phrase"}
						s.sql = storeSQL(t, env, rs)
						file := s.setupFile(t, ocpaySetup(t, rs.Line))
						args := []string{"apply", file, "--trust-new"}
						if noisy {
							args = append(args, "--display-errors-off")
						}
						code, out, errOut := runApplyCLI(t, s.vars, args...)
						if code != 0 || !strings.Contains(out, "saved through the store's admin") {
							t.Fatalf("apply: exit %d\n%s\n%s", code, out, errOut)
						}
						if got := s.value(t, "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = 'oc_ocpay_transaction'", rs.Database); got != "1" {
							t.Fatalf("the extension's install() did not run: no oc_ocpay_transaction table")
						}
						code, out, errOut = runApplyCLI(t, s.vars, "test", file, "--trust-new")
						if code != 0 {
							t.Fatalf("test: exit %d\n%s\n%s", code, out, errOut)
						}
						if !strings.Contains(out, testext.Code) {
							t.Fatalf("test does not name the method it proved:\n%s", out)
						}
						res, err := testext.Checkout(ctxT(t), rs, testext.CheckoutOptions{MySQL: env.MySQL, Pay: testext.Code})
						if err != nil {
							t.Fatalf("checkout: %v", err)
						}
						if !slices.Contains(res.Methods, testext.Code) {
							t.Fatalf("the checkout offers %v, not %s", res.Methods, testext.Code)
						}
						if msgs := notNoise(res.Confirm.PHPMessages()); len(msgs) > 0 || res.Confirm.Status != 200 || !strings.Contains(res.Confirm.Body, `"transaction_id"`) {
							t.Fatalf("confirm step: HTTP %d, PHP messages %q: %.300s", res.Confirm.Status, msgs, res.Confirm.Body)
						}
					})
				}
			}
		})
	}
}

// notNoise drops the messages of the noisy twins' own module.
func notNoise(msgs []string) []string {
	var out []string
	for _, m := range msgs {
		if !strings.Contains(m, testenv.NoiseCode) {
			out = append(out, m)
		}
	}
	return out
}

func storeSQL(t *testing.T, env *testenv.Env, rs testenv.RealStore) *sql.DB {
	t.Helper()
	cfg := mysql.NewConfig()
	cfg.User, cfg.Passwd, cfg.Net, cfg.Addr, cfg.DBName = rs.DBUser, rs.DBPassword, "tcp", env.MySQL.Addr(), rs.Database
	q, err := sql.Open("mysql", cfg.FormatDSN())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { q.Close() })
	return q
}

// ocpayController is ocpay's admin controller in the store.
func ocpayController(line string) string {
	if line == "2.3" || line == "3.0" {
		return "admin/controller/extension/payment/" + testext.Code + ".php"
	}
	return "extension/" + testext.Code + "/admin/controller/payment/" + testext.Code + ".php"
}

// The helper process of TestApplyKilled: it runs apply with the arguments
// and variables its parent gives, until the parent kills it.
const (
	applyChildVar  = "OCSETUP_TEST_APPLY_CHILD"
	applyChildArgs = "OCSETUP_TEST_APPLY_ARGS"
)

func TestApplyChild(t *testing.T) {
	if os.Getenv(applyChildVar) == "" {
		return // only as TestApplyKilled's child
	}
	var vars map[string]string
	if err := json.Unmarshal([]byte(os.Getenv(applyChildVar)), &vars); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runApplyCLI(t, vars, strings.Split(os.Getenv(applyChildArgs), "\x1f")...)
	fmt.Printf("exit %d\n%s\n%s\n", code, out, errOut)
}

// TestApplyKilled kills apply with SIGKILL at several points of a real
// setup (the journal just written, the upload under way, the extension
// installed in the admin): uninstall then puts the store back as it was,
// files and database.
func TestApplyKilled(t *testing.T) {
	env := testenv.Get(t)
	rs := env.Store(t, "3.0.3.9")
	points := []struct {
		name string
		at   func(s *realShop) bool
	}{
		{"journal written", func(s *realShop) bool { return journalHas(s, `"state":"running"`) }},
		{"upload under way", func(s *realShop) bool { return journalHas(s, `"manifest":"`) }},
		{"extension installed", func(s *realShop) bool {
			return s.value(t, "SELECT COUNT(*) FROM oc_extension WHERE code = ?", testext.Code) == "1"
		}},
	}
	for _, p := range points {
		t.Run(p.name, func(t *testing.T) {
			env.Fresh(t, rs)
			s := &realShop{rs: rs, env: env, site: env.Site(t, testenv.SFTP)}
			s.vars = map[string]string{PasswordVar: s.site.Password, DataDirVar: t.TempDir(),
				SecretVar(testext.Prefix(rs.Line) + "secret"): "s3cret-phrase"}
			s.sql = storeSQL(t, env, rs)
			file := s.setupFile(t, ocpaySetup(t, rs.Line))
			tree, dump := env.Tree(t, rs), env.Dump(t, rs)

			vars, _ := json.Marshal(s.vars)
			cmd := exec.CommandContext(ctxT(t), os.Args[0], "-test.run=^TestApplyChild$", "-test.count=1")
			cmd.Env = append(os.Environ(), applyChildVar+"="+string(vars), applyChildArgs+"="+strings.Join([]string{"apply", file, "--trust-new"}, "\x1f"))
			var out strings.Builder
			cmd.Stdout, cmd.Stderr = &out, &out
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			exited := make(chan error, 1)
			go func() { exited <- cmd.Wait() }()
			killed := false
		wait:
			for {
				select {
				case err := <-exited:
					t.Fatalf("apply ended before the point (%v):\n%s", err, out.String())
				case <-time.After(2 * time.Millisecond):
					if p.at(s) {
						_ = cmd.Process.Signal(syscall.SIGKILL)
						killed = true
						<-exited
						break wait
					}
				}
			}
			if !killed {
				t.Fatal("not killed")
			}

			code, uout, errOut := runApplyCLI(t, s.vars, "uninstall", file, "--trust-new")
			if code != 0 {
				t.Fatalf("uninstall after the kill: exit %d\n%s\n%s", code, uout, errOut)
			}
			if got := env.Dump(t, rs); got != dump {
				t.Errorf("the database differs after uninstall:\n%s", lineDiff(dump, got))
			}
			if got := env.Tree(t, rs); !sameTree(tree, got) {
				t.Errorf("the file tree differs after uninstall:\n%s", treeDiff(tree, got))
			}
		})
	}
}

// journalHas reports whether a journal in the shop's data folder holds s.
func journalHas(s *realShop, want string) bool {
	files, _ := filepath.Glob(filepath.Join(s.vars[DataDirVar], "journals", "*.json"))
	for _, f := range files {
		if b, err := os.ReadFile(f); err == nil && strings.Contains(string(b), want) {
			return true
		}
	}
	return false
}

// TestUninstallAfterDatabaseFallback: when the settings go in through the
// database instead of the store's admin, the rows ocsetup writes itself
// (extension, settings, permissions, the Default API user's key and
// address) are journaled like any other, and uninstall puts the store back
// exactly. On every real line:
//   - Despatch Cloud with --settings-via database: a profile whose install()
//     and save ocsetup knows, so the database write is the whole setup;
//   - the ocpay package with the admin login failing (auto mode): the files
//     and the API user went in, then apply refuses because nothing may write
//     an unknown extension's settings but its own admin, naming the table its
//     install() was to make; uninstall must clean up all of it;
//   - the ocpay package with --settings-via database: refused before anything
//     changes.
func TestUninstallAfterDatabaseFallback(t *testing.T) {
	env := testenv.Get(t)
	for _, v := range testenv.RealVersions {
		t.Run(v, func(t *testing.T) {
			t.Parallel()
			s := newRealShop(t, env, v, testenv.SFTP)
			access := "access:\n  api_user: Default\n  ips: [203.0.113.9]\n"
			s.vars[SecretVar(testext.Prefix(s.rs.Line)+"secret")] = "s3cret-phrase"
			s.vars[SecretVar("api_key")] = "dc-0123456789abcdef0123456789"
			s.vars[AdminPasswordVar] = "not-the-password"
			if s.rs.Line == "4.0" || s.rs.Line == "4.1" {
				// 4.x registers an extension with its files: the merchant
				// uploaded the module by hand before (part of the "before").
				p := filepath.Join(s.rs.Root, "extension/despatch_cloud/admin/controller/module/despatch_cloud.php")
				must(t, os.MkdirAll(filepath.Dir(p), 0o755))
				must(t, os.WriteFile(p, []byte("<?php\n"), 0o644))
			}
			for _, c := range []struct {
				name, body string
				args       []string
				wantExit   int
				wantErr    string
				changes    bool
			}{
				{"despatch_cloud", "integration: despatch_cloud\nsettings:\n  order_prefix: WEB-\n" + access, []string{"--settings-via", "database"}, 0, "", true},
				{"ocpay, no admin", ocpaySetup(t, s.rs.Line) + access, []string{"--admin-user", "admin"}, 1, testext.Code + "_transaction", true},
				{"ocpay, database", ocpaySetup(t, s.rs.Line) + access, []string{"--settings-via", "database"}, 1, "--settings-via database", false},
			} {
				file := s.setupFile(t, c.body)
				tree, dump := env.Tree(t, s.rs), env.Dump(t, s.rs)
				code, out, errOut := runApplyCLI(t, s.vars, append([]string{"apply", file, "--trust-new"}, c.args...)...)
				if code != c.wantExit || !strings.Contains(errOut, c.wantErr) {
					t.Fatalf("%s: apply: exit %d (want %d, and %q)\n%s\n%s", c.name, code, c.wantExit, c.wantErr, out, errOut)
				}
				if changed := s.value(t, "SELECT COUNT(*) FROM oc_api_ip WHERE ip = '203.0.113.9'") == "1"; changed != c.changes {
					t.Fatalf("%s: the API address added: %v, want %v\n%s\n%s", c.name, changed, c.changes, out, errOut)
				}
				if c.changes {
					code, out, errOut = runApplyCLI(t, s.vars, "uninstall", file, "--trust-new")
					if code != 0 {
						t.Fatalf("%s: uninstall: exit %d\n%s\n%s", c.name, code, out, errOut)
					}
				}
				if got := env.Dump(t, s.rs); got != dump {
					t.Errorf("%s: the database differs:\n%s", c.name, lineDiff(dump, got))
				}
				if got := env.Tree(t, s.rs); !sameTree(tree, got) {
					t.Errorf("%s: the file tree differs:\n%s", c.name, treeDiff(tree, got))
				}
			}
		})
	}
}

// TestUninstallOneBoxConfigAndCron: a OneBox setup rewrites the
// connector's cron.php (its $host and $apiKey) and adds its job to the
// account's crontab; uninstall puts both back exactly, next to the
// merchant's own cron line, and the store's files and database as they
// were.
func TestUninstallOneBoxConfigAndCron(t *testing.T) {
	env := testenv.Get(t)
	s := newRealShop(t, env, "2.3.0.2", testenv.SFTP)
	env.Lock(t, "crontab-"+s.site.User)
	crontab := func() string {
		out, err := exec.Command("crontab", "-l", "-u", s.site.User).CombinedOutput()
		if err != nil && !strings.Contains(string(out), "no crontab") {
			t.Fatalf("crontab -l: %v: %s", err, out)
		}
		return string(out)
	}
	setCrontab := func(content string) {
		cmd := exec.Command("crontab", "-u", s.site.User, "-")
		cmd.Stdin = strings.NewReader(content)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("crontab: %v: %s", err, out)
		}
	}
	setCrontab("17 3 * * * echo the merchant's own job\n")
	t.Cleanup(func() { _ = exec.Command("crontab", "-r", "-u", s.site.User).Run() })

	// The connector's files, uploaded by the merchant before.
	cron := filepath.Join(s.rs.Root, "catalog", "onebox", "cron.php")
	must(t, os.MkdirAll(filepath.Dir(cron), 0o755))
	must(t, os.WriteFile(cron, []byte("<?php\n$languages = array('ru');\n$host = '';\n$track = 'catalog/onebox/';\n$apiKey = '';\n"), 0o644))
	must(t, testenv.ChownTree(filepath.Dir(cron), s.site.UID, s.site.GID))

	file := s.setupFile(t, "integration: onebox\naccess:\n  ips: [203.0.113.7]\n  cron: crontab\nsettings:\n  service_ip: 203.0.113.7\n")
	tree, dump, tab := env.Tree(t, s.rs), env.Dump(t, s.rs), crontab()
	code, out, errOut := runApplyCLI(t, s.vars, "apply", file, "--trust-new")
	if code != 0 {
		t.Fatalf("apply: exit %d\n%s\n%s", code, out, errOut)
	}
	if b, _ := os.ReadFile(cron); !strings.Contains(string(b), "$host = '"+s.rs.URL+"';") {
		t.Fatalf("cron.php was not configured:\n%s", b)
	}
	if now := crontab(); now == tab || !strings.Contains(now, "# ocsetup:onebox:") || !strings.Contains(now, "the merchant's own job") {
		t.Fatalf("the crontab after apply:\n%s", now)
	}
	code, out, errOut = runApplyCLI(t, s.vars, "uninstall", file, "--trust-new")
	if code != 0 {
		t.Fatalf("uninstall: exit %d\n%s\n%s", code, out, errOut)
	}
	if now := crontab(); now != tab {
		t.Errorf("the crontab after uninstall:\n%s\nwant:\n%s", now, tab)
	}
	if got := env.Dump(t, s.rs); got != dump {
		t.Errorf("the database differs after uninstall:\n%s", lineDiff(dump, got))
	}
	if got := env.Tree(t, s.rs); !sameTree(tree, got) {
		t.Errorf("the file tree differs after uninstall:\n%s", treeDiff(tree, got))
	}
}

// TestRollbackForce: rollback of an installed extension's files is refused
// with the reason; with --force it proceeds and the files are gone, as
// they were before the setup.
func TestRollbackForce(t *testing.T) {
	env := testenv.Get(t)
	s := newRealShop(t, env, "3.0.3.9", testenv.SFTP)
	s.vars[SecretVar(testext.Prefix(s.rs.Line)+"secret")] = "s3cret-phrase"
	file := s.setupFile(t, ocpaySetup(t, s.rs.Line))
	tree := env.Tree(t, s.rs)
	if code, out, errOut := runApplyCLI(t, s.vars, "apply", file, "--trust-new"); code != 0 {
		t.Fatalf("apply: exit %d\n%s\n%s", code, out, errOut)
	}
	site := siteURL(s.site, s.rs.RemoteRoot(s.site))
	if code, out, errOut := runApplyCLI(t, s.vars, "rollback", site, "--trust-new"); code == 0 || !strings.Contains(errOut, "still installed") {
		t.Fatalf("rollback without --force: exit %d\n%s\n%s", code, out, errOut)
	}
	code, out, errOut := runApplyCLI(t, s.vars, "rollback", site, "--trust-new", "--force")
	if code != 0 {
		t.Fatalf("rollback --force: exit %d\n%s\n%s", code, out, errOut)
	}
	if _, err := os.Stat(filepath.Join(s.rs.Root, ocpayController(s.rs.Line))); !os.IsNotExist(err) {
		t.Fatalf("the extension's controller is still there after rollback --force: %v", err)
	}
	// The OCMOD cache the admin's refresh rebuilt is not the upload's: only
	// the uploaded files are compared.
	got := env.Tree(t, s.rs)
	for k := range got {
		if strings.HasPrefix(k, "system/storage/modification/") {
			delete(got, k)
		}
	}
	for k := range tree {
		if strings.HasPrefix(k, "system/storage/modification/") {
			delete(tree, k)
		}
	}
	if !sameTree(tree, got) {
		t.Errorf("the files differ after rollback --force:\n%s", treeDiff(tree, got))
	}
}

// TestOneBoxKeyOnlyLoginRealStore: OneBox's cron.php logs in with the key
// alone, which OpenCart 3.0 checks against the API user "Default". On the
// real 3.0 store a OneBox setup without a key of its own keeps Default's
// key (nothing else using it breaks), gives cron.php that key, adds the
// provider's address, and `test` logs in exactly as the connector does and
// passes. A setup that puts the key on another user makes the connector's
// login fail, and `test` says so.
func TestOneBoxKeyOnlyLoginRealStore(t *testing.T) {
	env := testenv.Get(t)
	s := newRealShop(t, env, "3.0.3.9", testenv.SFTP)
	cron := filepath.Join(s.rs.Root, "catalog", "onebox", "cron.php")
	writeCron := func() {
		must(t, os.MkdirAll(filepath.Dir(cron), 0o755))
		must(t, os.WriteFile(cron, []byte("<?php\n$languages = array('ru');\n$host = '';\n$track = 'catalog/onebox/';\n$apiKey = '';\n"), 0o644))
		must(t, testenv.ChownTree(filepath.Dir(cron), s.site.UID, s.site.GID))
	}
	writeCron()
	defaultKey := s.value(t, "SELECT `key` FROM oc_api WHERE username = 'Default'")
	if len(defaultKey) < 64 {
		t.Fatalf("the store's Default API user has no key: %q", defaultKey)
	}
	body := "integration: onebox\naccess:\n  ips: [203.0.113.7, 127.0.0.1]\n  cron: app\nsettings:\n  service_ip: 203.0.113.7\n"
	file := s.setupFile(t, body)
	code, out, errOut := runApplyCLI(t, s.vars, "apply", file, "--trust-new")
	if code != 0 {
		t.Fatalf("apply: exit %d\n%s\n%s", code, out, errOut)
	}
	if got := s.value(t, "SELECT `key` FROM oc_api WHERE username = 'Default'"); got != defaultKey {
		t.Fatal("apply replaced the Default API user's key")
	}
	if b, _ := os.ReadFile(cron); !strings.Contains(string(b), "$apiKey = '"+defaultKey+"';") {
		t.Fatalf("cron.php does not hold Default's key:\n%s", b)
	}
	if s.value(t, "SELECT COUNT(*) FROM oc_api_ip i JOIN oc_api a USING (api_id) WHERE a.username = 'Default' AND i.ip = '203.0.113.7'") != "1" {
		t.Fatal("the provider's address was not allowed for Default")
	}
	code, out, errOut = runApplyCLI(t, s.vars, "test", file, "--trust-new")
	if code != 0 || !strings.Contains(out, "API login") {
		t.Fatalf("test after a key-keeping setup: exit %d\n%s\n%s", code, out, errOut)
	}

	// The connector's key on a user of its own: 3.0 checks it against
	// Default, so the connector cannot log in, and test must say so.
	env.Fresh(t, s.rs)
	writeCron()
	own := "integration: onebox\naccess:\n  api_user: ocsetup OneBox\n  ips: [203.0.113.7, 127.0.0.1]\n  cron: app\nsettings:\n  service_ip: 203.0.113.7\n"
	file = s.setupFile(t, own)
	vars := maps.Clone(s.vars)
	vars[SecretVar(APIKeyField)] = strings.Repeat("0nEb0x", 11)
	if code, out, errOut := runApplyCLI(t, vars, "apply", file, "--trust-new"); code != 0 {
		t.Fatalf("apply with a user of its own: exit %d\n%s\n%s", code, out, errOut)
	}
	code, out, errOut = runApplyCLI(t, vars, "test", file, "--trust-new")
	if code == 0 || !strings.Contains(out+errOut, "Default") {
		t.Fatalf("test of a connector whose key is not Default's: exit %d\n%s\n%s", code, out, errOut)
	}
}
