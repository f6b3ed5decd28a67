package db

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ocsetup/ocsetup/installer/remote"
	"github.com/ocsetup/ocsetup/installer/store"
	"github.com/ocsetup/ocsetup/internal/fixture"
	"github.com/ocsetup/ocsetup/internal/testenv"
)

// testBridge uploads a bridge into a fresh 4.0 fixture store (InnoDB, so
// "nothing committed" is visible) on the plain FTP site, served by PHP's
// built-in server running as the site's user.
func testBridge(t *testing.T, env *testenv.Env) (*bridgeRunner, *fixture.Store, string) {
	t.Helper()
	ts := env.Site(t, testenv.FTP)
	st := fixture.New(t, env, ts, fixture.Options{Version: "4.0.2.3"})
	pool := openPool(t, ts)
	data := t.TempDir()
	b, err := openBridge(ctxT(t), pool, readCreds(t, pool, st), Options{DataDir: data})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = b.close() })
	return b, st, data
}

// send makes one request with explicit signing fields, as an attacker
// or a broken client would.
func send(t *testing.T, b *bridgeRunner, method string, body []byte, ts, nonce, sig string) (int, *wireReply) {
	t.Helper()
	resp, data, err := b.exchange(ctxT(t), method, b.currentURL(), body, ts, nonce, sig)
	if err != nil {
		t.Fatal(err)
	}
	r := &wireReply{status: resp.StatusCode}
	if s := resp.Header.Get(headerSignature); s != "" {
		r.signed = b.replySigned(nonce, data, s)
		if !r.signed {
			t.Fatalf("a reply with a wrong signature: %s", data)
		}
	}
	if resp.StatusCode != http.StatusNotFound {
		if err := json.Unmarshal(data, r); err != nil {
			t.Fatalf("HTTP %d: %v: %s", resp.StatusCode, err, data)
		}
	}
	return resp.StatusCode, r
}

// signed makes a correctly signed request with a fresh nonce.
func signed(t *testing.T, b *bridgeRunner, payload any) (int, *wireReply) {
	t.Helper()
	body, err := json.Marshal(payload)
	if err != nil {
		t.Fatal(err)
	}
	ts, nonce := strconv.FormatInt(time.Now().Unix(), 10), randomHex(16)
	return send(t, b, http.MethodPost, body, ts, nonce, b.sign(ts, nonce, body))
}

func expect(t *testing.T, what string, status int, r *wireReply, wantStatus int, wantCode string) {
	t.Helper()
	if status != wantStatus || (wantCode != "" && r.Code != wantCode) {
		t.Errorf("%s: HTTP %d %q (%s), want HTTP %d %q", what, status, r.Code, r.Error, wantStatus, wantCode)
	}
}

func localOf(st *fixture.Store, remotePath string) string {
	return filepath.Join(st.Local, path.Base(remotePath))
}

// TestBridgeRefuses: GET, a bad or missing signature, a stale timestamp,
// a replayed nonce and statements that would leave the transaction are
// each refused, and none of them changes the database.
func TestBridgeRefuses(t *testing.T) {
	env := testenv.Get(t)
	b, st, _ := testBridge(t, env)
	dbh := storeDBAsAdmin(t, env, st)
	body := []byte(`{"op":"ping"}`)
	now := strconv.FormatInt(time.Now().Unix(), 10)

	status, r := send(t, b, http.MethodGet, nil, "", "", "")
	expect(t, "GET", status, r, http.StatusMethodNotAllowed, "method")

	status, r = send(t, b, http.MethodPost, body, "", "", "")
	expect(t, "unsigned", status, r, http.StatusUnauthorized, "signature")

	nonce := randomHex(16)
	sig := []byte(b.sign(now, nonce, body))
	sig[len(sig)-1] ^= 1
	status, r = send(t, b, http.MethodPost, body, now, nonce, string(sig))
	expect(t, "bad signature", status, r, http.StatusUnauthorized, "signature")

	other := &bridgeRunner{secret: []byte(randomHex(32))}
	status, r = send(t, b, http.MethodPost, body, now, nonce, other.sign(now, nonce, body))
	expect(t, "another secret", status, r, http.StatusUnauthorized, "signature")

	nonce = randomHex(16)
	status, r = send(t, b, http.MethodPost, body, now, nonce, b.sign(now, nonce, []byte(`{"op":"delete"}`)))
	expect(t, "signature of another body", status, r, http.StatusUnauthorized, "signature")

	old := strconv.FormatInt(time.Now().Add(-10*time.Minute).Unix(), 10)
	nonce = randomHex(16)
	status, r = send(t, b, http.MethodPost, body, old, nonce, b.sign(old, nonce, body))
	expect(t, "expired timestamp", status, r, http.StatusUnauthorized, "stale")
	if d := r.Now - time.Now().Unix(); d < -5 || d > 5 {
		t.Errorf("stale reply's server time is off by %d s", d)
	}

	nonce = randomHex(16)
	sigOK := b.sign(now, nonce, body)
	status, r = send(t, b, http.MethodPost, body, now, nonce, sigOK)
	expect(t, "first use of a nonce", status, r, http.StatusOK, "")
	if !r.OK || !r.signed {
		t.Fatalf("ping: %+v", r)
	}
	status, r = send(t, b, http.MethodPost, body, now, nonce, sigOK)
	expect(t, "replayed request", status, r, http.StatusConflict, "replay")

	// Statements that would end the transaction are refused before
	// anything runs: the INSERT ahead of each is not committed.
	setting, _ := Table(st.Prefix, "setting")
	for i, bad := range leaveTx {
		key := fmt.Sprintf("ocsetup_bad_%d", i)
		status, r = signed(t, b, map[string]any{"op": "tx", "statements": []map[string]any{
			{"sql": "INSERT INTO " + setting + " (store_id, code, `key`, `value`, serialized) VALUES (0, 'x', ?, 'v', 0)", "args": []any{key}},
			{"sql": bad, "args": []any{}},
		}})
		expect(t, fmt.Sprintf("transaction with %q", bad), status, r, http.StatusBadRequest, "statement")
		if r.Index != 1 || !r.signed {
			t.Errorf("%q: index %d, signed %v", bad, r.Index, r.signed)
		}
		if _, found := storeValue(t, dbh, st, key); found {
			t.Errorf("%q: the statement before it was committed", bad)
		}
	}
	for _, bad := range notQueries {
		status, r = signed(t, b, map[string]any{"op": "query", "sql": bad, "args": []any{}})
		expect(t, fmt.Sprintf("query %q", bad), status, r, http.StatusBadRequest, "statement")
	}

	// What may run does run, with the same tricky quoting the Go check
	// accepts.
	status, r = signed(t, b, map[string]any{"op": "tx", "statements": []map[string]any{
		{"sql": "SET @a := (SELECT COUNT(*) FROM " + setting + " WHERE `key` IN ('x', 'y')), @b = 'x;y'", "args": []any{}},
		{"sql": "/* note */ INSERT INTO " + setting + " (store_id, code, `key`, `value`, serialized) VALUES (0, 'x', 'ocsetup_ok', CONCAT(@b, ' -- #'), 0)", "args": []any{}},
	}})
	expect(t, "allowed statements", status, r, http.StatusOK, "")
	if v, _ := storeValue(t, dbh, st, "ocsetup_ok"); v != "x;y -- #" {
		t.Errorf("allowed statements wrote %q", v)
	}
}

// TestBridgeDeletesItself: after the delete op the file and its nonce
// list are gone and a further request finds nothing.
func TestBridgeDeletesItself(t *testing.T) {
	env := testenv.Get(t)
	b, st, _ := testBridge(t, env)
	local := localOf(st, b.rec.Path)
	if !exists(local) || !exists(localOf(st, b.rec.NoncePath)) {
		t.Fatalf("bridge or nonce list missing: %v", bridgeFilesIn(t, st.Local))
	}
	status, r := signed(t, b, map[string]any{"op": "delete"})
	expect(t, "delete", status, r, http.StatusOK, "")
	if left := bridgeFilesIn(t, st.Local); len(left) != 0 {
		t.Fatalf("left after self-deletion: %v", left)
	}
	status, _ = signed(t, b, map[string]any{"op": "ping"})
	if status != http.StatusNotFound {
		t.Errorf("request after self-deletion: HTTP %d", status)
	}
	if err := b.call(ctxT(t), map[string]any{"op": "ping"}, nil); err == nil || !strings.Contains(err.Error(), "404") {
		t.Errorf("client after self-deletion: %v", err)
	}
}

// TestBridgeExpires: a bridge older than its time to live (by the
// server's clock) refuses everything and removes itself.
func TestBridgeExpires(t *testing.T) {
	env := testenv.Get(t)
	b, st, _ := testBridge(t, env)
	local := localOf(st, b.rec.Path)
	past := time.Now().Add(-DefaultBridgeTTL - time.Minute)
	if err := os.Chtimes(local, past, past); err != nil {
		t.Fatal(err)
	}
	status, r := signed(t, b, map[string]any{"op": "ping"})
	expect(t, "expired bridge", status, r, http.StatusGone, "expired")
	if left := bridgeFilesIn(t, st.Local); len(left) != 0 {
		t.Errorf("left after expiry: %v", left)
	}
}

// TestBridgeClockSkew: a client clock ten minutes off is corrected from
// the bridge's "stale" answer, once, with a freshly signed request.
func TestBridgeClockSkew(t *testing.T) {
	env := testenv.Get(t)
	b, _, _ := testBridge(t, env)
	b.offset.Store(-600)
	var info bridgeInfo
	if err := b.call(ctxT(t), map[string]any{"op": "ping"}, &info); err != nil {
		t.Fatal(err)
	}
	if off := b.offset.Load(); off < -5 || off > 5 {
		t.Errorf("offset after correction: %d", off)
	}
}

// TestBridgeCleanupAfterCancel: Close removes the bridge even when the
// context that opened it is gone, and drops its record.
func TestBridgeCleanupAfterCancel(t *testing.T) {
	env := testenv.Get(t)
	ts := env.Site(t, testenv.SFTP)
	st := fixture.New(t, env, ts, fixture.Options{Version: "2.3.0.2"})
	pool := openPool(t, ts)
	data := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	d, _, err := Connect(ctx, pool, readCreds(t, pool, st), Options{Routes: []Route{RouteBridge}, DataDir: data})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Query(ctx, "SELECT 1"); err != nil {
		t.Fatal(err)
	}
	cancel()
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	if left := bridgeFilesIn(t, st.Local); len(left) != 0 {
		t.Errorf("left on the store: %v", left)
	}
	if left := records(t, data); len(left) != 0 {
		t.Errorf("records left: %v", left)
	}
}

// helperVar makes the test binary act as a run of ocsetup that uploads a
// bridge and is then killed (TestBridgeKilledRun).
const helperVar = "OCSETUP_DB_BRIDGE_HELPER"

type helperSpec struct {
	Site    testenv.Site
	Store   store.Store
	DataDir string
}

// TestBridgeHelperProcess is the killed run, not a test of its own.
func TestBridgeHelperProcess(t *testing.T) {
	raw := os.Getenv(helperVar)
	if raw == "" {
		t.Skip("runs only as the child of TestBridgeKilledRun")
	}
	var h helperSpec
	if err := json.Unmarshal([]byte(raw), &h); err != nil {
		t.Fatal(err)
	}
	pool := openPool(t, h.Site)
	c, err := Read(ctxT(t), pool, h.Store)
	if err != nil {
		t.Fatal(err)
	}
	b, err := openBridge(ctxT(t), pool, c, Options{DataDir: h.DataDir})
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("ready %s\n", b.rec.Path)
	// The parent kills this process now; the bridge is never closed.
	<-time.After(2 * time.Minute)
	t.Fatal("the parent did not kill this process")
}

// TestBridgeKilledRun: a run killed while its bridge is up leaves the file
// and a record; the next start's CleanupLeftovers removes both.
func TestBridgeKilledRun(t *testing.T) {
	env := testenv.Get(t)
	ts := env.Site(t, testenv.SFTP)
	st := fixture.New(t, env, ts, fixture.Options{Version: "3.0.3.8"})
	data := t.TempDir()
	spec, err := json.Marshal(helperSpec{Site: ts, Store: storeOf(st), DataDir: data})
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestBridgeHelperProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), helperVar+"="+string(spec))
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if p, ok := strings.CutPrefix(sc.Text(), "ready "); ok {
				ready <- p
			}
		}
		close(ready)
	}()
	var remotePath string
	select {
	case remotePath = <-ready:
	case <-time.After(time.Minute):
	}
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	if remotePath == "" {
		t.Fatal("the helper did not upload a bridge")
	}
	local := ts.LocalPath(remotePath)
	if !exists(local) || len(records(t, data)) != 1 {
		t.Fatalf("after the kill: bridge there %v, records %v", exists(local), records(t, data))
	}

	var opened int
	results, err := CleanupLeftovers(ctxT(t), data, func(_ context.Context, site remote.Site) (FileRemover, func(), error) {
		if !SameSite(site, siteOf(ts)) {
			return nil, nil, ErrSkipSite
		}
		opened++
		return openPool(t, ts), nil, nil
	})
	if err != nil || len(results) != 1 || !results[0].Removed || opened != 1 {
		t.Fatalf("cleanup: %+v, %v", results, err)
	}
	if left := bridgeFilesIn(t, st.Local); len(left) != 0 {
		t.Errorf("left on the store: %v", left)
	}
	if left := records(t, data); len(left) != 0 {
		t.Errorf("records left: %v", left)
	}
}

// TestCleanupSkipsOtherSites: records of sites the opener skips stay.
func TestCleanupSkipsOtherSites(t *testing.T) {
	data := t.TempDir()
	r := BridgeRecord{Site: remote.Site{Protocol: remote.SFTP, Host: "elsewhere.example", User: "u"}, Path: "/x/ocsetup-bridge-1.php"}
	if err := r.save(data); err != nil {
		t.Fatal(err)
	}
	results, err := CleanupLeftovers(ctxT(t), data, func(context.Context, remote.Site) (FileRemover, func(), error) {
		return nil, nil, ErrSkipSite
	})
	if err != nil || len(results) != 1 || !results[0].Skipped || len(records(t, data)) != 1 {
		t.Fatalf("%+v, %v", results, err)
	}
}

// TestBridgePDO runs the same reads and transactions through the bridge's
// PDO code, which hosts without mysqli use.
func TestBridgePDO(t *testing.T) {
	env := testenv.Get(t)
	ts := env.Site(t, testenv.SFTP)
	st := fixture.New(t, env, ts, fixture.Options{Version: "3.0.4.1"})
	pool := openPool(t, ts)
	c := readCreds(t, pool, st)
	b, err := openBridge(ctxT(t), pool, c, Options{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	d := newConn(RouteBridge, b, c, 0)
	t.Cleanup(func() { _ = d.Close() })
	b.driver = "pdo"
	var info bridgeInfo
	if err := b.call(ctxT(t), map[string]any{"op": "ping"}, &info); err != nil || info.Driver != "pdo" || b.pingRes.Driver != "mysqli" {
		t.Fatalf("drivers: %q then %q, %v", b.pingRes.Driver, info.Driver, err)
	}
	exerciseDB(t, env, d, st)
}

// TestBridgeAddresses: an https address where nothing listens (the store
// has no HTTPS) is skipped for the next address, the plain one. A refused
// connection is not a certificate failure, which would stop the search
// (TestBridgeCertificateFailureStops); a redirect to another port is
// refused (TestBridgeRedirectLeavingOrigin).
func TestBridgeAddresses(t *testing.T) {
	env := testenv.Get(t)
	ts := env.Site(t, testenv.SFTP)
	st := fixture.New(t, env, ts, fixture.Options{Version: "2.0.3.1"})
	pool := openPool(t, ts)
	c := readCreds(t, pool, st)
	c.Catalog.HTTPSServer = "https://127.0.0.1:" + itoa(closedPort(t)) + "/shop/"
	c.Catalog.HTTPServer = st.URL
	c.Admin.HTTPCatalog, c.Admin.HTTPSCatalog = "", ""
	d, attempts := connect(t, pool, c, Options{Routes: []Route{RouteBridge}})
	if d.Route() != RouteBridge {
		t.Fatalf("attempts %s", attempts)
	}
	if _, err := d.QueryRow(ctxT(t), "SELECT 1"); err != nil {
		t.Fatalf("query: %v", err)
	}
}
