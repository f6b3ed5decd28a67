package app

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/ocsetup/ocsetup/installer/check"
	"github.com/ocsetup/ocsetup/installer/db"
	"github.com/ocsetup/ocsetup/installer/msg"
	"github.com/ocsetup/ocsetup/installer/pkg"
	"github.com/ocsetup/ocsetup/installer/remote"
	"github.com/ocsetup/ocsetup/installer/settings"
)

// DefaultFleetConcurrency is how many stores `ocsetup fleet` works on at once.
const DefaultFleetConcurrency = 4

// FleetRow is one store's line in a fleet report. It holds no secret.
type FleetRow struct {
	ID string `json:"id"`
	// SavedSite is the app's saved site for this store (the GUI opens it).
	SavedSite   string         `json:"saved_site"`
	Site        string         `json:"site"`
	Integration string         `json:"integration"`
	Result      check.Status   `json:"result"`
	Failures    []FleetFailure `json:"failures,omitempty"`
	Warnings    []FleetFailure `json:"warnings,omitempty"`
	Line        string         `json:"opencart_line,omitempty"`
	Version     string         `json:"opencart_version,omitempty"`
	// ModuleVersion is the integration's module version, from the
	// package apply installed ("" when unknown: test reads no package).
	ModuleVersion string        `json:"module_version,omitempty"`
	StoreURL      string        `json:"store_url,omitempty"`
	Started       time.Time     `json:"started"`
	Duration      time.Duration `json:"duration"`
	// Resumed: done by an earlier run that was interrupted.
	Resumed bool `json:"resumed,omitempty"`
}

// FleetFailure is a failing (or warning) check of a store.
type FleetFailure struct {
	Check string `json:"check"`
	Cause string `json:"cause"`
	Fix   string `json:"fix,omitempty"`
	// CheckMsg, CauseMsg and FixMsg are the same as messages, kept in the
	// run's state and the report's data, so that the report is written
	// (and the app shows it) in the user's language; zero where a text
	// has none.
	CheckMsg msg.Msg `json:"check_msg,omitzero"`
	CauseMsg msg.Msg `json:"cause_msg,omitzero"`
	FixMsg   msg.Msg `json:"fix_msg,omitzero"`
}

// fleetFailure is a failure told by messages: its texts are their English.
func fleetFailure(check, cause, fix msg.Msg) FleetFailure {
	return FleetFailure{Check: check.English(), Cause: cause.English(), Fix: fix.English(), CheckMsg: check, CauseMsg: cause, FixMsg: fix}
}

// In is the failure's texts in lang.
func (f FleetFailure) In(lang string) FleetFailure {
	in := func(own string, m msg.Msg) string {
		if m.IsZero() {
			return own
		}
		return m.In(lang)
	}
	return FleetFailure{Check: in(f.Check, f.CheckMsg), Cause: in(f.Cause, f.CauseMsg), Fix: in(f.Fix, f.FixMsg),
		CheckMsg: f.CheckMsg, CauseMsg: f.CauseMsg, FixMsg: f.FixMsg}
}

// fleetAction tests or sets up one store: stdio carries the store's own
// secrets under the names the single-store commands read; conns is the
// store's share of its host's connection budget.
type fleetAction func(ctx context.Context, st *FleetStore, stdio IO, conns int) FleetRow

// fleetRun is one run of `ocsetup fleet` over a fleet file.
type fleetRun struct {
	fleet       *Fleet
	command     string
	concurrency int
	stdio       IO
	keys        Keychain // nil: the environment only
	action      fleetAction
	state       *fleetStateFile
	progress    *fleetProgress
	// recorded, when set, is told of each store once its row is saved in
	// the state file (tests stop a run there).
	recorded func(FleetRow)
}

// hostBudget is the connection budget of one host:port, shared by the
// fleet's stores on it.
type hostBudget struct {
	limit, used, stores int
}

// run works through the stores not done yet and returns every row: those
// of this run and those an interrupted earlier run finished. complete is
// false when ctx ended before every store was done.
func (r *fleetRun) run(ctx context.Context) (rows []FleetRow, complete bool, err error) {
	done, err := r.state.load(r.fleet)
	if err != nil {
		return nil, false, err
	}
	hosts := map[string]*hostBudget{}
	for i := range r.fleet.Stores {
		s := &r.fleet.Stores[i]
		h := hosts[s.hostKey()]
		if h == nil {
			h = &hostBudget{limit: s.Connections}
			hosts[s.hostKey()] = h
		}
		h.limit = min(h.limit, s.Connections)
		h.stores++
	}
	var pending []int
	for i := range r.fleet.Stores {
		if _, ok := done[r.fleet.Stores[i].ID]; !ok {
			pending = append(pending, i)
		}
	}
	longestFirst(pending, r.fleet.Stores, r.state.loadTimes())
	r.progress.begin(len(r.fleet.Stores), len(done))

	var mu sync.Mutex
	cond := sync.NewCond(&mu)
	stop := context.AfterFunc(ctx, func() {
		mu.Lock()
		cond.Broadcast()
		mu.Unlock()
	})
	defer stop()
	// conns is a store's share of its host: stores on one host run side
	// by side with fewer connections each, never above the host's limit.
	conns := func(s *FleetStore) int {
		h := hosts[s.hostKey()]
		return max(1, h.limit/min(h.stores, r.concurrency))
	}
	// Two stores of one hosting account never run at once: each run
	// removes the leftovers (bridges) an earlier run left on its account,
	// and would take the other's live ones for those.
	busy := map[string]bool{}
	// next takes the first pending store whose host has room and whose
	// account is free, waiting while none has; -1 when nothing is left or
	// ctx ended.
	next := func() int {
		mu.Lock()
		defer mu.Unlock()
		for {
			if ctx.Err() != nil || len(pending) == 0 {
				return -1
			}
			for k, i := range pending {
				s := &r.fleet.Stores[i]
				h := hosts[s.hostKey()]
				if h.used+conns(s) <= h.limit && !busy[s.accountKey()] {
					h.used += conns(s)
					busy[s.accountKey()] = true
					pending = append(pending[:k:k], pending[k+1:]...)
					return i
				}
			}
			cond.Wait()
		}
	}
	var saveErr error
	var wg sync.WaitGroup
	for range min(r.concurrency, max(len(pending), 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := next(); i >= 0; i = next() {
				s := &r.fleet.Stores[i]
				r.progress.start(s.ID)
				row := r.one(ctx, s, conns(s))
				// A run that ctx ended may hold errors of the cancel, not
				// of the store: it is not recorded, the next run does it.
				interrupted := ctx.Err() != nil
				mu.Lock()
				hosts[s.hostKey()].used -= conns(s)
				delete(busy, s.accountKey())
				cond.Broadcast()
				if !interrupted {
					done[s.ID] = row
					if err := r.state.save(r.fleet, done); err != nil && saveErr == nil {
						saveErr = err
					}
				}
				mu.Unlock()
				r.progress.finish(row, interrupted)
				if !interrupted && r.recorded != nil {
					r.recorded(row)
				}
			}
		}()
	}
	wg.Wait()
	if saveErr != nil {
		return nil, false, msg.Wrap(saveErr, "error.cli.fleet.state_write")
	}
	for _, s := range r.fleet.Stores {
		if row, ok := done[s.ID]; ok {
			rows = append(rows, row)
		}
	}
	return rows, len(rows) == len(r.fleet.Stores), nil
}

// one runs the action on a store with its own secrets, and redacts them
// from its row whatever the action did.
func (r *fleetRun) one(ctx context.Context, s *FleetStore, conns int) FleetRow {
	env := &fleetEnv{store: s, getenv: r.stdio.Getenv, keys: r.keys}
	stdio := IO{In: strings.NewReader(""), Out: io.Discard, Err: io.Discard, Getenv: env.get}
	begun := time.Now()
	var row FleetRow
	if stdio.Getenv(PasswordVar) == "" {
		row = FleetRow{Result: check.Fail, Failures: []FleetFailure{fleetFailure(msg.New("check.files-login.title"),
			msg.New("fleet.no_password"),
			msg.New("fleet.no_password.fix", "Var", "OCSETUP_"+fleetEnvID(s.ID)+"_PASSWORD", "Site", fmt.Sprintf("%q", s.SavedSite)))}}
	} else {
		row = r.action(ctx, s, stdio, conns)
	}
	row.ID, row.SavedSite, row.Integration = s.ID, s.SavedSite, s.Integration
	row.Site = s.Site // a setup file's URL holds no password (LoadSetupFile checks)
	row.Started, row.Duration = begun, time.Since(begun).Round(time.Millisecond)
	return row.redacted(env.handedOut())
}

// redacted replaces every secret in the row's text.
func (row FleetRow) redacted(secrets []string) FleetRow {
	clean := func(s string) string {
		for _, sec := range secrets {
			if len(sec) >= 4 {
				s = strings.ReplaceAll(s, sec, "[hidden]")
			}
		}
		return s
	}
	fix := func(in []FleetFailure) []FleetFailure {
		out := make([]FleetFailure, len(in))
		for i, f := range in {
			out[i] = FleetFailure{Check: clean(f.Check), Cause: clean(f.Cause), Fix: clean(f.Fix),
				CheckMsg: f.CheckMsg.MapText(clean), CauseMsg: f.CauseMsg.MapText(clean), FixMsg: f.FixMsg.MapText(clean)}
		}
		return out
	}
	row.Failures, row.Warnings = fix(row.Failures), fix(row.Warnings)
	row.Site, row.StoreURL = clean(row.Site), clean(row.StoreURL)
	return row
}

// fleetEnv maps the names the single-store engine reads to the store's
// own: OCSETUP_PASSWORD to OCSETUP_<ID>_PASSWORD, OCSETUP_SECRET_X to
// OCSETUP_<ID>_SECRET_X, and falls back to the saved site's keychain item.
// A global OCSETUP_PASSWORD is never used: one password sent to every host
// of a fleet would be a leak.
type fleetEnv struct {
	store  *FleetStore
	getenv func(string) string
	keys   Keychain

	once    sync.Once
	saved   SiteSecrets
	mu      sync.Mutex
	secrets []string
}

func (e *fleetEnv) get(name string) string {
	prefix := "OCSETUP_" + fleetEnvID(e.store.ID) + "_"
	var v string
	switch {
	case name == PasswordVar:
		if v = e.getenv(prefix + "PASSWORD"); v == "" {
			v = e.keychain().Password
		}
	case name == KeyPassphraseVar:
		if v = e.getenv(prefix + "KEY_PASSPHRASE"); v == "" {
			v = e.keychain().KeyPassphrase
		}
	case strings.HasPrefix(name, SecretVarPrefix):
		field := strings.TrimPrefix(name, SecretVarPrefix)
		if v = e.getenv(prefix + "SECRET_" + field); v == "" {
			for k, s := range e.keychain().Settings {
				if SecretVar(k) == name {
					v = s
				}
			}
		}
	default:
		return e.getenv(name)
	}
	if v != "" {
		e.mu.Lock()
		e.secrets = append(e.secrets, v)
		e.mu.Unlock()
	}
	return v
}

// keychain reads the saved site's secrets once; none when there is no
// keychain or no item.
func (e *fleetEnv) keychain() SiteSecrets {
	e.once.Do(func() {
		if e.keys == nil {
			return
		}
		raw, err := e.keys.Get(keychainAccount(e.store.SavedSite))
		if err != nil {
			return
		}
		_ = json.Unmarshal([]byte(raw), &e.saved)
	})
	return e.saved
}

func (e *fleetEnv) handedOut() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]string{}, e.secrets...)
}

// fleetTest is `ocsetup test` for one store of a fleet.
func fleetTest(trustNew bool) fleetAction {
	return func(ctx context.Context, s *FleetStore, stdio IO, conns int) FleetRow {
		if err := removeFleetLeftovers(ctx, stdio, s, trustNew, conns); err != nil {
			return FleetRow{Result: check.Fail, Failures: []FleetFailure{fleetFailure(msg.New("check.leftovers.title"),
				msg.New("fleet.leftovers", "Cause", msg.FromError(err)), msg.New("fleet.leftovers.fix"))}}
		}
		rep, err := RunTest(ctx, stdio, &s.SetupFile, openSite(stdio, &s.SetupFile, trustNew, conns), nil)
		if err != nil {
			return FleetRow{Result: check.Fail, Failures: []FleetFailure{fleetFailure(msg.New("fleet.check.test"), msg.FromError(err), msg.Msg{})}}
		}
		row := FleetRow{Result: rep.Overall, Line: rep.Line, Version: rep.Version, StoreURL: rep.StoreURL}
		for _, res := range rep.Results {
			f := FleetFailure{Check: res.Title, Cause: res.Cause, Fix: res.Fix,
				CheckMsg: res.TitleMsg(rep.Integration), CauseMsg: res.CauseMsg, FixMsg: res.FixMsg}
			switch res.Status {
			case check.Fail:
				row.Failures = append(row.Failures, f)
			case check.Warn:
				row.Warnings = append(row.Warnings, f)
			}
		}
		return row
	}
}

// removeFleetLeftovers removes what a killed or interrupted run left on the
// store's account (a PHP probe, a database bridge), as apply does when it
// connects, so that the test's "nothing temporary left" check judges this
// run. It connects only when the data folder holds such a record, and
// closes before the test connects: the store stays within its share.
func removeFleetLeftovers(ctx context.Context, stdio IO, s *FleetStore, trustNew bool, conns int) error {
	site, err := remote.ParseURL(s.Site)
	if err != nil {
		return err
	}
	dir, err := DataDir(stdio.Getenv)
	if err != nil {
		return err
	}
	recs, err := db.Leftovers(dir)
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(recs, func(r db.BridgeRecord) bool { return db.SameSite(r.Site, site) }) {
		return nil
	}
	site.Password = stdio.Getenv(PasswordVar)
	trust := remote.NewTrust(dir)
	trust.Accept, trust.TrustNew = s.Fingerprint, trustNew
	pool, err := remote.Open(ctx, site, trust, conns)
	if err != nil {
		return nil // the test reports the login
	}
	defer pool.Close()
	left, err := cleanupBridges(ctx, dir, pool)
	for _, l := range left {
		if l.Err != nil && err == nil {
			err = msg.Wrap(l.Err, "fleet.still_there", "Path", l.Record.Path)
		}
	}
	return err
}

// fleetApply is `ocsetup apply` for one store of a fleet.
func fleetApply(trustNew bool, mode settings.Mode, displayOff bool) fleetAction {
	return func(ctx context.Context, s *FleetStore, stdio IO, conns int) FleetRow {
		f := &applyFlags{displayOff: displayOff}
		f.trustNew, f.connections = trustNew, conns
		res, err := runApply(ctx, &cmdContext{IO: stdio}, f, mode, &s.SetupFile)
		row := FleetRow{Result: check.Pass}
		if res != nil && res.Store != nil {
			row.Line, row.Version = string(res.Store.Line), res.Store.Version
		}
		if err != nil {
			row.Result = check.Fail
			row.Failures = []FleetFailure{fleetFailure(msg.New("fleet.check.apply"), msg.FromError(err), msg.Msg{})}
			return row
		}
		if res != nil {
			for _, n := range res.Notices {
				cause := res.noticeMsgs[n]
				if cause.IsZero() {
					cause = msg.New("msg.error_text", "Text", n)
				}
				row.Warnings = append(row.Warnings, fleetFailure(msg.New("fleet.check.apply"), cause, msg.Msg{}))
			}
		}
		row.ModuleVersion = packageVersion(s.PackagePath())
		return row
	}
}

// fleetUninstall is `ocsetup uninstall` for one store of a fleet: the
// newest setup on the store is reversed.
func fleetUninstall(trustNew bool) fleetAction {
	return func(ctx context.Context, s *FleetStore, stdio IO, conns int) FleetRow {
		f := &applyFlags{}
		f.trustNew, f.connections = trustNew, conns
		res, err := runUninstall(ctx, &cmdContext{IO: stdio}, f, &s.SetupFile, "")
		row := FleetRow{Result: check.Pass}
		if err != nil {
			row.Result = check.Fail
			row.Failures = []FleetFailure{fleetFailure(msg.New("fleet.check.uninstall"), msg.FromError(err), msg.Msg{})}
		}
		if res != nil {
			if res.Nothing != "" {
				row.Warnings = append(row.Warnings, fleetFailure(msg.New("fleet.check.uninstall"), res.NothingMsg, msg.Msg{}))
			}
			for _, l := range res.LeftMsgs {
				row.Warnings = append(row.Warnings, fleetFailure(msg.New("fleet.check.uninstall"), msg.New("fleet.left", "Text", l), msg.Msg{}))
				if row.Result == check.Pass {
					row.Result = check.Warn
				}
			}
		}
		return row
	}
}

// packageVersion is the version an extension package declares in its
// install.json or install.xml ("" when it declares none).
func packageVersion(path string) string {
	if path == "" {
		return ""
	}
	p, err := pkg.Open(path)
	if err != nil {
		return ""
	}
	defer p.Close()
	if j := p.Install.JSON; j != nil && j.Version != "" {
		return j.Version
	}
	if x := p.Install.XML; x != nil {
		return x.Version
	}
	return ""
}
