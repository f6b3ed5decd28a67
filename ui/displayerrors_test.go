package ui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/ocsetup/ocsetup/installer/integrations"
	"github.com/ocsetup/ocsetup/installer/journal"
	"github.com/ocsetup/ocsetup/installer/settings"
)

func (c *crashStore) errorDisplay(t *testing.T) string {
	t.Helper()
	var v string
	noErr(t, c.sql.QueryRow("SELECT value FROM oc_setting WHERE store_id = 0 AND `key` = 'config_error_display'").Scan(&v))
	return v
}

// noisySettings connects the wizard to the noisy twin of the real 3.0.3.9
// store, reaches its database and opens the Settings form, which asks
// about Display Errors.
func noisySettings(t *testing.T) (*crashStore, *Main, *serial, []byte, string) {
	t.Helper()
	c := newCrashStore(t)
	c.env.MakeNoisy(t, c.rs)
	defaultPHP, err := os.ReadFile(filepath.Join(c.rs.Root, "system", "config", "default.php"))
	noErr(t, err)
	if c.errorDisplay(t) != "1" {
		t.Fatal("the noisy store does not display errors")
	}
	dir := t.TempDir()
	m, ui := c.connectWizard(t, dir)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := m.wiz.Session.ReadCredentials(ctx); err != nil {
		t.Fatal(err)
	}
	m.settings.job.do = ui.do
	ui.do(func() { m.settings.loadFields() })
	eventually(t, ui, "the question about Display Errors", func() bool { return findButton(m.Window.Canvas(), T("displayerrors.switch")) != nil })
	return c, m, ui, defaultPHP, dir
}

// TestSettingsSwitchesDisplayErrorsOff: on the noisy store the Settings
// step says what the switch changes and that Uninstall undoes it;
// accepted, Display Errors goes off by the engine call of apply
// --display-errors-off, the settings then go through the store's admin,
// and Uninstall puts both Display Errors places back.
func TestSettingsSwitchesDisplayErrorsOff(t *testing.T) {
	c, m, ui, defaultPHP, dir := noisySettings(t)
	ui.do(func() {
		o := m.settings.displayErrors
		if !strings.Contains(TF("displayerrors.text", Args{"Count": o.found.Count, "Example": o.found.Example}), "Uninstall switches it back") || o.found.Count == 0 || o.found.Example == "" {
			t.Errorf("the question: %+v", o.found)
		}
		test.Tap(findButton(m.Window.Canvas(), T("displayerrors.switch")))
	})
	eventually(t, ui, "the switch", func() bool { return m.settings.displayErrors.note.Visible() && !m.settings.job.bar.Visible() })
	ui.mu.Lock()
	if got := m.settings.displayErrors.note.Text; got != T("displayerrors.switched") {
		t.Fatalf("after the switch: %q (%s)", got, m.settings.job.status.Text)
	}
	ui.mu.Unlock()
	if got := c.errorDisplay(t); got != "0" {
		t.Fatalf("config_error_display = %s after the switch", got)
	}
	js, _ := journal.List(dir)
	if len(js) != 1 || js[0].DisplayErrors == "" {
		t.Fatalf("the switch is not in the setup journal: %+v", js)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	res, err := m.wiz.Session.ApplySettings(ctx, "custom", integrations.Values{"type": "payment", "code": "cheque",
		"payment_cheque_payable": "ocsetup test", "payment_cheque_status": "1", "payment_cheque_order_status_id": "1"})
	if err != nil || res.Via != settings.ViaAdmin {
		t.Fatalf("settings after the switch: %v %+v", err, res)
	}
	un, err := m.wiz.Session.Uninstall(ctx)
	if err != nil || !strings.Contains(strings.Join(un.Done, "\n"), "Display Errors set back") {
		t.Fatalf("uninstall: %v %+v", err, un)
	}
	if got := c.errorDisplay(t); got != "1" {
		t.Errorf("config_error_display = %s after uninstall", got)
	}
	if after, err := os.ReadFile(filepath.Join(c.rs.Root, "system", "config", "default.php")); err != nil || string(after) != string(defaultPHP) {
		t.Errorf("system/config/default.php differs after uninstall (%v)", err)
	}
}

// TestSettingsDisplayErrorsDeclined: declined, nothing changes, and the
// step says what will not work and how to fix it.
func TestSettingsDisplayErrorsDeclined(t *testing.T) {
	c, m, ui, _, dir := noisySettings(t)
	ui.do(func() { test.Tap(findButton(m.Window.Canvas(), T("displayerrors.keep"))) })
	ui.mu.Lock()
	note := m.settings.displayErrors.note
	if !note.Visible() || note.Text != T("displayerrors.declined") || !strings.Contains(note.Text, "install") {
		t.Errorf("after declining: %q", note.Text)
	}
	ui.mu.Unlock()
	if got := c.errorDisplay(t); got != "1" {
		t.Errorf("config_error_display = %s after declining", got)
	}
	if js, _ := journal.List(dir); len(js) != 0 {
		t.Errorf("a journal after declining: %+v", js)
	}
	// Saving now fails with the reason and the way out, and writes nothing
	// (the 3.0 admin cannot log in behind the messages).
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	_, err := m.wiz.Session.ApplySettings(ctx, "custom", integrations.Values{"type": "payment", "code": "cheque",
		"payment_cheque_payable": "ocsetup test", "payment_cheque_status": "1", "payment_cheque_order_status_id": "1"})
	if err == nil || !strings.Contains(err.Error(), "Display Errors") {
		t.Errorf("saving with Display Errors on: %v", err)
	}
	if n := c.count(t, "SELECT COUNT(*) FROM oc_setting WHERE `key` LIKE 'payment\\_cheque\\_%'"); n != 0 {
		t.Errorf("%d cheque settings written", n)
	}
	// Asked once: opening the form again does not ask again.
	ui.do(func() { m.settings.loadFields() })
	eventually(t, ui, "the form", func() bool { return !m.settings.job.bar.Visible() })
	ui.mu.Lock()
	if findButton(m.Window.Canvas(), T("displayerrors.switch")) != nil {
		t.Error("asked again")
	}
	o := m.settings.displayErrors
	ui.mu.Unlock()
	// The merchant changes their mind: the step's button switches it off.
	ui.do(func() {
		if !o.switchBtn.Visible() {
			t.Fatal("no way to switch Display Errors off after declining")
		}
		test.Tap(o.switchBtn)
	})
	eventually(t, ui, "the switch", func() bool { return o.note.Text != T("displayerrors.declined") && !m.settings.job.bar.Visible() })
	ui.mu.Lock()
	defer ui.mu.Unlock()
	if o.note.Text != T("displayerrors.switched") || c.errorDisplay(t) != "0" {
		t.Errorf("after the change of mind: %q, config_error_display %s", o.note.Text, c.errorDisplay(t))
	}
}
