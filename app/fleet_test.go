package app

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"github.com/ocsetup/ocsetup/installer/integrations"
	"io"
	"maps"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ocsetup/ocsetup/installer/access"
	"github.com/ocsetup/ocsetup/installer/check"
	"github.com/ocsetup/ocsetup/installer/db"
	"github.com/ocsetup/ocsetup/installer/keygen"
	"github.com/ocsetup/ocsetup/installer/phpconf"
	"github.com/ocsetup/ocsetup/installer/remote"
	"github.com/ocsetup/ocsetup/installer/store"
	"github.com/ocsetup/ocsetup/internal/fixture"
	"github.com/ocsetup/ocsetup/internal/testenv"
	"github.com/ocsetup/ocsetup/internal/testext"
)

// oneboxStore is a fixture store set up for OneBox as apply leaves it (an
// API user with key, OneBox's cron.php filled in), so that `test` passes.
func oneboxStore(t testing.TB, env *testenv.Env, ts testenv.Site) (*fixture.Store, string) {
	t.Helper()
	st := fixture.New(t, env, ts, fixture.Options{Version: "3.0.3.8"})
	key, _ := keygen.Generate(64)
	ctx := context.Background()
	tr := remote.NewTrust(t.TempDir())
	tr.TrustNew = true
	pool, err := remote.Open(ctx, remote.Site{Protocol: remote.Protocol(ts.Protocol), Host: ts.Host, Port: ts.Port, User: ts.User,
		Password: ts.Password, Timeout: 10 * time.Second}, tr, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	creds, err := db.Read(ctx, pool, store.Store{Root: st.Remote, Version: st.Version, Line: store.Line30, AdminDir: "admin"})
	if err != nil {
		t.Fatal(err)
	}
	d, _, err := db.Connect(ctx, pool, creds, db.Options{Routes: []db.Route{db.RouteDirect}, DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	sc, err := d.Schema(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := access.EnsureAPIUser(ctx, d, sc, store.Line30, access.APIUser{Name: "Default", Key: key, IPs: []string{"127.0.0.1", "203.0.113.7"}, ReplaceKey: true}); err != nil {
		t.Fatal(err)
	}
	cron := filepath.Join(st.Local, "catalog", "onebox", "cron.php")
	if err := os.MkdirAll(filepath.Dir(cron), 0o755); err != nil {
		t.Fatal(err)
	}
	src, err := phpconf.SetOneBoxCron([]byte("<?php\n$host = '';\n$apiKey = '';\n"), st.URL, key)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cron, src, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := testenv.ChownTree(st.Local, ts.UID, ts.GID); err != nil {
		t.Fatal(err)
	}
	return st, key
}

// countingHost is a "host" of the fleet: a TCP forwarder on its own port in
// front of a delaying proxy in front of a real server. At every new
// connection it counts the connections the kernel holds open to its port,
// as a server's per-address limit does, and keeps the most it saw.
type countingHost struct {
	l       net.Listener
	target  string
	mu      sync.Mutex
	peak    int
	proxy   *testenv.Proxy
	tcpFile string
	// events is what happened on the host, in order, with the time since
	// it started: the test prints them when the host went over its budget.
	begun  time.Time
	events []string
}

func startCountingHost(t testing.TB, server string, delay time.Duration) *countingHost {
	t.Helper()
	p := testenv.StartProxy(t, server)
	p.SetDelay(delay)
	l, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	h := &countingHost{l: l, target: p.Addr, proxy: p, tcpFile: "/proc/net/tcp", begun: time.Now()}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			h.count(t, c.RemoteAddr())
			wg.Add(1)
			go func() {
				defer wg.Done()
				h.forward(c)
			}()
		}
	}()
	t.Cleanup(func() { l.Close(); wg.Wait() })
	return h
}

func (h *countingHost) port() int { return h.l.Addr().(*net.TCPAddr).Port }

// count reads the established connections to the host's port from the
// kernel: a client's close is there as soon as the client made it, so a
// connection that ended is never counted with the next one.
func (h *countingHost) count(t testing.TB, from net.Addr) {
	n, lines := h.established(t)
	h.mu.Lock()
	higher := n > h.peak
	h.peak = max(h.peak, n)
	h.mu.Unlock()
	h.note("connection from %v: %d open", from, n)
	if higher {
		h.note("the kernel's established connections to the host:\n%s", strings.Join(lines, "\n"))
	}
}

// note adds an event to the host's history.
func (h *countingHost) note(format string, args ...any) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.events = append(h.events, fmt.Sprintf("%8.3fs ", time.Since(h.begun).Seconds())+fmt.Sprintf(format, args...))
}

func (h *countingHost) history() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return strings.Join(h.events, "\n")
}

// open is the number of established connections to the host's port.
func (h *countingHost) open(t testing.TB) int {
	n, _ := h.established(t)
	return n
}

// established is the number of established connections to the host's
// port, and the kernel's lines for them.
//
// The kernel writes the table a page per read and finds its place again
// at each read, so a connection made meanwhile can shift one already
// written into the next page: it is then listed twice. Each connection
// (its two addresses) is counted once.
func (h *countingHost) established(t testing.TB) (int, []string) {
	b, err := os.ReadFile(h.tcpFile)
	if err != nil {
		t.Errorf("counting connections: %v", err)
		return 0, nil
	}
	want := fmt.Sprintf(":%04X", h.port())
	var lines []string
	seen := map[string]bool{}
	for _, line := range strings.Split(string(b), "\n")[1:] {
		f := strings.Fields(line)
		// local_address rem_address st: 01 is ESTABLISHED.
		if len(f) > 3 && strings.HasSuffix(f[1], want) && f[3] == "01" && !seen[f[1]+" "+f[2]] {
			seen[f[1]+" "+f[2]] = true
			lines = append(lines, line)
		}
	}
	return len(lines), lines
}

// TestCountingHostCountsEachConnectionOnce: a connection the kernel lists
// twice (its table moved between two pages of one reading, as seen in a
// run of TestFleetTestManyStores) is one connection; a closing one and one
// to another port are none.
func TestCountingHostCountsEachConnectionOnce(t *testing.T) {
	l, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	table := filepath.Join(t.TempDir(), "tcp")
	port := l.Addr().(*net.TCPAddr).Port
	line := func(n, lport, rport int, st string) string {
		return fmt.Sprintf("%4d: 0100007F:%04X 0100007F:%04X %s 00000000:00000000 00:00000000 00000000     0        0 %d 1 0000000000000000 20 4 30 10 -1\n", n, lport, rport, st, 1000+n)
	}
	body := "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n" +
		line(1, port, 56560, "01") + line(2, port, 56566, "01") + line(3, port, 56566, "01") +
		line(4, port, 56570, "08") + line(5, port+1, 56580, "01") + line(6, 56590, port, "01")
	if err := os.WriteFile(table, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	h := &countingHost{l: l, tcpFile: table}
	if n := h.open(t); n != 2 {
		t.Errorf("%d connections counted, want 2", n)
	}
}

func (h *countingHost) Peak() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.peak
}

func (h *countingHost) forward(c net.Conn) {
	defer c.Close()
	s, err := net.Dial("tcp", h.target)
	if err != nil {
		return
	}
	defer s.Close()
	done := make(chan struct{}, 2)
	go func() {
		_, _ = io.Copy(s, c)
		h.note("connection from %v: client closed", c.RemoteAddr())
		s.(*net.TCPConn).CloseWrite()
		done <- struct{}{}
	}()
	go func() { _, _ = io.Copy(c, s); c.(*net.TCPConn).CloseWrite(); done <- struct{}{} }()
	<-done
	<-done
}

// fleetFixture is a fleet of fixture stores spread over counting hosts.
type fleetFixture struct {
	file   string
	vars   map[string]string
	hosts  []*countingHost
	limit  []int // each host's connection budget
	ids    []string
	secret []string // every secret of every store
	// versions is each store's OpenCart version as the store says it.
	versions []string
}

// realFleetEntry is a real store's part of a fleet file.
type realFleetEntry struct {
	root, setup, version string
}

// realFleetStore takes a real store of the test environment and sets it up
// with the test payment extension (apply through the store's admin), as a
// merchant's store in a support team's fleet would be: the fleet then tests
// it with the checkout check. It returns the store's fleet entry (without
// id, site and connections) and the secrets the entry needs.
func realFleetStore(t testing.TB, env *testenv.Env, ts testenv.Site, version string) (realFleetEntry, map[string]string) {
	t.Helper()
	rs := env.Store(t, version)
	s := &realShop{rs: rs, env: env, site: ts, vars: map[string]string{PasswordVar: ts.Password, DataDirVar: t.TempDir()}}
	secrets := map[string]string{SecretVar(testext.Prefix(rs.Line) + "secret"): "fleet-s3cret-" + rs.Line}
	for k, v := range secrets {
		s.vars[k] = v
	}
	setup := ocpaySetup(t, rs.Line)
	if code, out, errOut := runApplyCLI(t, s.vars, "apply", s.setupFile(t, setup), "--trust-new"); code != 0 {
		t.Fatalf("setting up the real %s store: exit %d\n%s\n%s", version, code, out, errOut)
	}
	// The store says "3.0.3.8" in 3.0.3.9's release (its VERSION).
	st := ocVersion(t, rs)
	return realFleetEntry{root: rs.RemoteRoot(ts), setup: setup, version: st}, secrets
}

// ocVersion is the VERSION the store's index.php defines.
func ocVersion(t testing.TB, rs testenv.RealStore) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(rs.Root, "index.php"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`define\('VERSION', '([0-9.]+)'\)`).FindSubmatch(b)
	if m == nil {
		t.Fatalf("no VERSION in %s/index.php", rs.Root)
	}
	return string(m[1])
}

// indent puts prefix before every line of s.
func indent(s, prefix string) string {
	lines := strings.SplitAfter(s, "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = prefix + l
		}
	}
	return strings.Join(lines, "")
}

type fleetSpec struct {
	stores, hosts int
	delay         time.Duration
	// broken names the stores to break, by index: "password", "apikey", "database".
	broken map[int]string
	// real puts a real OpenCart store of the test environment (by version)
	// at an index, set up with the test payment extension; its host's
	// protocol is the index's, as for fixture stores.
	real map[int]string
}

func newFleetFixture(t testing.TB, env *testenv.Env, spec fleetSpec) *fleetFixture {
	t.Helper()
	ff := &fleetFixture{vars: map[string]string{DataDirVar: t.TempDir()}}
	// SFTP hosts hold stores of two accounts (the same sshd), so that two
	// stores can share a host at once; FTP hosts one account.
	sites := []testenv.Site{env.Site(t, testenv.SFTP), env.Site(t, testenv.FTP)}
	jail := env.Site(t, testenv.SFTPJail)
	for i := range spec.hosts {
		ff.hosts = append(ff.hosts, startCountingHost(t, sites[i%2].Addr(), spec.delay))
		ff.limit = append(ff.limit, 2)
	}
	var b strings.Builder
	b.WriteString("stores:\n")
	for i := range spec.stores {
		h := i % spec.hosts
		ts := sites[h%2]
		if h%2 == 0 && (i/spec.hosts)%2 == 1 {
			ts = jail
		}
		id := fmt.Sprintf("shop-%02d", i)
		ff.ids = append(ff.ids, id)
		prefix := "OCSETUP_" + fleetEnvID(id) + "_"
		if v, ok := spec.real[i]; ok {
			body, secrets := realFleetStore(t, env, ts, v)
			fmt.Fprintf(&b, "  - id: %s\n    site: %s://%s@127.0.0.1:%d%s\n    connections: 2\n%s",
				id, ts.Protocol, ts.User, ff.hosts[h].port(), body.root, indent(body.setup, "    "))
			ff.vars[prefix+"PASSWORD"] = ts.Password
			ff.secret = append(ff.secret, ts.Password)
			for k, v := range secrets {
				ff.vars[prefix+strings.TrimPrefix(k, "OCSETUP_")] = v
				ff.secret = append(ff.secret, v)
			}
			ff.versions = append(ff.versions, body.version)
			continue
		}
		st, key := oneboxStore(t, env, ts)
		ff.versions = append(ff.versions, st.Version)
		conns := 2
		if h == spec.hosts-1 && i == h {
			// One store says its host allows one connection: the host's
			// other stores keep to it too.
			conns, ff.limit[h] = 1, 1
		}
		fmt.Fprintf(&b, "  - id: %s\n    site: %s://%s@127.0.0.1:%d%s\n    integration: onebox\n    connections: %d\n    access:\n      api_user: Default\n      ips: [203.0.113.7]\n      cron: app\n",
			id, ts.Protocol, ts.User, ff.hosts[h].port(), st.Remote, conns)
		ff.vars[prefix+"PASSWORD"] = ts.Password
		ff.vars[prefix+"SECRET_API_KEY"] = key
		ff.secret = append(ff.secret, ts.Password, key, st.DB.Password)
		switch spec.broken[i] {
		case "password":
			ff.vars[prefix+"PASSWORD"] = ts.Password + "-wrong"
			ff.secret = append(ff.secret, ts.Password+"-wrong")
		case "apikey":
			ff.vars[prefix+"SECRET_API_KEY"] = key[:60] + "zzzz"
		case "database":
			// config.php's database password is out of date.
			if _, err := st.StoreDB(t).Exec("SET PASSWORD = PASSWORD('moved-elsewhere-42')"); err != nil {
				t.Fatal(err)
			}
		}
	}
	ff.file = filepath.Join(t.TempDir(), "fleet.yaml")
	if err := os.WriteFile(ff.file, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return ff
}

func (ff *fleetFixture) io(out, errOut io.Writer) IO {
	return IO{In: strings.NewReader(""), Out: out, Err: errOut, Getenv: func(k string) string { return ff.vars[k] }}
}

// countingAction runs the real test of a store and counts, per store, the
// runs started.
type countingAction struct {
	mu      sync.Mutex
	started map[string]int
	// ff, when set, has each store's start and end noted on its host.
	ff *fleetFixture
}

func (c *countingAction) wrap(a fleetAction) fleetAction {
	c.started = map[string]int{}
	return func(ctx context.Context, s *FleetStore, stdio IO, conns int) FleetRow {
		c.mu.Lock()
		c.started[s.ID]++
		c.mu.Unlock()
		h := c.ff.hostOf(s)
		if h != nil {
			h.note("%s starts with %d connections", s.ID, conns)
		}
		row := a(ctx, s, stdio, conns)
		if h != nil {
			h.note("%s ends: %s", s.ID, row.Result)
		}
		return row
	}
}

// hostOf is the counting host a store's site goes through (nil if none).
func (ff *fleetFixture) hostOf(s *FleetStore) *countingHost {
	if ff == nil {
		return nil
	}
	site, err := remote.ParseURL(s.Site)
	if err != nil {
		return nil
	}
	for _, h := range ff.hosts {
		if site.Port == h.port() {
			return h
		}
	}
	return nil
}

// TestFleetTestManyStores: 20 fixture stores over SFTP and FTP, on 7
// hosts behind delaying proxies, 3 broken in different ways. A run is
// stopped after 10 stores and carried on; no finished store is tested
// again, the report names exactly the 3 broken stores with their causes,
// holds no secret, and no host ever sees more connections than allowed.
func TestFleetTestManyStores(t *testing.T) {
	env := testenv.Get(t)
	broken := map[int]string{3: "password", 9: "apikey", 16: "database"}
	// Two of the 20 are real stores: 4.1 over SFTP (host 0), 3.0 over FTP (host 1).
	ff := newFleetFixture(t, env, fleetSpec{stores: 20, hosts: 7, delay: 5 * time.Millisecond, broken: broken,
		real: map[int]string{0: "4.1.0.4", 1: "3.0.3.9"}})
	fleet, err := LoadFleetFile(ff.file, integrations.Builtin())
	if err != nil {
		t.Fatal(err)
	}

	// First run: stopped once 10 stores are recorded.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	runCtx, stop := context.WithCancel(ctx)
	first := &countingAction{ff: ff}
	var recorded []string
	var recMu sync.Mutex
	var progress bytes.Buffer
	_, err = RunFleet(runCtx, ff.io(io.Discard, &progress), FleetOptions{Command: "test", Concurrency: 8,
		action: first.wrap(fleetTest(true)), recorded: func(row FleetRow) {
			recMu.Lock()
			defer recMu.Unlock()
			recorded = append(recorded, row.ID)
			if len(recorded) == 10 {
				for _, h := range ff.hosts {
					h.note("the test stops the first run")
				}
				stop()
			}
		}}, fleet)
	stop()
	if err == nil || !strings.Contains(err.Error(), "run the same command again") {
		t.Fatalf("interrupted run: err %v", err)
	}
	if len(recorded) < 10 {
		t.Fatalf("only %d stores recorded before the stop", len(recorded))
	}
	firstRun := len(recorded)
	if !strings.Contains(progress.String(), "running") || !strings.Contains(progress.String(), "left]") {
		t.Errorf("progress lacks running stores or time left:\n%s", progress.String())
	}

	// A canceled store's test may return before every connection it
	// opened is closed (checks still winding down); a killed process would
	// have closed them all. Wait until the hosts see none, so that the
	// second run's connections are counted alone.
	for _, h := range ff.hosts {
		deadline := time.Now().Add(30 * time.Second)
		for h.open(t) > 0 {
			if time.Now().After(deadline) {
				t.Fatalf("connections of the stopped run still open on port %d after 30 s", h.port())
			}
			time.Sleep(50 * time.Millisecond)
		}
	}

	// Second run carries on.
	for _, h := range ff.hosts {
		h.note("the second run starts")
	}
	second := &countingAction{ff: ff}
	progress.Reset()
	rep, err := RunFleet(ctx, ff.io(io.Discard, &progress), FleetOptions{Command: "test", Concurrency: 8,
		action: second.wrap(fleetTest(true)), recorded: func(row FleetRow) {
			recMu.Lock()
			defer recMu.Unlock()
			recorded = append(recorded, row.ID)
		}}, fleet)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(progress.String(), fmt.Sprintf("%d of 20 stores were done", firstRun)) {
		t.Errorf("the second run does not say it carries on:\n%s", progress.String())
	}
	for _, id := range recorded[:firstRun] {
		if second.started[id] != 0 {
			t.Errorf("%s was done in the first run and tested again", id)
		}
	}
	// Every store was recorded once; the only stores run in both are
	// those the stop interrupted (at most one per running slot).
	times := map[string]int{}
	for _, id := range recorded {
		times[id]++
	}
	var both []string
	for _, id := range ff.ids {
		if times[id] != 1 {
			t.Errorf("%s was recorded %d times", id, times[id])
		}
		if first.started[id] > 0 && second.started[id] > 0 {
			both = append(both, id)
		}
		if first.started[id]+second.started[id] > 2 || second.started[id] > 1 {
			t.Errorf("%s started %d + %d times", id, first.started[id], second.started[id])
		}
	}
	if len(both) > 8 {
		t.Errorf("%d stores were run in both runs (interrupted ones only, at most 8): %v", len(both), both)
	}
	t.Logf("stopped after %d stores; %d in flight were interrupted and done again: %v", firstRun, len(both), both)

	// The report: every store once, exactly the broken ones failed.
	if len(rep.Stores) != 20 || rep.Summary.Stores != 20 || rep.Summary.Resumed != firstRun {
		t.Fatalf("report: %d rows, summary %+v", len(rep.Stores), rep.Summary)
	}
	var failed []string
	for _, row := range rep.Stores {
		if row.Result == check.Fail {
			failed = append(failed, row.ID)
		}
	}
	want := []string{"shop-03", "shop-09", "shop-16"}
	if strings.Join(failed, ",") != strings.Join(want, ",") || rep.Summary.Failed != 3 {
		for _, row := range rep.Stores {
			t.Logf("%s %s %+v %+v", row.ID, row.Result, row.Failures, row.Warnings)
		}
		t.Fatalf("failed stores %v, want %v", failed, want)
	}
	causes := map[string][]string{
		"shop-03": {"Log in to the hosting"},
		"shop-09": {"API login with the new key", "did not accept the key the way the connector sends it"},
		"shop-16": {"Reach the database"},
	}
	for id, words := range causes {
		row, _ := rep.Store(id)
		text, _ := json.Marshal(row.Failures)
		for _, w := range words {
			if !strings.Contains(string(text), w) {
				t.Errorf("%s: failures lack %q: %s", id, w, text)
			}
		}
		if len(row.Failures) == 0 || row.Failures[0].Fix == "" {
			t.Errorf("%s: no fix in %s", id, text)
		}
	}
	for i, row := range rep.Stores {
		if row.Version != ff.versions[i] && row.ID != "shop-03" {
			t.Errorf("%s: OpenCart version %q, want %q", row.ID, row.Version, ff.versions[i])
		}
		if row.Duration <= 0 {
			t.Errorf("%s: no time taken", row.ID)
		}
	}

	// Reports in three formats, no secret in any, each loads back.
	dir := t.TempDir()
	for _, ext := range []string{"json", "md", "html"} {
		p := filepath.Join(dir, "fleet."+ext)
		if err := writeFleetReport(p, rep); err != nil {
			t.Fatal(err)
		}
		b, _ := os.ReadFile(p)
		for _, s := range ff.secret {
			if strings.Contains(string(b), s) {
				t.Errorf("the %s report holds a secret", ext)
			}
		}
		for _, id := range want {
			if !strings.Contains(string(b), id) {
				t.Errorf("the %s report lacks %s", ext, id)
			}
		}
		back, err := LoadFleetReport(p)
		if err != nil {
			t.Fatalf("%s: %v", ext, err)
		}
		if row, ok := back.Store("shop-09"); !ok || row.Result != check.Fail || row.SavedSite != "shop-09" || back.Summary.Failed != 3 {
			t.Errorf("%s report read back: %+v", ext, back.Summary)
		}
	}

	// No host saw more connections than its budget, and the budget was
	// used: stores of two accounts shared a host at once.
	full := false
	for i, h := range ff.hosts {
		if h.Peak() > ff.limit[i] {
			t.Errorf("host %d: %d connections at once, budget %d; what it saw:\n%s", i, h.Peak(), ff.limit[i], h.history())
		}
		if h.Peak() == ff.limit[i] && ff.limit[i] > 1 {
			full = true
		}
	}
	if !full {
		t.Error("no host ever had two stores at once: the budget was not exercised")
	}
	// The state is gone once the run completed: a new run starts afresh.
	state := newFleetStateFile(ff.vars[DataDirVar], "test", fleet)
	if _, err := os.Stat(state.path); !os.IsNotExist(err) {
		t.Errorf("state file left after a complete run: %v", err)
	}
}

// TestFleetChildProcess is the child of TestFleetResumesAfterSIGKILL: it
// runs `ocsetup fleet test` until it is killed.
func TestFleetChildProcess(t *testing.T) {
	file := os.Getenv("OCSETUP_FLEET_CHILD")
	if file == "" {
		t.Skip("only as the child of TestFleetResumesAfterSIGKILL")
	}
	code := NewCLI().Run(context.Background(), []string{"fleet", "test", file, "--trust-new", "--concurrency", "2"}, IO{In: strings.NewReader(""), Out: os.Stdout, Err: os.Stderr, Getenv: os.Getenv})
	os.Exit(code)
}

// TestFleetResumesAfterSIGKILL kills a real `ocsetup fleet test` process
// with SIGKILL once 3 stores are done; the next run does only the others.
func TestFleetResumesAfterSIGKILL(t *testing.T) {
	env := testenv.Get(t)
	ff := newFleetFixture(t, env, fleetSpec{stores: 8, hosts: 4, delay: 5 * time.Millisecond})
	cmd := exec.Command(os.Args[0], "-test.run=^TestFleetChildProcess$", "-test.v")
	cmd.Env = append(os.Environ(), "OCSETUP_FLEET_CHILD="+ff.file)
	for k, v := range ff.vars {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	killed := false
	sc := bufio.NewScanner(stderr)
	var seen []string
	for sc.Scan() {
		line := sc.Text()
		seen = append(seen, line)
		if strings.Contains(line, "[3/8 done") && !strings.HasPrefix(line, "start") {
			if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			killed = true
			break
		}
	}
	_ = cmd.Wait()
	if !killed {
		t.Fatalf("the child ended before 3 stores were done:\n%s", strings.Join(seen, "\n"))
	}
	fleet, err := LoadFleetFile(ff.file, integrations.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	state := newFleetStateFile(ff.vars[DataDirVar], "test", fleet)
	done, err := state.load(fleet)
	if err != nil {
		t.Fatal(err)
	}
	if len(done) < 3 {
		t.Fatalf("the state after the kill holds %d stores, want at least 3", len(done))
	}
	// The same command carries on: the stores it starts are in its
	// progress lines.
	report := filepath.Join(t.TempDir(), "fleet.md")
	code, out, errOut := run(t, ff.vars, "fleet", "test", ff.file, "--trust-new", "--report", report)
	if code != 0 {
		t.Fatalf("resumed run: exit %d\n%s%s", code, out, errOut)
	}
	started := map[string]bool{}
	for _, line := range strings.Split(errOut, "\n") {
		if f := strings.Fields(line); len(f) > 1 && f[0] == "start" {
			if started[f[1]] {
				t.Errorf("%s started twice", f[1])
			}
			started[f[1]] = true
		}
	}
	for id := range done {
		if started[id] {
			t.Errorf("%s was done before the kill and tested again", id)
		}
	}
	if len(started) != 8-len(done) {
		t.Errorf("the resumed run tested %d stores, want %d:\n%s", len(started), 8-len(done), errOut)
	}
	rep, err := LoadFleetReport(report)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Stores) != 8 || rep.Summary.Resumed != len(done) || !rep.AllPassed() {
		t.Errorf("report after the kill: %+v", rep.Summary)
	}
	if !strings.Contains(out, "8 stores: ") || !strings.Contains(out, ", 0 failed") {
		t.Errorf("summary line: %s", out)
	}
}

// TestFleetApply sets up two real stores (3.0 and 4.0) through their
// admin; a third (4.1), not where the file says, fails alone and is not
// changed; exit status 1. fleet uninstall then reverses the two setups.
func TestFleetApply(t *testing.T) {
	env := testenv.Get(t)
	vars := map[string]string{DataDirVar: t.TempDir()}
	var b strings.Builder
	b.WriteString("stores:\n")
	var shops []*applyShop
	for i, v := range []string{"3.0.3.9", "4.0.2.3", "4.1.0.4"} {
		s := newRealApplyShop(t, env, v)
		if i < 2 {
			// Uploaded by the merchant before, not installed.
			s.putModule(t, despatchVariant())
		}
		shops = append(shops, s)
		id := fmt.Sprintf("shop-%d", i)
		fmt.Fprintf(&b, "  - id: %s\n    site: %s\n    integration: despatch_cloud\n    settings:\n      order_prefix: WEB-\n", id, siteURL(s.site, s.Remote))
		if i == 2 {
			// The store is not where the file says.
			fmt.Fprintf(&b, "    store: %s/moved\n", s.Remote)
		}
		vars["OCSETUP_"+fleetEnvID(id)+"_PASSWORD"] = s.site.Password
		vars["OCSETUP_"+fleetEnvID(id)+"_SECRET_API_KEY"] = testKey
	}
	before := shops[2].fingerprint(t)
	file := filepath.Join(t.TempDir(), "fleet.yaml")
	if err := os.WriteFile(file, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := run(t, vars, "fleet", "apply", file, "--trust-new", "--json")
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s%s", code, out, errOut)
	}
	if errOut != "" {
		t.Errorf("--json printed progress: %s", errOut)
	}
	var rep FleetReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for i, s := range shops[:2] {
		row, _ := rep.Store(fmt.Sprintf("shop-%d", i))
		if row.Result != check.Pass || row.Version != ocVersion(t, s.real) {
			t.Errorf("shop-%d: %+v", i, row)
		}
		if n := s.count(t, "SELECT COUNT(*) FROM "+s.Table("setting")+" WHERE `key` = 'module_despatch_cloud_order_prefix' AND value = 'WEB-'"); n != 1 {
			t.Errorf("shop-%d: order prefix saved %d times", i, n)
		}
	}
	row, _ := rep.Store("shop-2")
	if row.Result != check.Fail || len(row.Failures) != 1 || !strings.Contains(row.Failures[0].Cause, "no OpenCart store in") {
		t.Errorf("shop-2: %+v", row)
	}
	if shops[2].fingerprint(t) != before {
		t.Error("the refused store was changed")
	}
	if strings.Contains(out, testKey) {
		t.Error("the report holds the key")
	}

	// fleet uninstall reverses both setups; the third store still fails.
	code, out, errOut = run(t, vars, "fleet", "uninstall", file, "--trust-new", "--json")
	if code != 1 {
		t.Fatalf("uninstall: exit %d, want 1\n%s%s", code, out, errOut)
	}
	rep = FleetReport{}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for i, s := range shops[:2] {
		if row, _ := rep.Store(fmt.Sprintf("shop-%d", i)); row.Result != check.Pass {
			t.Errorf("uninstall shop-%d: %+v", i, row)
		}
		if n := s.count(t, "SELECT COUNT(*) FROM "+s.Table("setting")+" WHERE `key` = 'module_despatch_cloud_order_prefix'"); n != 0 {
			t.Errorf("shop-%d: the setting is still there after uninstall", i)
		}
	}
	if row, _ := rep.Store("shop-2"); row.Result != check.Fail || rep.Command != "uninstall" {
		t.Errorf("uninstall shop-2: %+v", row)
	}
}

// TestFleetFileErrors: a bad fleet file is refused before anything
// connects, with what is wrong and where.
func TestFleetFileErrors(t *testing.T) {
	cases := map[string]string{
		"[]": "no stores",
		"stores:\n  - site: sftp://u@h/\n    integration: onebox\n":                                                                           "id must be",
		"stores:\n  - id: a-b\n    site: sftp://u@h/\n    integration: onebox\n  - id: A_B\n    site: sftp://u@h/\n    integration: onebox\n": "name the same variables",
		"stores:\n  - id: a\n    site: sftp://u@h/\n    integration: nope\n":                                                                  "integration \"nope\"",
		"stores:\n  - id: a\n    site: sftp://u@h/\n    integration: onebox\n    connections: 99\n":                                           "connections must be",
		"stores:\n  - id: a\n    site: sftp://u@h/\n    integration: onebox\n    colour: red\n":                                               "colour",
		"stores:\n  - id: a\n    site: sftp://u@h/\n    integration: custom\n    settings:\n      api_key: x\n":                               "look secret",
	}
	for body, want := range cases {
		p := filepath.Join(t.TempDir(), "fleet.yaml")
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		code, _, errOut := run(t, map[string]string{DataDirVar: t.TempDir()}, "fleet", "test", p)
		if code != 1 || !strings.Contains(errOut, want) {
			t.Errorf("%q: exit %d, want 1 and %q:\n%s", body, code, want, errOut)
		}
	}
	p := filepath.Join(t.TempDir(), "fleet.json")
	if err := os.WriteFile(p, []byte(`[{"id":"a","site":"sftp://u@h/","integration":"onebox","connections":1}]`), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := LoadFleetFile(p, integrations.Builtin())
	if err != nil || len(f.Stores) != 1 || f.Stores[0].Connections != 1 || f.Stores[0].SavedSite != "a" {
		t.Fatalf("JSON list: %+v %v", f, err)
	}
	for _, args := range [][]string{{"fleet", "test"}, {"fleet", "remove", p}, {"fleet", "test", p, "--concurrency", "0"}, {"fleet", "test", p, "--settings-via", "admin"}, {"fleet", "uninstall", p, "--display-errors-off"}, {"fleet", "test", p, "--report", "r.pdf"}} {
		if code, _, _ := run(t, nil, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}

// TestFleetSecretsPerStore: each store reads its own variables, then its
// saved site's keychain item; the global password is never used, and a
// store with no password fails alone with what to set.
func TestFleetSecretsPerStore(t *testing.T) {
	keys := memKeychain{"site:Paris shop": `{"password":"from-keychain","settings":{"api_key":"kc-key-123"}}`}
	vars := map[string]string{PasswordVar: "global", "OCSETUP_SHOP_A_PASSWORD": "pw-a", "OCSETUP_SHOP_A_SECRET_API_KEY": "key-a", DataDirVar: t.TempDir()}
	get := func(k string) string { return vars[k] }
	a := &fleetEnv{store: &FleetStore{ID: "shop-a", SavedSite: "shop-a"}, getenv: get, keys: keys}
	b := &fleetEnv{store: &FleetStore{ID: "shop-b", SavedSite: "Paris shop"}, getenv: get, keys: keys}
	c := &fleetEnv{store: &FleetStore{ID: "shop-c", SavedSite: "shop-c"}, getenv: get, keys: keys}
	for _, tc := range []struct {
		env  *fleetEnv
		name string
		want string
	}{
		{a, PasswordVar, "pw-a"}, {a, SecretVar(APIKeyField), "key-a"}, {a, DataDirVar, vars[DataDirVar]},
		{b, PasswordVar, "from-keychain"}, {b, SecretVar(APIKeyField), "kc-key-123"},
		{c, PasswordVar, ""},
	} {
		if got := tc.env.get(tc.name); got != tc.want {
			t.Errorf("%s %s = %q, want %q", tc.env.store.ID, tc.name, got, tc.want)
		}
	}
	if got := strings.Join(b.handedOut(), ","); got != "from-keychain,kc-key-123" {
		t.Errorf("secrets handed out: %s", got)
	}

	// A store without a password fails alone, naming its variable.
	r := &fleetRun{stdio: IO{Getenv: get}, action: func(context.Context, *FleetStore, IO, int) FleetRow {
		t.Error("the action ran without a password")
		return FleetRow{}
	}}
	row := r.one(context.Background(), &FleetStore{ID: "shop-c", SavedSite: "shop-c"}, 1)
	if row.Result != check.Fail || !strings.Contains(row.Failures[0].Fix, "OCSETUP_SHOP_C_PASSWORD") {
		t.Errorf("row: %+v", row)
	}
}

type memKeychain map[string]string

func (m memKeychain) Set(a, s string) error { m[a] = s; return nil }
func (m memKeychain) Get(a string) (string, error) {
	if s, ok := m[a]; ok {
		return s, nil
	}
	return "", ErrSecretNotFound
}
func (m memKeychain) Delete(a string) error { delete(m, a); return nil }

// BenchmarkFleetTest is bench/fleet: 20 stores, each on its own host over
// a 50 ms round trip, half SFTP and half FTP. It times each store's
// `ocsetup test` alone, then `ocsetup fleet test` at concurrency 8 (and
// 20), each as a process of the built command, and prints a table. The
// Go benchmark only makes the stores (the fixture stores need Go's testing
// package). Run it with bench/fleet/run.
func BenchmarkFleetTest(b *testing.B) {
	env := testenv.Get(b)
	const stores = 20
	// 20 similar stores: the fixture stores, all set up for OneBox.
	similar := fleetSpec{stores: stores, hosts: stores, delay: 25 * time.Millisecond}
	// A support team's fleet is not 20 copies of one store: the real
	// OpenCart stores of every line (set up with a payment extension, so
	// that their test drives the checkout) among fixture stores, as in
	// TestFleetTwentyStores.
	mixed := fleetSpec{stores: stores, hosts: stores, delay: 25 * time.Millisecond, real: map[int]string{}}
	for i, v := range testenv.RealVersions {
		// Spread over the file, the last one last: the first run, which
		// knows no times yet, starts them in the file's order.
		mixed.real[5*i+4] = v
	}
	b.ResetTimer()
	benchFleet(b, env, "20 similar stores, 50 ms round trip (SFTP and FTP)", similar)
	benchFleet(b, env, fmt.Sprintf("%d real stores and %d fixture stores, 50 ms round trip", len(mixed.real), stores-len(mixed.real)), mixed)
	b.StopTimer()
}

// benchFleet times each store's test alone, then the fleet's test at
// concurrency 8 and 20, and prints a table.
func benchFleet(b *testing.B, env *testenv.Env, title string, spec fleetSpec) {
	b.StopTimer()
	ff := newFleetFixture(b, env, spec)
	fleet, err := LoadFleetFile(ff.file, integrations.Builtin())
	if err != nil {
		b.Fatal(err)
	}
	// Both are timed as the user runs them: the ocsetup command as a
	// process, started and waited for.
	bin := buildOcsetup(b)
	var single []time.Duration
	var singleCPU time.Duration
	for i := range fleet.Stores {
		s := &fleet.Stores[i]
		file, env := ff.singleStore(b, s)
		args := []string{"test", file, "--trust-new"}
		if s.Connections > 0 {
			args = append(args, "--connections", strconv.Itoa(s.Connections))
		}
		d, cpu, out := runTimed(b, bin, env, args...)
		if d < 0 {
			b.Fatalf("%s: ocsetup test failed\n%s", s.ID, out)
		}
		single = append(single, d)
		singleCPU += cpu
	}
	sorted := append([]time.Duration{}, single...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i] < sorted[j] })
	slowest, median := sorted[len(sorted)-1], sorted[len(sorted)/2]
	var fleetVars []string
	for k, v := range ff.vars {
		fleetVars = append(fleetVars, k+"="+v)
	}
	type timed struct {
		wall, cpu time.Duration
		busy      float64 // the machine's CPUs, busy while it ran
	}
	fleetTime := func(conc int) timed {
		before := machineCPU(b)
		d, cpu, out := runTimed(b, bin, fleetVars, "fleet", "test", ff.file, "--trust-new", "--restart", "--concurrency", strconv.Itoa(conc))
		if d < 0 {
			b.Fatalf("ocsetup fleet test failed\n%s", out)
		}
		return timed{d, cpu, machineCPU(b).busySince(before)}
	}
	b.StartTimer()
	first := fleetTime(8)
	// A complete run keeps each store's time; the next one starts the
	// slowest first (docs/fleet.md).
	c8 := fleetTime(8)
	c20 := fleetTime(20)
	b.StopTimer()
	// ocsetup's own CPU time (user and system) says how much of the
	// machine the command itself took, beside the servers on it.
	ms := func(d time.Duration) time.Duration { return d.Round(time.Millisecond) }
	r := func(d time.Duration) string { return fmt.Sprintf("%.2f×", float64(d)/float64(slowest)) }
	busy := func(f float64) string { return fmt.Sprintf("%.0f %%", 100*f) }
	row := func(label string, d time.Duration, cols ...string) {
		cols = append(cols, "", "")
		fmt.Printf("%-52s %10s %11s %12s %13s\n", label, ms(d), r(d), cols[0], cols[1])
	}
	fleetRow := func(label string, f timed) { row(label, f.wall, ms(f.cpu).String(), busy(f.busy)) }
	fmt.Printf("\n%-52s %10s %11s %12s %13s\n", title, "time", "vs slowest", "ocsetup CPU", "machine busy")
	row("one store's test alone: median", median)
	row("one store's test alone: slowest", slowest)
	fleetRow("fleet test, concurrency 8, first run (file order)", first)
	fleetRow("fleet test, concurrency 8, next run (target ≤ 1.5×)", c8)
	fleetRow("fleet test, concurrency 20", c20)
	row("sum of the 20 alone (one after another)", sum(single), ms(singleCPU).String())
	row("floor at 8: larger of slowest and sum / 8", max(slowest, sum(single)/8))
}

// cpuTicks are the machine's CPU time counters (/proc/stat's first line).
type cpuTicks struct{ busy, idle int64 }

func machineCPU(b *testing.B) cpuTicks {
	b.Helper()
	raw, err := os.ReadFile("/proc/stat")
	if err != nil {
		b.Fatal(err)
	}
	line, _, _ := strings.Cut(string(raw), "\n")
	var t cpuTicks
	// cpu user nice system idle iowait irq softirq steal …
	for i, f := range strings.Fields(line)[1:] {
		n, _ := strconv.ParseInt(f, 10, 64)
		switch i {
		case 3, 4:
			t.idle += n
		case 0, 1, 2, 5, 6, 7:
			t.busy += n
		}
	}
	return t
}

// busySince is the share of the machine's CPU time that was busy between
// then and t.
func (t cpuTicks) busySince(then cpuTicks) float64 {
	busy, idle := t.busy-then.busy, t.idle-then.idle
	if busy+idle == 0 {
		return 0
	}
	return float64(busy) / float64(busy+idle)
}

// buildOcsetup builds the ocsetup command as the release does (no cgo) and
// returns its path.
func buildOcsetup(b *testing.B) string {
	b.Helper()
	bin := filepath.Join(b.TempDir(), "ocsetup")
	cmd := exec.Command("go", "build", "-trimpath", "-o", bin, "..")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("building ocsetup: %v\n%s", err, out)
	}
	return bin
}

// runTimed runs the command with only the given environment (and PATH and
// HOME, English) and returns the wall time from start to exit and the CPU
// time it used, or -1 and its output when it failed.
func runTimed(b *testing.B, bin string, env []string, args ...string) (time.Duration, time.Duration, []byte) {
	b.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + b.TempDir(), "LANG=C.UTF-8"}, env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	begun := time.Now()
	err := cmd.Run()
	d := time.Since(begun)
	if err != nil {
		return -1, 0, append(out.Bytes(), err.Error()...)
	}
	return d, cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime(), out.Bytes()
}

// singleStore writes the store's setup file (its fleet entry without the
// fleet's fields) beside the fleet file, and returns it with the
// environment `ocsetup test` takes for it: the store's variables without
// the id (OCSETUP_SHOP_01_PASSWORD as OCSETUP_PASSWORD) and the fleet's
// data folder, whose trusted keys and certificates the fleet shares.
func (ff *fleetFixture) singleStore(b *testing.B, s *FleetStore) (string, []string) {
	b.Helper()
	j, err := json.Marshal(&s.SetupFile)
	if err != nil {
		b.Fatal(err)
	}
	file := filepath.Join(filepath.Dir(ff.file), s.ID+".json")
	if err := os.WriteFile(file, j, 0o600); err != nil {
		b.Fatal(err)
	}
	prefix := "OCSETUP_" + fleetEnvID(s.ID) + "_"
	env := []string{DataDirVar + "=" + ff.vars[DataDirVar]}
	for k, v := range ff.vars {
		if rest, ok := strings.CutPrefix(k, prefix); ok {
			env = append(env, "OCSETUP_"+rest+"="+v)
		}
	}
	return file, env
}

func sum(ds []time.Duration) time.Duration {
	var t time.Duration
	for _, d := range ds {
		t += d
	}
	return t
}

func TestFleetHelp(t *testing.T) {
	code, out, errOut := run(t, nil, "help", "fleet")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"test|apply|uninstall FLEET_FILE", exampleFleetFile("en"), "OCSETUP_<ID>_PASSWORD", "OCSETUP_<ID>_SECRET_<FIELD>",
		"--concurrency", "--restart", "--report", "carries on where it stopped"} {
		if !strings.Contains(out, want) {
			t.Errorf("help fleet lacks %q", want)
		}
	}
	// The example in the help is a valid fleet file.
	p := filepath.Join(t.TempDir(), "fleet.yaml")
	if err := os.WriteFile(p, []byte(exampleFleetFile("en")), 0o600); err != nil {
		t.Fatal(err)
	}
	if f, err := LoadFleetFile(p, integrations.Builtin()); err != nil || len(f.Stores) != 2 {
		t.Fatalf("the example does not load: %v", err)
	}
}

// TestFleetStateCarriesOn: the runner's own bookkeeping, with an action
// that touches no store. A report that cannot be written keeps the state,
// so the next run writes it without doing a store again; a store whose
// definition changed is done again; --restart starts over.
func TestFleetStateCarriesOn(t *testing.T) {
	dir := t.TempDir()
	body := "stores:\n"
	vars := map[string]string{DataDirVar: t.TempDir()}
	for i := range 3 {
		body += fmt.Sprintf("  - id: s%d\n    site: sftp://u@127.0.0.1:1/s%d\n    integration: onebox\n", i, i)
		vars[fmt.Sprintf("OCSETUP_S%d_PASSWORD", i)] = "pw"
	}
	write := fleetWriter(t, filepath.Join(dir, "fleet.yaml"))
	fleet := write(body)
	count := &countingAction{}
	action := count.wrap(func(context.Context, *FleetStore, IO, int) FleetRow { return FleetRow{Result: check.Pass} })
	stdio := IO{Getenv: func(k string) string { return vars[k] }}
	_, err := RunFleet(context.Background(), stdio, FleetOptions{Command: "test", Report: filepath.Join(dir, "missing", "r.json"), action: action}, fleet)
	if err == nil || !strings.Contains(err.Error(), "without doing the stores again") {
		t.Fatalf("unwritable report: %v", err)
	}
	report := filepath.Join(dir, "r.json")
	rep, err := RunFleet(context.Background(), stdio, FleetOptions{Command: "test", Report: report, action: action}, fleet)
	if err != nil || rep.Summary.Resumed != 3 || len(count.started) != 3 || count.started["s0"] != 1 {
		t.Fatalf("second run: %v %+v %v", err, rep.Summary, count.started)
	}
	if _, err := LoadFleetReport(report); err != nil {
		t.Fatal(err)
	}
	// Complete: the state is gone, a new run does every store.
	rep, err = RunFleet(context.Background(), stdio, FleetOptions{Command: "test", action: action}, fleet)
	if err != nil || rep.Summary.Resumed != 0 || count.started["s0"] != 2 {
		t.Fatalf("third run: %v %+v %v", err, rep.Summary, count.started)
	}

	// Interrupted after s0; s1 is then changed in the file.
	ctx, cancel := context.WithCancel(context.Background())
	_, err = RunFleet(ctx, stdio, FleetOptions{Command: "test", Concurrency: 1, action: action, recorded: func(FleetRow) { cancel() }}, fleet)
	if err == nil {
		t.Fatal("the interrupted run reported success")
	}
	fleet = write(strings.Replace(body, "/s1\n", "/s1-moved\n", 1))
	before := maps.Clone(count.started)
	rep, err = RunFleet(context.Background(), stdio, FleetOptions{Command: "test", action: action}, fleet)
	if err != nil || rep.Summary.Resumed != 1 {
		t.Fatalf("after the change: %v %+v", err, rep.Summary)
	}
	if count.started["s0"] != before["s0"] || count.started["s1"] != before["s1"]+1 {
		t.Errorf("s0 must not run again, the changed s1 must: before %v after %v", before, count.started)
	}
	// The state of another command is its own, and --restart forgets one.
	_, err = RunFleet(ctx, stdio, FleetOptions{Command: "apply", action: action}, fleet)
	if err == nil {
		t.Fatal("a run on an ended context reported success")
	}
	rep, err = RunFleet(context.Background(), stdio, FleetOptions{Command: "apply", Restart: true, action: action}, fleet)
	if err != nil || rep.Summary.Resumed != 0 || rep.Summary.Stores != 3 {
		t.Fatalf("--restart: %v %+v", err, rep.Summary)
	}
}

// TestFleetSlowestFirst: a complete run keeps each store's time, and the
// next run starts the stores that took longest first, a new store (no
// time yet) before them all.
func TestFleetSlowestFirst(t *testing.T) {
	dir := t.TempDir()
	vars := map[string]string{DataDirVar: t.TempDir()}
	body := "stores:\n"
	for i := range 4 {
		body += fmt.Sprintf("  - id: s%d\n    site: sftp://u@127.0.0.%d:1/s%d\n    integration: onebox\n", i, i+1, i)
		vars[fmt.Sprintf("OCSETUP_S%d_PASSWORD", i)] = "pw"
	}
	load := fleetWriter(t, filepath.Join(dir, "fleet.yaml"))
	stdio := IO{Getenv: func(k string) string { return vars[k] }}
	var order []string
	action := func(_ context.Context, s *FleetStore, _ IO, _ int) FleetRow {
		order = append(order, s.ID)
		return FleetRow{Result: check.Pass}
	}
	run := func(f *Fleet) []string {
		t.Helper()
		order = nil
		if _, err := RunFleet(context.Background(), stdio, FleetOptions{Command: "test", Concurrency: 1, action: action}, f); err != nil {
			t.Fatal(err)
		}
		return order
	}
	fleet := load(body)
	if got := run(fleet); !slices.Equal(got, []string{"s0", "s1", "s2", "s3"}) {
		t.Fatalf("first run (no times): %v, want the file's order", got)
	}
	state := newFleetStateFile(vars[DataDirVar], "test", fleet)
	times := state.loadTimes()
	if len(times) != 4 {
		t.Fatalf("the complete run kept %v", times)
	}
	// The times of a run where s2 was slowest, then s0, s3, s1.
	took := map[string]time.Duration{"s0": 3 * time.Second, "s1": time.Second, "s2": 9 * time.Second, "s3": 2 * time.Second}
	var rows []FleetRow
	for id, d := range took {
		rows = append(rows, FleetRow{ID: id, Duration: d})
	}
	if err := state.saveTimes(rows); err != nil {
		t.Fatal(err)
	}
	if got := run(fleet); !slices.Equal(got, []string{"s2", "s0", "s3", "s1"}) {
		t.Errorf("with times: %v, want slowest first [s2 s0 s3 s1]", got)
	}
	// The same fleet with a new store: it has no time and starts first.
	if err := state.saveTimes(rows); err != nil {
		t.Fatal(err)
	}
	vars["OCSETUP_NEW_PASSWORD"] = "pw"
	fleet = load(body + "  - id: new\n    site: sftp://u@127.0.0.9:1/new\n    integration: onebox\n")
	state = newFleetStateFile(vars[DataDirVar], "test", fleet)
	if got := run(fleet); !slices.Equal(got, []string{"new", "s2", "s0", "s3", "s1"}) {
		t.Errorf("with a new store: %v, want [new s2 s0 s3 s1]", got)
	}
	// An unreadable times file leaves the file's order.
	if err := os.WriteFile(state.timesPath(), []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	if got := state.loadTimes(); len(got) != 0 {
		t.Errorf("a broken times file gave %v", got)
	}
}

// fleetWriter writes a fleet file's body to file and loads it, as often
// as a test changes the fleet (the same file: the same state and times).
func fleetWriter(t *testing.T, file string) func(body string) *Fleet {
	return func(body string) *Fleet {
		t.Helper()
		if err := os.WriteFile(file, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		f, err := LoadFleetFile(file, integrations.Builtin())
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
}
