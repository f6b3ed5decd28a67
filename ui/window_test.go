package ui

import (
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/ocsetup/ocsetup/app"
	"github.com/ocsetup/ocsetup/installer/integrations"
)

func TestWelcomeChoiceEnablesNext(t *testing.T) {
	a := test.NewTempApp(t)
	wiz := app.NewWizard(t.TempDir(), integrations.Builtin())
	m := NewMain(a, wiz)
	defer m.Window.Close()

	if !m.next.Disabled() || !m.back.Disabled() {
		t.Fatal("Back/Next enabled before a choice")
	}
	m.welcome.selectID("latitudepay")
	if wiz.Integration().ID != "latitudepay" {
		t.Fatalf("wizard has %q", wiz.Integration().ID)
	}
	if !m.welcome.notice.Visible() {
		t.Fatal("the closure notice of LatitudePay is not shown")
	}
	if m.next.Disabled() {
		t.Fatal("Next still disabled after a choice")
	}
	test.Tap(m.next)
	if wiz.Current() != app.StepConnect {
		t.Fatalf("at %v after tapping Next", wiz.Current())
	}
	test.Tap(m.back)
	if wiz.Current() != app.StepWelcome || m.content.Objects[0] != m.welcome.object {
		t.Fatal("Back did not return to the Welcome screen")
	}
}
