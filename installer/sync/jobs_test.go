package sync

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	stdsync "sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ocsetup/ocsetup/installer/db"
)

// noStore is a Store for tests that run jobs and never poll.
type noStore struct{}

func (noStore) Query(context.Context, string, ...any) (*db.Rows, error) {
	return nil, errors.New("no store in this test")
}
func (noStore) Schema(context.Context) (*db.Schema, error) {
	return nil, errors.New("no store in this test")
}

func jobEngine(t *testing.T, path string, jobs ...Job) *Engine {
	t.Helper()
	e, err := Open(Config{Store: noStore{}, HistoryPath: path, Jobs: jobs})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return e
}

func activeAlerts(s Snapshot, kind AlertKind) []Alert {
	var out []Alert
	for _, a := range s.Alerts {
		if a.Kind == kind {
			out = append(out, a)
		}
	}
	return out
}

// TestFailingJobRaisesAlert: a failed run raises "job failed" once, a
// successful one resolves it, and both runs are in the history after a
// restart.
func TestFailingJobRaisesAlert(t *testing.T) {
	var fail atomic.Bool
	fail.Store(true)
	job := Job{Name: "onebox-cron", Title: "OneBox cron.php", Period: time.Hour, Run: func(ctx context.Context) (string, error) {
		if fail.Load() {
			return "HTTP 500", errors.New("cron.php answered HTTP 500")
		}
		return "HTTP 200", nil
	}}
	path := filepath.Join(t.TempDir(), "sync.db")
	e := jobEngine(t, path, job)
	if err := e.RunJob("onebox-cron"); err != nil {
		t.Fatal(err)
	}
	s := waitFor(t, e, "a failed run", func(s Snapshot) bool { return s.Jobs[0].Runs == 1 && !s.Jobs[0].Running })
	if a := activeAlerts(s, AlertJobFailed); len(a) != 1 || a[0].Subject != "onebox-cron" || !strings.Contains(a[0].Message, "HTTP 500") {
		t.Fatalf("alerts after a failed run: %+v", s.Alerts)
	}
	if j := s.Jobs[0]; j.Last == nil || j.Last.OK || !j.Last.Manual || j.Failures != 1 || !strings.Contains(j.Last.Result, "HTTP 500") {
		t.Fatalf("job state: %+v %+v", j, j.Last)
	}
	raised := s.Alerts[0].Seq

	// A second failure keeps the same alert: no new notification.
	if err := e.RunJob("onebox-cron"); err != nil {
		t.Fatal(err)
	}
	s = waitFor(t, e, "the second run", func(s Snapshot) bool { return s.Jobs[0].Runs == 2 && !s.Jobs[0].Running })
	if a := activeAlerts(s, AlertJobFailed); len(a) != 1 || a[0].Seq != raised {
		t.Fatalf("alerts after a second failure: %+v", s.Alerts)
	}

	fail.Store(false)
	if err := e.RunJob("onebox-cron"); err != nil {
		t.Fatal(err)
	}
	s = waitFor(t, e, "a good run", func(s Snapshot) bool { return s.Jobs[0].Runs == 3 && !s.Jobs[0].Running })
	if len(s.Alerts) != 0 || len(s.AlertLog) != 2 || s.AlertLog[0].Active() || !s.AlertLog[1].Active() {
		t.Fatalf("after a good run: active %+v, log %+v", s.Alerts, s.AlertLog)
	}
	if err := e.RunJob("nightly-import"); err == nil {
		t.Error("an unknown job ran")
	}
	e.Close()

	e = jobEngine(t, path, job)
	s = e.Snapshot()
	if j := s.Jobs[0]; j.Runs != 3 || j.Failures != 2 || j.Last == nil || !j.Last.OK || !j.Next.Equal(j.Last.Start.Add(time.Hour)) {
		t.Errorf("reopened: %+v", j)
	}
	if runs, err := e.JobRuns(10); err != nil || len(runs) != 3 || !runs[0].OK || runs[2].OK {
		t.Errorf("stored runs: %+v %v", runs, err)
	}
}

// TestHTTPJob: the store's answers as the job reads them.
func TestHTTPJob(t *testing.T) {
	replies := map[string]struct {
		status int
		body   string
	}{
		"/ok":        {200, "<p>Products updated: 12</p>\n"},
		"/forbidden": {403, "Forbidden"},
		"/login":     {200, `{"error":{"key":"Warning: You do not have permission to access the API!"}}`},
		"/fatal":     {200, "<br />\n<b>Fatal error</b>: Uncaught Error: Call to undefined function in cron.php on line 3"},
		"/missing":   {404, "Not Found"},
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rep := replies[r.URL.Path]
		w.WriteHeader(rep.status)
		_, _ = w.Write([]byte(rep.body))
	}))
	defer srv.Close()
	for path, want := range map[string]struct {
		summary  string
		rejected bool
		failed   bool
	}{
		"/ok":        {"HTTP 200: Products updated: 12", false, false},
		"/forbidden": {"HTTP 403: Forbidden", true, true},
		"/login":     {"HTTP 200", true, true},
		"/fatal":     {"HTTP 200", false, true},
		"/missing":   {"HTTP 404: Not Found", false, true},
	} {
		summary, err := HTTPJob(srv.Client(), srv.URL+path)(context.Background())
		if !strings.HasPrefix(summary, want.summary) || (err != nil) != want.failed || errors.Is(err, ErrKeyRejected) != want.rejected {
			t.Errorf("%s: %q, %v", path, summary, err)
		}
	}
}

// TestScheduledJobsAndKeyRejected: Run runs a job at its period; a store
// that refuses the key raises both "job failed" and "API key rejected".
func TestScheduledJobsAndKeyRejected(t *testing.T) {
	var calls atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.WriteHeader(http.StatusForbidden)
	}))
	defer srv.Close()
	job := Job{Name: "aps-status-check", Title: "APS status check", Period: 20 * time.Millisecond, Run: HTTPJob(srv.Client(), srv.URL)}
	e := jobEngine(t, filepath.Join(t.TempDir(), "sync.db"), job)
	e.Pause() // no polls: the store of this test is no store
	ctx, cancel := context.WithCancel(context.Background())
	var wg stdsync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		if err := e.Run(ctx); err != nil {
			t.Error(err)
		}
	}()
	defer func() { cancel(); wg.Wait() }()

	// Paused: jobs wait too, but "Run now" runs.
	if err := e.RunJob(job.Name); err != nil {
		t.Fatal(err)
	}
	s := waitFor(t, e, "the manual run", func(s Snapshot) bool { return s.Jobs[0].Runs == 1 && !s.Jobs[0].Running })
	if s.Jobs[0].Next != (time.Time{}) || !s.Paused {
		t.Errorf("paused, yet the next run is at %v", s.Jobs[0].Next)
	}
	if len(activeAlerts(s, AlertKeyRejected)) != 1 || len(activeAlerts(s, AlertJobFailed)) != 1 {
		t.Fatalf("alerts: %+v", s.Alerts)
	}
	e.Resume()
	waitFor(t, e, "three scheduled runs", func(s Snapshot) bool { return s.Jobs[0].Runs >= 4 })
	if calls.Load() < 4 {
		t.Errorf("the store was called %d times", calls.Load())
	}
}
