package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/ocsetup/ocsetup/app"
	"github.com/ocsetup/ocsetup/installer/integrations"
)

// TestSaveAndReopenSite: after connecting to the demo store the site can
// be saved; without a keychain (as on this machine) it is saved without
// its password and the user is told; it then shows on the Welcome screen
// and opening it fills the Connect screen again.
func TestSaveAndReopenSite(t *testing.T) {
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus") // no keychain
	useDemoProgram(t)
	a := test.NewTempApp(t)
	wiz := app.NewWizard(t.TempDir(), integrations.Builtin())
	defer wiz.Session.Close()
	m := NewMain(a, wiz)
	defer m.close()
	ui := &serial{}
	m.welcome.job.do, m.connect.do, m.connect.saveJob.do = ui.do, ui.do, ui.do

	ui.do(func() { test.Tap(m.welcome.demoBtn) })
	eventually(t, ui, "the Connect screen", func() bool { return wiz.Current() == app.StepConnect })
	ui.do(func() { test.Tap(m.connect.connect) })
	var trust *widget.Button
	eventually(t, ui, "the host key dialog", func() bool {
		trust = findButton(m.Window.Canvas(), T("connect.trust.confirm"))
		return trust != nil
	})
	ui.do(func() { test.Tap(trust) })
	eventually(t, ui, "the store", func() bool { return m.connect.save.Visible() })
	ui.do(func() { test.Tap(m.connect.save) })
	eventually(t, ui, "the save", func() bool { return m.connect.saveJob.status.Text != "" && !m.connect.saveJob.bar.Visible() })
	ui.do(func() {
		if !strings.Contains(m.connect.saveJob.status.Text, "without its password") {
			t.Fatalf("status %q", m.connect.saveJob.status.Text)
		}
		if len(m.welcome.saved.Options) != 1 || !m.welcome.savedBx.Visible() {
			t.Fatalf("saved sites %v", m.welcome.saved.Options)
		}
		m.connect.host.SetText("")
		test.Tap(m.back)
		m.welcome.saved.SetSelected(m.welcome.saved.Options[0])
	})
	eventually(t, ui, "the reopened site", func() bool {
		return wiz.Current() == app.StepConnect && m.connect.host.Text == "127.0.0.1"
	})
	ui.do(func() {
		if m.connect.pass.Text != "" {
			t.Errorf("a password came back from nowhere: %q", m.connect.pass.Text)
		}
	})
}
