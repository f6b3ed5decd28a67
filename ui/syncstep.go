package ui

import (
	"context"
	"io"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/ocsetup/ocsetup/app"
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
	stop   context.CancelFunc
	// done is closed when the engine and the view have both stopped.
	done chan struct{}
}

func newSyncScreen(wiz *app.Wizard, win fyne.Window) *syncScreen {
	s := &syncScreen{wiz: wiz, win: win, job: newJob(wiz)}
	s.start = widget.NewButton(T("sync.start"), s.run)
	s.start.Importance = widget.HighImportance
	s.job.busyOff = []*widget.Button{s.start}
	s.body = container.NewStack(container.NewVBox(
		screenTitle(T("sync.title"), T("sync.intro")),
		s.start, s.job.object()))
	s.object = container.NewPadded(s.body)
	return s
}

func (s *syncScreen) run() {
	var sess *app.SyncSession
	s.job.run(T("sync.opening"), func(ctx context.Context) (err error) {
		sess, err = s.wiz.Session.OpenSync(ctx, s.wiz.Integration().ID, io.Discard)
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
		// The view scrolls inside itself: one scroll area on the page.
		s.body.Objects = []fyne.CanvasObject{v}
		s.body.Refresh()
		s.wiz.SetDone(app.StepSync, true)
	})
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
