package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	stdsync "sync"
	"time"

	"github.com/ocsetup/ocsetup/installer/db"
	"github.com/ocsetup/ocsetup/installer/integrations"
	"github.com/ocsetup/ocsetup/installer/msg"
	"github.com/ocsetup/ocsetup/installer/remote"
	"github.com/ocsetup/ocsetup/installer/store"
	ocsync "github.com/ocsetup/ocsetup/installer/sync"
	"github.com/ocsetup/ocsetup/installer/webtrust"
)

// syncFlags are the options of `ocsetup sync` besides the connection's.
type syncFlags struct {
	once       bool
	interval   time.Duration
	quietAfter time.Duration
	jobs       string
}

func (c *CLI) addSync() {
	var f connectFlags
	var sf syncFlags
	c.add(&command{name: "sync", args: "SETUP_FILE", summary: "cli.sync.summary",
		details: "cli.sync.details",
		run:     func(ctx context.Context, x *cmdContext) error { return runSync(ctx, x, &f, sf) }})
	c.flagSets["sync"] = func(fs *flag.FlagSet) {
		f.define(fs)
		fs.BoolVar(&sf.once, "once", false, "cli.sync.flag.once")
		fs.DurationVar(&sf.interval, "interval", ocsync.DefaultInterval, "cli.sync.flag.interval")
		fs.DurationVar(&sf.quietAfter, "quiet-after", ocsync.DefaultQuietAfter, "cli.sync.flag.quiet_after")
		fs.StringVar(&sf.jobs, "jobs", "auto", "cli.sync.flag.jobs")
	}
}

func runSync(ctx context.Context, x *cmdContext, f *connectFlags, sf syncFlags) error {
	if len(x.args) != 1 {
		return usage("cli.one_setup_file", "Command", "sync")
	}
	if sf.interval <= 0 {
		return usage("cli.sync.interval")
	}
	runJobs := false
	switch sf.jobs {
	case "on":
		runJobs = true
	case "off", "auto":
	default:
		return usage("cli.sync.jobs")
	}
	setup, err := LoadSetupFile(x.args[0], x.reg)
	if err != nil {
		return err
	}
	if sf.jobs == "auto" {
		runJobs = setup.Access.Cron == "app"
	}
	if f.fingerprint == "" {
		f.fingerprint = setup.Fingerprint
	}
	pool, err := f.connect(ctx, x, setup.Site)
	if err != nil {
		return err
	}
	defer pool.Close()
	sess, err := OpenSync(ctx, x.Getenv, pool, setup, SyncOptions{Interval: sf.interval, QuietAfter: sf.quietAfter, RunJobs: runJobs}, x.Notes())
	if err != nil {
		return err
	}
	defer sess.Close()
	eng := sess.Engine
	out := &syncPrinter{w: x.Out, json: f.json, x: x}
	if sf.once {
		rep, err := eng.Poll(ctx)
		if perr := out.poll(rep); perr != nil {
			return perr
		}
		failed := err != nil
		ran := map[string]bool{}
		for _, j := range eng.RunDue(ctx) {
			ran[j.Name] = true
		}
		for _, j := range eng.Snapshot().Jobs {
			if !ran[j.Name] || j.Last == nil {
				continue
			}
			if perr := out.jobRun(j, *j.Last); perr != nil {
				return perr
			}
			failed = failed || !j.Last.OK
		}
		if failed {
			return exitError{code: 1}
		}
		return nil
	}
	return followSync(ctx, eng, out)
}

// SyncOptions tune OpenSync; zero values are the engine's defaults.
type SyncOptions struct {
	Interval, QuietAfter time.Duration
	// RunJobs: the app runs the connector's jobs (the server has no cron).
	RunJobs bool
	// Warned, when set, is told each warning written to notes about
	// secrets crossing plain HTTP, as a message (from the engine's
	// goroutine): the app shows it in the user's language.
	Warned func(msg.Msg)
}

// SyncSession is a sync engine on one store, with the database route it
// holds open.
type SyncSession struct {
	Engine *ocsync.Engine
	Store  store.Store
	conn   *reconnectingDB
	notes  Notes
}

// Close closes the engine and the database route (removing a bridge).
func (s *SyncSession) Close() error {
	err := s.Engine.Close()
	if cerr := s.conn.Close(); cerr != nil {
		s.notes.Warn("cli.credentials.bridge_left", "Cause", msg.CauseArg(cerr), "Name", Name)
		err = errors.Join(err, cerr)
	}
	return err
}

// OpenSync opens the sync engine of a setup on a connected site: it finds
// the store, removes bridges earlier runs left, reads config.php and
// opens the engine, whose history lives in the data folder. The database
// is reached at the first poll, by the setup's routes, and again whenever
// the route fails. The GUI's sync view and `ocsetup sync` both start here.
func OpenSync(ctx context.Context, getenv func(string) string, pool *remote.Pool, setup *SetupFile, opt SyncOptions, notes Notes) (*SyncSession, error) {
	routes, err := db.ParseRoutes(orDefault(setup.DBRoutes, "direct,ssh,bridge"))
	if err != nil {
		return nil, fmt.Errorf("db_routes: %w", err)
	}
	dataDir, err := DataDir(getenv)
	if err != nil {
		return nil, err
	}
	// chooseStore and orDefault are shared with `ocsetup test` (testcmd.go).
	st, err := chooseStore(ctx, pool, pool.Site(), setup.Store)
	if err != nil {
		return nil, err
	}
	// What killed runs left is removed, as apply and the wizard do.
	recoverSite(ctx, dataDir, pool, []store.Store{st}, connectStoreDB(pool, db.Options{Routes: routes, DataDir: dataDir, StoreURL: setup.StoreURL})).writeNotes(notes, setup.Site)
	creds, err := db.Read(ctx, pool, st)
	if err != nil {
		return nil, err
	}
	plain := &plainHTTPWarner{w: notes, warned: opt.Warned}
	conn := &reconnectingDB{connect: func(ctx context.Context) (db.DB, error) {
		// Watching only reads, and no secret column: a bridge over plain
		// HTTP is limited to that.
		c, attempts, err := db.Connect(ctx, pool, creds, db.Options{Routes: routes, DataDir: dataDir, StoreURL: setup.StoreURL,
			PlainHTTPLimits: db.ReadOnlyPlainHTTP()})
		if err != nil {
			return nil, fmt.Errorf("%w (%s)", err, attempts)
		}
		plain.connected(c)
		return c, nil
	}}
	cfg := syncConfig(setup, st, creds, pool, dataDir, opt.RunJobs)
	cfg.Store, cfg.Interval, cfg.QuietAfter = conn, opt.Interval, opt.QuietAfter
	eng, err := ocsync.Open(cfg)
	if err != nil {
		return nil, err
	}
	return &SyncSession{Engine: eng, Store: st, conn: conn, notes: notes}, nil
}

// followSync runs the engine until ctx ends and prints each poll and job
// run as it happens.
func followSync(ctx context.Context, eng *ocsync.Engine, out *syncPrinter) error {
	startedAt := time.Now()
	done := make(chan error, 1)
	go func() { done <- eng.Run(ctx) }()
	var lastPoll int64
	lastRuns := map[string]int64{}
	printed := map[alertEvent]bool{} // alert events already printed
	for {
		s, changed := eng.Watch()
		if r := s.Last; r != nil && r.Poll != lastPoll {
			lastPoll = r.Poll
			if err := out.poll(*r); err != nil {
				return err
			}
			for _, a := range r.Alerts {
				printed[eventOf(a)] = true
			}
		}
		for _, j := range s.Jobs {
			if j.Last != nil && j.Runs != lastRuns[j.Name] {
				lastRuns[j.Name] = j.Runs
				if err := out.jobRun(j, *j.Last); err != nil {
					return err
				}
			}
		}
		// Alerts a job raised or resolved; a poll's are in its line.
		for i := len(s.AlertLog) - 1; i >= 0; i-- {
			a := s.AlertLog[i]
			if e := eventOf(a); !printed[e] && (a.Raised.After(startedAt) || !a.Resolved.IsZero() && a.Resolved.After(startedAt)) {
				printed[e] = true
				if err := out.alert(a); err != nil {
					return err
				}
			}
		}
		select {
		case <-changed:
		case err := <-done:
			return err
		}
	}
}

// alertEvent is an alert's raise or its resolution.
type alertEvent struct {
	seq      int64
	resolved bool
}

func eventOf(a ocsync.Alert) alertEvent { return alertEvent{a.Seq, !a.Active()} }

// syncConfig is the engine's configuration for a setup: where its history
// lives, the API user, the connector's log and the jobs the app runs.
func syncConfig(setup *SetupFile, st store.Store, creds *db.Credentials, pool *remote.Pool, dataDir string, runJobs bool) ocsync.Config {
	site := pool.Site()
	identity := fmt.Sprintf("%s@%s:%d%s %s/%s", site.User, site.Host, site.Port, st.Root, creds.Database, creds.Prefix)
	sum := sha256.Sum256([]byte(identity))
	cfg := ocsync.Config{
		HistoryPath: filepath.Join(dataDir, "sync", hex.EncodeToString(sum[:8])+".db"),
		Identity:    identity,
		APIUser:     setup.Access.APIUser,
		NoAPIUser:   !usesStoreAPI(setup.Profile(), setup),
	}
	storeURL := setup.StoreURL
	if urls := creds.StoreURLs(); storeURL == "" && len(urls) > 0 {
		storeURL = urls[0]
	}
	// The store's certificate is checked like the bridge's: the
	// authorities, or the one pinned for the store in known_certs.
	client := webtrust.Client(&http.Client{Timeout: 2 * time.Minute}, pool.Trust())
	if storeURL != "" {
		cfg.Probe = ocsync.HTTPProbe(client, storeURL)
	}
	spec := setup.Profile().Sync(integrations.SyncContext{Store: st, StoreURL: storeURL, Settings: integrations.Values(setup.Settings), Files: pool, HTTP: client})
	cfg.Log, cfg.LogPath = spec.Log, spec.LogPath
	// The jobs call the store: without its address, or where the server's
	// cron runs them, the app does not.
	if runJobs && storeURL != "" {
		cfg.Jobs = spec.Jobs
	}
	return cfg
}

// syncPrinter prints polls and job runs, as text or JSON lines.
type syncPrinter struct {
	w    io.Writer
	json bool
	x    *cmdContext // the language of the text
}

func (p *syncPrinter) poll(r ocsync.Report) error {
	if p.json {
		return json.NewEncoder(p.w).Encode(struct {
			Poll ocsync.Report `json:"poll"`
		}{r})
	}
	_, err := fmt.Fprintln(p.w, r.Text(p.x.Msg))
	return err
}

func (p *syncPrinter) jobRun(j ocsync.JobState, r ocsync.JobRun) error {
	if p.json {
		return json.NewEncoder(p.w).Encode(struct {
			JobRun ocsync.JobRun `json:"job_run"`
		}{r})
	}
	title, text := p.x.MsgOr(j.Title, j.TitleMsg), p.x.MsgOr(r.Result, r.ResultText)
	key := "cli.sync.job_ok"
	if !r.OK {
		key = "cli.sync.job_failed"
	}
	_, err := fmt.Fprintln(p.w, p.x.T(key, "Time", r.Start.Local().Format("2006-01-02 15:04:05"), "Title", title,
		"Took", r.Duration.Round(time.Millisecond).String(), "Result", text))
	return err
}

func (p *syncPrinter) alert(a ocsync.Alert) error {
	if p.json {
		return json.NewEncoder(p.w).Encode(struct {
			Alert ocsync.Alert `json:"alert"`
		}{a})
	}
	var err error
	if a.Active() {
		_, err = fmt.Fprintln(p.w, p.x.T("cli.sync.alert", "Time", a.Raised.Local().Format("2006-01-02 15:04:05"), "Kind", a.Kind.Msg(), "Message", a.TextIn(p.x.Msg)))
	} else {
		_, err = fmt.Fprintln(p.w, p.x.T("cli.sync.resolved", "Time", a.Resolved.Local().Format("2006-01-02 15:04:05"), "Kind", a.Kind.Msg()))
	}
	return err
}

// reconnectingDB is the store's database for a long sync: when the route
// fails (a bridge expires after at most an hour, an SSH connection
// drops), it connects again, by the same routes.
type reconnectingDB struct {
	connect func(context.Context) (db.DB, error)
	mu      stdsync.Mutex
	cur     db.DB
}

func (r *reconnectingDB) get(ctx context.Context) (db.DB, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.cur == nil {
		c, err := r.connect(ctx)
		if err != nil {
			return nil, err
		}
		r.cur = c
	}
	return r.cur, nil
}

// failed reports whether err is a failure of the route itself (not a
// statement the server refused), and then drops c so that the next call
// connects again.
func (r *reconnectingDB) failed(c db.DB, err error) bool {
	var sqlErr *db.SQLError
	var stmtErr *db.StatementError
	if err == nil || errors.As(err, &sqlErr) || errors.As(err, &stmtErr) || errors.Is(err, context.Canceled) {
		return false
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.cur == c {
		r.cur = nil
		_ = c.Close()
	}
	return true
}

// Query runs q, once more on a new connection when the route failed: an
// expired bridge is replaced without failing the poll (reads may repeat).
func (r *reconnectingDB) Query(ctx context.Context, q string, args ...any) (rows *db.Rows, err error) {
	for try := 0; try < 2; try++ {
		var c db.DB
		if c, err = r.get(ctx); err != nil {
			return nil, err
		}
		if rows, err = c.Query(ctx, q, args...); !r.failed(c, err) {
			return rows, err
		}
	}
	return nil, err
}

// Schema reads the schema, retrying like Query.
func (r *reconnectingDB) Schema(ctx context.Context) (s *db.Schema, err error) {
	for try := 0; try < 2; try++ {
		var c db.DB
		if c, err = r.get(ctx); err != nil {
			return nil, err
		}
		if s, err = c.Schema(ctx); !r.failed(c, err) {
			return s, err
		}
	}
	return nil, err
}

// Close closes the current connection (removing a bridge).
func (r *reconnectingDB) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.cur == nil {
		return nil
	}
	err := r.cur.Close()
	r.cur = nil
	return err
}
