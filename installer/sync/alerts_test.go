package sync

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	stdsync "sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ocsetup/ocsetup/installer/db"
	"github.com/ocsetup/ocsetup/installer/msg"
	"github.com/ocsetup/ocsetup/internal/fixture"
	"github.com/ocsetup/ocsetup/internal/testenv"
)

// clock is a test clock; tickStore advances it on every query, so a
// poll lasts exactly as long as the test says.
type clock struct {
	mu stdsync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

type tickStore struct {
	Store
	c   *clock
	per atomic.Int64 // nanoseconds each query takes
}

func (s *tickStore) Query(ctx context.Context, q string, args ...any) (*db.Rows, error) {
	s.c.Add(time.Duration(s.per.Load()))
	return s.Store.Query(ctx, q, args...)
}

// TestBackOffWhenSlow: a poll longer than a quarter of the interval
// doubles it, up to the cap; quick polls bring it back step by step.
func TestBackOffWhenSlow(t *testing.T) {
	t.Parallel()
	s := newTestStore(t, fixture.Options{Version: "3.0.3.8"}, db.Options{})
	c := &clock{t: time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)}
	ts := &tickStore{Store: s.db, c: c}
	e := openEngine(t, s, Config{Store: ts, Now: c.Now, Interval: time.Minute, MaxInterval: 3 * time.Minute})
	steps := []struct {
		per  time.Duration
		want time.Duration
	}{
		{0, time.Minute},
		{2 * time.Second, 2 * time.Minute}, // ~20 queries: 40 s > 15 s
		{5 * time.Second, 3 * time.Minute}, // capped
		{0, 90 * time.Second},
		{0, time.Minute},
		{0, time.Minute},
	}
	for i, st := range steps {
		ts.per.Store(int64(st.per))
		r := poll(t, e)
		if r.Next != st.want || e.Snapshot().Interval != st.want {
			t.Errorf("poll %d lasting %v: next in %v, want %v", i+1, r.Duration, r.Next, st.want)
		}
		if !e.Snapshot().NextPoll.Equal(r.Start.Add(st.want)) {
			t.Errorf("poll %d: next poll at %v", i+1, e.Snapshot().NextPoll)
		}
	}
	if err := e.SetInterval(5 * time.Minute); err != nil {
		t.Fatal(err)
	}
	if s := e.Snapshot(); s.Interval != 5*time.Minute || s.BaseInterval != 5*time.Minute {
		t.Errorf("after SetInterval: %v / %v", s.Interval, s.BaseInterval)
	}
}

// TestQuietAndStorefrontAlerts: no API session for longer than
// QuietAfter raises "no integration activity" and a session resolves it;
// a storefront that answers 503 raises "store down" until it answers.
func TestQuietAndStorefrontAlerts(t *testing.T) {
	t.Parallel()
	s := newTestStore(t, fixture.Options{Version: "3.0.3.8"}, db.Options{})
	var status atomic.Int64
	status.Store(http.StatusOK)
	shop := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(int(status.Load())) }))
	defer shop.Close()
	c := &clock{t: time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)}
	history := filepath.Join(t.TempDir(), "sync.db")
	cfg := Config{Now: c.Now, APIUser: "Default", QuietAfter: time.Hour, Probe: HTTPProbe(shop.Client(), shop.URL), HistoryPath: history}
	e := openEngine(t, s, cfg)
	poll(t, e)
	c.Add(30 * time.Minute)
	if r := poll(t, e); len(r.Alerts) != 0 {
		t.Fatalf("alerts within the quiet time: %+v", r.Alerts)
	}
	c.Add(45 * time.Minute)
	status.Store(http.StatusServiceUnavailable)
	r := poll(t, e)
	if len(r.Alerts) != 2 || len(activeAlerts(e.Snapshot(), AlertQuiet)) != 1 || len(activeAlerts(e.Snapshot(), AlertStoreDown)) != 1 {
		t.Fatalf("after 75 quiet minutes and a 503: %+v", r.Alerts)
	}
	// Each alert carries its message key (the app shows it in the user's
	// language), whose English is the message; the history keeps both.
	keys := map[AlertKind]string{AlertQuiet: "sync.alert.quiet", AlertStoreDown: "sync.alert.storefront_down"}
	for _, a := range r.Alerts {
		if a.Text.Key != keys[a.Kind] || a.Text.English() != a.Message || !msg.HasEnglish(a.Text.Key) {
			t.Errorf("alert %s: key %q, English %q, message %q", a.Kind, a.Text.Key, a.Text.English(), a.Message)
		}
	}
	e.Close()
	e = openEngine(t, s, cfg)
	if n := len(e.Snapshot().Alerts); n != 2 {
		t.Fatalf("%d alerts from the history", n)
	}
	for _, a := range e.Snapshot().Alerts {
		if a.Text.Key != keys[a.Kind] || a.Text.English() != a.Message {
			t.Errorf("alert %s from the history: key %q, English %q, message %q", a.Kind, a.Text.Key, a.Text.English(), a.Message)
		}
	}

	s.addSession(t, 1, "203.0.113.7")
	status.Store(http.StatusOK)
	c.Add(10 * time.Minute)
	r = poll(t, e)
	if len(r.Alerts) != 2 || r.Alerts[0].Active() || r.Alerts[1].Active() || len(e.Snapshot().Alerts) != 0 {
		t.Fatalf("after a session and a good storefront: %+v", r.Alerts)
	}
	if got := e.Snapshot().LastActivity; !got.Equal(c.Now()) {
		t.Errorf("last activity %v, want %v", got, c.Now())
	}
}

// TestStoreDownAlert: a database that stops answering raises "store
// down" and backs off; the next good poll resolves it.
func TestStoreDownAlert(t *testing.T) {
	t.Parallel()
	env := testenv.Get(t)
	proxy := testenv.StartProxy(t, env.MySQL.Addr())
	s := newTestStore(t, fixture.Options{Version: "4.0.2.3", DB: fixture.DB{Port: proxy.Port()}}, db.Options{OpTimeout: time.Second})
	e := openEngine(t, s, Config{})
	poll(t, e)

	proxy.Stall(true)
	r, err := e.Poll(ctxT(t))
	proxy.Stall(false)
	if err == nil || r.Error == "" || len(r.Alerts) != 1 || r.Alerts[0].Kind != AlertStoreDown || r.Next != 2*DefaultInterval {
		t.Fatalf("stalled database: err %v, %+v", err, r)
	}
	r = poll(t, e)
	if len(r.Alerts) != 1 || r.Alerts[0].Active() || len(e.Snapshot().Alerts) != 0 {
		t.Fatalf("database back: %+v", r.Alerts)
	}
}
