package syncview

import (
	"fmt"
	"github.com/ocsetup/ocsetup/ui/tr"
	"slices"
	"strings"
	"time"

	ocsync "github.com/ocsetup/ocsetup/installer/sync"
)

// when is a time as the view shows it: the clock time today, else the
// date too; "never" for the zero time.
func when(t, now time.Time) string {
	if t.IsZero() {
		return tr.T("sync.never")
	}
	t = t.Local()
	if y, m, d := t.Date(); y == now.Local().Year() && m == now.Local().Month() && d == now.Local().Day() {
		return t.Format("15:04:05")
	}
	return t.Format(tr.T("sync.date_layout"))
}

// every is a period in words: "1 min", "2 h", "90 s".
func every(d time.Duration) string {
	switch {
	case d >= time.Hour && d%time.Hour == 0:
		return tr.TF("sync.hours", tr.Args{"N": int(d / time.Hour)})
	case d >= time.Minute && d%time.Minute == 0:
		return tr.TF("sync.minutes", tr.Args{"N": int(d / time.Minute)})
	case d >= time.Second:
		return tr.TF("sync.seconds", tr.Args{"N": int(d / time.Second)})
	}
	return d.String()
}

// counts is "+12 ~3 -1", or "no changes".
func counts(c ocsync.Counts) string {
	var parts []string
	if c.Added > 0 {
		parts = append(parts, fmt.Sprintf("+%d", c.Added))
	}
	if c.Changed > 0 {
		parts = append(parts, fmt.Sprintf("~%d", c.Changed))
	}
	if c.Removed > 0 {
		parts = append(parts, fmt.Sprintf("−%d", c.Removed))
	}
	if len(parts) == 0 {
		return tr.T("sync.no_changes")
	}
	return strings.Join(parts, "  ")
}

// languages is "English +3 ~1 · Français +3" for a tally's descriptions.
func languages(t ocsync.Tally, langs []ocsync.Language) string {
	var parts []string
	seen := map[int]bool{}
	name := func(id int) string {
		for _, l := range langs {
			if l.ID == id {
				return l.Name
			}
		}
		return tr.TF("sync.language", tr.Args{"ID": id})
	}
	for _, l := range langs {
		if c, ok := t.Languages[l.ID]; ok && !c.IsZero() {
			parts = append(parts, l.Name+" "+counts(c))
			seen[l.ID] = true
		}
	}
	var rest []int
	for id, c := range t.Languages {
		if !seen[id] && !c.IsZero() {
			rest = append(rest, id)
		}
	}
	slices.Sort(rest)
	for _, id := range rest {
		parts = append(parts, name(id)+" "+counts(t.Languages[id]))
	}
	return strings.Join(parts, " · ")
}
