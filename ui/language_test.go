package ui

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/ocsetup/ocsetup/app"
	"github.com/ocsetup/ocsetup/assets"
	"github.com/ocsetup/ocsetup/installer/integrations"
	"github.com/ocsetup/ocsetup/ui/tr"
)

// TestChooseLanguage: on an English system the merchant picks Русский on
// the Welcome screen. The choice is saved, the window program is started
// again (Restart), and the window it builds is in Russian, plural forms
// included; picking the system's language again brings English back. A
// program that cannot start again says the language applies next time.
func TestChooseLanguage(t *testing.T) {
	inLocale(t, "en_US.UTF-8")
	t.Cleanup(func() { tr.SetLanguage("") })
	ru := translationFile(t, "ru")
	a := test.NewTempApp(t)
	dir := t.TempDir()
	m := NewMain(a, app.NewWizard(dir, integrations.Builtin()))
	restarts := 0
	m.Restart = func() error { restarts++; return nil }
	if got := m.languageMenu.Selected; got != T("language.system") {
		t.Fatalf("the menu shows %q at first, want the system's language", got)
	}
	if T("welcome.title") == ru["welcome.title"] {
		t.Fatal("Russian before anything was chosen")
	}

	m.languageMenu.SetSelected("Русский")
	if got := a.Preferences().String(LanguagePref); got != "ru" || restarts != 1 {
		t.Fatalf("after choosing Русский: preference %q, %d restarts; want \"ru\" and 1", got, restarts)
	}
	// The program as it starts again: the saved language, then the window.
	ApplyLanguage(a.Preferences())
	m2 := NewMain(a, app.NewWizard(dir, integrations.Builtin()))
	if !holdsText(m2.Window.Content(), ru["welcome.title"].(string)) {
		t.Errorf("the new window's Welcome screen is not in Russian")
	}
	if got := m2.languageMenu.Selected; got != "Русский" {
		t.Errorf("the new window's menu shows %q", got)
	}
	forms := ru["connect.found_many"].(map[string]any)
	for n, form := range map[int]string{1: "one", 2: "few", 5: "many", 11: "many", 21: "one", 22: "few", 112: "many"} {
		want := strings.ReplaceAll(forms[form].(string), "{{.Count}}", strconv.Itoa(n))
		if got := TN("connect.found_many", n, nil); got != want {
			t.Errorf("%d stores: %q, want %q", n, got, want)
		}
	}

	m2.Restart = func() error { restarts++; return nil }
	m2.languageMenu.SetSelected(T("language.system"))
	if got := a.Preferences().String(LanguagePref); got != "" || restarts != 2 {
		t.Fatalf("after choosing the system's language: preference %q, %d restarts", got, restarts)
	}
	if got := T("welcome.title"); got == ru["welcome.title"] {
		t.Errorf("still Russian on an English system: %q", got)
	}

	// No way to start again: told, and the choice still saved.
	m3 := NewMain(a, app.NewWizard(dir, integrations.Builtin()))
	m3.languageMenu.SetSelected("English")
	if got := a.Preferences().String(LanguagePref); got != "en" {
		t.Fatalf("preference %q, want \"en\"", got)
	}
	if top := m3.Window.Canvas().Overlays().Top(); top == nil || !holdsText(top, T("language.next_start")) {
		t.Errorf("no word that the language applies at the next start")
	}
}

// TestChooseEnglishOnRussianSystem: English chosen on a Russian system is
// English, whatever the system says.
func TestChooseEnglishOnRussianSystem(t *testing.T) {
	inLocale(t, "ru_RU.UTF-8")
	t.Cleanup(func() { tr.SetLanguage("") })
	en := translationFile(t, "en")
	if T("welcome.title") == en["welcome.title"] {
		t.Fatal("English on a Russian system before anything was chosen")
	}
	tr.SetLanguage("en")
	if got := T("welcome.title"); got != en["welcome.title"] {
		t.Fatalf("English chosen: %q", got)
	}
	if got, want := TN("connect.found_many", 3, nil), "Connected. Found 3 stores; choose one:"; got != want {
		t.Fatalf("%q, want %q", got, want)
	}
}

func translationFile(t *testing.T, name string) map[string]any {
	t.Helper()
	b, err := assets.Translations.ReadFile(assets.TranslationsDir + "/" + name + ".json")
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}
