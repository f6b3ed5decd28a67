package sync

import (
	"context"
	stdsync "sync"
)

// RunDue runs the jobs that are due now, once each, and waits for them:
// what one turn of Run does for jobs, for a one-shot run (`sync --once`).
// A job run within its period (by the history) is not due. It returns the
// jobs it ran; their results are in Snapshot.
func (e *Engine) RunDue(ctx context.Context) []Job {
	var wg stdsync.WaitGroup
	var ran []Job
	for _, j := range e.dueJobs(e.cfg.Now()) {
		if e.startJob(ctx, j, false, &wg) {
			ran = append(ran, j)
		}
	}
	wg.Wait()
	return ran
}
