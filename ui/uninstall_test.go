package ui

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/ocsetup/ocsetup/app"
	"github.com/ocsetup/ocsetup/installer/journal"
)

// chequeSetupFile is a setup of the store's own Cheque / Money Order
// payment on the 3.0 store (installed through the admin by apply).
func (c *crashStore) chequeSetupFile(t *testing.T) string {
	t.Helper()
	file := filepath.Join(t.TempDir(), "setup.yaml")
	noErr(t, os.WriteFile(file, []byte(fmt.Sprintf("site: sftp://%s@%s%s\nintegration: custom\nsettings:\n  type: payment\n  code: cheque\n"+
		"  payment_cheque_payable: ocsetup test\n  payment_cheque_status: \"1\"\n  payment_cheque_order_status_id: \"1\"\n",
		c.ts.User, c.ts.Addr(), c.root)), 0o600))
	return file
}

func (c *crashStore) cli(t *testing.T, dataDir string, args ...string) (int, string) {
	t.Helper()
	vars := map[string]string{app.PasswordVar: c.ts.Password, app.DataDirVar: dataDir}
	var out bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	code := app.NewCLI().Run(ctx, args, app.IO{In: strings.NewReader(""), Out: &out, Err: &out, Getenv: func(k string) string { return vars[k] }})
	return code, out.String()
}

func (c *crashStore) count(t *testing.T, q string, args ...any) int {
	t.Helper()
	var n int
	noErr(t, c.sql.QueryRow(q, args...).Scan(&n))
	return n
}

// TestWizardUninstall: a setup apply made on the real 3.0.3.9 store is
// reversed from the wizard's Connect screen (as for a saved site) by the
// engine of `ocsetup uninstall`: asked first, Cancel stops it with
// nothing lost, the next run undoes the setup and says what it did, and a
// second run finds nothing to undo.
func TestWizardUninstall(t *testing.T) {
	c := newCrashStore(t)
	dir := t.TempDir()
	settingsBefore := c.count(t, "SELECT COUNT(*) FROM oc_setting")
	if code, out := c.cli(t, dir, "apply", c.chequeSetupFile(t), "--trust-new"); code != 0 {
		t.Fatalf("apply: exit %d\n%s", code, out)
	}
	if c.count(t, "SELECT COUNT(*) FROM oc_extension WHERE type = 'payment' AND code = 'cheque'") != 1 {
		t.Fatal("apply did not install the extension")
	}
	js, err := journal.List(dir)
	if err != nil || len(js) != 1 {
		t.Fatalf("journals %v %v", js, err)
	}
	id := js[0].ID

	m, ui := c.connectWizard(t, dir)
	u := m.connect.uninstall
	finished := make(chan struct{}, 1)
	u.done = func() { finished <- struct{}{} }
	wait := func() {
		t.Helper()
		select {
		case <-finished:
		case <-time.After(2 * time.Minute):
			t.Fatal("the uninstall did not end")
		}
	}
	var confirm func()
	ui.do(func() {
		if !u.button.Visible() {
			t.Error("no Uninstall on the connected site")
		}
		test.Tap(u.button)
		confirm = func() { test.Tap(findButton(m.Window.Canvas(), T("uninstall.start"))) }
	})

	// Cancel at once: nothing is undone, and the setup stays to undo.
	ui.do(func() {
		confirm()
		if !u.job.cancelBtn.Visible() {
			t.Error("no Cancel while uninstalling")
		}
		test.Tap(u.job.cancelBtn)
	})
	wait()
	ui.mu.Lock()
	if u.result != "Cancelled." {
		t.Errorf("after Cancel: %q", u.result)
	}
	ui.mu.Unlock()
	if js, _ := journal.List(dir); js[0].State == journal.Undone {
		t.Fatal("a cancelled uninstall marked the setup undone")
	}

	ui.do(func() {
		test.Tap(u.button)
		confirm()
	})
	wait()
	ui.mu.Lock()
	res := u.result
	ui.mu.Unlock()
	if !strings.Contains(res, "Uninstalled (setup "+id+")") || !strings.Contains(res, "uninstalled through the store's admin") {
		t.Fatalf("the uninstall says: %s", res)
	}
	if n := c.count(t, "SELECT COUNT(*) FROM oc_extension WHERE type = 'payment' AND code = 'cheque'"); n != 0 {
		t.Error("the extension is still installed")
	}
	if n := c.count(t, "SELECT COUNT(*) FROM oc_setting"); n != settingsBefore {
		t.Errorf("%d settings, %d before the setup", n, settingsBefore)
	}

	ui.do(func() {
		test.Tap(u.button)
		confirm()
	})
	wait()
	ui.mu.Lock()
	defer ui.mu.Unlock()
	if !strings.HasPrefix(u.result, "Nothing to undo") {
		t.Fatalf("the second uninstall says: %s", u.result)
	}
}
