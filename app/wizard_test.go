package app

import (
	"slices"
	"testing"

	"github.com/ocsetup/ocsetup/installer/integrations"
)

func TestWizardNextOnlyWhenStepDone(t *testing.T) {
	w := NewWizard(t.TempDir(), integrations.Builtin())
	changes := 0
	w.OnChange(func() { changes++ })
	if w.CanNext() || w.Next() {
		t.Fatal("Next allowed before an integration was chosen")
	}
	if w.CanBack() {
		t.Fatal("Back allowed on the first step")
	}
	if w.ChooseIntegration("no-such") {
		t.Fatal("unknown integration accepted")
	}
	if !w.ChooseIntegration("onebox") || w.Integration().Name != "OneBox CRM" {
		t.Fatal("integration not chosen")
	}
	if !w.Next() || w.Current() != StepConnect {
		t.Fatalf("at %v after Next", w.Current())
	}
	if w.CanNext() {
		t.Fatal("Next allowed on Connect before connecting")
	}
	if !w.Back() || w.Current() != StepWelcome || !w.Done(StepWelcome) {
		t.Fatal("Back lost the Welcome step")
	}
	if changes != 3 {
		t.Fatalf("%d change notifications, want 3", changes)
	}
	if len(Steps()) != 9 || StepSync.String() != "Sync" || StepFinish.String() != "Finish" || Step(99).String() != "unknown" {
		t.Fatal("step list")
	}
}

// TestPathFollowsTheIntegration: each integration walks only the steps its
// profile needs, and Next and Back skip the others.
func TestPathFollowsTheIntegration(t *testing.T) {
	want := map[string][]Step{
		"amazon_ps":      {StepWelcome, StepConnect, StepPackage, StepCredentials, StepSettings, StepTest, StepSync, StepFinish},
		"onebox":         {StepWelcome, StepConnect, StepPackage, StepCredentials, StepAccess, StepSettings, StepTest, StepSync, StepFinish},
		"despatch_cloud": {StepWelcome, StepConnect, StepPackage, StepCredentials, StepSettings, StepTest, StepFinish},
	}
	for id, path := range want {
		w := NewWizard(t.TempDir(), integrations.Builtin())
		w.ChooseIntegration(id)
		if got := w.Path(); !slices.Equal(got, path) {
			t.Errorf("%s: path %v, want %v", id, got, path)
		}
		var walked []Step
		for {
			walked = append(walked, w.Current())
			w.SetDone(w.Current(), true)
			if !w.Next() {
				break
			}
		}
		if !slices.Equal(walked, path) {
			t.Errorf("%s: walked %v", id, walked)
		}
		for i := len(path) - 1; i > 0; i-- {
			if !w.Back() || w.Current() != path[i-1] {
				t.Errorf("%s: Back from %v reached %v", id, path[i], w.Current())
			}
		}
	}
}

// TestSideBarRevisitsDoneSteps: done steps open from the side bar; a step
// after one that is not done does not.
func TestSideBarRevisitsDoneSteps(t *testing.T) {
	w := NewWizard(t.TempDir(), integrations.Builtin())
	if w.GoTo(StepConnect) {
		t.Fatal("Connect opened before an integration was chosen")
	}
	w.ChooseIntegration("amazon_ps")
	if !w.GoTo(StepConnect) || w.Current() != StepConnect {
		t.Fatal("the next step to do did not open")
	}
	if w.GoTo(StepPackage) || w.GoTo(StepFinish) {
		t.Fatal("a step after one not done opened")
	}
	if w.GoTo(StepAccess) {
		t.Fatal("Amazon Payment Services opened the API access step")
	}
	w.SetDone(StepConnect, true)
	w.SetDone(StepPackage, true)
	if !w.GoTo(StepCredentials) || !w.GoTo(StepWelcome) || w.Current() != StepWelcome {
		t.Fatal("done steps did not open")
	}
	if !w.CanGo(StepPackage) || w.CanGo(StepSettings) {
		t.Fatal("CanGo disagrees with the done steps")
	}
	// Sync is optional: Finish is reachable once Test is done.
	w.SetDone(StepCredentials, true)
	w.SetDone(StepSettings, true)
	w.SetDone(StepTest, true)
	if !w.CanGo(StepFinish) {
		t.Fatal("Finish not reachable past the optional Sync")
	}
}
