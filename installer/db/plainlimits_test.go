package db

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/ocsetup/ocsetup/internal/fixture"
	"github.com/ocsetup/ocsetup/internal/testenv"
)

// TestBridgeLimitedOverPlainHTTP: a bridge uploaded for a step that only
// reads (sync), reached over plain HTTP (PHP's built-in server on the test
// store), answers the step's reads and refuses what the step does not
// need: a read of the admin users' password hashes, an API key, and any
// change. Each refusal names its cause, comes from this side before
// anything is sent, and from the bridge itself for a request that skips
// this side's check. Without limits the same read goes through, as before.
func TestBridgeLimitedOverPlainHTTP(t *testing.T) {
	env := testenv.Get(t)
	ts := env.Site(t, testenv.FTP)
	st := fixture.New(t, env, ts, fixture.Options{Version: "4.0.2.3"})
	pool := openPool(t, ts)
	creds := readCreds(t, pool, st)
	prefix := creds.Prefix
	hashes := "SELECT `username`, `password` FROM `" + prefix + "user`"

	// What this side sends to the bridge, to see that a refused
	// statement never left.
	sent := &sentBodies{}
	open := func(limits *PlainHTTPLimits) DB {
		d, _ := connect(t, pool, readCreds(t, pool, st), Options{Routes: []Route{RouteBridge}, PlainHTTPLimits: limits,
			HTTPClient: &http.Client{Transport: sent}})
		if PlainHTTP(d) == "" {
			t.Fatalf("the bridge is not on plain HTTP: %s", d.(*conn).r.(*bridgeRunner).currentURL())
		}
		return d
	}

	unlimited := open(nil)
	if _, err := unlimited.Query(ctxT(t), hashes); err != nil {
		t.Fatalf("without limits the read fails: %v", err)
	}

	d := open(ReadOnlyPlainHTTP())
	ctx := ctxT(t)
	if _, err := d.Query(ctx, "SELECT `order_status_id`, `name` FROM `"+prefix+"order_status` WHERE `language_id` = ?", 1); err != nil {
		t.Fatalf("a read the step needs is refused: %v", err)
	}
	for _, c := range []struct{ sql, column string }{
		{hashes, "password"},
		{"SELECT u.salt FROM " + prefix + "user u", "salt"},
		{"SELECT `KEY` FROM `" + prefix + "api`", "key"},
	} {
		_, err := d.Query(ctx, c.sql)
		var se *StatementError
		if !errors.As(err, &se) || !strings.Contains(err.Error(), "column "+c.column) || !strings.Contains(err.Error(), "plain HTTP") {
			t.Errorf("%s: %v; want a refusal naming the column %s and plain HTTP", c.sql, err, c.column)
		}
	}
	// A statement that fetches the hashes without naming them: the
	// bridge refuses its answer, and the hashes are not in the reply.
	star := "SELECT * FROM `" + prefix + "user`"
	from := sent.mark()
	if _, err := d.Query(ctx, star); err == nil || !strings.Contains(err.Error(), "column password") || !strings.Contains(err.Error(), "plain HTTP") {
		t.Errorf("%s: %v; want a refusal naming the column password and plain HTTP", star, err)
	}
	if hash := storeCount(t, st, "SELECT `password` FROM `"+prefix+"user` LIMIT 1"); hash == "" || sent.repliedSince(from, hash) {
		t.Errorf("the password hash %q crossed plain HTTP", hash)
	}
	// A string that happens to read "password" is data, not a column.
	if _, err := d.Query(ctx, "SELECT COUNT(*) FROM `"+prefix+"setting` WHERE `code` = 'password'"); err != nil {
		t.Errorf("a literal refused as a column: %v", err)
	}
	if n := sent.count("ocsetup_test") + sent.count("salt") + sent.count("KEY"); n != 0 {
		t.Errorf("%d refused statements were sent to the bridge", n)
	}
	before := storeCount(t, st, "SELECT COUNT(*) FROM "+prefix+"setting")
	err := d.Tx(ctx, func(tx Tx) error {
		tx.Exec("INSERT INTO `" + prefix + "setting` (`store_id`, `code`, `key`, `value`, `serialized`) VALUES (0, 'ocsetup_test', 'ocsetup_test', 'x', 0)")
		return nil
	})
	if err == nil || !strings.Contains(err.Error(), "may only read") {
		t.Errorf("a change over the read-only bridge: %v; want a refusal that says it may only read", err)
	}
	if n := sent.count("ocsetup_test"); n != 0 {
		t.Errorf("the refused change was sent to the bridge %d times", n)
	}

	// The bridge's own check, for a request this side did not check.
	b := d.(*conn).r.(*bridgeRunner)
	status, r := signed(t, b, map[string]any{"op": "query", "sql": hashes})
	expect(t, "the hashes asked directly", status, r, http.StatusBadRequest, "statement")
	if !strings.Contains(r.Error, "password") {
		t.Errorf("the bridge's refusal does not name the column: %q", r.Error)
	}
	status, r = signed(t, b, map[string]any{"op": "tx", "statements": []map[string]any{{"sql": "UPDATE `" + prefix + "setting` SET `value` = 'x' WHERE `key` = 'nothing'"}}})
	expect(t, "a change asked directly", status, r, http.StatusBadRequest, "statement")
	if after := storeCount(t, st, "SELECT COUNT(*) FROM "+prefix+"setting"); after != before {
		t.Errorf("the settings changed: %s rows, were %s", after, before)
	}
}

// sentBodies is a transport that keeps the bodies of the requests it
// carries, and of their replies.
type sentBodies struct {
	mu      sync.Mutex
	bodies  []string
	replies []string
}

func (s *sentBodies) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		b, err := io.ReadAll(r.Body)
		r.Body.Close()
		if err != nil {
			return nil, err
		}
		s.mu.Lock()
		s.bodies = append(s.bodies, string(b))
		s.mu.Unlock()
		r.Body = io.NopCloser(bytes.NewReader(b))
	}
	resp, err := http.DefaultTransport.RoundTrip(r)
	if err != nil {
		return nil, err
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.replies = append(s.replies, string(b))
	s.mu.Unlock()
	resp.Body = io.NopCloser(bytes.NewReader(b))
	return resp, nil
}

// mark is where the replies so far end, for repliedSince.
func (s *sentBodies) mark() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.replies)
}

// repliedSince says whether a reply after mark held text (as it is, or
// JSON-escaped).
func (s *sentBodies) repliedSince(mark int, text string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	esc, _ := json.Marshal(text)
	for _, b := range s.replies[mark:] {
		if strings.Contains(b, text) || strings.Contains(b, strings.Trim(string(esc), `"`)) {
			return true
		}
	}
	return false
}

// count is how many requests sent so far hold text.
func (s *sentBodies) count(text string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, b := range s.bodies {
		if strings.Contains(b, text) {
			n++
		}
	}
	return n
}

// storeCount is the first column of query's first row, read straight
// from the store's database.
func storeCount(t *testing.T, st *fixture.Store, query string) string {
	t.Helper()
	var v string
	if err := st.StoreDB(t).QueryRow(query).Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}
