package ui

import (
	"os"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/ocsetup/ocsetup/app"
	"github.com/ocsetup/ocsetup/installer/demoprog"
	"github.com/ocsetup/ocsetup/installer/integrations"
	"github.com/ocsetup/ocsetup/internal/testenv"
)

// demoProgram is cmd/ocsetup-demo, built when a test first needs it.
var demoProgram testenv.DemoProgram

// useDemoProgram points the demo button at the built program: the app
// looks for it beside itself, and the test binary has none there.
func useDemoProgram(t *testing.T) {
	t.Setenv(demoprog.ProgramVar, demoProgram.Path(t))
}

func TestMain(m *testing.M) {
	code := m.Run()
	demoProgram.Remove()
	os.Exit(code)
}

// TestTryDemoStore: the Welcome screen's demo button starts the built-in
// store and fills the Connect screen; connecting shows its host key and
// finds its store. No test servers are needed.
func TestTryDemoStore(t *testing.T) {
	useDemoProgram(t)
	a := test.NewTempApp(t)
	wiz := app.NewWizard(t.TempDir(), integrations.Builtin())
	defer wiz.Session.Close()
	m := NewMain(a, wiz)
	defer m.close()
	ui := &serial{}
	m.welcome.job.do, m.connect.do = ui.do, ui.do

	ui.do(func() { test.Tap(m.welcome.demoBtn) })
	eventually(t, ui, "the Connect screen", func() bool { return wiz.Current() == app.StepConnect })
	c := m.connect
	ui.do(func() {
		if c.host.Text != "127.0.0.1" || c.pass.Text == "" || c.folder.Text == "" || m.pkg.path.Text == "" {
			t.Fatalf("not filled in: %q %q %q", c.host.Text, c.folder.Text, m.pkg.path.Text)
		}
		test.Tap(c.connect)
	})
	var trust *widget.Button
	eventually(t, ui, "the host key dialog", func() bool {
		trust = findButton(m.Window.Canvas(), T("connect.trust.confirm"))
		return trust != nil
	})
	ui.do(func() { test.Tap(trust) })
	eventually(t, ui, "the demo store", func() bool { return !m.next.Disabled() })
	ui.do(func() {
		if !strings.Contains(c.stores.Selected, "OpenCart 3.0") {
			t.Errorf("store %q", c.stores.Selected)
		}
	})
}
