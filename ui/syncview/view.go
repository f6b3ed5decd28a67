// Package syncview is the sync view: what the integration exchanged with
// the store, live, as charts; the jobs ocsetup runs; the alerts. It shows
// an engine (installer/sync) and holds no logic of its own.
package syncview

import (
	"context"
	"fmt"
	"github.com/ocsetup/ocsetup/ui/tr"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	ocsync "github.com/ocsetup/ocsetup/installer/sync"
)

// Engine is what the view needs of the sync engine (*sync.Engine has it).
type Engine interface {
	// Watch returns the state and a channel closed when it changes.
	Watch() (ocsync.Snapshot, <-chan struct{})
	Pause()
	Resume()
	SetInterval(time.Duration) error
	RunJob(name string) error
}

// intervalChoices are the poll intervals the user can pick.
func intervalChoices() []time.Duration {
	return []time.Duration{30 * time.Second, time.Minute, 5 * time.Minute, 15 * time.Minute, time.Hour}
}

// View is the sync view. Create it with New, show it in a window, and
// call Follow to keep it up to date.
type View struct {
	widget.BaseWidget
	// RunOnUI runs a function on the UI goroutine: fyne.Do, unless a test
	// gives its own serialiser (Fyne's test driver runs fyne.Do at once on
	// the calling goroutine).
	RunOnUI func(func())

	eng Engine
	win fyne.Window
	now func() time.Time

	content  fyne.CanvasObject
	status   *widget.Label
	pause    *widget.Button
	interval *widget.Select
	alerts   *alertsSection
	activity *activitySection
	hour     *barChart
	day      *barChart
	changes  *changesSection
	jobs     *jobsSection

	shown    ocsync.Snapshot
	notified int64 // the last alert sent as a desktop notification
	updating bool  // Render sets widgets; their callbacks must not act
	// onRender, when set (tests), is called after Follow rendered a state.
	onRender func(ocsync.Snapshot)
}

// New builds the view of an engine; win is where errors are shown.
func New(eng Engine, win fyne.Window) *View {
	v := &View{eng: eng, win: win, now: time.Now, RunOnUI: fyne.Do}
	v.status = widget.NewLabel(tr.T("sync.waiting"))
	v.status.Wrapping = fyne.TextWrapWord
	v.pause = widget.NewButton(tr.T("sync.pause"), v.togglePause)
	var labels []string
	for _, d := range intervalChoices() {
		labels = append(labels, tr.TF("sync.every", tr.Args{"Period": every(d)}))
	}
	v.interval = widget.NewSelect(labels, v.chooseInterval)
	v.interval.PlaceHolder = tr.T("sync.interval")
	v.alerts = newAlertsSection()
	v.activity = newActivitySection()
	v.hour = newBarChart(tr.T("sync.orders.none_hour"))
	v.day = newBarChart(tr.T("sync.orders.none_day"))
	v.changes = newChangesSection()
	v.jobs = newJobsSection(v.runJob)

	top := container.NewBorder(nil, nil, nil, container.NewHBox(v.interval, v.pause), v.status)
	orders := widget.NewCard(tr.T("sync.orders.title"), "", container.NewGridWithColumns(2,
		container.NewVBox(boldLabel(tr.T("sync.orders.hour")), v.hour), container.NewVBox(boldLabel(tr.T("sync.orders.day")), v.day)))
	left := container.NewVBox(
		widget.NewCard(tr.T("sync.activity.title"), "", v.activity.object),
		orders,
		widget.NewCard(tr.T("sync.jobs.title"), tr.T("sync.jobs.subtitle"), v.jobs.object))
	right := widget.NewCard(tr.T("sync.changes.title"), tr.T("sync.changes.subtitle"), v.changes.object)
	// The left column takes the width its charts and log need; the
	// changes get the rest.
	body := container.NewBorder(nil, nil, left, nil, container.NewVBox(right))
	v.content = container.NewBorder(container.NewVBox(top, v.alerts.object), nil, nil, nil, container.NewVScroll(body))
	v.ExtendBaseWidget(v)
	return v
}

// CreateRenderer draws the view's content.
func (v *View) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(v.content) }

// Follow shows the engine's state now and at every change until ctx
// ends. It returns at once; the updates reach the widgets through fyne.Do.
// The returned channel is closed when following has stopped, so that the
// caller can be sure no update reaches the widgets any more.
func (v *View) Follow(ctx context.Context) <-chan struct{} {
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		for {
			s, changed := v.eng.Watch()
			v.RunOnUI(func() {
				v.Render(s)
				if v.onRender != nil {
					v.onRender(s)
				}
			})
			select {
			case <-changed:
			case <-ctx.Done():
				return
			}
		}
	}()
	return stopped
}

// Render shows a snapshot; call it on the Fyne goroutine.
func (v *View) Render(s ocsync.Snapshot) {
	v.updating = true
	defer func() { v.updating = false }()
	now := v.now()
	v.shown = s
	v.status.SetText(statusLine(s, now))
	if s.Paused {
		v.pause.SetText(tr.T("sync.resume"))
	} else {
		v.pause.SetText(tr.T("sync.pause"))
	}
	for i, d := range intervalChoices() {
		if d == s.BaseInterval {
			v.interval.SetSelectedIndex(i)
		}
	}
	v.alerts.show(s, now)
	v.activity.show(s, now)
	v.hour.SetBars(orderBars(s.Orders.LastHour))
	v.day.SetBars(orderBars(s.Orders.LastDay))
	v.changes.show(s)
	v.jobs.show(s, now)
	v.notify(s.Alerts)
	// Texts changed height (wrapping, rows added): lay the view out again.
	v.Refresh()
}

// notify sends a desktop notification for each alert raised since the
// last one sent (at start: the alerts already active).
func (v *View) notify(alerts []ocsync.Alert) {
	for _, a := range alerts {
		if a.Seq <= v.notified {
			continue
		}
		v.notified = a.Seq
		if app := fyne.CurrentApp(); app != nil {
			app.SendNotification(fyne.NewNotification("ocsetup: "+alertTitle(a.Kind), alertMessage(a)))
		}
	}
}

func (v *View) togglePause() {
	if v.shown.Paused {
		v.eng.Resume()
	} else {
		v.eng.Pause()
	}
}

func (v *View) chooseInterval(string) {
	if v.updating {
		return
	}
	i := v.interval.SelectedIndex()
	if i < 0 {
		return
	}
	if err := v.eng.SetInterval(intervalChoices()[i]); err != nil {
		dialog.ShowError(err, v.win)
	}
}

func (v *View) runJob(name string) {
	if err := v.eng.RunJob(name); err != nil {
		dialog.ShowError(fmt.Errorf("%s: %w", tr.T("sync.jobs.not_started"), err), v.win)
	}
}

// statusLine says when the engine polled and will poll.
func statusLine(s ocsync.Snapshot, now time.Time) string {
	line := tr.T("sync.status.waiting")
	if r := s.Last; r != nil {
		line = tr.TF("sync.status.last", tr.Args{"When": when(r.Start, now), "MS": r.Duration.Milliseconds()})
		if r.Error != "" {
			err := r.Error
			if !r.ErrorText.IsZero() {
				err = tr.Msg(r.ErrorText)
			}
			line = tr.TF("sync.status.failed", tr.Args{"When": when(r.Start, now), "Err": err})
		}
	}
	switch {
	case s.Paused:
		line += " · " + tr.T("sync.status.paused")
	case !s.NextPoll.IsZero():
		line += " · " + tr.TF("sync.status.next", tr.Args{"When": when(s.NextPoll, now)})
		if s.Interval != s.BaseInterval {
			line += " " + tr.TF("sync.status.slowed", tr.Args{"Every": every(s.Interval)})
		}
	}
	if !s.Since.IsZero() {
		line += " · " + tr.TF("sync.status.since", tr.Args{"When": when(s.Since, now)})
	}
	return line
}

func orderBars(counts []ocsync.StatusCount) []bar {
	out := make([]bar, len(counts))
	for i, c := range counts {
		out[i] = bar{label: c.Name, value: c.Count}
	}
	return out
}

func boldLabel(text string) *widget.Label {
	return widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
}
