// Package check runs the "Test integration" checks: independent checks in
// parallel, dependent ones after what they need, each with a timeout, and
// turns the results into a report for the provider's integration team.
package check

import (
	"context"
	"fmt"
	"github.com/ocsetup/ocsetup/installer/msg"
	"sort"
	"sync"
	"time"
)

// Status of one check.
type Status string

// Statuses, worst last.
const (
	Pass    Status = "pass"
	Skipped Status = "skipped"
	Warn    Status = "warn"
	Fail    Status = "fail"
)

// Result is what one check found: one sentence of cause, one of fix, and
// the raw detail behind it (a server reply, a query result).
type Result struct {
	ID       string        `json:"id"`
	Title    string        `json:"title"`
	Status   Status        `json:"status"`
	Cause    string        `json:"cause,omitempty"`
	Fix      string        `json:"fix,omitempty"`
	Detail   string        `json:"detail,omitempty"`
	Duration time.Duration `json:"duration_ns"`
	// CauseMsg and FixMsg are Cause and Fix with their translation keys,
	// for the app to show in the user's language; reports and the command
	// line print Cause and Fix, their English. Zero for a message that
	// has no key yet.
	CauseMsg msg.Msg `json:"-"`
	FixMsg   msg.Msg `json:"-"`
}

// Check is one step of the test.
type Check struct {
	ID    string
	Title string
	// After lists checks that must pass (or warn) first; if one fails or
	// is skipped, this one is skipped with that reason.
	After []string
	// Timeout bounds Run; 0 means DefaultTimeout.
	Timeout time.Duration
	// Run does the check. It sets Status, Cause, Fix and Detail; ID,
	// Title and Duration are filled in by the runner.
	Run func(ctx context.Context) Result
}

// DefaultTimeout is a check's time limit unless it sets its own.
const DefaultTimeout = 15 * time.Second

// The constructors below are the only way a check states its cause and
// fix: each is a message with a translation key, so that the app can show
// it in the user's language (Cause and Fix are its English). A test
// (TestResultsCarryMessages) keeps Cause and Fix from being set another way.

// PassedMsg is a Result with Status Pass and a cause.
func PassedMsg(cause msg.Msg) Result {
	return Result{Status: Pass, Cause: cause.English(), CauseMsg: cause}
}

// WarnedMsg is a Result with Status Warn, its cause and its fix.
func WarnedMsg(cause, fix msg.Msg, detail string) Result {
	return Result{Status: Warn, Cause: cause.English(), Fix: fix.English(), Detail: detail, CauseMsg: cause, FixMsg: fix}
}

// FailedMsg is a Result with Status Fail, its cause and its fix.
func FailedMsg(cause, fix msg.Msg, detail string) Result {
	return Result{Status: Fail, Cause: cause.English(), Fix: fix.English(), Detail: detail, CauseMsg: cause, FixMsg: fix}
}

// SkippedMsg is a Result with Status Skipped and why.
func SkippedMsg(cause msg.Msg) Result {
	return Result{Status: Skipped, Cause: cause.English(), CauseMsg: cause}
}

// Sentences is two messages read one after the other ("Checkout offers
// … Its confirm step answers …"); then may be zero.
func Sentences(first, then msg.Msg) msg.Msg {
	if then.IsZero() {
		return first
	}
	return msg.New("check.sentences", "First", first, "Then", then)
}

// Run runs the checks and returns their results in the order given.
// progress, if not nil, is called as each result is known (from several
// goroutines, one call at a time).
func Run(ctx context.Context, checks []Check, progress func(Result)) ([]Result, error) {
	results, _, err := run(ctx, checks, progress, 0)
	return results, err
}

// straggleGrace is how long RunSuite waits, after every result is known,
// for the checks it stopped waiting for (a timeout, a cancel) to return.
const straggleGrace = 10 * time.Second

// run is Run that also says whether every check's Run has returned within
// grace after the last result: when one still runs (it ignored its
// context), the state the checks share must not be read.
func run(ctx context.Context, checks []Check, progress func(Result), grace time.Duration) ([]Result, bool, error) {
	index := map[string]int{}
	for i, c := range checks {
		if _, dup := index[c.ID]; dup {
			return nil, true, fmt.Errorf("check %q is defined twice", c.ID)
		}
		index[c.ID] = i
	}
	for _, c := range checks {
		for _, dep := range c.After {
			if _, ok := index[dep]; !ok {
				return nil, true, fmt.Errorf("check %q needs %q, which does not exist", c.ID, dep)
			}
		}
	}
	if cyc := cycle(checks, index); cyc != "" {
		return nil, true, fmt.Errorf("checks depend on each other in a circle: %s", cyc)
	}
	results := make([]Result, len(checks))
	done := make([]chan struct{}, len(checks))
	for i := range done {
		done[i] = make(chan struct{})
	}
	var progressMu sync.Mutex
	var wg sync.WaitGroup
	var running sync.WaitGroup // every check's own Run, abandoned or not
	for i, c := range checks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer close(done[i])
			for _, dep := range c.After {
				<-done[index[dep]]
				if r := results[index[dep]]; r.Status == Fail || r.Status == Skipped {
					results[i] = SkippedMsg(msg.New("check.skipped", "Check", msg.Msg{Key: "check." + r.ID + ".title", Own: r.Title}))
					results[i].ID, results[i].Title = c.ID, c.Title
					report(&progressMu, progress, results[i])
					return
				}
			}
			results[i] = runOne(ctx, c, &running)
			report(&progressMu, progress, results[i])
		}()
	}
	wg.Wait()
	ended := make(chan struct{})
	go func() {
		running.Wait()
		close(ended)
	}()
	select {
	case <-ended:
		return results, true, nil
	case <-time.After(grace):
		return results, false, nil
	}
}

func report(mu *sync.Mutex, progress func(Result), r Result) {
	if progress == nil {
		return
	}
	mu.Lock()
	defer mu.Unlock()
	progress(r)
}

// runOne runs a check with its timeout; a check that overruns fails with a
// timeout cause even if its Run ignores the context.
func runOne(ctx context.Context, c Check, running *sync.WaitGroup) Result {
	timeout := c.Timeout
	if timeout == 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	start := time.Now()
	ch := make(chan Result, 1)
	running.Add(1)
	go func() {
		defer running.Done()
		defer func() {
			if p := recover(); p != nil {
				ch <- FailedMsg(msg.New("check.crashed"), msg.New("check.fix.report_bug"), fmt.Sprint(p))
			}
		}()
		ch <- c.Run(ctx)
	}()
	var r Result
	select {
	case r = <-ch:
	case <-ctx.Done():
		r = FailedMsg(msg.New("check.timeout", "Timeout", timeout.Round(time.Millisecond).String()),
			msg.New("check.timeout.fix"), ctx.Err().Error())
	}
	r.ID, r.Title, r.Duration = c.ID, c.Title, time.Since(start)
	if r.Status == "" {
		r = FailedMsg(msg.New("check.no_result"), msg.Msg{}, r.Detail)
		r.ID, r.Title, r.Duration = c.ID, c.Title, time.Since(start)
	}
	return r
}

// cycle returns a description of a dependency cycle, or "".
func cycle(checks []Check, index map[string]int) string {
	state := make([]int, len(checks)) // 0 new, 1 visiting, 2 done
	var path []string
	var visit func(i int) string
	visit = func(i int) string {
		if state[i] == 1 {
			return fmt.Sprint(append(path, checks[i].ID))
		}
		if state[i] == 2 {
			return ""
		}
		state[i] = 1
		path = append(path, checks[i].ID)
		for _, dep := range checks[i].After {
			if c := visit(index[dep]); c != "" {
				return c
			}
		}
		path = path[:len(path)-1]
		state[i] = 2
		return ""
	}
	ids := make([]int, len(checks))
	for i := range ids {
		ids[i] = i
	}
	sort.Ints(ids)
	for _, i := range ids {
		if c := visit(i); c != "" {
			return c
		}
	}
	return ""
}

// Worst is the overall status: fail if any check failed, then warn, then pass.
func Worst(results []Result) Status {
	worst := Pass
	for _, r := range results {
		switch {
		case r.Status == Fail:
			return Fail
		case r.Status == Warn:
			worst = Warn
		}
	}
	return worst
}
