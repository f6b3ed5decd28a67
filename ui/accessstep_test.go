package ui

import (
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/ocsetup/ocsetup/app"
	"github.com/ocsetup/ocsetup/installer/integrations"
)

// TestAccessScreenOwnUserShowsKey: where the connector's key is not
// checked against "Default" (any line but 3.0), ocsetup creates its own
// user with a new key, and the screen shows that key and says so; the
// 3.0 screen, which keeps Default's key and hides it, is walked on the
// real 3.0 store in TestWalkOneBox.
func TestAccessScreenOwnUserShowsKey(t *testing.T) {
	a := test.NewTempApp(t)
	wiz := app.NewWizard(t.TempDir(), integrations.Builtin())
	t.Cleanup(func() { wiz.Session.Close() })
	m := NewMain(a, wiz)
	m.welcome.selectID("onebox")
	ac := m.access
	// prepare reads the store's API users in a job; its result reaches
	// the widgets through the serialiser, and the test waits for it, so
	// that no job of this test runs on into the next one.
	ui := &serial{}
	ac.job.do = ui.do
	ui.do(ac.prepare)
	eventually(t, ui, "the API users' reading to end", func() bool { return !ac.job.bar.Visible() })
	ui.mu.Lock()
	defer ui.mu.Unlock()
	if ac.ownName == app.KeyOnlyUser || ac.keepsKey() {
		t.Fatalf("own user %q, keeps key %v without a 3.0 store", ac.ownName, ac.keepsKey())
	}
	if want := TF("access.user.own", Args{"Name": ac.ownName}); ac.choice.Selected != want {
		t.Errorf("choice %q, want %q", ac.choice.Selected, want)
	}
	if !ac.keyBox.Visible() || len(ac.key.Text) < 64 || ac.apply.Text != T("access.apply.own") || ac.intro.Text != T("access.intro") {
		t.Errorf("key shown %v (%d characters), button %q, intro %q", ac.keyBox.Visible(), len(ac.key.Text), ac.apply.Text, ac.intro.Text)
	}
}
