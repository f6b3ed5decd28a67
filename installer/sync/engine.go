package sync

import (
	"context"
	"errors"
	"fmt"
	stdsync "sync"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Config sets up an Engine. Store and HistoryPath are required; zero
// values elsewhere get the defaults below.
type Config struct {
	// Store is the store's database over the route the setup used.
	Store Store
	// HistoryPath is the bbolt file in the app's data folder.
	HistoryPath string
	// Identity names the store (database, host, prefix): a history file
	// of another store is refused with ErrOtherStore.
	Identity string
	// APIUser is the integration's API user; "" counts every API user.
	APIUser string
	// NoAPIUser: the integration uses no OpenCart API user (a payment
	// module), so API sessions are not read, are not its activity, and
	// the snapshot says so (NoAPIUser) for views to leave the part out.
	NoAPIUser bool
	// Log and LogPath name the connector's log (OneBox:
	// <store>/catalog/onebox/log.txt); nil Log reads none.
	Log     LogSource
	LogPath string
	// Probe checks the storefront (HTTPProbe) every ProbeEvery; an error
	// raises the "store down" alert. Nil checks the database only.
	Probe      func(ctx context.Context) error
	ProbeEvery time.Duration
	// Jobs are run at their periods while Run runs.
	Jobs []Job
	// Interval between polls; MaxInterval caps the back-off when the
	// store is slow or down.
	Interval    time.Duration
	MaxInterval time.Duration
	// QuietAfter raises the "no integration activity" alert; negative
	// turns it off.
	QuietAfter time.Duration
	// Rows per poll and table: new rows read (NewRows) and rows swept for
	// changes (SweepRows; 0 adapts it to the store's speed, see
	// sweepBudget); orders are swept over the newest OrderWindow ids.
	NewRows, SweepRows, OrderWindow int
	// Now is the clock (tests); nil is time.Now. Run's timers measure
	// real time, so a test clock is for Poll only.
	Now func() time.Time
}

// Defaults of Config.
const (
	DefaultInterval    = time.Minute
	DefaultMaxInterval = 15 * time.Minute
	DefaultQuietAfter  = 24 * time.Hour
	DefaultProbeEvery  = 5 * time.Minute
	DefaultNewRows     = 5000
	DefaultOrderWindow = 10000
	minSweepRows       = 100 // a chunk must hold every language of a row
)

// The adaptive sweep: each table's chunk starts at sweepStart rows and
// follows the rows per millisecond the store reads, within [sweepMin,
// sweepMax], so that one sweep query takes about sweepBudget. A fast
// server sweeps 100,000 products in a few polls; a slow shared host is
// read gently, over more polls.
const (
	sweepStart  = 2000
	sweepMin    = 1000
	sweepMax    = 20000
	sweepBudget = 10 * time.Millisecond
)

func (c *Config) defaults() error {
	if c.Store == nil || c.HistoryPath == "" {
		return errors.New("sync: Config needs Store and HistoryPath")
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d == 0 {
			*d = v
		}
	}
	def(&c.Interval, DefaultInterval)
	def(&c.MaxInterval, DefaultMaxInterval)
	def(&c.QuietAfter, DefaultQuietAfter)
	def(&c.ProbeEvery, DefaultProbeEvery)
	c.MaxInterval = max(c.MaxInterval, c.Interval)
	if c.NewRows <= 0 {
		c.NewRows = DefaultNewRows
	}
	if c.SweepRows > 0 {
		c.SweepRows = max(c.SweepRows, minSweepRows)
	}
	if c.OrderWindow <= 0 {
		c.OrderWindow = DefaultOrderWindow
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	seen := map[string]bool{}
	for _, j := range c.Jobs {
		if j.Name == "" || j.Run == nil || j.Period <= 0 || seen[j.Name] {
			return fmt.Errorf("sync: job %q needs a unique name, a period and a Run", j.Name)
		}
		seen[j.Name] = true
	}
	return nil
}

// Engine watches one store. Its methods are safe for concurrent use.
type Engine struct {
	cfg    Config
	hdb    *bolt.DB
	ctx    context.Context // ends with Close; manual job runs use it
	cancel context.CancelFunc
	jobsWG stdsync.WaitGroup

	pollMu stdsync.Mutex // one poll at a time; guards plan
	plan   *plan

	mu          stdsync.Mutex // guards everything below
	st          *state
	langs       []Language
	statusNames map[int]string
	last        *Report
	orders      OrderStats
	api         APIActivity
	paused      bool
	base        time.Duration // the interval the user chose
	interval    time.Duration // after back-off
	nextPoll    time.Time
	lastProbe   time.Time
	jobNext     map[string]time.Time
	jobRunning  map[string]bool
	changed     chan struct{} // closed and replaced at every change
	wake        chan struct{} // tells Run to look at its timers again
	closed      bool
}

// Open opens the history and makes an engine. It does not touch the
// store: the first poll does.
func Open(cfg Config) (*Engine, error) {
	if err := cfg.defaults(); err != nil {
		return nil, err
	}
	now := cfg.Now()
	hdb, st, err := openHistory(cfg.HistoryPath, cfg.Identity, now)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	e := &Engine{cfg: cfg, hdb: hdb, ctx: ctx, cancel: cancel, st: st, base: cfg.Interval, interval: cfg.Interval,
		nextPoll: now, jobNext: map[string]time.Time{}, jobRunning: map[string]bool{},
		changed: make(chan struct{}), wake: make(chan struct{}, 1)}
	for _, j := range cfg.Jobs {
		e.jobNext[j.Name] = now
		if r := st.jobs[j.Name]; r != nil && r.Last != nil {
			e.jobNext[j.Name] = r.Last.Start.Add(j.Period)
		}
	}
	return e, nil
}

// Close stops manual job runs, waits for them and for a running poll, and
// closes the history.
func (e *Engine) Close() error {
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		return nil
	}
	e.closed = true
	e.mu.Unlock()
	e.cancel()
	e.jobsWG.Wait()
	e.pollMu.Lock()
	defer e.pollMu.Unlock()
	return e.hdb.Close()
}

// Pause stops polling and scheduled jobs until Resume; "Run now" still
// runs a job.
func (e *Engine) Pause() { e.setPaused(true) }

// Resume polls at once and runs the jobs that fell due.
func (e *Engine) Resume() { e.setPaused(false) }

func (e *Engine) setPaused(p bool) {
	e.mu.Lock()
	if e.paused != p {
		e.paused = p
		if !p {
			e.nextPoll = e.cfg.Now()
		}
		e.publishLocked()
	}
	e.mu.Unlock()
	e.poke()
}

// SetInterval sets the time between polls (the back-off starts again
// from it).
func (e *Engine) SetInterval(d time.Duration) error {
	if d <= 0 {
		return fmt.Errorf("sync: interval %v is not positive", d)
	}
	e.mu.Lock()
	e.base, e.interval = d, d
	e.cfg.MaxInterval = max(e.cfg.MaxInterval, d)
	from := e.cfg.Now()
	if e.last != nil {
		from = e.last.Start
	}
	e.nextPoll = from.Add(d)
	e.publishLocked()
	e.mu.Unlock()
	e.poke()
	return nil
}

// Watch returns the current snapshot and a channel that is closed when
// there is a newer one (after a poll, a job run, or a control).
func (e *Engine) Watch() (Snapshot, <-chan struct{}) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.snapshotLocked(), e.changed
}

// Snapshot is the current state.
func (e *Engine) Snapshot() Snapshot {
	s, _ := e.Watch()
	return s
}

// JobRuns returns the stored job runs, newest first (at most n).
func (e *Engine) JobRuns(n int) (runs []JobRun, err error) {
	err = e.hdb.View(func(tx *bolt.Tx) error {
		runs, err = jobRuns(tx, n)
		return err
	})
	return runs, err
}

func (e *Engine) publishLocked() {
	close(e.changed)
	e.changed = make(chan struct{})
}

func (e *Engine) poke() {
	select {
	case e.wake <- struct{}{}:
	default:
	}
}
