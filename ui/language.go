package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/ocsetup/ocsetup/ui/tr"
)

// LanguagePref is the preference that holds the language the user chose
// in the app ("" or missing: the system's).
const LanguagePref = "ui.language"

// ApplyLanguage makes the texts follow the language saved in prefs; the
// window program calls it before it builds the window.
func ApplyLanguage(prefs fyne.Preferences) {
	tr.SetLanguage(prefs.String(LanguagePref))
}

// languageChoice is the Welcome screen's language menu: the system's
// language, or one the app speaks, each named in itself.
func languageChoice(chosen string, onChange func(code string)) *widget.Select {
	names := []string{T("language.system")}
	codes := []string{""}
	selected := names[0]
	for _, l := range tr.Languages {
		names = append(names, l.Name)
		codes = append(codes, l.Code)
		if l.Code == chosen {
			selected = l.Name
		}
	}
	sel := widget.NewSelect(names, nil)
	sel.SetSelected(selected)
	sel.OnChanged = func(name string) {
		for i, n := range names {
			if n == name && codes[i] != chosen {
				chosen = codes[i]
				onChange(chosen)
			}
		}
	}
	return sel
}

// setLanguage saves the language chosen on the Welcome screen and shows
// the window in it: the window program starts again (Restart), which
// loses nothing on the Welcome screen; without Restart (a test, a program
// that cannot) the user is told it applies at the next start.
func (m *Main) setLanguage(code string) {
	fyne.CurrentApp().Preferences().SetString(LanguagePref, code)
	tr.SetLanguage(code)
	if m.Restart != nil {
		m.close()
		if err := m.Restart(); err == nil {
			return
		}
	}
	dialog.ShowInformation(T("language.title"), T("language.next_start"), m.Window)
}
