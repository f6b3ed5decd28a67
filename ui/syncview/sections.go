package syncview

import (
	"fmt"
	"github.com/ocsetup/ocsetup/ui/tr"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	ocsync "github.com/ocsetup/ocsetup/installer/sync"
)

// The connector's log as the view shows it: the last lines, each cut to
// a width that fits the card.
const (
	logLines = 8
	logWidth = 60
)

// shorten cuts s to n runes with an ellipsis.
func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// alertsSection lists the active alerts, or says there are none.
type alertsSection struct {
	object *fyne.Container
	shown  string // what the rows were built from
}

func newAlertsSection() *alertsSection { return &alertsSection{object: container.NewVBox()} }

func (a *alertsSection) show(s ocsync.Snapshot, now time.Time) {
	var key strings.Builder
	for _, al := range s.Alerts {
		fmt.Fprintf(&key, "%d:%s\n", al.Seq, al.Message)
	}
	if key.String() == a.shown && len(a.object.Objects) > 0 {
		return
	}
	a.shown = key.String()
	var rows []fyne.CanvasObject
	for _, al := range s.Alerts {
		text := widget.NewLabel(tr.TF("sync.alert", tr.Args{"Kind": alertTitle(al.Kind), "Message": alertMessage(al), "Since": when(al.Raised, now)}))
		text.Importance = widget.DangerImportance
		text.Wrapping = fyne.TextWrapWord
		rows = append(rows, container.NewBorder(nil, nil, widget.NewIcon(theme.ErrorIcon()), nil, text))
	}
	if len(rows) == 0 {
		ok := widget.NewLabel(tr.T("sync.no_alerts"))
		ok.Importance = widget.SuccessImportance
		rows = append(rows, container.NewBorder(nil, nil, widget.NewIcon(theme.ConfirmIcon()), nil, ok))
	}
	a.object.Objects = rows
	a.object.Refresh()
}

// activitySection is what the integration itself did: its API user's
// sessions, the order history, the connector's log.
type activitySection struct {
	object  *fyne.Container
	api     *widget.Label
	history *widget.Label
	logHead *widget.Label
	log     *widget.Label
}

func newActivitySection() *activitySection {
	a := &activitySection{api: widget.NewLabel(""), history: widget.NewLabel(""), logHead: widget.NewLabel(""),
		log: widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})}
	a.api.Wrapping = fyne.TextWrapWord
	a.logHead.Wrapping = fyne.TextWrapWord
	a.object = container.NewVBox(a.api, a.history, a.logHead, a.log)
	return a
}

func (a *activitySection) show(s ocsync.Snapshot, now time.Time) {
	switch {
	case s.NoAPIUser: // the integration has no OpenCart API user
		a.api.Hide()
	case s.Last == nil:
		a.api.SetText(tr.T("sync.waiting"))
	default:
		a.api.SetText(apiLine(s.API, now))
	}
	a.history.SetText(tr.TF("sync.history", tr.Args{"N": s.Totals[ocsync.OrderHistory].Added, "When": when(s.LastActivity, now)}))
	l := s.Log
	switch {
	case l == nil:
		a.logHead.Hide()
		a.log.Hide()
		return
	case l.Err != "":
		a.logHead.SetText(tr.TF("sync.log.unreadable", tr.Args{"Path": l.Path, "Err": l.Err}))
	case l.Missing:
		a.logHead.SetText(tr.TF("sync.log.missing", tr.Args{"Path": l.Path}))
	default:
		a.logHead.SetText(tr.TN("sync.log.head", int(l.Size), tr.Args{"Path": l.Path, "When": when(l.ModTime, now)}))
	}
	lines := l.Lines
	if len(lines) > logLines {
		lines = lines[len(lines)-logLines:]
	}
	short := make([]string, len(lines))
	for i, line := range lines {
		short[i] = shorten(line, logWidth)
	}
	a.log.SetText(strings.Join(short, "\n"))
	a.logHead.Show()
	a.log.Show()
}

func apiLine(a ocsync.APIActivity, now time.Time) string {
	// "user" names the API user, or every API user; "what" counts
	// sessions, or calls where the store keeps api_history.
	user := "any"
	if a.User != "" {
		user = "one"
	}
	what := "sessions"
	if a.Table == "api_history" {
		what = "calls"
	}
	args := tr.Args{"User": a.User, "When": when(a.Last, now)}
	switch {
	case !a.Available:
		return tr.T("sync.api.none")
	case !a.UserFound:
		return tr.TF("sync.api.no_user."+user, args)
	case a.Last.IsZero():
		return tr.TF("sync.api.no_"+what+"."+user, args)
	}
	line := tr.TN("sync.api."+what+"."+user, int(a.SinceSetup), args)
	if a.LastIP != "" {
		line += " " + tr.TF("sync.api.from", tr.Args{"IP": a.LastIP})
	}
	if a.LastCall != "" {
		line += " (" + a.LastCall + ")"
	}
	return line
}

// entityTitle and alertTitle are the engine's names in the user's
// language; a name without a translation keeps its English.
func entityTitle(e ocsync.Entity) string { return ownOr("sync.entity."+string(e), e.Title()) }

func alertTitle(k ocsync.AlertKind) string { return ownOr("sync.alertkind."+string(k), k.Title()) }

// alertMessage is the alert's message in the user's language; an alert
// from an older history has only its English.
func alertMessage(al ocsync.Alert) string { return al.TextIn(tr.Msg) }

// jobTitle is a job's title in the user's language (a name stays as it is).
func jobTitle(j ocsync.JobState) string {
	if j.TitleMsg.IsZero() {
		return j.Title
	}
	return tr.Msg(j.TitleMsg)
}

func ownOr(key, own string) string {
	if !tr.Has(key) {
		return own
	}
	return tr.T(key)
}

// changesSection has a row per entity: changes since setup, a sparkline
// of the changes per hour, and the descriptions' changes by language.
type changesSection struct {
	object *fyne.Container
	rows   map[ocsync.Entity]*changeRow
	order  []ocsync.Entity
}

type changeRow struct {
	object *fyne.Container
	counts *widget.Label
	spark  *sparkline
	langs  *widget.Label
}

func newChangesSection() *changesSection {
	c := &changesSection{object: container.NewVBox(widget.NewLabel(tr.T("sync.changes.first"))),
		rows: map[ocsync.Entity]*changeRow{}}
	return c
}

func (c *changesSection) show(s ocsync.Snapshot) {
	if !equalEntities(c.order, s.Entities) {
		c.order = append([]ocsync.Entity(nil), s.Entities...)
		var objs []fyne.CanvasObject
		for _, e := range s.Entities {
			r := &changeRow{counts: widget.NewLabel(""), spark: newSparkline(),
				langs: widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Italic: true})}
			r.langs.Wrapping = fyne.TextWrapWord
			r.object = container.NewVBox(container.NewGridWithColumns(3, boldLabel(entityTitle(e)), r.counts, r.spark), r.langs)
			c.rows[e] = r
			objs = append(objs, r.object)
		}
		if len(objs) > 0 {
			c.object.Objects = objs
			c.object.Refresh()
		}
	}
	for _, e := range c.order {
		r, t := c.rows[e], s.Totals[e]
		r.counts.SetText(counts(t.Counts))
		r.spark.SetValues(s.Hourly[e])
		if l := languages(t, s.Languages); l != "" {
			r.langs.SetText(tr.TF("sync.descriptions", tr.Args{"Languages": l}))
			r.langs.Show()
		} else {
			r.langs.Hide()
		}
	}
}

func equalEntities(a, b []ocsync.Entity) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// jobsSection has a row per job with its last and next run and a "Run
// now" button.
type jobsSection struct {
	object *fyne.Container
	run    func(name string)
	rows   map[string]*jobRow
	names  []string
}

type jobRow struct {
	detail *widget.Label
	button *widget.Button
	icon   *widget.Icon
}

func newJobsSection(run func(string)) *jobsSection {
	return &jobsSection{object: container.NewVBox(widget.NewLabel(tr.T("sync.jobs.none"))),
		run: run, rows: map[string]*jobRow{}}
}

func (j *jobsSection) show(s ocsync.Snapshot, now time.Time) {
	var names []string
	for _, job := range s.Jobs {
		names = append(names, job.Name)
	}
	if strings.Join(names, "\n") != strings.Join(j.names, "\n") && len(s.Jobs) > 0 {
		j.names = names
		var objs []fyne.CanvasObject
		for _, job := range s.Jobs {
			name := job.Name
			r := &jobRow{detail: widget.NewLabel(""), icon: widget.NewIcon(theme.InfoIcon())}
			r.detail.Wrapping = fyne.TextWrapWord
			r.button = widget.NewButtonWithIcon(tr.T("sync.jobs.run"), theme.MediaPlayIcon(), func() { j.run(name) })
			j.rows[name] = r
			head := container.NewBorder(nil, nil, r.icon, r.button, boldLabel(tr.TF("sync.jobs.head", tr.Args{"Title": jobTitle(job), "Every": every(job.Period)})))
			objs = append(objs, container.NewVBox(head, r.detail))
		}
		j.object.Objects = objs
		j.object.Refresh()
	}
	for _, job := range s.Jobs {
		r := j.rows[job.Name]
		r.detail.SetText(jobLine(job, now))
		switch {
		case job.Running:
			r.icon.SetResource(theme.ViewRefreshIcon())
			r.button.Disable()
		case job.Last != nil && !job.Last.OK:
			r.icon.SetResource(theme.ErrorIcon())
			r.button.Enable()
		case job.Last != nil:
			r.icon.SetResource(theme.ConfirmIcon())
			r.button.Enable()
		default:
			r.icon.SetResource(theme.InfoIcon())
			r.button.Enable()
		}
	}
}

func jobLine(j ocsync.JobState, now time.Time) string {
	var parts []string
	if j.Running {
		parts = append(parts, tr.T("sync.jobs.running"))
	}
	if l := j.Last; l != nil {
		key := "sync.jobs.last_ok"
		if !l.OK {
			key = "sync.jobs.last_failed"
		}
		result := l.Result
		if !l.ResultText.IsZero() {
			result = tr.Msg(l.ResultText)
		}
		parts = append(parts, tr.TF(key, tr.Args{"When": when(l.Start, now), "Took": l.Duration.Round(time.Millisecond).String(), "Result": result}))
	} else {
		parts = append(parts, tr.T("sync.jobs.not_run"))
	}
	if !j.Next.IsZero() && !j.Running {
		parts = append(parts, tr.TF("sync.jobs.next", tr.Args{"When": when(j.Next, now)}))
	}
	parts = append(parts, tr.TN("sync.jobs.runs", int(j.Runs), tr.Args{"Failed": j.Failures}))
	return strings.Join(parts, " · ")
}
