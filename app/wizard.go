package app

import "github.com/ocsetup/ocsetup/installer/integrations"

// Step is one screen of the wizard.
type Step int

// The wizard's steps, in order.
const (
	StepWelcome Step = iota
	StepConnect
	StepPackage
	StepCredentials
	StepAccess
	StepSettings
	StepTest
	StepSync
	stepCount
)

var stepTitles = [stepCount]string{"Welcome", "Connect", "Package", "Credentials", "Access", "Settings", "Test", "Sync"}

func (s Step) String() string {
	if s < 0 || s >= stepCount {
		return "unknown"
	}
	return stepTitles[s]
}

// Steps lists every step in order.
func Steps() []Step {
	out := make([]Step, stepCount)
	for i := range out {
		out[i] = Step(i)
	}
	return out
}

// Wizard is the state of one setup: where the user is, what is done, and
// what was chosen. It knows nothing about widgets; the UI renders it and
// calls its methods, the CLI drives the same engine without it.
type Wizard struct {
	current     Step
	done        [stepCount]bool
	integration integrations.Profile
	onChange    []func()
	// Session is the connection to the store's hosting.
	Session *Session
}

// NewWizard starts at the Welcome step; dataDir holds trusted keys and
// the other files the app keeps.
func NewWizard(dataDir string) *Wizard { return &Wizard{Session: NewSession(dataDir)} }

// OnChange registers a function called after every state change.
func (w *Wizard) OnChange(f func()) { w.onChange = append(w.onChange, f) }

func (w *Wizard) changed() {
	for _, f := range w.onChange {
		f()
	}
}

// Current is the step on screen.
func (w *Wizard) Current() Step { return w.current }

// Done reports whether a step has been completed.
func (w *Wizard) Done(s Step) bool { return s >= 0 && s < stepCount && w.done[s] }

// Integration is the chosen profile (zero until chosen).
func (w *Wizard) Integration() integrations.Profile { return w.integration }

// ChooseIntegration records the choice on the Welcome step.
func (w *Wizard) ChooseIntegration(id string) bool {
	p, ok := integrations.ByID(id)
	if !ok {
		return false
	}
	w.integration = p
	w.done[StepWelcome] = true
	w.changed()
	return true
}

// SetDone marks a step complete (or not), enabling Next on it.
func (w *Wizard) SetDone(s Step, done bool) {
	if s < 0 || s >= stepCount || w.done[s] == done {
		return
	}
	w.done[s] = done
	w.changed()
}

// CanNext reports whether the current step is complete, so Next may be used.
func (w *Wizard) CanNext() bool { return w.current < stepCount-1 && w.done[w.current] }

// CanBack reports whether there is a step before this one.
func (w *Wizard) CanBack() bool { return w.current > 0 }

// Next moves on when the current step is complete.
func (w *Wizard) Next() bool {
	if !w.CanNext() {
		return false
	}
	w.current++
	w.changed()
	return true
}

// Back returns to the previous step; nothing done is forgotten.
func (w *Wizard) Back() bool {
	if !w.CanBack() {
		return false
	}
	w.current--
	w.changed()
	return true
}
