package ui

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/ocsetup/ocsetup/app"
	"github.com/ocsetup/ocsetup/installer/integrations"
)

// keys types on a window the way Fyne's desktop driver hands keys out
// (internal/driver/glfw, processKeyPressed and capturesTab): Tab moves the
// focus unless the focused widget takes tabs (a multi-line entry); other
// keys and characters go to the focused widget, or to the window's own
// handlers when nothing has the focus.
type keys struct {
	t *testing.T
	c fyne.Canvas
}

func keyboardOf(t *testing.T, w fyne.Window) keys { return keys{t: t, c: w.Canvas()} }

func (k keys) press(name fyne.KeyName) {
	focused := k.c.Focused()
	if name == fyne.KeyTab {
		if tab, ok := focused.(fyne.Tabbable); !ok || !tab.AcceptsTab() {
			k.c.FocusNext()
			return
		}
	}
	ev := &fyne.KeyEvent{Name: name}
	if focused != nil {
		focused.TypedKey(ev)
	} else if h := k.c.OnTypedKey(); h != nil {
		h(ev)
	}
}

func (k keys) typeText(s string) {
	for _, r := range s {
		if f := k.c.Focused(); f != nil {
			f.TypedRune(r)
		} else if h := k.c.OnTypedRune(); h != nil {
			h(r)
		}
	}
}

// space is the space bar: the key (which presses a button), then its
// character (which chooses an option), as the driver sends both.
func (k keys) space() {
	k.press(fyne.KeySpace)
	k.typeText(" ")
}

// selectAll is Ctrl+A, which the driver hands to the focused widget.
func (k keys) selectAll() {
	if s, ok := k.c.Focused().(fyne.Shortcutable); ok {
		s.TypedShortcut(&fyne.ShortcutSelectAll{})
	}
}

// tabTo presses Tab until the focus satisfies want, at most 60 times.
func (k keys) tabTo(what string, want func(fyne.Focusable) bool) fyne.Focusable {
	k.t.Helper()
	for range 60 {
		k.press(fyne.KeyTab)
		if f := k.c.Focused(); f != nil && want(f) {
			return f
		}
	}
	k.t.Fatalf("Tab never reached %s", what)
	return nil
}

// is matches one widget.
func is(o fyne.CanvasObject) func(fyne.Focusable) bool {
	return func(f fyne.Focusable) bool { fo, ok := f.(fyne.CanvasObject); return ok && fo == o }
}

// within reports whether obj is parent or drawn inside it.
func within(parent, obj fyne.CanvasObject) bool {
	if parent == obj {
		return true
	}
	switch p := parent.(type) {
	case *fyne.Container:
		for _, c := range p.Objects {
			if within(c, obj) {
				return true
			}
		}
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(p).Objects() {
			if within(c, obj) {
				return true
			}
		}
	}
	return false
}

// TestConnectTabOrder: Tab goes through the Connect form in the order it
// is shown, the key picker right after the key field; Shift+Tab would go
// back the same way (Fyne walks the same tree backwards).
func TestConnectTabOrder(t *testing.T) {
	a := test.NewTempApp(t)
	wiz := app.NewWizard(t.TempDir(), integrations.Builtin())
	defer wiz.Session.Close()
	m := NewMain(a, wiz)
	m.Window.Resize(fyne.NewSize(1024, 700))
	m.welcome.selectID("onebox")
	test.Tap(m.next)
	c := m.connect
	kb := keyboardOf(t, m.Window)
	kb.tabTo("the hosting panel choice", is(c.preset))
	want := []struct {
		name string
		obj  fyne.CanvasObject
	}{
		{"protocol", c.protocol}, {"server", c.host}, {"port", c.port}, {"user", c.user},
		{"password", c.pass}, {"private key", c.keyFile}, {"key picker", c.keyPick}, {"folder", c.folder},
		{"connect button", c.connect},
	}
	for _, w := range want {
		kb.press(fyne.KeyTab)
		if got := m.Window.Canvas().Focused(); !is(w.obj)(got) {
			t.Fatalf("after Tab the focus is on %T, not the %s", got, w.name)
		}
	}

	// With FTP the key field and its picker are off and skipped; the
	// plain-FTP check box takes their place after the folder.
	c.protocol.SetSelected(T("connect.protocol.ftp"))
	m.Window.Canvas().Unfocus()
	kb.tabTo("the password", is(c.pass))
	kb.press(fyne.KeyTab)
	if got := m.Window.Canvas().Focused(); got != c.folder {
		t.Fatalf("with FTP, Tab after the password goes to %T, not the folder", got)
	}
	kb.press(fyne.KeyTab)
	if got := m.Window.Canvas().Focused(); got != c.allowPlain {
		t.Fatalf("with FTP, Tab after the folder goes to %T, not the plain-FTP check box", got)
	}
}

// TestKeyboardOnlyWelcomeToConnect walks from Welcome to the Package step
// with keys alone, against the demo store: Tab to the first integration,
// Space chooses it, Enter goes on; on Connect the fields are typed in
// their Tab order, Enter in the folder field connects, Tab and Space
// trust the host key in the dialog, and Enter goes on once the store is
// found.
func TestKeyboardOnlyWelcomeToConnect(t *testing.T) {
	useDemoProgram(t)
	program, err := app.FindDemoProgram(os.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	demo, stop, err := app.StartDemo(ctx, program, "", "en")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = stop() }()
	site := demo.Site.Remote()

	a := test.NewTempApp(t)
	wiz := app.NewWizard(t.TempDir(), integrations.Builtin())
	defer wiz.Session.Close()
	m := NewMain(a, wiz)
	ui := &serial{}
	c := m.connect
	c.do = ui.do
	kb := keyboardOf(t, m.Window)

	ui.do(func() {
		m.Window.Resize(fyne.NewSize(1024, 700))
		kb.tabTo("an integration option", func(f fyne.Focusable) bool {
			fo, ok := f.(fyne.CanvasObject)
			return ok && within(m.welcome.choices, fo)
		})
		kb.space()
		if wiz.Integration().ID == "" || m.welcome.choices.Selected == "" {
			t.Fatal("Space on the focused option chose nothing")
		}
		kb.press(fyne.KeyReturn)
		if wiz.Current() != app.StepConnect {
			t.Fatalf("Enter after choosing left the wizard on %v", wiz.Current())
		}

		kb.tabTo("the server field", is(c.host))
		kb.typeText(site.Host)
		kb.press(fyne.KeyTab)
		kb.selectAll()
		kb.typeText(strconv.Itoa(site.Port))
		kb.press(fyne.KeyTab)
		kb.typeText(site.User)
		kb.press(fyne.KeyTab)
		kb.typeText(site.Password)
		kb.press(fyne.KeyTab) // the private key: none
		kb.press(fyne.KeyTab) // its picker
		kb.press(fyne.KeyTab)
		if m.Window.Canvas().Focused() != c.folder {
			t.Fatalf("the focus is on %T, not the folder", m.Window.Canvas().Focused())
		}
		kb.typeText(demo.StoreRoot)
		kb.press(fyne.KeyReturn)
	})

	eventually(t, ui, "the host key dialog", func() bool {
		return findButton(m.Window.Canvas(), T("connect.trust.confirm")) != nil
	})
	ui.do(func() {
		trust := findButton(m.Window.Canvas(), T("connect.trust.confirm"))
		kb.tabTo("the trust button", is(trust))
		kb.space()
	})
	eventually(t, ui, "the store", func() bool { return !m.next.Disabled() })
	ui.do(func() {
		if c.host.Text != site.Host || c.port.Text != strconv.Itoa(site.Port) || c.user.Text != site.User || c.folder.Text != demo.StoreRoot {
			t.Errorf("typed form: %q %q %q %q", c.host.Text, c.port.Text, c.user.Text, c.folder.Text)
		}
		kb.press(fyne.KeyReturn)
		if wiz.Current() != app.StepPackage {
			t.Fatalf("Enter with the store found left the wizard on %v", wiz.Current())
		}
	})
}

// TestEnterWithNothingFocused: Enter reaches the window when no field has
// the focus and presses the step's main button; with no integration
// chosen yet it does nothing.
func TestEnterWithNothingFocused(t *testing.T) {
	a := test.NewTempApp(t)
	wiz := app.NewWizard(t.TempDir(), integrations.Builtin())
	defer wiz.Session.Close()
	m := NewMain(a, wiz)
	kb := keyboardOf(t, m.Window)
	kb.press(fyne.KeyReturn)
	if wiz.Current() != app.StepWelcome {
		t.Fatalf("Enter with nothing chosen went to %v", wiz.Current())
	}
	// A click on an option gives the focus up as well.
	m.welcome.selectID("onebox")
	if f := m.Window.Canvas().Focused(); f != nil {
		t.Fatalf("after choosing, the focus stays on %T", f)
	}
	kb.press(fyne.KeyReturn)
	if wiz.Current() != app.StepConnect {
		t.Fatalf("Enter after choosing left the wizard on %v", wiz.Current())
	}
}
