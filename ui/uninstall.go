package ui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/ocsetup/ocsetup/app"
)

// uninstaller is the Uninstall action, on the Connect screen of a site
// (a saved one included) and at the end of the wizard: it asks first,
// then reverses the newest setup on the connected store with the engine
// of `ocsetup uninstall` (app.Session.Uninstall), with a progress bar, a
// Cancel button and what was undone. A second run says there is nothing
// to undo.
type uninstaller struct {
	wiz    *app.Wizard
	win    fyne.Window
	button *widget.Button
	job    *job
	// confirm and progress are the dialogs on screen (nil before).
	confirm  *dialog.ConfirmDialog
	progress dialog.Dialog
	// result is the last outcome as shown, for tests.
	result string
	// done is called on the UI goroutine after each run (tests wait on it).
	done func()
}

func newUninstaller(wiz *app.Wizard, win fyne.Window, do func(func())) *uninstaller {
	u := &uninstaller{wiz: wiz, win: win, job: newJob(wiz)}
	u.job.do = do
	u.button = widget.NewButton(T("uninstall.button"), u.ask)
	return u
}

func (u *uninstaller) ask() {
	st, ok := u.wiz.Session.Store()
	if !ok {
		return
	}
	text := widget.NewLabel(TF("uninstall.text", Args{"Root": st.Root}))
	text.Wrapping = fyne.TextWrapWord
	u.confirm = dialog.NewCustomConfirm(T("uninstall.title"), T("uninstall.start"), T("common.cancel"), text, func(ok bool) {
		if ok {
			u.start()
		}
	}, u.win)
	u.confirm.Resize(fyne.NewSize(560, 260))
	u.confirm.Show()
}

// start runs the uninstall in the background; the dialog shows its
// progress, Cancel, and the result.
func (u *uninstaller) start() {
	u.result = ""
	u.button.Disable()
	u.progress = dialog.NewCustom(T("uninstall.title"), T("uninstall.close"), container.NewVScroll(u.job.object()), u.win)
	u.progress.Resize(fyne.NewSize(620, 360))
	u.progress.Show()
	var res *app.UninstallResult
	u.job.run(T("uninstall.running"), func(ctx context.Context) error {
		var err error
		res, err = u.wiz.Session.Uninstall(ctx)
		return err
	}, func(err error) {
		u.button.Enable()
		switch {
		case err == nil && res != nil:
			u.result = uninstallText(res)
			u.job.ok(u.result)
		case res != nil:
			// What was undone before the failure, under Details.
			u.job.setDetails(uninstallText(res))
			u.result = u.job.status.Text
		default:
			u.result = u.job.status.Text
		}
		if u.done != nil {
			u.done()
		}
	})
}

// addFinishUninstall puts the Uninstall action under the Finish step's
// summary.
func (m *Main) addFinishUninstall() {
	m.finishUninstall = newUninstaller(m.wiz, m.Window, fyne.Do)
	m.finish.object = container.NewBorder(nil, container.NewPadded(container.NewHBox(m.finishUninstall.button)), nil, nil, m.finish.object)
}
