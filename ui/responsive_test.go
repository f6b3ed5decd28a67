package ui

import (
	"fmt"
	"github.com/ocsetup/ocsetup/installer/integrations"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/ocsetup/ocsetup/app"
	"github.com/ocsetup/ocsetup/internal/fixture"
	"github.com/ocsetup/ocsetup/internal/testenv"
)

// uiBudget is the longest one call may keep the UI goroutine: past it a
// user sees the window freeze.
const uiBudget = 100 * time.Millisecond

// chunkDelay is what the proxy adds to every chunk in each direction, so
// that each round trip to the server takes over half a second: a call that
// waits for the network on the UI goroutine holds it at least that long.
const chunkDelay = 300 * time.Millisecond

// uiStuck is how long the test waits for a call it posted to the UI
// goroutine before calling the UI frozen: a call that never returns would
// otherwise hang the test instead of failing it. It is far above uiBudget,
// which is checked for every call, so that a machine short of CPU does not
// trip it.
const uiStuck = 5 * time.Second

// uiLoop stands for the UI goroutine: one goroutine, on its own OS thread,
// that runs what the screen's workers post (its do field, like fyne.Do)
// and what the test posts (taps, typing, reads of the screen's state, like
// fyne.DoAndWait), one at a time, and times each call.
//
// The kernel's schedstat for that thread splits a call's wall time into
// time on a CPU, time runnable but waiting for a CPU, and the rest: time
// the call was blocked, waiting for the network, a lock or a channel. The
// blocked time is what a slow server causes, and it must stay within
// uiBudget. Time waiting for a CPU is not charged: the test suite runs
// packages side by side on two cores, and a call starved by another
// process is no fault of the screen. Time on the CPU is held to uiBudget
// too, times raceSlowdown under the race detector, whose instrumentation
// multiplies it.
type uiLoop struct {
	t     *testing.T
	tasks chan uiTask
	done  chan struct{}
	// ended is set when the test is over: a worker still running then
	// (after a failure) must not report to a finished test.
	ended atomic.Bool

	// Touched only on the loop goroutine; read through run.
	calls       int
	longest     time.Duration // blocked, or wall time without schedstat
	longestWhat string
	mostCPU     time.Duration
	starved     time.Duration
	noSchedstat bool

	// Touched only on the test goroutine.
	probes      int
	longestWait time.Duration
}

type uiTask struct {
	what string
	f    func()
}

func newUILoop(t *testing.T) *uiLoop {
	u := &uiLoop{t: t, tasks: make(chan uiTask, 64), done: make(chan struct{})}
	t.Cleanup(func() {
		u.ended.Store(true)
		close(u.done)
	})
	go u.loop()
	return u
}

func (u *uiLoop) loop() {
	// schedstat is per thread: the UI goroutine keeps to one.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	for {
		select {
		case task := <-u.tasks:
			u.timed(task)
		case <-u.done:
			return
		}
	}
}

// threadTimes are the time the calling thread has spent on a CPU and
// runnable but waiting for one, from /proc/thread-self/schedstat
// ("on-CPU ns, waiting ns, slices").
func threadTimes() (cpu, wait time.Duration, ok bool) {
	b, err := os.ReadFile("/proc/thread-self/schedstat")
	if err != nil {
		return 0, 0, false
	}
	f := strings.Fields(string(b))
	if len(f) < 2 {
		return 0, 0, false
	}
	c, err1 := strconv.ParseInt(f[0], 10, 64)
	w, err2 := strconv.ParseInt(f[1], 10, 64)
	return time.Duration(c), time.Duration(w), err1 == nil && err2 == nil
}

func (u *uiLoop) timed(task uiTask) {
	cpu0, wait0, ok0 := threadTimes()
	start := time.Now()
	task.f()
	wall := time.Since(start)
	cpu1, wait1, ok1 := threadTimes()
	u.calls++
	if !ok0 || !ok1 {
		// No schedstat (not Linux, or a kernel without it): the wall time
		// is all there is.
		u.noSchedstat = true
		u.charge(task.what, wall, wall, 0, 0)
		return
	}
	cpu, starved := cpu1-cpu0, wait1-wait0
	u.charge(task.what, wall, max(wall-cpu-starved, 0), cpu, starved)
}

func (u *uiLoop) charge(what string, wall, blocked, cpu, starved time.Duration) {
	u.starved += starved
	u.mostCPU = max(u.mostCPU, cpu)
	if blocked > u.longest {
		u.longest, u.longestWhat = blocked, what
	}
	if u.ended.Load() {
		return
	}
	if blocked > uiBudget {
		u.t.Errorf("%s blocked the UI goroutine for %v (budget %v; wall time %v: %v on a CPU, %v waiting for one)",
			what, blocked.Round(time.Millisecond), uiBudget, wall.Round(time.Millisecond), cpu.Round(time.Millisecond), starved.Round(time.Millisecond))
	}
	if cpuBudget := uiBudget * raceSlowdown(); cpu > cpuBudget {
		u.t.Errorf("%s computed on the UI goroutine for %v (budget %v)", what, cpu.Round(time.Millisecond), cpuBudget)
	}
}

// raceSlowdown is how much more CPU the UI's code may take under the race
// detector, whose documentation speaks of 2–20× slower execution: 5 in a
// -race build, else 1.
func raceSlowdown() time.Duration {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "-race" && s.Value == "true" {
				return 5
			}
		}
	}
	return 1
}

// post queues f for the UI goroutine and returns, as fyne.Do does.
func (u *uiLoop) post(what string, f func()) {
	select {
	case u.tasks <- uiTask{what, f}:
	case <-u.done:
	}
}

// run posts f and waits until it has run, as fyne.DoAndWait does, and
// fails the test when that takes longer than uiStuck.
func (u *uiLoop) run(what string, f func()) {
	u.t.Helper()
	ran := make(chan struct{})
	u.post(what, func() {
		defer close(ran)
		f()
	})
	select {
	case <-ran:
	case <-time.After(uiStuck):
		u.t.Fatalf("%s has not run after %v: the UI goroutine is blocked", what, uiStuck)
	}
}

// until asks the UI every 10 ms, as repaints and clicks would, until cond
// (read on the UI goroutine) holds.
func (u *uiLoop) until(what string, limit time.Duration, cond func() bool) {
	u.t.Helper()
	deadline := time.Now().Add(limit)
	for {
		var ok bool
		start := time.Now()
		u.run("a look at the screen ("+what+")", func() { ok = cond() })
		u.probes++
		u.longestWait = max(u.longestWait, time.Since(start))
		if ok {
			return
		}
		if time.Now().After(deadline) {
			u.t.Fatalf("timed out after %v waiting for %s", limit, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestConnectStaysResponsiveOnSlowServer drives the Connect screen against
// the real SFTP server behind a proxy that delays every chunk by 300 ms,
// then stalls it: first contact with the host-key dialog, a connection
// that finds the store, and a connection cancelled while the server does
// not answer at all. No call may hold the UI goroutine for more than
// 100 ms, and the network must really have been slow.
func TestConnectStaysResponsiveOnSlowServer(t *testing.T) {
	env := testenv.Get(t)
	ts := env.Site(t, testenv.SFTP)
	st := fixture.New(t, env, ts, fixture.Options{Version: "3.0.3.8"})
	proxy := testenv.StartProxy(t, ts.Addr())

	test.NewTempApp(t)
	wiz := app.NewWizard(t.TempDir(), integrations.Builtin())
	defer wiz.Session.Close()
	win := test.NewTempWindow(t, widget.NewLabel(""))
	ui := newUILoop(t)
	// Building and first laying out the window loads fonts and fills
	// caches, once at start-up and not while the network is slow; it is
	// not held to the budget. The loop takes over from here.
	c := newConnectScreen(wiz, win)
	c.do = func(f func()) { ui.post("a worker's update", f) }
	win.SetContent(c.object)
	win.Resize(fyne.NewSize(900, 700))
	idle := func() bool { return !c.connect.Disabled() && !c.cancelBtn.Visible() }

	for _, f := range []struct {
		e    *widget.Entry
		text string
	}{{c.host, "127.0.0.1"}, {c.port, strconv.Itoa(proxy.Port())}, {c.user, ts.User}, {c.pass, ts.Password}, {c.folder, st.Remote}} {
		ui.run("fill in a field", func() { f.e.SetText(f.text) })
	}
	proxy.SetDelay(chunkDelay)

	// First contact: the host key is new, so the screen asks.
	start := time.Now()
	ui.run("tap Connect", func() { test.Tap(c.connect) })
	var trust *widget.Button
	ui.until("the host-key dialog", time.Minute, func() bool {
		trust = findButton(win.Canvas(), T("connect.trust.confirm"))
		return trust != nil
	})
	ui.run("tap Trust and connect", func() { test.Tap(trust) })
	ui.until("the store", 2*time.Minute, func() bool { return idle() && c.stores.Visible() && c.stores.Selected != "" })
	slow := time.Since(start)
	ui.run("read the result", func() {
		if !strings.Contains(c.stores.Selected, st.Remote) || !wiz.Done(app.StepConnect) {
			t.Errorf("after the slow connection: store %q, status %q", c.stores.Selected, c.status.Text)
		}
	})
	// Proof that the network was slow: connecting, logging in and looking
	// at the store take far more than ten round trips of 2×chunkDelay.
	if slow < 10*chunkDelay {
		t.Errorf("connecting took only %v; the proxy did not slow it down", slow)
	}

	// A server that stops answering mid-way: Cancel must still work at
	// once, and the screen must come back.
	opened := proxy.Open()
	ui.run("tap Connect again", func() { test.Tap(c.connect) })
	ui.until("the new connection", time.Minute, func() bool { return proxy.Open() > opened })
	proxy.Stall(true)
	stalled := time.Now()
	ui.until("a second of a stalled server", 10*time.Second, func() bool { return time.Since(stalled) > time.Second })
	ui.run("check it is still busy", func() {
		if idle() {
			t.Error("the connection ended while the server was stalled")
		}
	})
	ui.run("tap Cancel", func() { test.Tap(c.cancelBtn) })
	ui.until("the screen after Cancel", 5*time.Second, idle)
	proxy.Stall(false)
	var report string
	ui.run("read the result", func() {
		if c.status.Text != "Cancelled." || wiz.Done(app.StepConnect) {
			t.Errorf("after Cancel: status %q, Connect done %v", c.status.Text, wiz.Done(app.StepConnect))
		}
		if ui.noSchedstat {
			report = "no schedstat: wall times charged in full; "
		}
		report += fmt.Sprintf("%d calls on the UI goroutine (race slowdown allowed: %d×), longest blocked %v (%s), most CPU %v, %v in all waiting for a CPU",
			ui.calls, raceSlowdown(), ui.longest.Round(time.Microsecond), ui.longestWhat, ui.mostCPU.Round(time.Microsecond), ui.starved.Round(time.Millisecond))
	})
	if ui.probes < 100 {
		t.Errorf("only %d looks at the screen: too few to tell", ui.probes)
	}
	t.Logf("slow connection %v; %s; %d looks at the screen, longest answer %v",
		slow.Round(time.Millisecond), report, ui.probes, ui.longestWait.Round(time.Microsecond))
}
