package ui

import (
	"net/url"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"github.com/ocsetup/ocsetup/app"
)

// crashOffer tells, at start, that ocsetup crashed the last time it ran,
// and offers the crash log from the data folder: open it, copy its path
// (to attach it to a support request), or close. app.TakeCrashReports
// marks each log told, so a crash is offered once, by the GUI or by the
// command line, whichever starts first.
type crashOffer struct {
	dialog dialog.Dialog
	paths  []string
	status *widget.Label
}

// OfferCrashReports shows the crash logs nobody has been told about yet;
// nothing when there are none. Call it once the window exists.
func (m *Main) OfferCrashReports(dataDir string) {
	paths, err := app.TakeCrashReports(dataDir)
	if err != nil || len(paths) == 0 {
		return
	}
	m.crash = newCrashOffer(m.Window, paths)
}

func newCrashOffer(win fyne.Window, paths []string) *crashOffer {
	c := &crashOffer{paths: paths}
	text := widget.NewLabel(T("crash.text"))
	text.Wrapping = fyne.TextWrapWord
	box := container.NewVBox(text)
	// The newest crash is the one the user remembers; the older ones are
	// listed under it.
	newest := paths[len(paths)-1]
	for i := len(paths) - 1; i >= 0; i-- {
		p := widget.NewLabel(paths[i])
		p.TextStyle.Monospace = true
		p.Wrapping = fyne.TextWrapBreak
		box.Add(p)
	}
	c.status = widget.NewLabel("")
	open := widget.NewButton(T("crash.open"), func() {
		u, err := url.Parse(storage.NewFileURI(filepath.Clean(newest)).String())
		if err == nil {
			err = fyne.CurrentApp().OpenURL(u)
		}
		if err != nil {
			c.status.SetText(err.Error())
		}
	})
	cp := widget.NewButton(T("crash.copy"), func() {
		fyne.CurrentApp().Clipboard().SetContent(newest)
		c.status.SetText(T("crash.copied"))
	})
	box.Add(container.NewHBox(open, cp))
	box.Add(c.status)
	c.dialog = dialog.NewCustom(T("crash.title"), T("crash.close"), box, win)
	c.dialog.Resize(fyne.NewSize(620, 300))
	c.dialog.Show()
	return c
}
