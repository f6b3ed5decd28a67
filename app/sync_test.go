package app

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ocsetup/ocsetup/installer/db"
	"github.com/ocsetup/ocsetup/internal/fixture"
	"github.com/ocsetup/ocsetup/internal/testenv"
)

// syncCLI is a CLI with the sync command, registered here while NewCLI
// does not (yet).
func syncCLI() *CLI {
	cli := NewCLI()
	if _, ok := cli.commands["sync"]; !ok {
		cli.addSync()
	}
	return cli
}

func runSyncCmd(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var o, e bytes.Buffer
	code := syncCLI().Run(context.Background(), append([]string{"sync"}, args...), IO{In: strings.NewReader(""), Out: &o, Err: &e,
		Getenv: func(k string) string { return env[k] }})
	return code, o.String(), e.String()
}

// syncStore is a OneBox store on the SFTP site with its setup file.
func syncStore(t *testing.T, extra string) (st *fixture.Store, setup string, vars map[string]string) {
	t.Helper()
	env := testenv.Get(t)
	ts := env.Site(t, testenv.SFTP)
	st = fixture.New(t, env, ts, fixture.Options{Version: "3.0.3.8"})
	setup = filepath.Join(t.TempDir(), "setup.yaml")
	body := fmt.Sprintf("site: %s\nfingerprint: %s\nintegration: onebox\naccess:\n  api_user: Default\n%s", siteURL(ts, st.Remote), env.SSH.HostKeySHA256, extra)
	if err := os.WriteFile(setup, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return st, setup, map[string]string{PasswordVar: ts.Password, DataDirVar: t.TempDir()}
}

// shopActivity is what another process does to the store between two
// runs: an order with its history row and a login of the API user.
func shopActivity(t *testing.T, st *fixture.Store) {
	t.Helper()
	ctx := context.Background()
	conn, err := st.StoreDB(t).Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for _, q := range []string{
		"SET SESSION sql_mode = ''",
		"INSERT INTO " + st.Table("order") + " (order_id, store_name, firstname, email, total, order_status_id, date_added, date_modified) VALUES (4, 'Fixture Store', 'New', 'new@example.com', 20, 1, NOW(), NOW())",
		"INSERT INTO " + st.Table("order_history") + " (order_id, order_status_id, notify, comment, date_added) VALUES (4, 1, 0, '', NOW())",
		"INSERT INTO " + st.Table("api_session") + " (api_id, session_id, ip, date_added, date_modified) VALUES (1, 'abc', '203.0.113.7', NOW(), NOW())",
	} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

// TestSyncOnce: a first run sets the baseline; after the shop took an
// order and the API user logged in, the next run reports exactly that,
// from the history the first run left in the data folder.
func TestSyncOnce(t *testing.T) {
	st, setup, vars := syncStore(t, "")
	code, out, errOut := runSyncCmd(t, vars, setup, "--once", "--json", "--trust-new")
	if code != 0 {
		t.Fatalf("first run: exit %d: %s%s", code, out, errOut)
	}
	var first struct {
		Poll struct {
			Baseline bool `json:"baseline"`
			Orders   struct {
				LastDay []struct{ Count int } `json:"last_day"`
			} `json:"orders"`
		} `json:"poll"`
	}
	if err := json.Unmarshal([]byte(out), &first); err != nil || !first.Poll.Baseline || strings.Count(out, "\n") != 1 {
		t.Fatalf("first run: %v: %s", err, out)
	}

	shopActivity(t, st)
	code, out, errOut = runSyncCmd(t, vars, setup, "--once", "--json")
	if code != 0 {
		t.Fatalf("second run: exit %d: %s%s", code, out, errOut)
	}
	var second struct {
		Poll struct {
			Baseline bool                                    `json:"baseline"`
			Changes  map[string]struct{ Added, Changed int } `json:"changes"`
			API      struct {
				SinceSetup int    `json:"since_setup"`
				LastIP     string `json:"last_ip"`
			} `json:"api"`
			Log *struct{ Missing bool } `json:"log"`
		} `json:"poll"`
	}
	if err := json.Unmarshal([]byte(out), &second); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	p := second.Poll
	want := map[string]int{"orders": 1, "order_history": 1, "api_sessions": 1}
	if p.Baseline || len(p.Changes) != len(want) || p.API.SinceSetup != 1 || p.API.LastIP != "203.0.113.7" || p.Log == nil || !p.Log.Missing {
		t.Fatalf("second run: %s", out)
	}
	for e, n := range want {
		if c := p.Changes[e]; c.Added != n || c.Changed != 0 {
			t.Errorf("%s: %+v, want %d added", e, c, n)
		}
	}

	code, out, _ = runSyncCmd(t, vars, setup, "--once")
	if code != 0 || !strings.Contains(out, ": no changes | orders last hour 4, day 4 | API last") {
		t.Errorf("text run: exit %d: %q", code, out)
	}
	if m, _ := filepath.Glob(filepath.Join(vars[DataDirVar], "sync", "*.db")); len(m) != 1 {
		t.Errorf("history files: %v", m)
	}
}

// TestSyncRunsJobs: with access.cron: app the command runs OneBox's
// cron.php itself; the store has none, so the run fails and raises the
// alert. The command prints as it goes and stops on its context.
func TestSyncRunsJobs(t *testing.T) {
	_, setup, vars := syncStore(t, "  cron: app\n")
	pr, pw := io.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan int, 1)
	var errOut bytes.Buffer
	go func() {
		code := syncCLI().Run(ctx, []string{"sync", setup, "--interval", "200ms", "--trust-new"},
			IO{In: strings.NewReader(""), Out: pw, Err: &errOut, Getenv: func(k string) string { return vars[k] }})
		pw.Close()
		done <- code
	}()
	var seen []string
	var poll, job, alert bool
	lines := bufio.NewScanner(pr)
	timeout := time.AfterFunc(time.Minute, cancel)
	defer timeout.Stop()
	for lines.Scan() && !(poll && job && alert) {
		line := lines.Text()
		seen = append(seen, line)
		poll = poll || strings.Contains(line, " poll ")
		job = job || strings.Contains(line, "job OneBox cron.php FAILED") && strings.Contains(line, "HTTP 404")
		alert = alert || strings.Contains(line, "ALERT Job failed: OneBox cron.php failed")
	}
	cancel()
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	if code := <-done; code != 0 {
		t.Errorf("exit %d: %s", code, errOut.String())
	}
	t.Log(strings.Join(seen, "\n"))
	if !poll || !job || !alert {
		t.Errorf("poll %v, job %v, alert %v in:\n%s\n%s", poll, job, alert, strings.Join(seen, "\n"), errOut.String())
	}
}

func TestSyncUsage(t *testing.T) {
	for _, args := range [][]string{{}, {"a.yaml", "b.yaml"}, {"a.yaml", "--jobs", "sometimes"}, {"a.yaml", "--interval", "0s"}} {
		if code, _, _ := runSyncCmd(t, nil, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}

// fakeDB answers every query with err; the other db.DB methods are not
// used by the sync engine.
type fakeDB struct {
	db.DB
	err    error
	closed bool
}

func (f *fakeDB) Query(context.Context, string, ...any) (*db.Rows, error) { return &db.Rows{}, f.err }
func (f *fakeDB) Close() error                                            { f.closed = true; return nil }

// TestReconnectingDB: a failed route (a bridge that expired, a dropped
// connection) is closed and the query runs again on a new connection; a
// statement the server refused keeps the connection.
func TestReconnectingDB(t *testing.T) {
	var made []*fakeDB
	errs := []error{errors.New("the bridge answered HTTP 410: expired"), nil, &db.SQLError{Number: 1146, Message: "no such table"}}
	r := &reconnectingDB{connect: func(context.Context) (db.DB, error) {
		f := &fakeDB{err: errs[len(made)]}
		made = append(made, f)
		return f, nil
	}}
	ctx := context.Background()
	if _, err := r.Query(ctx, "SELECT 1"); err != nil || len(made) != 2 || !made[0].closed || made[1].closed {
		t.Fatalf("an expired route: err %v, %d connections", err, len(made))
	}
	made[1].err = errs[2]
	if _, err := r.Query(ctx, "SELECT 1"); err == nil || len(made) != 2 || made[1].closed {
		t.Fatalf("a refused statement: err %v, %d connections", err, len(made))
	}
	if err := r.Close(); err != nil || !made[1].closed {
		t.Fatalf("close: %v", err)
	}
}

// TestSyncOnceRunsDueJobs: --once with jobs runs each due job once (here
// OneBox's cron.php, missing on the store: the run fails, exit 1); the
// next --once within the job's period polls and runs no job.
func TestSyncOnceRunsDueJobs(t *testing.T) {
	_, setup, vars := syncStore(t, "  cron: app\n")
	code, out, errOut := runSyncCmd(t, vars, setup, "--once", "--trust-new")
	if code != 1 || strings.Count(out, "job OneBox cron.php FAILED") != 1 || !strings.Contains(out, "HTTP 404") {
		t.Fatalf("first run: exit %d:\n%s%s", code, out, errOut)
	}
	code, out, errOut = runSyncCmd(t, vars, setup, "--once")
	if code != 0 || strings.Contains(out, "job ") {
		t.Fatalf("second run (job not due): exit %d:\n%s%s", code, out, errOut)
	}
	code, out, errOut = runSyncCmd(t, vars, setup, "--once", "--jobs", "off")
	if code != 0 || strings.Contains(out, "job ") {
		t.Fatalf("--jobs off: exit %d:\n%s%s", code, out, errOut)
	}
}

// TestSyncNoAPIUserForPayments: Amazon Payment Services has no OpenCart
// API user, so the sync reads no API sessions and its snapshot says so
// (the view leaves the API part out); OneBox has one.
func TestSyncNoAPIUserForPayments(t *testing.T) {
	st, setup, vars := syncStore(t, "")
	aps := filepath.Join(filepath.Dir(setup), "aps.yaml")
	b, err := os.ReadFile(setup)
	if err != nil {
		t.Fatal(err)
	}
	body := strings.Replace(strings.Replace(string(b), "integration: onebox", "integration: amazon_ps", 1), "access:\n  api_user: Default\n", "", 1)
	if err := os.WriteFile(aps, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	shopActivity(t, st) // an API session by some other API user
	for _, c := range []struct {
		file      string
		noAPIUser bool
	}{{aps, true}, {setup, false}} {
		code, out, errOut := runSyncCmd(t, vars, c.file, "--once", "--json", "--trust-new", "--jobs", "off")
		if code != 0 {
			t.Fatalf("%s: exit %d: %s%s", c.file, code, out, errOut)
		}
		var got struct {
			Poll struct {
				API struct{ Available bool } `json:"api"`
			} `json:"poll"`
		}
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatalf("%v: %s", err, out)
		}
		if got.Poll.API.Available == c.noAPIUser {
			t.Errorf("%s: API read %v, want %v", filepath.Base(c.file), got.Poll.API.Available, !c.noAPIUser)
		}
	}
}
