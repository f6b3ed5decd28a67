package ui

import (
	"context"
	"errors"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/ocsetup/ocsetup/app"
	"github.com/ocsetup/ocsetup/installer/db"
	"github.com/ocsetup/ocsetup/installer/remote"
)

// job runs one piece of network work for a screen: in a goroutine, with a
// Cancel button, a progress bar and a status line; results reach the
// widgets only through do (fyne.Do, or a serialiser in tests).
type job struct {
	do        func(func())
	cancel    context.CancelFunc
	bar       *widget.ProgressBarInfinite
	cancelBtn *widget.Button
	status    *widget.Label
	details   *widget.Label
	detailBox *widget.Accordion
	// busyOff are buttons disabled while the job runs.
	busyOff []*widget.Button
	// redact hides the session's secrets in every text the job shows: a
	// server's reply quoted in an error may hold one.
	redact func(string) string
}

func newJob(wiz *app.Wizard) *job {
	j := &job{do: fyne.Do, redact: wiz.Session.Redact}
	j.bar = widget.NewProgressBarInfinite()
	j.bar.Stop()
	j.bar.Hide()
	j.cancelBtn = widget.NewButton(T("common.cancel"), func() {
		if j.cancel != nil {
			j.cancel()
		}
	})
	j.cancelBtn.Hide()
	j.status = widget.NewLabel("")
	j.status.Wrapping = fyne.TextWrapWord
	j.details = widget.NewLabel("")
	j.details.Wrapping = fyne.TextWrapWord
	j.details.TextStyle.Monospace = true
	j.detailBox = widget.NewAccordion(widget.NewAccordionItem(T("common.details"), j.details))
	j.detailBox.Hide()
	return j
}

// object is the job's part of a screen: status, bar, Cancel and details.
func (j *job) object() fyne.CanvasObject {
	return container.NewVBox(container.NewBorder(nil, nil, nil, j.cancelBtn, j.bar), j.status, j.detailBox)
}

// run starts work; finish runs on the UI goroutine with its error.
func (j *job) run(msg string, work func(ctx context.Context) error, finish func(err error)) {
	ctx, cancel := context.WithCancel(context.Background())
	j.cancel = cancel
	for _, b := range j.busyOff {
		b.Disable()
	}
	j.cancelBtn.Show()
	j.bar.Show()
	j.bar.Start()
	j.detailBox.Hide()
	j.status.Importance = widget.MediumImportance
	j.status.SetText(j.redact(msg))
	go func() {
		err := work(ctx)
		cancel()
		j.do(func() {
			for _, b := range j.busyOff {
				b.Enable()
			}
			j.cancelBtn.Hide()
			j.bar.Stop()
			j.bar.Hide()
			if err != nil {
				j.fail(err)
			}
			finish(err)
		})
	}()
}

// fail shows an error: one plain sentence in the user's language, the
// rest and the server's own words under Details.
func (j *job) fail(err error) {
	j.status.Importance = widget.DangerImportance
	// The user cancelled: that is all there is to say, whatever step
	// the work was at.
	var re *remote.Error
	if errors.As(err, &re) && re.Kind == remote.KindCanceled {
		j.status.SetText(MsgText(re.Msg()))
		return
	}
	if errors.Is(err, context.Canceled) && !isKeyed(err) {
		j.status.SetText(T("common.cancelled"))
		return
	}
	first, rest, _ := strings.Cut(j.redact(ErrorText(err)), "\n")
	j.status.SetText(first)
	j.setDetails(strings.TrimSpace(rest + "\n" + technicalDetail(err)))
}

// isKeyed reports whether err is a files error, which says itself that
// the user cancelled.
func isKeyed(err error) bool {
	var re *remote.Error
	return errors.As(err, &re)
}

// technicalDetail is what the server or the library said, for Details:
// the operation and reply of a files error, the cause of a database one.
func technicalDetail(err error) string {
	var re *remote.Error
	if errors.As(err, &re) {
		detail := re.Reply
		if detail == "" && re.Err != nil {
			detail = re.Err.Error()
		}
		return re.Op + ": " + detail
	}
	var de *db.Error
	if errors.As(err, &de) && de.Err != nil {
		return de.Err.Error()
	}
	return ""
}

func (j *job) setDetails(s string) {
	s = strings.TrimSpace(j.redact(s))
	j.details.SetText(s)
	if s != "" {
		j.detailBox.Show()
	}
}

// ok shows success.
func (j *job) ok(msg string) {
	j.status.Importance = widget.SuccessImportance
	j.status.SetText(j.redact(msg))
}

// screenTitle is the bold first line of every screen.
func screenTitle(title, intro string) fyne.CanvasObject {
	t := widget.NewLabelWithStyle(title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	if intro == "" {
		return t
	}
	i := widget.NewLabel(intro)
	i.Wrapping = fyne.TextWrapWord
	return container.NewVBox(t, i)
}
