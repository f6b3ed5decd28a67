package ui

import (
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/ocsetup/ocsetup/app"
	"github.com/ocsetup/ocsetup/installer/integrations"
	"github.com/ocsetup/ocsetup/internal/fixture"
	"github.com/ocsetup/ocsetup/internal/testenv"
)

// serial stands for the UI goroutine in tests: the screen's callbacks from
// its worker goroutines and the test's own actions take turns.
type serial struct{ mu sync.Mutex }

func (s *serial) do(f func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f()
}

// eventually polls cond (read on the UI goroutine) until it holds.
func eventually(t *testing.T, ui *serial, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		var ok bool
		ui.do(func() { ok = cond() })
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// findButton looks for a button with the given text in the window's overlays.
func findButton(c fyne.Canvas, text string) *widget.Button {
	var found *widget.Button
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if found != nil || o == nil {
			return
		}
		if b, ok := o.(*widget.Button); ok && b.Text == text {
			found = b
			return
		}
		if cont, ok := o.(*fyne.Container); ok {
			for _, child := range cont.Objects {
				walk(child)
			}
			return
		}
		if w, ok := o.(fyne.Widget); ok {
			r := test.WidgetRenderer(w)
			for _, child := range r.Objects() {
				walk(child)
			}
		}
	}
	for _, o := range c.Overlays().List() {
		walk(o)
	}
	return found
}

// TestConnectScreenFindsStore drives the Connect screen against the real
// FTPS server: first contact shows the certificate dialog, trusting it
// connects, the store is listed and Next is enabled.
func TestConnectScreenFindsStore(t *testing.T) {
	env := testenv.Get(t)
	ts := env.Site(t, testenv.FTPSReuse)
	st := fixture.New(t, env, ts, fixture.Options{Version: "3.0.3.8"})

	a := test.NewTempApp(t)
	wiz := app.NewWizard(t.TempDir(), integrations.Builtin())
	defer wiz.Session.Close()
	m := NewMain(a, wiz)
	ui := &serial{}
	c := m.connect
	c.do = ui.do
	ui.do(func() {
		m.Window.Resize(fyne.NewSize(960, 700))
		m.welcome.selectID("onebox")
		test.Tap(m.next)
		c.protocol.SetSelected(T(protocols[1].key))
		if c.port.Text != "21" {
			t.Errorf("port for explicit FTPS: %q", c.port.Text)
		}
		test.Type(c.host, ts.Host)
		c.port.SetText(strconv.Itoa(ts.Port))
		test.Type(c.user, ts.User)
		test.Type(c.pass, ts.Password)
		test.Type(c.folder, st.Remote)
		test.Tap(c.connect)
	})

	var trust *widget.Button
	eventually(t, ui, "the certificate dialog", func() bool {
		trust = findButton(m.Window.Canvas(), T("connect.trust.confirm"))
		return trust != nil
	})
	ui.do(func() { test.Tap(trust) })
	eventually(t, ui, "the store list", func() bool { return c.stores.Visible() && c.stores.Selected != "" })
	ui.mu.Lock()
	defer ui.mu.Unlock()
	if !strings.Contains(c.stores.Selected, st.Remote) || !strings.Contains(c.stores.Selected, "3.0.3.8") {
		t.Fatalf("store shown as %q", c.stores.Selected)
	}
	if m.next.Disabled() {
		t.Fatal("Next is disabled with a store chosen")
	}
	if got, ok := wiz.Session.Store(); !ok || got.Root != st.Remote {
		t.Fatalf("session store %+v", got)
	}
}

func TestConnectScreenWrongPassword(t *testing.T) {
	env := testenv.Get(t)
	ts := env.Site(t, testenv.SFTP)
	a := test.NewTempApp(t)
	wiz := app.NewWizard(t.TempDir(), integrations.Builtin())
	m := NewMain(a, wiz)
	ui := &serial{}
	c := newConnectScreen(wiz, m.Window)
	c.do = ui.do
	ui.do(func() {
		test.Type(c.host, ts.Host)
		c.port.SetText(strconv.Itoa(ts.Port))
		test.Type(c.user, ts.User)
		test.Type(c.pass, "wrong")
		test.Tap(c.connect)
	})
	eventually(t, ui, "the host key dialog", func() bool { return findButton(m.Window.Canvas(), T("connect.trust.confirm")) != nil })
	ui.do(func() { test.Tap(findButton(m.Window.Canvas(), T("connect.trust.confirm"))) })
	eventually(t, ui, "the error", func() bool { return strings.Contains(c.status.Text, "did not accept") })
	ui.mu.Lock()
	defer ui.mu.Unlock()
	if !c.detailBox.Visible() || c.details.Text == "" {
		t.Fatal("the server's reply is not one click away")
	}
	if wiz.Done(app.StepConnect) {
		t.Fatal("Connect marked done after a failed login")
	}
}
