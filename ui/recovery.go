package ui

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/ocsetup/ocsetup/app"
	"github.com/ocsetup/ocsetup/installer/deploy"
	"github.com/ocsetup/ocsetup/installer/journal"
	"github.com/ocsetup/ocsetup/installer/msg"
)

// recoveryDialog tells what earlier, killed runs left on the site and
// what connecting removed (the engine's recoverSite, as apply does), and
// offers what they interrupted: an upload (roll it back now, or finish it
// by uploading the same package) and a setup (undo it now, or complete it
// by walking the wizard again). The texts naming each item are the
// engine's, the same the command line prints.
type recoveryDialog struct {
	wiz    *app.Wizard
	dialog dialog.Dialog
	// text is every line shown, for tests.
	text []string
	job  *job
	// buttons offer each interrupted item; disabled once acted on.
	rollback map[string]*widget.Button
	undo     map[string]*widget.Button
	box      *fyne.Container
	scroll   *container.Scroll
}

func (s *connectScreen) showRecovery(res *app.ConnectResult) {
	s.recovery = newRecoveryDialog(s.wiz, s.win, s.do, res)
}

func newRecoveryDialog(wiz *app.Wizard, win fyne.Window, do func(func()), res *app.ConnectResult) *recoveryDialog {
	r := &recoveryDialog{wiz: wiz, job: newJob(wiz), rollback: map[string]*widget.Button{}, undo: map[string]*widget.Button{}}
	r.job.do = do
	r.box = container.NewVBox()
	para := func(text string, imp widget.Importance) {
		l := widget.NewLabel(text)
		l.Wrapping = fyne.TextWrapWord
		l.Importance = imp
		r.box.Add(l)
		r.text = append(r.text, text)
	}
	for _, c := range res.Recovery.RemovedMsgs() {
		para(TF("connect.recovery.removed", Args{"Path": MsgText(c)}), widget.MediumImportance)
	}
	for _, n := range res.NoteErrors {
		para(ErrorText(n), widget.DangerImportance)
	}
	for _, m := range res.Pending {
		para(MsgText(app.PendingNoticeMsg(m))+" "+T("connect.recovery.pending_how"), widget.WarningImportance)
		b := widget.NewButton(T("connect.recovery.rollback"), nil)
		b.OnTapped = func() { r.rollbackUpload(m) }
		r.rollback[m.ID] = b
		r.box.Add(container.NewHBox(b))
	}
	for _, j := range res.Interrupted {
		para(MsgText(app.InterruptedNoticeMsg(j))+" "+T("connect.recovery.interrupted_how"), widget.WarningImportance)
		b := widget.NewButton(T("connect.recovery.undo"), nil)
		b.OnTapped = func() { r.undoSetup(j) }
		r.undo[j.ID] = b
		r.box.Add(container.NewHBox(b))
	}
	r.box.Add(r.job.object())
	title, dismiss := T("connect.recovery.leftover_title"), T("common.ok")
	if len(res.Pending)+len(res.Interrupted) > 0 {
		title, dismiss = T("connect.recovery.interrupted_title"), T("common.later")
	}
	r.scroll = container.NewVScroll(r.box)
	r.dialog = dialog.NewCustom(title, dismiss, r.scroll, win)
	r.dialog.Resize(fyne.NewSize(640, 520))
	r.dialog.Show()
	return r
}

// busy disables every offer while one runs.
func (r *recoveryDialog) busy(on bool) {
	// The progress and the outcome are at the bottom.
	defer r.scroll.ScrollToBottom()
	for _, b := range r.rollback {
		if on {
			b.Disable()
		} else if b.Text != T("connect.recovery.done") {
			b.Enable()
		}
	}
	for _, b := range r.undo {
		if on {
			b.Disable()
		} else if b.Text != T("connect.recovery.done") {
			b.Enable()
		}
	}
}

func (r *recoveryDialog) rollbackUpload(m *deploy.Manifest) {
	r.busy(true)
	r.job.run(T("connect.recovery.rolling_back"), func(ctx context.Context) error {
		return r.wiz.Session.RollbackInterrupted(ctx, m)
	}, func(err error) {
		if err == nil {
			r.rollback[m.ID].SetText(T("connect.recovery.done"))
			r.rollback[m.ID].Disable()
			r.job.ok(T("connect.recovery.rolled_back"))
		}
		r.busy(false)
	})
}

func (r *recoveryDialog) undoSetup(j *journal.Journal) {
	r.busy(true)
	var res *app.UninstallResult
	r.job.run(T("connect.recovery.undoing"), func(ctx context.Context) error {
		var err error
		res, err = r.wiz.Session.UndoInterrupted(ctx, j)
		return err
	}, func(err error) {
		if res != nil {
			if err == nil {
				r.undo[j.ID].SetText(T("connect.recovery.done"))
				r.undo[j.ID].Disable()
				r.job.ok(uninstallText(res))
			} else {
				r.job.setDetails(uninstallText(res))
			}
		}
		r.busy(false)
	})
}

// uninstallText says what an uninstall did, in the engine's words.
func uninstallText(res *app.UninstallResult) string {
	if res.Nothing != "" {
		return msgOr(res.NothingMsg, res.Nothing)
	}
	var b strings.Builder
	b.WriteString(TF("uninstall.done", Args{"Journal": res.Journal}))
	for i, d := range res.Done {
		b.WriteString("\n• " + msgOr(msgAt(res.DoneMsgs, i), d))
	}
	if len(res.Done)+len(res.Left) == 0 {
		b.WriteString("\n" + T("uninstall.no_changes"))
	}
	if len(res.Left) > 0 {
		b.WriteString("\n" + T("uninstall.left"))
		for i, l := range res.Left {
			b.WriteString("\n• " + msgOr(msgAt(res.LeftMsgs, i), l))
		}
	}
	return b.String()
}

// msgOr is m in the user's language, or own (the engine's English) when
// m is zero.
func msgOr(m msg.Msg, own string) string {
	if m.IsZero() {
		return own
	}
	return MsgText(m)
}

// msgAt is ms[i], or the zero Msg past its end.
func msgAt(ms []msg.Msg, i int) msg.Msg {
	if i < len(ms) {
		return ms[i]
	}
	return msg.Msg{}
}
