package sync

import (
	"context"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/ocsetup/ocsetup/installer/db"
	"github.com/ocsetup/ocsetup/installer/msg"
)

// refreshStatusNames reads the status names at the first poll and when
// an order has a status not seen before (an extension added one).
func (e *Engine) refreshStatusNames(ctx context.Context, counts map[int]int64) error {
	e.mu.Lock()
	stale := e.statusNames == nil
	for id := range counts {
		if _, ok := e.statusNames[id]; !ok && id != 0 {
			stale = true
		}
	}
	lang := 0
	if len(e.langs) > 0 {
		lang = e.langs[0].ID
	}
	e.mu.Unlock()
	if !stale {
		return nil
	}
	names, err := e.plan.orders.statusNames(ctx, e.cfg.Store, lang)
	if err != nil {
		return err
	}
	e.mu.Lock()
	e.statusNames = names
	e.mu.Unlock()
	return nil
}

// countInputs is what a poll read besides the database's tables.
type countInputs struct {
	marks      map[string]mark
	api        apiState
	log        LogTail
	logChanged bool
	written    []byte
	probed     bool
	probeErr   error
}

// count compares what the poll read with the history, raises and
// resolves alerts, and stores it all in one transaction.
func (e *Engine) count(rep Report, g *gathered, in countInputs) (Report, error) {
	start := rep.Start
	p := e.plan
	// The first poll that reads the store sets the marks; nothing before
	// it is counted.
	rep.Baseline = len(e.st.marks) == 0
	toLocal := func(s string) time.Time {
		t, err := time.Parse(dbTime, s)
		if err != nil || g.dbNow.IsZero() {
			return start
		}
		return start.Add(t.Sub(g.dbNow))
	}
	var newSessions int64
	var apiActive bool
	var commit func()
	written := map[string]*mark{}
	err := e.hdb.Update(func(tx *bolt.Tx) error {
		for i, w := range p.watchers {
			m := in.marks[w.table]
			parentBase := int64(-1)
			if pm, ok := in.marks[w.parent]; ok && pm.Started {
				parentBase = pm.BaseHW
			}
			if err := w.apply(tx, g.tables[i], &m, rep.Changes, parentBase); err != nil {
				return err
			}
			in.marks[w.table] = m
			written[w.table] = &m
		}
		if g.api != nil {
			newSessions, apiActive = p.api.apply(g.api, &in.api, toLocal)
			rep.Changes.add(APISessions, 0, false, Counts{Added: newSessions})
		}
		e.mu.Lock()
		activity := e.noteActivity(&rep, in, apiActive, start)
		events, alertSeq := e.st.alerts.take(), e.st.alerts.seq
		e.mu.Unlock()
		rep.Alerts = events
		var err error
		commit, err = e.st.savePoll(tx, pollWrite{marks: written, changes: rep.Changes, hour: hourOf(start),
			pollSeq: rep.Poll, activity: activity, api: in.api, log: in.log, alerts: events, alertSeq: alertSeq})
		return err
	})
	if err != nil {
		return e.failed(context.Background(), rep, fmt.Errorf("the sync history could not be saved: %w", err), false)
	}

	e.mu.Lock()
	defer e.mu.Unlock()
	commit()
	e.st.noteAlerts(rep.Alerts)
	for name, m := range written {
		e.st.marks[name] = m
	}
	e.st.api = in.api
	if e.cfg.Log != nil {
		e.st.log = in.log
		rep.Log = &in.log
	}
	if in.probed {
		e.lastProbe = start
	}
	if p.api != nil {
		e.api = p.api.activity(in.api, newSessions)
		rep.API = e.api
	}
	if g.orderDay != nil {
		e.orders = OrderStats{LastHour: statusCounts(g.orderHour, e.statusNames), LastDay: statusCounts(g.orderDay, e.statusNames)}
		rep.Orders = e.orders
	}
	return rep, nil
}

// noteActivity moves the time of the integration's last activity and
// raises or resolves the alerts a successful poll decides; it returns the
// time of the last activity. It runs with e.mu held, inside the poll's
// transaction.
func (e *Engine) noteActivity(rep *Report, in countInputs, apiActive bool, now time.Time) time.Time {
	st, book := e.st, &e.st.alerts
	// Activity is what the integration itself does: its API sessions and
	// its log. Where the store shows neither (a payment module on a line
	// without API sessions), the order history it writes is all there is.
	sources := e.plan.api != nil || e.cfg.Log != nil
	if apiActive || in.logChanged || !sources && rep.Changes[OrderHistory].Added > 0 {
		st.activity = now
	}
	book.resolve(AlertStoreDown, "database", now)
	if in.probed {
		if in.probeErr != nil {
			book.raise(AlertStoreDown, "storefront", msg.New("sync.alert.storefront_down", "Err", msg.FromError(in.probeErr)), now)
		} else {
			book.resolve(AlertStoreDown, "storefront", now)
		}
	}
	if in.logChanged {
		if line, bad := keyRejected(in.written); bad {
			book.raise(AlertKeyRejected, "log", msg.New("sync.alert.log_key_rejected", "Line", line), now)
		} else {
			book.resolve(AlertKeyRejected, "log", now)
		}
	}
	if e.cfg.QuietAfter > 0 && !rep.Baseline {
		if quiet := now.Sub(st.activity); quiet > e.cfg.QuietAfter {
			// A date without names of days or months reads the same in
			// every language.
			book.raise(AlertQuiet, "", msg.New("sync.alert.quiet", "Quiet", quiet.Round(time.Minute).String(),
				"Since", st.activity.Local().Format("2006-01-02 15:04")), now)
		} else {
			book.resolve(AlertQuiet, "", now)
		}
	}
	return st.activity
}

// failed records a poll that failed. A store error raises the "store
// down" alert when the database did not answer (not when it refused a
// query, which the poll's error reports).
func (e *Engine) failed(ctx context.Context, rep Report, err error, storeErr bool) (Report, error) {
	rep.Error, rep.ErrorText = err.Error(), msg.FromError(err)
	if ctx.Err() != nil {
		return rep, err
	}
	var sqlErr *db.SQLError
	var stmtErr *db.StatementError
	e.mu.Lock()
	if storeErr && !errors.As(err, &sqlErr) && !errors.As(err, &stmtErr) {
		e.st.alerts.raise(AlertStoreDown, "database", msg.New("sync.alert.database_down", "Err", msg.FromError(err)), rep.Start)
	}
	events, alertSeq := e.st.alerts.take(), e.st.alerts.seq
	e.mu.Unlock()
	rep.Alerts = events
	saveErr := e.hdb.Update(func(tx *bolt.Tx) error {
		if err := putJSON(tx.Bucket(bMeta), kPollSeq, rep.Poll); err != nil {
			return err
		}
		return saveAlerts(tx, events, alertSeq)
	})
	e.mu.Lock()
	e.st.noteAlerts(events)
	e.mu.Unlock()
	return rep, errors.Join(err, saveErr)
}
