package ui

import (
	"strings"

	"fyne.io/fyne/v2"

	"github.com/ocsetup/ocsetup/app"
)

// bindKeys makes the wizard usable from the keyboard alone. Tab and
// Shift+Tab move between the fields in the order they are shown (Fyne's
// own focus order); Space presses a focused button or chooses a focused
// option; Enter presses the step's main button (primary): from a text
// field, or when nothing has the focus.
//
// Fyne's option buttons and check boxes take no Enter, so choosing an
// option (with Space or the mouse) gives the focus up: the Enter that
// follows reaches the window and goes on.
func (m *Main) bindKeys() {
	m.Window.Canvas().SetOnTypedKey(func(ev *fyne.KeyEvent) {
		if ev.Name == fyne.KeyReturn || ev.Name == fyne.KeyEnter {
			m.primary()
		}
	})
	chosen := m.welcome.choices.OnChanged
	m.welcome.choices.OnChanged = func(name string) {
		if chosen != nil {
			chosen(name)
		}
		m.Window.Canvas().Unfocus()
	}
	m.connect.submit = m.primary
}

// primary presses the current step's main button: on Connect, "Connect"
// until the form's site is connected and its store chosen, then Next;
// on every other step, Next once the step is done.
func (m *Main) primary() {
	if m.wiz.Current() == app.StepConnect && !m.connect.connectedAsTyped() {
		if !m.connect.connect.Disabled() {
			m.connect.start()
		}
		return
	}
	if m.wiz.CanNext() {
		m.wiz.Next()
	}
}

// connectedAsTyped reports whether the session is connected to the site
// the form shows and a store is chosen: Enter then goes on rather than
// connecting again.
func (s *connectScreen) connectedAsTyped() bool {
	if !s.wiz.Done(app.StepConnect) {
		return false
	}
	typed, err := s.site()
	if err != nil {
		return false
	}
	got, ok := s.wiz.Session.Site()
	return ok && got.Protocol == typed.Protocol && strings.EqualFold(got.Host, typed.Host) &&
		got.Port == typed.Port && got.User == typed.User
}
