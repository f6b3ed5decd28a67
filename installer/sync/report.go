package sync

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/ocsetup/ocsetup/installer/msg"
)

// Report is what one poll found.
type Report struct {
	Poll     int64         `json:"poll"`
	Start    time.Time     `json:"start"`
	Duration time.Duration `json:"duration_ns"`
	// Baseline: the first poll of a new history set the marks; changes
	// are counted from the next poll on.
	Baseline bool   `json:"baseline,omitempty"`
	Error    string `json:"error,omitempty"`
	// ErrorText is Error as a message, for the user's language.
	ErrorText msg.Msg `json:"error_text,omitzero"`
	// Changes since the previous poll; entities without any are absent.
	Changes Changes     `json:"changes"`
	Orders  OrderStats  `json:"orders"`
	API     APIActivity `json:"api"`
	Log     *LogTail    `json:"log,omitempty"`
	// Alerts raised or resolved by this poll.
	Alerts []Alert `json:"alerts,omitempty"`
	// Next is the time until the next poll (the interval after back-off).
	Next time.Duration `json:"next_ns"`
}

// String is the report in one line, in English.
func (r Report) String() string { return r.Text(msg.Msg.English) }

// Text is the report in one line, as `ocsetup sync` prints it, with
// render writing the messages in the user's language.
func (r Report) Text(render func(msg.Msg) string) string {
	t := func(key string, pairs ...any) string { return render(msg.New(key, pairs...)) }
	var b strings.Builder
	b.WriteString(t("sync.line.poll", "Time", r.Start.Local().Format("2006-01-02 15:04:05"), "Poll", r.Poll, "MS", r.Duration.Milliseconds()))
	switch {
	case r.Error != "":
		text := r.Error
		if !r.ErrorText.IsZero() {
			text = render(r.ErrorText)
		}
		b.WriteString(t("sync.line.failed", "Err", text))
	case r.Baseline:
		b.WriteString(t("sync.line.baseline"))
	default:
		if c := formatChanges(r.Changes, render); c != "" {
			b.WriteString(": " + c)
		} else {
			b.WriteString(t("sync.line.no_changes"))
		}
	}
	if r.Error == "" {
		b.WriteString(t("sync.line.orders", "Hour", Total(r.Orders.LastHour), "Day", Total(r.Orders.LastDay)))
		if a := r.API; a.Available && !a.Last.IsZero() {
			b.WriteString(t("sync.line.api", "Time", a.Last.Local().Format("15:04")))
			if a.LastIP != "" {
				b.WriteString(t("sync.line.api_from", "IP", a.LastIP))
			}
		}
	}
	for _, a := range r.Alerts {
		if a.Active() {
			b.WriteString(t("sync.line.alert", "Kind", a.Kind.Msg(), "Message", a.TextIn(render)))
		} else {
			b.WriteString(t("sync.line.resolved", "Kind", a.Kind.Msg()))
		}
	}
	switch {
	case r.Next >= time.Second:
		b.WriteString(t("sync.line.next", "In", r.Next.Round(time.Second).String()))
	case r.Next > 0:
		b.WriteString(t("sync.line.next", "In", r.Next.String()))
	}
	return b.String()
}

// FormatChanges is "orders +2 ~1, products ~1 (language 2: ~1)": +
// added, ~ changed, - removed, in display order.
func FormatChanges(c Changes) string { return formatChanges(c, msg.Msg.English) }

func formatChanges(c Changes, render func(msg.Msg) string) string {
	var parts []string
	for _, e := range AllEntities() {
		t, ok := c[e]
		if !ok || t.IsZero() {
			continue
		}
		s := strings.ToLower(render(e.Msg()))
		if n := formatCounts(t.Counts); n != "" {
			s += " " + n
		}
		langs := make([]int, 0, len(t.Languages))
		for l := range t.Languages {
			langs = append(langs, l)
		}
		slices.Sort(langs)
		for _, l := range langs {
			if n := formatCounts(t.Languages[l]); n != "" {
				s += render(msg.New("sync.line.language", "ID", l, "Counts", n))
			}
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, ", ")
}

func formatCounts(c Counts) string {
	var parts []string
	if c.Added > 0 {
		parts = append(parts, fmt.Sprintf("+%d", c.Added))
	}
	if c.Changed > 0 {
		parts = append(parts, fmt.Sprintf("~%d", c.Changed))
	}
	if c.Removed > 0 {
		parts = append(parts, fmt.Sprintf("-%d", c.Removed))
	}
	return strings.Join(parts, " ")
}

// Snapshot is the engine's state for the view.
type Snapshot struct {
	// Since is the setup: when the history was started.
	Since        time.Time     `json:"since"`
	Paused       bool          `json:"paused"`
	Interval     time.Duration `json:"interval_ns"`      // after back-off
	BaseInterval time.Duration `json:"base_interval_ns"` // as chosen
	NextPoll     time.Time     `json:"next_poll,omitzero"`
	Last         *Report       `json:"last,omitempty"`
	// Entities are those the store has, in display order (empty before
	// the first poll).
	Entities []Entity `json:"entities"`
	Totals   Changes  `json:"totals"` // since setup
	// Hourly has, per entity, the changes of each of the last 24 hours,
	// oldest first; HourlyFrom is the start of the first.
	HourlyFrom time.Time          `json:"hourly_from"`
	Hourly     map[Entity][]int64 `json:"hourly"`
	Orders     OrderStats         `json:"orders"`
	API        APIActivity        `json:"api"`
	// NoAPIUser: the integration has no OpenCart API user (Config.NoAPIUser);
	// API is then empty and not to be shown.
	NoAPIUser    bool       `json:"no_api_user,omitempty"`
	Log          *LogTail   `json:"log,omitempty"`
	LastActivity time.Time  `json:"last_activity"`
	Jobs         []JobState `json:"jobs"`
	Alerts       []Alert    `json:"alerts"`    // active, oldest first
	AlertLog     []Alert    `json:"alert_log"` // raised and resolved, newest first
	Languages    []Language `json:"languages"`
}

// HourlyHours is the length of Snapshot.Hourly.
const HourlyHours = 24

func (e *Engine) snapshotLocked() Snapshot {
	st := e.st
	now := e.cfg.Now()
	s := Snapshot{Since: st.created, Paused: e.paused, Interval: e.interval, BaseInterval: e.base,
		Totals: st.totals.clone(), Orders: e.orders, API: e.api, NoAPIUser: e.cfg.NoAPIUser, LastActivity: st.activity,
		Alerts: st.alerts.list(), AlertLog: slices.Clone(st.alertLog), Languages: slices.Clone(e.langs),
		Hourly: map[Entity][]int64{}}
	if !e.paused {
		s.NextPoll = e.nextPoll
	}
	if e.last != nil {
		r := *e.last
		s.Last = &r
	}
	if e.plan != nil {
		s.Entities = slices.Clone(e.plan.entities)
	}
	if e.cfg.Log != nil {
		l := st.log
		s.Log = &l
	}
	cur := hourOf(now)
	s.HourlyFrom = time.Unix((cur-HourlyHours+1)*3600, 0)
	for _, ent := range s.Entities {
		series := make([]int64, HourlyHours)
		for i := range series {
			series[i] = st.hours[cur-HourlyHours+1+int64(i)][ent].All().Total()
		}
		s.Hourly[ent] = series
	}
	for _, j := range e.cfg.Jobs {
		js := JobState{Name: j.Name, Title: j.Title, TitleMsg: j.TitleMsg, Period: j.Period, Running: e.jobRunning[j.Name]}
		if !e.paused {
			js.Next = e.jobNext[j.Name]
		}
		if r := st.jobs[j.Name]; r != nil {
			js.Runs, js.Failures = r.Runs, r.Failures
			if r.Last != nil {
				last := *r.Last
				js.Last = &last
			}
		}
		s.Jobs = append(s.Jobs, js)
	}
	return s
}
