package sync

import (
	"context"
	"errors"
	"fmt"
	stdsync "sync"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/ocsetup/ocsetup/installer/msg"
)

// ErrJobRunning is returned by RunJob while the job runs.
var ErrJobRunning = errors.New("sync: the job is already running")

// pausedWait is how long Run sleeps while paused; Resume wakes it.
const pausedWait = time.Hour

// Run polls at the interval and runs the jobs at their periods until ctx
// ends or the engine is closed. A poll or job in progress is given ctx's
// cancellation and waited for.
func (e *Engine) Run(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stop := context.AfterFunc(e.ctx, cancel) // Close ends Run too
	defer stop()
	var jobs stdsync.WaitGroup
	defer jobs.Wait()

	timer := time.NewTimer(0)
	defer timer.Stop()
	var polling chan struct{} // open while a poll runs
	for {
		select {
		case <-ctx.Done():
			if polling != nil {
				<-polling
			}
			return nil
		case <-timer.C:
		case <-polling:
			polling = nil
		case <-e.wake:
		}
		now := e.cfg.Now()
		if polling == nil && e.pollDue(now) {
			polling = make(chan struct{})
			go func(done chan struct{}) {
				defer close(done)
				_, _ = e.Poll(ctx) // the report and its error reach Watch
			}(polling)
		}
		for _, j := range e.dueJobs(now) {
			e.startJob(ctx, j, false, &jobs)
		}
		timer.Reset(e.untilDue(now, polling != nil))
	}
}

func (e *Engine) pollDue(now time.Time) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return !e.paused && !now.Before(e.nextPoll)
}

func (e *Engine) dueJobs(now time.Time) []Job {
	e.mu.Lock()
	defer e.mu.Unlock()
	var due []Job
	for _, j := range e.cfg.Jobs {
		if !e.paused && !e.jobRunning[j.Name] && !now.Before(e.jobNext[j.Name]) {
			due = append(due, j)
		}
	}
	return due
}

// untilDue is the wait until the next poll or job falls due.
func (e *Engine) untilDue(now time.Time, polling bool) time.Duration {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.paused {
		return pausedWait
	}
	wait := pausedWait
	if !polling {
		wait = min(wait, e.nextPoll.Sub(now))
	}
	for _, j := range e.cfg.Jobs {
		if !e.jobRunning[j.Name] {
			wait = min(wait, e.jobNext[j.Name].Sub(now))
		}
	}
	return max(wait, 0)
}

// RunJob runs a job now, whether or not Run runs or the engine is
// paused; it returns at once and the run's result reaches Watch.
func (e *Engine) RunJob(name string) error {
	for _, j := range e.cfg.Jobs {
		if j.Name == name {
			if !e.startJob(e.ctx, j, true, nil) {
				return ErrJobRunning
			}
			return nil
		}
	}
	return fmt.Errorf("sync: there is no job %q", name)
}

// startJob runs j in a goroutine unless it runs already.
func (e *Engine) startJob(ctx context.Context, j Job, manual bool, wg *stdsync.WaitGroup) bool {
	e.mu.Lock()
	if e.jobRunning[j.Name] || e.closed {
		e.mu.Unlock()
		return false
	}
	e.jobRunning[j.Name] = true
	e.jobsWG.Add(1)
	if wg != nil {
		wg.Add(1)
	}
	e.publishLocked()
	e.mu.Unlock()
	go func() {
		defer e.jobsWG.Done()
		if wg != nil {
			defer wg.Done()
		}
		e.doJob(ctx, j, manual)
	}()
	return true
}

// doJob runs j once and records the run and its alerts. A run cut short
// because the engine stops is not recorded as a failure.
func (e *Engine) doJob(ctx context.Context, j Job, manual bool) {
	start := e.cfg.Now()
	timeout := j.Timeout
	if timeout <= 0 {
		timeout = DefaultJobTimeout
	}
	jctx, cancel := context.WithTimeout(ctx, timeout)
	result, err := j.Run(jctx)
	cancel()
	end := e.cfg.Now()

	e.mu.Lock()
	if ctx.Err() != nil {
		e.jobRunning[j.Name] = false
		e.publishLocked()
		e.mu.Unlock()
		return
	}
	run := JobRun{Job: j.Name, Start: start, Duration: end.Sub(start), OK: err == nil, Result: result, Manual: manual}
	rec := jobRecord{Last: &run}
	if old := e.st.jobs[j.Name]; old != nil {
		rec.Runs, rec.Failures = old.Runs, old.Failures
	}
	rec.Runs++
	book := &e.st.alerts
	if err != nil {
		rec.Failures++
		if run.Result == "" {
			run.ResultText = msg.FromError(err)
		} else {
			run.ResultText = msg.New("sync.job.result_error", "Result", run.Result, "Err", msg.FromError(err))
		}
		run.Result = run.ResultText.English()
		title := jobTitle(j)
		book.raise(AlertJobFailed, j.Name, msg.New("sync.alert.job_failed", "Job", title, "Err", msg.FromError(err)), end)
		if errors.Is(err, ErrKeyRejected) {
			book.raise(AlertKeyRejected, j.Name, msg.New("sync.alert.job_key_rejected", "Job", title, "Err", msg.FromError(err)), end)
		}
	} else {
		book.resolve(AlertJobFailed, j.Name, end)
		book.resolve(AlertKeyRejected, j.Name, end)
	}
	events, alertSeq := book.take(), book.seq
	e.mu.Unlock()

	saveErr := e.hdb.Update(func(tx *bolt.Tx) error { return saveJobRun(tx, run, rec, events, alertSeq) })
	if saveErr != nil {
		var result any = run.Result
		if !run.ResultText.IsZero() {
			result = run.ResultText
		}
		run.ResultText = msg.New("sync.job.not_saved", "Result", result, "Err", msg.FromError(saveErr))
		run.Result = run.ResultText.English()
	}

	e.mu.Lock()
	e.st.jobs[j.Name] = &rec
	e.st.noteAlerts(events)
	e.jobRunning[j.Name] = false
	next := start.Add(j.Period)
	if next.Before(end) {
		next = end // the run took longer than the period
	}
	e.jobNext[j.Name] = next
	e.publishLocked()
	e.mu.Unlock()
	e.poke()
}

// jobTitle is the job's title as a message argument: its message when it
// has one, else the title (a name).
func jobTitle(j Job) any {
	if !j.TitleMsg.IsZero() {
		return j.TitleMsg
	}
	return j.Title
}
