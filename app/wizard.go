package app

import "github.com/ocsetup/ocsetup/installer/integrations"

// Step is one screen of the wizard.
type Step int

// The wizard's steps, in order. An integration uses only the steps its
// profile needs (Path): Amazon Payment Services has no API access step.
const (
	StepWelcome Step = iota
	StepConnect
	StepPackage
	// StepCredentials reaches the store's database ("Database access").
	StepCredentials
	// StepAccess makes the integration's API user ("API access").
	StepAccess
	StepSettings
	StepTest
	StepSync
	StepFinish
	stepCount
)

// stepIDs are stable names of the steps (translation keys use them);
// stepTitles say what the merchant does there, in English.
var (
	stepIDs    = [stepCount]string{"Welcome", "Connect", "Package", "Credentials", "Access", "Settings", "Test", "Sync", "Finish"}
	stepTitles = [stepCount]string{"Welcome", "Connect", "Package", "Database access", "API access", "Settings", "Test", "Sync", "Finish"}
)

// Title is the step's name in English, as the merchant reads it.
func (s Step) Title() string {
	if s < 0 || s >= stepCount {
		return "unknown"
	}
	return stepTitles[s]
}

func (s Step) String() string {
	if s < 0 || s >= stepCount {
		return "unknown"
	}
	return stepIDs[s]
}

// Steps lists every step in order.
func Steps() []Step {
	out := make([]Step, stepCount)
	for i := range out {
		out[i] = Step(i)
	}
	return out
}

// PathFor is the steps an integration walks, in order: the API access step
// only when it needs the store's API user, Sync only when there is data or
// a job to watch.
func PathFor(p integrations.Profile) []Step {
	n := p.Needs()
	var out []Step
	for _, s := range Steps() {
		if (s == StepAccess && !n.APIUser) || (s == StepSync && !n.Sync) {
			continue
		}
		out = append(out, s)
	}
	return out
}

// optional steps may be passed without doing anything on them.
func optional(s Step) bool { return s == StepSync }

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
// the other files the app keeps; reg is the integrations it offers.
func NewWizard(dataDir string, reg *integrations.Registry) *Wizard {
	return &Wizard{Session: NewSession(dataDir, reg)}
}

// Integrations are the integrations the wizard offers.
func (w *Wizard) Integrations() *integrations.Registry { return w.Session.reg }

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
	p, ok := w.Session.reg.ByID(id)
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

// Path is the steps of the chosen integration (every step before one is
// chosen).
func (w *Wizard) Path() []Step {
	if w.integration.ID == "" {
		return Steps()
	}
	return PathFor(w.integration)
}

// index is the position of s in the path, -1 when s is not on it.
func (w *Wizard) index(s Step) int {
	for i, p := range w.Path() {
		if p == s {
			return i
		}
	}
	return -1
}

// passed reports whether Next may leave s.
func (w *Wizard) passed(s Step) bool { return w.Done(s) || optional(s) }

// CanNext reports whether the current step is complete, so Next may be used.
func (w *Wizard) CanNext() bool {
	i, path := w.index(w.current), w.Path()
	return i >= 0 && i < len(path)-1 && w.passed(w.current)
}

// CanBack reports whether there is a step before this one.
func (w *Wizard) CanBack() bool { return w.index(w.current) > 0 }

// Next moves on when the current step is complete.
func (w *Wizard) Next() bool {
	if !w.CanNext() {
		return false
	}
	w.current = w.Path()[w.index(w.current)+1]
	w.changed()
	return true
}

// Back returns to the previous step; nothing done is forgotten.
func (w *Wizard) Back() bool {
	if !w.CanBack() {
		return false
	}
	w.current = w.Path()[w.index(w.current)-1]
	w.changed()
	return true
}

// CanGo reports whether the side bar may open s: a step on the path whose
// steps before it are all complete (a done step can be revisited, the
// next one to do can be reached, nothing can be skipped).
func (w *Wizard) CanGo(s Step) bool {
	i := w.index(s)
	if i < 0 {
		return false
	}
	for _, p := range w.Path()[:i] {
		if !w.passed(p) {
			return false
		}
	}
	return true
}

// GoTo opens s from the side bar when CanGo allows it.
func (w *Wizard) GoTo(s Step) bool {
	if !w.CanGo(s) {
		return false
	}
	if s != w.current {
		w.current = s
		w.changed()
	}
	return true
}
