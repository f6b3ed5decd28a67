package sync

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/ocsetup/ocsetup/installer/db"
)

// watcher counts the changes of one table (see spec and the package doc).
type watcher struct {
	spec
	aspects   []aspect // with the columns the table has
	newRows   int      // LIMIT of the high-water-mark query
	sweepRows int      // LIMIT of the next sweep query
	adaptive  bool     // sweepRows follows the store's speed
	window    int64    // orders: the newest ids swept
	bucket    []byte   // fingerprints in the history file
	shape     string   // see mark.Shape
	sqlMax    string
	sqlNew    string
	sqlSweep  string
}

// mark is a watcher's place in its table, kept in the history file.
type mark struct {
	// Started: HW was set at setup (the first poll); nothing before it is
	// counted.
	Started bool  `json:"started,omitempty"`
	HW      int64 `json:"hw,omitempty"`      // the highest id seen
	BaseHW  int64 `json:"base_hw,omitempty"` // HW at setup: ids above it are new since setup
	Cursor  int64 `json:"cursor,omitempty"`  // the sweep goes on after this id
	Cycles  int64 `json:"cycles,omitempty"`  // complete sweeps of the table
	// Last is the timeCol of the newest row (the database's clock).
	Last string `json:"last,omitempty"`
	// CycleStart is when the current sweep began, Clean when the last
	// complete one began (the database's clock). A table whose
	// UPDATE_TIME is before Clean has not changed since a whole sweep
	// read it, and is not swept again until it changes.
	CycleStart string `json:"cycle_start,omitempty"`
	Clean      string `json:"clean,omitempty"`
	// Shape names the fingerprinted columns; fingerprints of another
	// shape (the store was upgraded) do not compare.
	Shape string `json:"shape,omitempty"`
}

// fpRow is one row as a sweep sees it.
type fpRow struct {
	id, lang int64
	fp       [2]uint32 // one fingerprint per aspect
}

// fetched is what one poll read of a table.
type fetched struct {
	cycleStart string // a sweep cycle starts with this poll
	baseline   bool   // the first poll: max is the high-water mark
	max        int64
	newRows    []fpRow
	last       string
	swept      bool
	sweep      []fpRow
	lo, hi     int64 // the sweep covered ids in (lo, hi]
	wrapped    bool  // … and reached the end of the table
	prune      int64 // window: fingerprints of ids <= prune are dropped
}

func newWatcher(prefix string, s spec, have map[string]bool, cfg *Config) (*watcher, error) {
	table, err := db.Table(prefix, s.table)
	if err != nil {
		return nil, err
	}
	w := &watcher{spec: s, newRows: cfg.NewRows, sweepRows: cfg.SweepRows, bucket: []byte("fp:" + s.table)}
	if w.sweepRows == 0 {
		w.sweepRows, w.adaptive = sweepStart, true
	}
	if s.window {
		w.window = int64(cfg.OrderWindow)
	}
	for _, a := range s.aspects {
		var cols []string
		for _, c := range a.cols {
			if have[c] {
				cols = append(cols, c)
			}
		}
		if len(cols) > 0 {
			w.aspects = append(w.aspects, aspect{entity: a.entity, cols: cols})
		}
	}
	if len(w.aspects) > len(fpRow{}.fp) {
		return nil, fmt.Errorf("sync: %s has more aspects than a row holds", s.table)
	}
	if s.timeCol != "" && !have[s.timeCol] {
		w.timeCol = ""
	}
	pk := quoteCol(s.pk)
	sel := pk
	if s.lang {
		sel += ", `language_id`"
	}
	for _, a := range w.aspects {
		sel += ", " + fingerprintSQL(a.cols)
		w.shape += strings.Join(a.cols, ",") + ";"
	}
	if w.timeCol != "" {
		sel += ", " + quoteCol(w.timeCol)
	}
	from := " FROM " + table + byPK
	w.sqlMax = "SELECT MAX(" + pk + ") FROM " + table
	w.sqlNew = "SELECT " + sel + from + " WHERE " + pk + " > ? ORDER BY " + pk + limit(w.newRows)
	if s.lang {
		w.sqlSweep = "SELECT " + sel + from + " WHERE " + pk + " > ? ORDER BY " + pk + ", `language_id`"
	} else {
		w.sqlSweep = "SELECT " + sel + from + " WHERE " + pk + " > ? AND " + pk + " <= ? ORDER BY " + pk
	}
	return w, nil
}

// fetch runs this poll's queries of the table. It changes nothing: apply
// does, in the history's transaction. now is the database's NOW() and
// updated the table's UPDATE_TIME ("" when MySQL does not know it).
func (w *watcher) fetch(ctx context.Context, q Store, m mark, now, updated string) (*fetched, error) {
	f := &fetched{}
	hw := m.HW
	switch {
	case w.lang:
		// Descriptions have no id of their own; the sweep finds new ones.
	case !m.Started:
		r, err := q.Query(ctx, w.sqlMax)
		if err != nil {
			return nil, err
		}
		f.baseline = true
		if r.Len() > 0 {
			f.max, _ = parseInt(r.Values[0][0])
		}
		hw = f.max
	default:
		r, err := q.Query(ctx, w.sqlNew, m.HW)
		if err != nil {
			return nil, err
		}
		if f.newRows, err = w.parse(r); err != nil {
			return nil, err
		}
		if n := len(f.newRows); n > 0 {
			hw = f.newRows[n-1].id
			if w.timeCol != "" {
				f.last = r.Values[n-1][len(r.Columns)-1].String
			}
		}
	}
	if w.insertOnly() {
		return f, nil
	}
	if m.Cursor == 0 {
		if m.Clean != "" && updated != "" && updated < m.Clean {
			return f, nil // unchanged since a whole sweep read it
		}
		f.cycleStart = now
	}
	return f, w.fetchSweep(ctx, q, m, hw, f)
}

func (w *watcher) fetchSweep(ctx context.Context, q Store, m mark, hw int64, f *fetched) error {
	f.swept, f.lo = true, m.Cursor
	rows := w.sweepRows
	sql := w.sqlSweep + limit(rows)
	start := time.Now()
	var r *db.Rows
	var err error
	if w.lang {
		r, err = q.Query(ctx, sql, f.lo)
	} else {
		if w.window > 0 && hw-w.window > 0 {
			f.prune = hw - w.window
			f.lo = max(f.lo, f.prune)
		}
		r, err = q.Query(ctx, sql, f.lo, hw)
	}
	if err != nil {
		return err
	}
	if w.adaptive {
		w.adapt(rows, r.Len(), time.Since(start))
	}
	if f.sweep, err = w.parse(r); err != nil {
		return err
	}
	n := len(f.sweep)
	switch {
	case n < rows:
		f.wrapped = true
		f.hi = hw
		if w.lang {
			f.hi = math.MaxInt64
		}
	case w.lang:
		// A LIMIT may cut one row's languages in two: leave the last id
		// for the next poll, unless the whole chunk is that one id.
		last := f.sweep[n-1].id
		cut := n
		for cut > 0 && f.sweep[cut-1].id == last {
			cut--
		}
		if cut > 0 {
			f.sweep = f.sweep[:cut]
		}
		f.hi = f.sweep[len(f.sweep)-1].id
	default:
		f.hi = f.sweep[n-1].id
	}
	return nil
}

// adapt sizes the next sweep chunk so that a sweep query takes about
// sweepBudget at the speed this one had, moving halfway there so that
// one slow or quick query does not swing it. A chunk that reached the
// end of the table says nothing about a bigger one.
func (w *watcher) adapt(rows, got int, took time.Duration) {
	if got < rows && took < sweepBudget || took <= 0 {
		return
	}
	fit := int(int64(got) * int64(sweepBudget) / int64(took))
	w.sweepRows = min(max((rows+fit)/2, sweepMin), sweepMax)
}

// parse reads rows of (pk[, language_id], fingerprints…[, timeCol]).
func (w *watcher) parse(r *db.Rows) ([]fpRow, error) {
	out := make([]fpRow, len(r.Values))
	for i, v := range r.Values {
		var err error
		col := 0
		if out[i].id, err = parseInt(v[col]); err != nil {
			return nil, fmt.Errorf("sync: %s: %w", w.table, err)
		}
		col++
		if w.lang {
			if out[i].lang, err = parseInt(v[col]); err != nil {
				return nil, fmt.Errorf("sync: %s: %w", w.table, err)
			}
			col++
		}
		for a := range w.aspects {
			u, err := strconv.ParseUint(v[col].String, 10, 32)
			if err != nil && v[col].Valid {
				return nil, fmt.Errorf("sync: %s: fingerprint %q: %w", w.table, v[col].String, err)
			}
			out[i].fp[a] = uint32(u)
			col++
		}
	}
	return out, nil
}

func parseInt(v sql.NullString) (int64, error) {
	if !v.Valid {
		return 0, nil
	}
	return strconv.ParseInt(v.String, 10, 64)
}
