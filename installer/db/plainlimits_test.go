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

// TestBridgeStepLimitsOverPlainHTTP: a bridge uploaded with a step's
// limits (the tables it reads, the ones it writes, the secret columns of
// those tables) and reached over plain HTTP runs the step's own work: it
// reads its tables, writes the API key it was given, and tests a key
// against the stored one. It refuses, naming the cause, what the step
// does not need: another table, another database, a write to a table the
// step only reads, a secret column read back (by name, under another
// name, with SELECT *, or copied into another column). This side refuses
// the same before sending; the bridge refuses requests that skip this
// side.
func TestBridgeStepLimitsOverPlainHTTP(t *testing.T) {
	env := testenv.Get(t)
	ts := env.Site(t, testenv.FTP)
	st := fixture.New(t, env, ts, fixture.Options{Version: "4.0.2.3"})
	pool := openPool(t, ts)
	creds := readCreds(t, pool, st)
	p := strings.ToLower(creds.Prefix)

	// Another database the store's login can read, as on a host where one
	// login serves several sites.
	admin := fixture.AdminDB(t, env)
	other := "fx_other_" + randomHex(4)
	for _, q := range []string{"CREATE DATABASE `" + other + "`", "CREATE TABLE `" + other + "`.`secrets` (`v` TEXT)", "INSERT INTO `" + other + "`.`secrets` VALUES ('other-site-secret')"} {
		if _, err := admin.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() { _, _ = admin.Exec("DROP DATABASE `" + other + "`") })
	hosts, err := admin.Query("SELECT Host FROM mysql.user WHERE User = ?", st.DB.User)
	if err != nil {
		t.Fatal(err)
	}
	for hosts.Next() {
		var h string
		if err := hosts.Scan(&h); err != nil {
			t.Fatal(err)
		}
		if _, err := admin.Exec("GRANT SELECT ON `" + other + "`.* TO '" + st.DB.User + "'@'" + h + "'"); err != nil {
			t.Fatal(err)
		}
	}
	hosts.Close()

	// The access step's limits.
	limits := &PlainHTTPLimits{
		Tables: []string{p + "setting"},
		Writes: []string{p + "api", p + "api_ip"},
		Hidden: []string{p + "api.key", p + "user.password", p + "user.salt"},
	}
	sent := &sentBodies{}
	d, _ := connect(t, pool, creds, Options{Routes: []Route{RouteBridge}, PlainHTTPLimits: limits, HTTPClient: &http.Client{Transport: sent}})
	if PlainHTTP(d) == "" {
		t.Fatalf("the bridge is not on plain HTTP")
	}
	ctx := ctxT(t)
	api, setting := "`"+creds.Prefix+"api`", "`"+creds.Prefix+"setting`"
	const key = "k-0123456789abcdef0123456789abcdef0123456789abcdef"

	// The step's own work.
	var ins *Result
	if err := d.Tx(ctx, func(tx Tx) error {
		ins = tx.Exec("INSERT INTO "+api+" (`username`, `key`, status, date_added, date_modified) VALUES (?, ?, 1, NOW(), NOW())", "ocsetup-limits", key)
		tx.Exec("INSERT INTO `"+creds.Prefix+"api_ip` (api_id, ip) VALUES (?, ?)", ins.InsertID(), "127.0.0.1")
		return nil
	}); err != nil {
		t.Fatalf("the step's own INSERT of its key is refused: %v", err)
	}
	if err := d.Tx(ctx, func(tx Tx) error {
		tx.Exec("UPDATE "+api+" SET `key` = ?, status = 1, date_modified = NOW() WHERE api_id = ?", key, ins.LastInsertID)
		return nil
	}); err != nil {
		t.Fatalf("the step's own UPDATE of its key is refused: %v", err)
	}
	row, err := d.QueryRow(ctx, "SELECT api_id, status, (`key` = ?) AS same_key FROM "+api+" WHERE username = ?", key, "ocsetup-limits")
	if err != nil || row.String("same_key") != "1" {
		t.Fatalf("testing the stored key against the step's: %v %v", row, err)
	}
	if _, err := d.Query(ctx, "SELECT `key`, `value` FROM "+setting+" WHERE store_id = 0 AND `code` = 'config'"); err != nil {
		t.Fatalf("a read of the settings (whose `key` is no secret) is refused: %v", err)
	}
	apiUsers := storeCount(t, st, "SELECT COUNT(*) FROM "+api)

	// Outside the limits: each refused by this side before sending,
	// and by the bridge when asked directly.
	userHash := storeCount(t, st, "SELECT `password` FROM `"+creds.Prefix+"user` LIMIT 1")
	for _, c := range []struct {
		what, sql string
		tx        bool
		cause     string
	}{
		{"another table", "SELECT `email` FROM `" + creds.Prefix + "customer`", false, "table " + p + "customer"},
		{"the admin users, secret column by name", "SELECT `password` FROM `" + creds.Prefix + "user`", false, p + "user"},
		{"another database", "SELECT `v` FROM `" + other + "`.`secrets`", false, "database " + other},
		{"a write to a table the step only reads", "UPDATE " + setting + " SET `value` = 'x' WHERE `key` = 'config_name'", true, "may not change"},
		{"the API key read back", "SELECT `key` FROM " + api, false, "secret column " + p + "api.key"},
		{"the API key under another name", "SELECT api_id, `key` AS secret FROM " + api, false, "secret column " + p + "api.key"},
		{"the API key compared by prefix", "SELECT api_id FROM " + api + " WHERE `key` LIKE ?", false, "secret column " + p + "api.key"},
		{"the API key ordered against a value", "SELECT api_id FROM " + api + " WHERE 'k' < `key` = ?", false, "secret column " + p + "api.key"},
		{"the API key copied into a readable column", "UPDATE " + api + " SET username = `key` WHERE api_id = ?", true, "secret column " + p + "api.key"},
		{"the API key copied by INSERT … SELECT", "INSERT INTO " + api + " (`username`, `key`) SELECT `key`, `key` FROM " + api, true, "secret column " + p + "api.key"},
		{"the API key under a UNION's names", "SELECT 1, 2, 3, 4, 5, 6 UNION SELECT * FROM " + api, false, "every column (*) of " + p + "api"},
		{"the API key through a subquery's *", "SELECT x.api_id FROM (SELECT * FROM " + api + ") x", false, "every column (*) of " + p + "api"},
	} {
		var args []any
		if strings.Contains(c.sql, "?") {
			args = []any{ins.LastInsertID}
		}
		var err error
		if c.tx {
			err = d.Tx(ctx, func(tx Tx) error { tx.Exec(c.sql, args...); return nil })
		} else if strings.Contains(c.sql, "?") {
			_, err = d.Query(ctx, c.sql, "k%")
		} else {
			_, err = d.Query(ctx, c.sql)
		}
		var se *StatementError
		if !errors.As(err, &se) || !strings.Contains(err.Error(), c.cause) || !strings.Contains(err.Error(), "plain HTTP") {
			t.Errorf("%s (%s): %v; want a refusal naming %q and plain HTTP", c.what, c.sql, err, c.cause)
		}
		if n := sent.count(strings.Trim(mustJSON(t, c.sql), `"`)); n != 0 {
			t.Errorf("%s: sent to the bridge %d times", c.what, n)
		}
		b := d.(*conn).r.(*bridgeRunner)
		var status int
		var r *wireReply
		if c.tx {
			status, r = signed(t, b, map[string]any{"op": "tx", "statements": []map[string]any{{"sql": c.sql, "args": args}}})
		} else if strings.Contains(c.sql, "?") {
			status, r = signed(t, b, map[string]any{"op": "query", "sql": c.sql, "args": []any{"k%"}})
		} else {
			status, r = signed(t, b, map[string]any{"op": "query", "sql": c.sql})
		}
		expect(t, c.what+" asked directly", status, r, http.StatusBadRequest, "statement")
		if !strings.Contains(r.Error, c.cause) || !strings.Contains(r.Error, "plain HTTP") {
			t.Errorf("%s asked directly: the bridge says %q; want it to name %q and plain HTTP", c.what, r.Error, c.cause)
		}
	}
	// SELECT * of the API users names no secret column: refused, and
	// the bridge would refuse its answer anyway.
	from := sent.mark()
	if _, err := d.Query(ctx, "SELECT * FROM "+api); err == nil || !strings.Contains(err.Error(), "every column") {
		t.Errorf("SELECT * of the API users: %v; want a refusal for reading every column", err)
	}
	// COUNT(*) reads no column.
	if _, err := d.Query(ctx, "SELECT COUNT(*) AS n FROM "+api); err != nil {
		t.Errorf("COUNT(*) of the API users: %v", err)
	}
	for _, secret := range []string{key, userHash, "other-site-secret"} {
		if sent.repliedSince(from, secret) || sent.repliedSince(0, secret) {
			t.Errorf("the secret %q crossed plain HTTP", secret)
		}
	}
	if got := storeCount(t, st, "SELECT username FROM "+api+" WHERE api_id = "+itoa(int(ins.LastInsertID))); got != "ocsetup-limits" {
		t.Errorf("the API user's name is now %q", got)
	}
	if got := storeCount(t, st, "SELECT COUNT(*) FROM "+api); got != apiUsers {
		t.Errorf("%s API users after the refused INSERT … SELECT, were %s", got, apiUsers)
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
