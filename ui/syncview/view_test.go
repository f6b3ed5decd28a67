package syncview

import (
	"context"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	stdsync "sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/ocsetup/ocsetup/installer/msg"
	ocsync "github.com/ocsetup/ocsetup/installer/sync"
	"github.com/ocsetup/ocsetup/ui/tr"
)

// fakeEngine is an Engine whose state the test sets; it records the
// controls the view used.
type fakeEngine struct {
	mu      stdsync.Mutex
	snap    ocsync.Snapshot
	changed chan struct{}
	calls   []string
}

func newFakeEngine(s ocsync.Snapshot) *fakeEngine {
	return &fakeEngine{snap: s, changed: make(chan struct{})}
}

func (f *fakeEngine) Watch() (ocsync.Snapshot, <-chan struct{}) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.snap, f.changed
}

func (f *fakeEngine) set(s ocsync.Snapshot) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.snap = s
	close(f.changed)
	f.changed = make(chan struct{})
}

func (f *fakeEngine) record(call string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, call)
}

func (f *fakeEngine) Pause()  { f.record("pause") }
func (f *fakeEngine) Resume() { f.record("resume") }
func (f *fakeEngine) SetInterval(d time.Duration) error {
	f.record("interval " + d.String())
	return nil
}
func (f *fakeEngine) RunJob(name string) error {
	f.record("run " + name)
	return nil
}

// sample is a store a few hours after setup: a OneBox connector at work.
func sample(now time.Time) ocsync.Snapshot {
	hour := now.Truncate(time.Hour)
	series := func(vals ...int64) []int64 {
		out := make([]int64, ocsync.HourlyHours)
		copy(out[ocsync.HourlyHours-len(vals):], vals)
		return out
	}
	lastRun := &ocsync.JobRun{Job: "onebox-cron", Start: hour.Add(2 * time.Minute), Duration: 1340 * time.Millisecond, OK: true,
		Result: "HTTP 200: Products updated: 118"}
	failed := &ocsync.JobRun{Job: "aps-status-check", Start: now.Add(-9 * time.Minute), Duration: 30 * time.Second,
		Result: "the store did not answer (timeout)"}
	alert := ocsync.Alert{Seq: 1, Kind: ocsync.AlertJobFailed, Subject: "aps-status-check", Raised: failed.Start.Add(failed.Duration),
		Message: "Amazon Payment Services status check failed: the store did not answer https://shop.example.com/ (timeout)"}
	return ocsync.Snapshot{
		Since: now.Add(-6 * time.Hour), Interval: time.Minute, BaseInterval: time.Minute, NextPoll: now.Add(40 * time.Second),
		Last: &ocsync.Report{Poll: 342, Start: now.Add(-20 * time.Second), Duration: 23 * time.Millisecond},
		Entities: []ocsync.Entity{ocsync.Orders, ocsync.OrderHistory, ocsync.Products, ocsync.PricesStock, ocsync.Specials,
			ocsync.Categories, ocsync.Manufacturers, ocsync.ProductOptions, ocsync.Filters, ocsync.Customers, ocsync.CustomerGroups, ocsync.APISessions},
		Totals: ocsync.Changes{
			ocsync.Orders:       {Counts: ocsync.Counts{Added: 42, Changed: 17}},
			ocsync.OrderHistory: {Counts: ocsync.Counts{Added: 61}},
			ocsync.Products: {Counts: ocsync.Counts{Added: 3, Changed: 118, Removed: 1},
				Languages: map[int]ocsync.Counts{1: {Added: 3, Changed: 40}, 2: {Added: 3, Changed: 38}}},
			ocsync.PricesStock:   {Counts: ocsync.Counts{Changed: 96}},
			ocsync.Specials:      {Counts: ocsync.Counts{Added: 4, Removed: 4}},
			ocsync.Categories:    {Counts: ocsync.Counts{Changed: 2}, Languages: map[int]ocsync.Counts{1: {Changed: 2}}},
			ocsync.Customers:     {Counts: ocsync.Counts{Added: 9, Changed: 2}},
			ocsync.APISessions:   {Counts: ocsync.Counts{Added: 6}},
			ocsync.Manufacturers: {Counts: ocsync.Counts{Added: 1}},
		},
		Hourly: map[ocsync.Entity][]int64{
			ocsync.Orders:       series(5, 9, 12, 7, 14, 8, 4),
			ocsync.OrderHistory: series(7, 11, 15, 9, 12, 5, 2),
			ocsync.Products:     series(0, 31, 0, 0, 44, 0, 47, 0),
			ocsync.PricesStock:  series(0, 25, 0, 0, 30, 0, 41, 0),
			ocsync.Specials:     series(0, 0, 0, 0, 8, 0, 0),
			ocsync.Categories:   series(0, 2, 0, 0, 0, 0, 0),
			ocsync.Customers:    series(2, 1, 3, 0, 2, 1, 0),
			ocsync.APISessions:  series(1, 1, 1, 1, 1, 1, 0),
		},
		Orders: ocsync.OrderStats{
			LastHour: []ocsync.StatusCount{{ID: 1, Name: "Pending", Count: 3}, {ID: 2, Name: "Processing", Count: 1}},
			LastDay: []ocsync.StatusCount{{ID: 5, Name: "Complete", Count: 19}, {ID: 2, Name: "Processing", Count: 11},
				{ID: 1, Name: "Pending", Count: 7}, {ID: 7, Name: "Canceled", Count: 2}, {ID: 0, Name: "Missing (not confirmed)", Count: 3}},
		},
		API: ocsync.APIActivity{Available: true, Table: "api_session", User: "Default", UserFound: true, SinceSetup: 6,
			Last: hour.Add(2 * time.Minute), LastIP: "203.0.113.7"},
		Log: &ocsync.LogTail{Path: "/public_html/catalog/onebox/log.txt", Size: 48213, ModTime: hour.Add(2 * time.Minute), Lines: []string{
			"10:02:01 login: token 7f3a…",
			"10:02:02 updateCategory: 2 categories",
			"10:02:03 updateProduct: 118 products, 96 prices",
			"10:02:03 updateFiltreName: 4 filters",
			"10:02:03 done in 1.3 s",
		}},
		LastActivity: hour.Add(2 * time.Minute),
		Jobs: []ocsync.JobState{
			{Name: "onebox-cron", Title: "OneBox cron.php", Period: time.Hour, Last: lastRun, Next: hour.Add(62 * time.Minute), Runs: 6},
			{Name: "aps-status-check", Title: "Amazon Payment Services status check", Period: 15 * time.Minute, Last: failed,
				Next: failed.Start.Add(15 * time.Minute), Runs: 24, Failures: 1},
		},
		Alerts:    []ocsync.Alert{alert},
		AlertLog:  []ocsync.Alert{alert},
		Languages: []ocsync.Language{{ID: 1, Code: "en-gb", Name: "English"}, {ID: 2, Code: "fr-fr", Name: "Français"}},
	}
}

// lightTheme is the default theme in its light variant (the test app's
// own theme is a test palette).
type lightTheme struct{ fyne.Theme }

func (l lightTheme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	return l.Theme.Color(n, theme.VariantLight)
}

// TestViewWithData renders a busy store, checks what it says and saves
// the screenshot of the issue (screenshots/sync.png).
func TestViewWithData(t *testing.T) {
	a := test.NewTempApp(t)
	a.Settings().SetTheme(lightTheme{theme.DefaultTheme()})
	now := time.Date(2025, 3, 4, 10, 42, 0, 0, time.Local)
	eng := newFakeEngine(sample(now))
	w := test.NewWindow(nil)
	defer w.Close()
	v := New(eng, w)
	v.now = func() time.Time { return now }
	w.SetContent(v)
	w.Resize(fyne.NewSize(1180, 900))
	s, _ := eng.Watch()
	v.Render(s)

	for _, want := range []string{"Last poll 10:41:40 (23 ms)", "next 10:42:40"} {
		if !strings.Contains(v.status.Text, want) {
			t.Errorf("status %q lacks %q", v.status.Text, want)
		}
	}
	if got := v.activity.api.Text; got != "API user Default: 6 sessions since setup, last 10:02:00 from 203.0.113.7" {
		t.Errorf("API line: %q", got)
	}
	if got := v.changes.rows[ocsync.Products]; got.counts.Text != "+3  ~118  −1" || !strings.Contains(got.langs.Text, "English +3  ~40 · Français +3  ~38") {
		t.Errorf("products row: %q / %q", got.counts.Text, got.langs.Text)
	}
	if got := v.changes.rows[ocsync.Filters].counts.Text; got != "no changes" {
		t.Errorf("filters: %q", got)
	}
	if got := v.changes.rows[ocsync.Orders].spark.values; len(got) != ocsync.HourlyHours || got[ocsync.HourlyHours-1] != 4 {
		t.Errorf("orders per hour: %v", got)
	}
	if len(v.day.bars) != 5 || v.day.bars[0].label != "Complete" || v.day.bars[0].value != 19 {
		t.Errorf("orders of the day: %+v", v.day.bars)
	}
	if got := v.jobs.rows["aps-status-check"].detail.Text; !strings.Contains(got, "failed: the store did not answer") || !strings.Contains(got, "next 10:48:00") {
		t.Errorf("APS job: %q", got)
	}
	if n := len(v.alerts.object.Objects); n != 1 {
		t.Errorf("%d alert rows", n)
	}
	if v.interval.Selected != "every 1 min" {
		t.Errorf("interval shows %q", v.interval.Selected)
	}

	img := w.Canvas().Capture()
	if colors := distinctColors(img); colors < 20 {
		t.Errorf("the capture has %d colours; is it drawn?", colors)
	}
	path := filepath.Join("..", "..", "screenshots", "sync.png")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
}

func distinctColors(img image.Image) int {
	seen := map[color.RGBA]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 3 {
		for x := b.Min.X; x < b.Max.X; x += 3 {
			r, g, bl, a := img.At(x, y).RGBA()
			seen[color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(bl >> 8), uint8(a >> 8)}] = true
		}
	}
	return len(seen)
}

// TestControls: pause and resume, the interval and "Run now" reach the
// engine; showing a snapshot does not echo its interval back.
func TestControls(t *testing.T) {
	test.NewTempApp(t)
	now := time.Now()
	eng := newFakeEngine(sample(now))
	w := test.NewWindow(nil)
	defer w.Close()
	v := New(eng, w)
	w.SetContent(v)
	s, _ := eng.Watch()
	v.Render(s)

	test.Tap(v.pause)
	s.Paused = true
	v.Render(s)
	if v.pause.Text != "Resume" || !strings.Contains(v.status.Text, "paused") {
		t.Errorf("paused: button %q, status %q", v.pause.Text, v.status.Text)
	}
	test.Tap(v.pause)
	v.interval.SetSelected("every 5 min")
	test.Tap(v.jobs.rows["onebox-cron"].button)
	want := "pause,resume,interval 5m0s,run onebox-cron"
	if got := strings.Join(eng.calls, ","); got != want {
		t.Errorf("calls %s, want %s", got, want)
	}
	s.Jobs[0].Running = true
	v.Render(s)
	if !v.jobs.rows["onebox-cron"].button.Disabled() {
		t.Error("Run now is enabled while the job runs")
	}
}

// TestFollowNotifiesNewAlerts: following the engine, the view shows each
// new state and sends a desktop notification for an alert raised, once.
func TestFollowNotifiesNewAlerts(t *testing.T) {
	test.NewTempApp(t)
	now := time.Now()
	first := sample(now)
	eng := newFakeEngine(first)
	w := test.NewWindow(nil)
	defer w.Close()
	v := New(eng, w)
	w.SetContent(v)
	rendered := make(chan ocsync.Snapshot, 1)
	v.onRender = func(s ocsync.Snapshot) { rendered <- s }
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	raised := ocsync.Alert{Seq: 2, Kind: ocsync.AlertKeyRejected, Subject: "log", Raised: now,
		Message: "The connector's log says the store refused its key: Warning: You do not have permission to access the API!"}
	test.AssertNotificationSent(t, fyne.NewNotification("ocsetup: API key rejected", raised.Message), func() {
		v.Follow(ctx)
		<-rendered // the state at start (alert 1, notified then)
		next := sample(now)
		next.Alerts = append(next.Alerts, raised)
		eng.set(next)
		<-rendered
	})
	if n := len(v.alerts.object.Objects); n != 2 {
		t.Errorf("%d alert rows after the new alert", n)
	}
	// The same alerts again: nothing new to notify.
	test.AssertNotificationSent(t, nil, func() {
		again := sample(now)
		again.Alerts = append(again.Alerts, raised)
		eng.set(again)
		<-rendered
	})
	label := v.alerts.object.Objects[1].(*fyne.Container).Objects[0].(*widget.Label)
	if !strings.Contains(label.Text, "API key rejected") {
		t.Errorf("second alert row: %q", label.Text)
	}
}

// The engine satisfies the view's interface.
var _ Engine = (*ocsync.Engine)(nil)

// TestAlertsInRussian: an alert the engine raised with its message key
// reads in the user's language; one from an older history, with only its
// English, keeps that.
func TestAlertsInRussian(t *testing.T) {
	t.Cleanup(tr.Load)
	t.Setenv("LANGUAGE", "")
	t.Setenv("LC_MESSAGES", "")
	t.Setenv("LC_ALL", "ru_RU.UTF-8")
	tr.Load()
	test.NewTempApp(t)
	now := time.Date(2025, 3, 4, 10, 42, 0, 0, time.Local)
	s := sample(now)
	text := msg.New("sync.alert.database_down", "Err", "dial tcp 127.0.0.1:3306: connection refused")
	s.Alerts = []ocsync.Alert{
		{Seq: 1, Kind: ocsync.AlertStoreDown, Subject: "database", Raised: now.Add(-time.Minute), Message: text.English(), Text: text},
		{Seq: 2, Kind: ocsync.AlertQuiet, Raised: now.Add(-time.Minute), Message: "An older history's English."},
	}
	eng := newFakeEngine(s)
	w := test.NewWindow(nil)
	defer w.Close()
	v := New(eng, w)
	v.now = func() time.Time { return now }
	w.SetContent(v)
	got, _ := eng.Watch()
	v.Render(got)
	label := func(i int) string {
		return v.alerts.object.Objects[i].(*fyne.Container).Objects[0].(*widget.Label).Text
	}
	if l := label(0); !strings.Contains(l, "База данных магазина не ответила: dial tcp") || strings.Contains(l, "did not answer") {
		t.Errorf("the database alert in Russian: %q", l)
	}
	if l := label(1); !strings.Contains(l, "An older history's English.") {
		t.Errorf("an alert with only its English: %q", l)
	}
}
