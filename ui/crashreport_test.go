package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/ocsetup/ocsetup/app"
	"github.com/ocsetup/ocsetup/installer/integrations"
)

// TestCrashLogOfferedOnce: a crash log the last run left in the data
// folder is offered when the app starts (its path shown, copied on a
// click), and not offered again at the next start.
func TestCrashLogOfferedOnce(t *testing.T) {
	dir := t.TempDir()
	// What the runtime wrote into crash.log when a run crashed: the next
	// start moves it aside (RecordCrashes) for the user to be told.
	if err := os.WriteFile(filepath.Join(dir, "crash.log"), []byte("panic: test crash\n\ngoroutine 1 [running]:\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	rec, err := app.RecordCrashes(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer rec.Close()

	a := test.NewTempApp(t)
	m := NewMain(a, app.NewWizard(dir, integrations.Builtin()))
	m.OfferCrashReports(dir)
	if m.crash == nil || len(m.crash.paths) != 1 {
		t.Fatal("the crash was not offered")
	}
	logPath := m.crash.paths[0]
	if b, err := os.ReadFile(logPath); err != nil || !strings.Contains(string(b), "test crash") {
		t.Fatalf("the offered file %s: %v %q", logPath, err, b)
	}
	copyBtn := findButton(m.Window.Canvas(), T("crash.copy"))
	if copyBtn == nil || findButton(m.Window.Canvas(), T("crash.open")) == nil {
		t.Fatal("no Open / Copy buttons")
	}
	test.Tap(copyBtn)
	if got := a.Clipboard().Content(); got != logPath {
		t.Errorf("clipboard %q, want %q", got, logPath)
	}
	if m.crash.status.Text != T("crash.copied") {
		t.Errorf("status %q", m.crash.status.Text)
	}
	test.Tap(findButton(m.Window.Canvas(), T("crash.close")))
	if findButton(m.Window.Canvas(), T("crash.close")) != nil {
		t.Error("the dialog stays after Close")
	}

	// The next start: nothing to offer.
	m2 := NewMain(test.NewTempApp(t), app.NewWizard(dir, integrations.Builtin()))
	m2.OfferCrashReports(dir)
	if m2.crash != nil {
		t.Fatalf("offered again: %v", m2.crash.paths)
	}
}
