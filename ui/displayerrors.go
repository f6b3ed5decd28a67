package ui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/ocsetup/ocsetup/app"
)

// displayErrorsOffer is the Settings step's question about a store that
// prints PHP messages into its pages: it says what the switch changes and
// that Uninstall undoes it; accepted, it runs the engine call of `apply
// --display-errors-off`; declined, the step says what will not work.
type displayErrorsOffer struct {
	wiz *app.Wizard
	win fyne.Window
	job *job
	// note is the step's line about Display Errors; switchBtn switches it
	// off after all, once declined.
	note      *widget.Label
	switchBtn *widget.Button
	object    fyne.CanvasObject
	// found is what the storefront printed (zero when nothing).
	found app.PHPMessages
	// asked: the merchant answered once in this session.
	asked  bool
	dialog *dialog.ConfirmDialog
}

func newDisplayErrorsOffer(wiz *app.Wizard, win fyne.Window, j *job) *displayErrorsOffer {
	o := &displayErrorsOffer{wiz: wiz, win: win, job: j}
	o.note = widget.NewLabel("")
	o.note.Wrapping = fyne.TextWrapWord
	o.note.Hide()
	o.switchBtn = widget.NewButton(T("displayerrors.switch"), o.switchOff)
	o.switchBtn.Hide()
	o.object = container.NewVBox(o.note, container.NewHBox(o.switchBtn))
	return o
}

// look runs in the Settings step's job, before the form shows.
func (o *displayErrorsOffer) look(ctx context.Context) {
	found, err := o.wiz.Session.StorefrontPHPMessages(ctx)
	if err == nil {
		o.found = found
	}
}

// offer asks, once, when the storefront printed PHP messages.
func (o *displayErrorsOffer) offer() {
	if o.found.Count == 0 || o.asked {
		return
	}
	text := widget.NewLabel(TF("displayerrors.text", Args{"Count": o.found.Count, "Example": o.found.Example}))
	text.Wrapping = fyne.TextWrapWord
	o.dialog = dialog.NewCustomConfirm(T("displayerrors.title"), T("displayerrors.switch"), T("displayerrors.keep"),
		container.NewVScroll(text), func(ok bool) {
			o.asked = true
			if ok {
				o.switchOff()
				return
			}
			o.declined()
		}, o.win)
	o.dialog.Resize(fyne.NewSize(620, 440))
	o.dialog.Show()
}

func (o *displayErrorsOffer) declined() {
	o.say(T("displayerrors.declined"), widget.WarningImportance)
	o.switchBtn.Show()
}

func (o *displayErrorsOffer) switchOff() {
	o.switchBtn.Hide()
	var out *app.DisplayErrorsOutcome
	o.job.run(T("displayerrors.switching"), func(ctx context.Context) error {
		var err error
		out, err = o.wiz.Session.SwitchDisplayErrorsOff(ctx)
		return err
	}, func(err error) {
		switch {
		case err != nil:
			o.declined()
		case out.Reverted != "":
			o.job.ok("")
			o.say(out.Reverted, widget.WarningImportance)
		default:
			o.job.ok("")
			o.say(T("displayerrors.switched"), widget.SuccessImportance)
		}
	})
}

func (o *displayErrorsOffer) say(text string, imp widget.Importance) {
	o.note.Importance = imp
	o.note.SetText(text)
	o.note.Show()
}
