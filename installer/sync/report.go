package sync

import (
	"fmt"
	"slices"
	"strings"
	"time"
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

// String is the report in one line, as `ocsetup sync` prints it.
func (r Report) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s poll %d (%d ms)", r.Start.Local().Format("2006-01-02 15:04:05"), r.Poll, r.Duration.Milliseconds())
	switch {
	case r.Error != "":
		b.WriteString(" failed: " + r.Error)
	case r.Baseline:
		b.WriteString(": baseline set, changes are counted from now on")
	default:
		if c := FormatChanges(r.Changes); c != "" {
			b.WriteString(": " + c)
		} else {
			b.WriteString(": no changes")
		}
	}
	if r.Error == "" {
		fmt.Fprintf(&b, " | orders last hour %d, day %d", Total(r.Orders.LastHour), Total(r.Orders.LastDay))
		if a := r.API; a.Available && !a.Last.IsZero() {
			fmt.Fprintf(&b, " | API last %s", a.Last.Local().Format("15:04"))
			if a.LastIP != "" {
				b.WriteString(" from " + a.LastIP)
			}
		}
	}
	for _, a := range r.Alerts {
		if a.Active() {
			fmt.Fprintf(&b, " | ALERT %s: %s", a.Kind.Title(), a.Message)
		} else {
			fmt.Fprintf(&b, " | resolved: %s", a.Kind.Title())
		}
	}
	switch {
	case r.Next >= time.Second:
		fmt.Fprintf(&b, " | next in %s", r.Next.Round(time.Second))
	case r.Next > 0:
		fmt.Fprintf(&b, " | next in %s", r.Next)
	}
	return b.String()
}

// FormatChanges is "orders +2 ~1, products ~1 (language 2: ~1)": +
// added, ~ changed, - removed, in display order.
func FormatChanges(c Changes) string {
	var parts []string
	for _, e := range AllEntities() {
		t, ok := c[e]
		if !ok || t.IsZero() {
			continue
		}
		s := strings.ToLower(e.Title())
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
				s += fmt.Sprintf(" (language %d: %s)", l, n)
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
		js := JobState{Name: j.Name, Title: j.Title, Period: j.Period, Running: e.jobRunning[j.Name]}
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
