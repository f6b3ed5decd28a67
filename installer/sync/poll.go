package sync

import (
	"context"
	"errors"
	"strings"
	stdsync "sync"
	"time"
)

// dbTime is how MySQL prints a DATETIME.
const dbTime = "2006-01-02 15:04:05"

// probeTimeout bounds one storefront check.
const probeTimeout = 15 * time.Second

// gathered is what a poll read from the store, before anything is
// counted.
type gathered struct {
	dbNow     time.Time // the database's NOW(), read as if it were UTC
	tables    []*fetched
	api       *apiFetched
	orderHour map[int]int64
	orderDay  map[int]int64
}

// Poll polls the store once, now, and returns what it found. Only one
// poll runs at a time; Run's polls and Poll's take turns.
func (e *Engine) Poll(ctx context.Context) (Report, error) {
	e.pollMu.Lock()
	defer e.pollMu.Unlock()
	e.mu.Lock()
	closed := e.closed
	e.mu.Unlock()
	if closed {
		return Report{}, errors.New("sync: the engine is closed")
	}
	start := e.cfg.Now()
	rep, err := e.poll(ctx, start)
	rep.Duration = e.cfg.Now().Sub(start)

	e.mu.Lock()
	e.interval = nextInterval(e.interval, e.base, e.cfg.MaxInterval, rep.Duration, err != nil)
	e.nextPoll = start.Add(e.interval)
	rep.Next = e.interval
	e.last = &rep
	e.publishLocked()
	e.mu.Unlock()
	return rep, err
}

// nextInterval backs off when the store is slow (a poll took more than a
// quarter of the interval) or down, up to limit, and comes back to base
// step by step once polls are quick again.
func nextInterval(cur, base, limit, took time.Duration, failed bool) time.Duration {
	switch {
	case failed || took > cur/4:
		return min(cur*2, limit)
	case took < cur/16 && cur > base:
		return max(cur/2, base)
	}
	return cur
}

func (e *Engine) poll(ctx context.Context, start time.Time) (Report, error) {
	e.mu.Lock()
	e.st.pollSeq++
	rep := Report{Poll: e.st.pollSeq, Start: start, Changes: Changes{}}
	marks := make(map[string]mark, len(e.st.marks))
	for k, m := range e.st.marks {
		marks[k] = *m
	}
	api := e.st.api
	logPrev := e.st.log
	probeDue := e.cfg.Probe != nil && start.Sub(e.lastProbe) >= e.cfg.ProbeEvery
	e.mu.Unlock()

	g, err := e.gather(ctx, marks, api)
	if err != nil {
		return e.failed(ctx, rep, err, true)
	}
	var logNow LogTail
	var logChanged bool
	var written []byte
	if e.cfg.Log != nil && e.cfg.LogPath != "" {
		logNow, logChanged, written = readLog(ctx, e.cfg.Log, e.cfg.LogPath, logPrev, start)
	}
	var probeErr error
	if probeDue {
		pctx, cancel := context.WithTimeout(ctx, probeTimeout)
		probeErr = e.cfg.Probe(pctx)
		cancel()
	}
	if ctx.Err() != nil {
		return rep, ctx.Err()
	}
	return e.count(rep, g, countInputs{marks: marks, api: api, log: logNow, logChanged: logChanged,
		written: written, probed: probeDue, probeErr: probeErr})
}

// gather runs the poll's queries.
func (e *Engine) gather(ctx context.Context, marks map[string]mark, api apiState) (*gathered, error) {
	q := e.cfg.Store
	if e.plan == nil {
		p, err := makePlan(ctx, q, &e.cfg)
		if err != nil {
			return nil, err
		}
		langs, err := p.langs.fetch(ctx, q)
		if err != nil {
			return nil, err
		}
		e.mu.Lock() // the snapshot reads the plan's entities
		e.plan, e.langs = p, langs
		e.mu.Unlock()
	}
	p := e.plan
	g := &gathered{}
	r, err := q.Query(ctx, p.sqlClock, p.clockArgs...)
	if err != nil {
		return nil, err
	}
	now := ""
	updated := map[string]string{}
	for _, v := range r.Values {
		now = v[0].String
		if len(v) == 3 {
			updated[strings.TrimPrefix(v[1].String, p.schema.Prefix)] = v[2].String
		}
	}
	if now == "" { // none of the swept tables is left
		if r, err = q.Query(ctx, "SELECT NOW()"); err != nil {
			return nil, err
		}
		if r.Len() == 1 {
			now = r.Values[0][0].String
		}
	}
	g.dbNow, _ = time.Parse(dbTime, now)
	g.tables = make([]*fetched, len(p.watchers))
	var tasks []func(context.Context) error
	for i, w := range p.watchers {
		tasks = append(tasks, func(ctx context.Context) (err error) {
			g.tables[i], err = w.fetch(ctx, q, marks[w.table], now, updated[w.table])
			return err
		})
	}
	if p.api != nil {
		tasks = append(tasks, func(ctx context.Context) (err error) {
			g.api, err = p.api.fetch(ctx, q, api)
			return err
		})
	}
	if p.orders != nil && !g.dbNow.IsZero() {
		tasks = append(tasks, func(ctx context.Context) (err error) {
			g.orderHour, g.orderDay, err = p.orders.fetch(ctx, q, g.dbNow.Add(-24*time.Hour).Format(dbTime), g.dbNow.Add(-time.Hour).Format(dbTime))
			if err != nil {
				return err
			}
			return e.refreshStatusNames(ctx, g.orderDay)
		})
	}
	if err := runParallel(ctx, fetchParallel, tasks); err != nil {
		return nil, err
	}
	return g, nil
}

// fetchParallel is how many of a poll's queries run at once: two, as the
// files channel uses, which shared hosts accept.
const fetchParallel = 2

// runParallel runs tasks, at most n at a time; the first error cancels
// the others and is returned.
func runParallel(parent context.Context, n int, tasks []func(context.Context) error) error {
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	errs := make([]error, len(tasks))
	sem := make(chan struct{}, n)
	var wg stdsync.WaitGroup
	for i, task := range tasks {
		sem <- struct{}{}
		if ctx.Err() != nil {
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			if errs[i] = task(ctx); errs[i] != nil {
				cancel()
			}
		}()
	}
	wg.Wait()
	// The error that caused the cancellation, before those it caused.
	for _, err := range errs {
		if err != nil && !errors.Is(err, context.Canceled) {
			return err
		}
	}
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return parent.Err()
}
