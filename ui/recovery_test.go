package ui

import (
	"archive/zip"
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/go-sql-driver/mysql"

	"github.com/ocsetup/ocsetup/app"
	"github.com/ocsetup/ocsetup/installer/admin"
	"github.com/ocsetup/ocsetup/installer/db"
	"github.com/ocsetup/ocsetup/installer/deploy"
	"github.com/ocsetup/ocsetup/installer/integrations"
	"github.com/ocsetup/ocsetup/installer/journal"
	"github.com/ocsetup/ocsetup/installer/pkg"
	"github.com/ocsetup/ocsetup/installer/remote"
	"github.com/ocsetup/ocsetup/installer/store"
	"github.com/ocsetup/ocsetup/internal/testenv"
)

// crashStore is the real OpenCart 3.0.3.9 store on the SFTP site, as a
// test of the start after a crash uses it.
type crashStore struct {
	env  *testenv.Env
	rs   testenv.RealStore
	ts   testenv.Site
	root string // as the site's account sees it
	sql  *sql.DB
}

func newCrashStore(t *testing.T) *crashStore {
	t.Helper()
	env := testenv.Get(t)
	c := &crashStore{env: env, rs: env.Store(t, "3.0.3.9"), ts: env.Site(t, testenv.SFTP)}
	c.root = c.rs.RemoteRoot(c.ts)
	cfg := mysql.NewConfig()
	cfg.User, cfg.Passwd, cfg.Net, cfg.Addr, cfg.DBName = c.rs.DBUser, c.rs.DBPassword, "tcp", env.MySQL.Addr(), c.rs.Database
	q, err := sql.Open("mysql", cfg.FormatDSN())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { q.Close() })
	c.sql = q
	return c
}

func (c *crashStore) site() remote.Site {
	return remote.Site{Protocol: remote.SFTP, Host: c.ts.Host, Port: c.ts.Port, User: c.ts.User, Password: c.ts.Password, Timeout: 10 * time.Second}
}

// crash is what a killed run left: the journal of its setup ("running"),
// its temporary admin account, a database bridge on the store and an
// upload stopped half way.
type crash struct {
	journal  *journal.Journal
	account  string
	bridge   string // remote path
	manifest *deploy.Manifest
}

// leaveCrash does what a run does until it is killed, in the order a run
// does it, and records each thing as the run would.
func (c *crashStore) leaveCrash(t *testing.T, dataDir string) crash {
	t.Helper()
	ctx := context.Background()
	site := c.site()
	tr := remote.NewTrust(t.TempDir())
	tr.TrustNew = true
	pool, err := remote.Open(ctx, site, tr, 1)
	noErr(t, err)
	defer pool.Close()
	st := store.Store{Root: c.root, Version: c.rs.Version, Line: store.Line30, AdminDir: c.rs.AdminDir}
	creds, err := db.Read(ctx, pool, st)
	noErr(t, err)
	d, _, err := db.Connect(ctx, pool, creds, db.Options{Routes: []db.Route{db.RouteDirect}, DataDir: t.TempDir()})
	noErr(t, err)
	defer d.Close()
	sc, err := d.Schema(ctx)
	noErr(t, err)

	var out crash
	// The setup's journal, written before its first change.
	j, err := journal.New(dataDir, site, c.root, "custom")
	noErr(t, err)
	j.Extension = journal.Extension{Type: "payment", Code: "cheque"}
	j.Before, err = journal.Capture(ctx, d, sc)
	noErr(t, err)
	noErr(t, j.Save())
	out.journal = j
	// The upload, killed right after its manifest was written: its
	// context ends before the first file goes up.
	p := crashPackage(t)
	eng := &deploy.Engine{Files: pool, DataDir: dataDir, Trust: remote.NewTrust(dataDir),
		Store: deploy.Store{Root: c.root, Version: c.rs.Version, AdminDir: c.rs.AdminDir}}
	pl, err := eng.Plan(ctx, p, deploy.PlanOptions{})
	noErr(t, err)
	killed, kill := context.WithCancel(ctx)
	kill()
	m, err := eng.Upload(killed, pl, p)
	if err == nil || m == nil || m.State != deploy.StateInProgress {
		t.Fatalf("the upload was not interrupted: %v", err)
	}
	out.manifest = m
	// The temporary admin account of the settings step, and a bridge.
	acc, err := admin.CreateTempAccount(ctx, d, sc, store.Line30, admin.RecordPlace{DataDir: dataDir, Site: site, Root: c.root, Database: sc.Database, Prefix: sc.Prefix})
	noErr(t, err)
	out.account = acc.Username
	out.bridge = path.Join(c.root, "ocsetup-bridge-killed0run.php")
	_, err = db.RecordUpload(dataDir, site, out.bridge, time.Hour)
	noErr(t, err)
	noErr(t, pool.WriteAtomic(ctx, out.bridge, []byte("<?php // a bridge a killed run left\n")))
	return out
}

// crashPackage is a small extension package of several files, so that an
// upload can stop half way.
func crashPackage(t *testing.T) *pkg.Package {
	t.Helper()
	p := filepath.Join(t.TempDir(), "crashtest.ocmod.zip")
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for i := range 6 {
		w, err := zw.Create(fmt.Sprintf("upload/catalog/controller/extension/module/crashtest%d.php", i))
		noErr(t, err)
		_, err = fmt.Fprintf(w, "<?php\n// crash test file %d\n%s\n", i, strings.Repeat("//\n", 2000))
		noErr(t, err)
	}
	noErr(t, zw.Close())
	noErr(t, os.WriteFile(p, buf.Bytes(), 0o644))
	pk, err := pkg.Open(p)
	noErr(t, err)
	t.Cleanup(func() { pk.Close() })
	return pk
}

// messages are the lines each face must show about a crash, built by one
// function for both so that they are the same words.
func (cr crash) messages() []string {
	return []string{
		"temporary admin account " + cr.account,
		"database bridge " + cr.bridge,
		app.PendingNotice(cr.manifest),
		app.InterruptedNotice(cr.journal),
	}
}

// checkRecovered is the outcome both faces must reach at start: the
// account and the bridge gone with their records, the upload and the
// setup still there, offered.
func (c *crashStore) checkRecovered(t *testing.T, face, dataDir string, cr crash) {
	t.Helper()
	var n int
	noErr(t, c.sql.QueryRow("SELECT COUNT(*) FROM oc_user WHERE username = ?", cr.account).Scan(&n))
	if n != 0 {
		t.Errorf("%s: the temporary admin account %s is still in the store", face, cr.account)
	}
	if _, err := os.Stat(filepath.Join(c.rs.Root, path.Base(cr.bridge))); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("%s: the bridge is still on the store (%v)", face, err)
	}
	if left, _ := admin.Leftovers(dataDir); len(left) != 0 {
		t.Errorf("%s: account records left: %+v", face, left)
	}
	if left, _ := db.Leftovers(dataDir); len(left) != 0 {
		t.Errorf("%s: bridge records left: %+v", face, left)
	}
	pending, _ := deploy.Pending(dataDir)
	if len(pending) != 1 || pending[0].ID != cr.manifest.ID {
		t.Errorf("%s: the interrupted upload is not kept for the user: %+v", face, pending)
	}
	js, _ := journal.List(dataDir)
	found := false
	for _, j := range js {
		found = found || j.ID == cr.journal.ID && j.State == journal.Running
	}
	if !found {
		t.Errorf("%s: the interrupted setup's journal is not kept running", face)
	}
}

// TestStartAfterCrashBothFaces: on the real 3.0.3.9 store, a run killed
// in the middle of a setup left its journal, an upload half done, its
// temporary admin account and a database bridge. `ocsetup apply` removes
// the account and the bridge and names the upload and the setup; on the
// same store, crashed again the same way, the wizard's Connect does the
// same (one function, app.recoverSite) and its dialog names the same
// things in the same words.
func TestStartAfterCrashBothFaces(t *testing.T) {
	c := newCrashStore(t)

	// The command line.
	cliDir := t.TempDir()
	cr := c.leaveCrash(t, cliDir)
	file := filepath.Join(t.TempDir(), "setup.yaml")
	noErr(t, os.WriteFile(file, []byte(fmt.Sprintf("site: sftp://%s@%s%s\nintegration: custom\nsettings:\n  type: payment\n  code: cheque\n"+
		"  payment_cheque_payable: ocsetup test\n  payment_cheque_status: \"1\"\n  payment_cheque_order_status_id: \"1\"\n",
		c.ts.User, c.ts.Addr(), c.root)), 0o600))
	vars := map[string]string{app.PasswordVar: c.ts.Password, app.DataDirVar: cliDir}
	var out, errOut bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	code := app.NewCLI().Run(ctx, []string{"apply", file, "--trust-new"}, app.IO{In: strings.NewReader(""), Out: &out, Err: &errOut,
		Getenv: func(k string) string { return vars[k] }})
	if code != 0 {
		t.Fatalf("apply: exit %d\n%s\n%s", code, out.String(), errOut.String())
	}
	for _, want := range cr.messages() {
		if !strings.Contains(out.String(), want) {
			t.Errorf("apply does not say %q:\n%s", want, out.String())
		}
	}
	c.checkRecovered(t, "apply", cliDir, cr)

	// The wizard, on the same store crashed again.
	c.env.Fresh(t, c.rs)
	guiDir := t.TempDir()
	cr = c.leaveCrash(t, guiDir)
	m, ui := c.connectWizard(t, guiDir)
	if m.connect.recovery == nil {
		t.Fatal("the wizard said nothing about the crash")
	}
	shown := strings.Join(m.connect.recovery.text, "\n")
	for _, want := range cr.messages() {
		if !strings.Contains(shown, want) {
			t.Errorf("the wizard does not say %q:\n%s", want, shown)
		}
	}
	ui.mu.Lock()
	c.checkRecovered(t, "wizard", guiDir, cr)
	ui.mu.Unlock()
}

// connectWizard starts the app on dataDir and connects to the store as a
// user does: the host key dialog, then the dialog about the crash.
func (c *crashStore) connectWizard(t *testing.T, dataDir string) (*Main, *serial) {
	t.Helper()
	a := test.NewTempApp(t)
	wiz := app.NewWizard(dataDir, integrations.Builtin())
	t.Cleanup(wiz.Session.Close)
	m := NewMain(a, wiz)
	ui := &serial{}
	s := m.connect
	s.do = ui.do
	ui.do(func() {
		m.Window.Resize(fyne.NewSize(960, 700))
		m.welcome.selectID("custom")
		test.Tap(m.next)
		test.Type(s.host, c.ts.Host)
		s.port.SetText(strconv.Itoa(c.ts.Port))
		test.Type(s.user, c.ts.User)
		test.Type(s.pass, c.ts.Password)
		test.Type(s.folder, c.root)
		test.Tap(s.connect)
	})
	// The host key is asked for unless the data folder trusts it already.
	eventually(t, ui, "the host key dialog or the stores", func() bool {
		return findButton(m.Window.Canvas(), T("connect.trust.confirm")) != nil || s.stores.Visible()
	})
	ui.do(func() {
		if b := findButton(m.Window.Canvas(), T("connect.trust.confirm")); b != nil {
			test.Tap(b)
		}
	})
	eventually(t, ui, "the store", func() bool { return s.stores.Visible() && s.stores.Selected != "" })
	return m, ui
}

func noErr(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestStartAfterCrashUndoAndRollback: the dialog about a crash undoes the
// interrupted setup (what it had changed goes back) and rolls the
// interrupted upload back; the store's files are then as before the crash.
func TestStartAfterCrashUndoAndRollback(t *testing.T) {
	c := newCrashStore(t)
	before := c.env.Tree(t, c.rs)
	dir := t.TempDir()
	cr := c.leaveCrash(t, dir)
	// What the killed setup had changed after its journal began.
	if _, err := c.sql.Exec("INSERT INTO oc_setting (store_id, code, `key`, value, serialized) VALUES (0, 'payment_cheque', 'payment_cheque_payable', 'killed run', 0)"); err != nil {
		t.Fatal(err)
	}
	m, ui := c.connectWizard(t, dir)
	r := m.connect.recovery
	if r == nil {
		t.Fatal("the wizard said nothing about the crash")
	}
	ui.do(func() { test.Tap(r.undo[cr.journal.ID]) })
	eventually(t, ui, "the undo", func() bool {
		return r.undo[cr.journal.ID].Text == T("connect.recovery.done") || r.job.status.Importance == widget.DangerImportance
	})
	ui.mu.Lock()
	if r.undo[cr.journal.ID].Text != T("connect.recovery.done") {
		t.Fatalf("undo failed: %s\n%s", r.job.status.Text, r.job.details.Text)
	}
	if !strings.Contains(r.job.status.Text, "Uninstalled (setup "+cr.journal.ID+")") || !strings.Contains(r.job.status.Text, "put back as they were") {
		t.Errorf("the undo says: %s", r.job.status.Text)
	}
	ui.mu.Unlock()
	var n int
	noErr(t, c.sql.QueryRow("SELECT COUNT(*) FROM oc_setting WHERE `key` = 'payment_cheque_payable'").Scan(&n))
	if n != 0 {
		t.Error("the killed setup's setting is still there")
	}
	js, _ := journal.List(dir)
	for _, j := range js {
		if j.ID == cr.journal.ID && j.State != journal.Undone {
			t.Errorf("journal %s is %s", j.ID, j.State)
		}
	}

	ui.do(func() { test.Tap(r.rollback[cr.manifest.ID]) })
	eventually(t, ui, "the rollback", func() bool {
		return r.rollback[cr.manifest.ID].Text == T("connect.recovery.done") || r.job.status.Importance == widget.DangerImportance
	})
	ui.mu.Lock()
	if r.rollback[cr.manifest.ID].Text != T("connect.recovery.done") {
		t.Fatalf("rollback failed: %s\n%s", r.job.status.Text, r.job.details.Text)
	}
	ui.mu.Unlock()
	if pending, _ := deploy.Pending(dir); len(pending) != 0 {
		t.Errorf("still pending: %+v", pending)
	}
	after := c.env.Tree(t, c.rs)
	for p, h := range before {
		if after[p] != h {
			t.Errorf("%s changed", p)
		}
	}
	for p := range after {
		if _, ok := before[p]; !ok {
			t.Errorf("%s is left on the store", p)
		}
	}
}
