package app

import "testing"

func TestWizardNextOnlyWhenStepDone(t *testing.T) {
	w := NewWizard(t.TempDir())
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
	if len(Steps()) != 8 || StepSync.String() != "Sync" || Step(99).String() != "unknown" {
		t.Fatal("step list")
	}
}
