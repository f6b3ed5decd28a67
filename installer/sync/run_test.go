package sync

import (
	"context"
	stdsync "sync"
	"testing"
	"time"

	"github.com/ocsetup/ocsetup/installer/db"
	"github.com/ocsetup/ocsetup/internal/fixture"
)

// TestRunPollsUntilStopped: Run polls at the interval, stops polling
// while paused, and returns when its context ends.
func TestRunPollsUntilStopped(t *testing.T) {
	t.Parallel()
	s := newTestStore(t, fixture.Options{Version: "4.0.2.3"}, db.Options{})
	e := openEngine(t, s, Config{Interval: 20 * time.Millisecond})
	ctx, cancel := context.WithCancel(context.Background())
	var wg stdsync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		if err := e.Run(ctx); err != nil {
			t.Error(err)
		}
	}()
	waitFor(t, e, "three polls", func(s Snapshot) bool { return s.Last != nil && s.Last.Poll >= 3 })
	s.addOrder(t, 4, 1, "")
	snap := waitFor(t, e, "the new order", func(s Snapshot) bool { return s.Totals[Orders].Added == 1 })
	if snap.Last.Error != "" || snap.Totals[OrderHistory].Added != 1 {
		t.Errorf("after the order: %+v", snap.Last)
	}

	e.Pause()
	paused := waitFor(t, e, "the pause", func(s Snapshot) bool { return s.Paused })
	if !paused.NextPoll.IsZero() {
		t.Errorf("paused, yet the next poll is at %v", paused.NextPoll)
	}
	if d := e.untilDue(time.Now(), false); d != pausedWait {
		t.Errorf("paused Run waits %v", d)
	}
	e.Resume()
	from := e.Snapshot().Last.Poll
	waitFor(t, e, "polls after resuming", func(s Snapshot) bool { return s.Last.Poll >= from+2 })
	cancel()
	wg.Wait()
}
