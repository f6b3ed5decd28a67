package ui

import (
	"context"
	"io"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/ocsetup/ocsetup/app"
	"github.com/ocsetup/ocsetup/installer/msg"
	"github.com/ocsetup/ocsetup/ui/syncview"
)

// syncScreen starts the sync engine on the store and shows the sync view.
type syncScreen struct {
	object fyne.CanvasObject
	wiz    *app.Wizard
	win    fyne.Window
	body   *fyne.Container
	start  *widget.Button
	job    *job
	sess   *app.SyncSession
	// warning says that the bridge works over plain HTTP, as `ocsetup
	// sync` does on stderr; hidden until the engine connects that way.
	warning *widget.Label
	stop    context.CancelFunc
	// done is closed when the engine and the view have both stopped.
	done chan struct{}
}

func newSyncScreen(wiz *app.Wizard, win fyne.Window) *syncScreen {
	s := &syncScreen{wiz: wiz, win: win, job: newJob(wiz)}
	s.start = widget.NewButton(T("sync.start"), s.run)
	s.start.Importance = widget.HighImportance
	s.job.busyOff = []*widget.Button{s.start}
	s.warning = widget.NewLabel("")
	s.warning.Wrapping = fyne.TextWrapWord
	s.warning.Importance = widget.WarningImportance
	s.warning.Hide()
	s.body = container.NewStack(container.NewVBox(
		screenTitle(T("sync.title"), T("sync.intro")),
		s.start, s.job.object()))
	s.object = container.NewPadded(s.body)
	return s
}

func (s *syncScreen) run() {
	var sess *app.SyncSession
	s.job.run(T("sync.opening"), func(ctx context.Context) (err error) {
		// The engine connects at its first poll and again when the route
		// fails: the warning comes from its goroutine, whenever that is.
		sess, err = s.wiz.Session.OpenSync(ctx, s.wiz.Integration().ID, io.Discard, func(m msg.Msg) {
			s.job.do(func() { s.warn(m) })
		})
		return err
	}, func(err error) {
		if err != nil {
			return
		}
		s.sess = sess
		ctx, cancel := context.WithCancel(context.Background())
		s.stop = cancel
		ran := make(chan struct{})
		go func() {
			defer close(ran)
			_ = sess.Engine.Run(ctx)
		}()
		v := syncview.New(sess.Engine, s.win)
		v.RunOnUI = s.job.do
		followed := v.Follow(ctx)
		s.done = make(chan struct{})
		go func() {
			<-ran
			<-followed
			close(s.done)
		}()
		// The view scrolls inside itself: one scroll area on the page,
		// with the warning above it.
		s.body.Objects = []fyne.CanvasObject{container.NewBorder(s.warning, nil, nil, nil, v)}
		s.body.Refresh()
		s.wiz.SetDone(app.StepSync, true)
	})
}

// warn shows a warning about plain HTTP in the user's language.
func (s *syncScreen) warn(m msg.Msg) {
	s.warning.SetText(s.job.redact(MsgText(m)))
	s.warning.Show()
}

// close stops the engine when the window closes, and waits until neither
// it nor the view touches anything any more.
func (s *syncScreen) close() {
	if s.stop != nil {
		s.stop()
	}
	if s.done != nil {
		<-s.done
	}
	if s.sess != nil {
		_ = s.sess.Close()
	}
}
