package access_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ocsetup/ocsetup/installer/access"
	"github.com/ocsetup/ocsetup/installer/db"
	"github.com/ocsetup/ocsetup/installer/keygen"
	"github.com/ocsetup/ocsetup/installer/remote"
	"github.com/ocsetup/ocsetup/installer/store"
	"github.com/ocsetup/ocsetup/internal/fixture"
	"github.com/ocsetup/ocsetup/internal/testenv"
)

// storeDB lays out a fixture store and reaches its database the way the
// app does: config.php over the files channel, then the direct route.
func storeDB(t *testing.T, env *testenv.Env, version string) (*fixture.Store, db.DB, *db.Schema, store.Line) {
	t.Helper()
	return storeDBVia(t, env, version, nil)
}

// storeDBVia is storeDB, or, with limits, the database bridge over plain
// HTTP (the test sites serve no HTTPS) limited to them.
func storeDBVia(t *testing.T, env *testenv.Env, version string, limits func(prefix string) *db.PlainHTTPLimits) (*fixture.Store, db.DB, *db.Schema, store.Line) {
	t.Helper()
	protocol, routes := testenv.SFTP, []db.Route{db.RouteDirect}
	if limits != nil {
		protocol, routes = testenv.FTP, []db.Route{db.RouteBridge}
	}
	ts := env.Site(t, protocol)
	st := fixture.New(t, env, ts, fixture.Options{Version: version})
	tr := remote.NewTrust(t.TempDir())
	tr.TrustNew = true
	ctx := context.Background()
	pool, err := remote.Open(ctx, remote.Site{Protocol: remote.Protocol(ts.Protocol), Host: ts.Host, Port: ts.Port, User: ts.User,
		Password: ts.Password, Timeout: 10 * time.Second}, tr, 1)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pool.Close() })
	line, _ := store.LineOf(version)
	creds, err := db.Read(ctx, pool, store.Store{Root: st.Remote, Version: version, Line: line, AdminDir: "admin"})
	if err != nil {
		t.Fatal(err)
	}
	opt := db.Options{Routes: routes, DataDir: t.TempDir()}
	if limits != nil {
		opt.PlainHTTPLimits = limits(creds.Prefix)
	}
	d, attempts, err := db.Connect(ctx, pool, creds, opt)
	if err != nil {
		t.Fatalf("%v (%s)", err, attempts)
	}
	if limits != nil && db.PlainHTTP(d) == "" {
		t.Fatal("the bridge is not on plain HTTP")
	}
	t.Cleanup(func() { d.Close() })
	sc, err := d.Schema(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return st, d, sc, line
}

func count(t *testing.T, q *sql.DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := q.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func TestAPIUserEveryLine(t *testing.T) {
	testAPIUserEveryLine(t, nil)
}

// accessLimits are the access step's limits over plain HTTP: the API
// key (api.key; api.password on 2.0) is written and compared, never read.
func accessLimits(prefix string) *db.PlainHTTPLimits {
	p := strings.ToLower(prefix)
	return &db.PlainHTTPLimits{Tables: []string{}, Writes: []string{p + "api", p + "api_ip", p + "setting"},
		Hidden: []string{p + "api.key", p + "api.password", p + "user.password"}}
}

// TestAPIUserOverPlainHTTP: the access step's work, on every line,
// through the bridge over plain HTTP limited to the step's tables with
// the API key hidden: it creates the user, sees that a second run changes
// nothing and that a new key differs, without reading the stored key.
// Keeping a stored key it would have to read is refused, naming why.
func TestAPIUserOverPlainHTTP(t *testing.T) {
	testAPIUserEveryLine(t, accessLimits)
}

func testAPIUserEveryLine(t *testing.T, limits func(string) *db.PlainHTTPLimits) {
	env := testenv.Get(t)
	for _, v := range fixture.Versions {
		t.Run(v, func(t *testing.T) {
			t.Parallel()
			st, d, sc, line := storeDBVia(t, env, v, limits)
			key, err := keygen.Generate(64)
			if err != nil {
				t.Fatal(err)
			}
			u := access.APIUser{Name: "onebox", Key: key, IPs: []string{"203.0.113.7", "2001:db8::1"}}
			ctx := context.Background()
			res, err := access.EnsureAPIUser(ctx, d, sc, line, u)
			if err != nil {
				t.Fatal(err)
			}
			q := st.StoreDB(t)
			api, apiIP, setting := st.Table("api"), st.Table("api_ip"), st.Table("setting")
			check := func(run string) {
				t.Helper()
				switch line {
				case store.Line15:
					for k, want := range map[string]string{"rest_api_key": key, "rest_api_status": "1"} {
						var got string
						if err := q.QueryRow(fmt.Sprintf("SELECT value FROM %s WHERE `group` = 'rest_api' AND `key` = ? AND store_id = 0", setting), k).Scan(&got); err != nil || got != want {
							t.Fatalf("%s: %s = %q, %v", run, k, got, err)
						}
						if n := count(t, q, fmt.Sprintf("SELECT COUNT(*) FROM %s WHERE `key` = ?", setting), k); n != 1 {
							t.Fatalf("%s: %d rows of %s", run, n, k)
						}
					}
				case store.Line20:
					if n := count(t, q, fmt.Sprintf("SELECT COUNT(*) FROM %s WHERE username = 'onebox' AND password = ? AND status = 1", api), key); n != 1 {
						t.Fatalf("%s: %d users", run, n)
					}
				default:
					nameCol := "username"
					if line.In(store.Line21, store.Line22, store.Line23) {
						nameCol = "name"
					}
					if n := count(t, q, fmt.Sprintf("SELECT COUNT(*) FROM %s WHERE `%s` = 'onebox' AND `key` = ? AND status = 1", api, nameCol), key); n != 1 {
						t.Fatalf("%s: %d users named onebox with the key", run, n)
					}
					if n := count(t, q, fmt.Sprintf("SELECT COUNT(*) FROM %s WHERE api_id = ?", apiIP), res.APIID); n != 2 {
						t.Fatalf("%s: %d IP rows", run, n)
					}
				}
			}
			check("first run")
			if line != store.Line15 && (!res.Created || res.APIID == 0) {
				t.Fatalf("first run: %+v", res)
			}
			// A second run creates nothing.
			again, err := access.EnsureAPIUser(ctx, d, sc, line, u)
			if err != nil {
				t.Fatal(err)
			}
			if again.Created || again.Updated || len(again.IPsAdded) != 0 || again.APIID != res.APIID {
				t.Fatalf("second run changed something: %+v", again)
			}
			check("second run")
			// A new key changes the existing user only when chosen.
			u.Key, _ = keygen.Generate(80)
			var exists *access.ExistingUserError
			if _, err := access.EnsureAPIUser(ctx, d, sc, line, u); !errors.As(err, &exists) {
				t.Fatalf("new key without ReplaceKey: %v", err)
			}
			check("refused new key")
			key = u.Key
			u.ReplaceKey = true
			upd, err := access.EnsureAPIUser(ctx, d, sc, line, u)
			if err != nil || !upd.Updated || upd.Created {
				t.Fatalf("new key: %+v %v", upd, err)
			}
			check("new key")
			if line == store.Line21 && !strings.Contains(strings.Join(res.Notes, " "), "default API user") {
				t.Fatalf("2.1 note missing: %v", res.Notes)
			}
			if limits == nil || line == store.Line15 {
				return
			}
			// Keeping the stored key: the same key passes, another one
			// would have to be read, which plain HTTP may not carry.
			u.ReuseKey = true
			if same, err := access.EnsureAPIUser(ctx, d, sc, line, u); err != nil || same.Updated {
				t.Fatalf("keeping the same key: %+v %v", same, err)
			}
			u.Key, _ = keygen.Generate(80)
			if _, err := access.EnsureAPIUser(ctx, d, sc, line, u); err == nil || !strings.Contains(err.Error(), "plain HTTP") {
				t.Fatalf("keeping a key that would have to be read over plain HTTP: %v", err)
			}
			check("refused to read the key")
		})
	}
}

func TestAPIUserBadInputs(t *testing.T) {
	key, _ := keygen.Generate(64)
	for name, u := range map[string]access.APIUser{
		"short key": {Name: "x", Key: strings.Repeat("a", 40)},
		"quote":     {Name: "x", Key: strings.Repeat("a", 63) + "'"},
		"no name":   {Name: " ", Key: key},
		"not an IP": {Name: "x", Key: key, IPs: []string{"203.0.113.300"}},
		"long key":  {Name: "x", Key: strings.Repeat("a", 257)},
	} {
		if err := u.Validate(store.Line30); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// apiUsersDump is every column of every row of the api and api_ip tables,
// in id order: what "byte-identical" is compared on.
func apiUsersDump(t *testing.T, st *fixture.Store, table string) string {
	t.Helper()
	q := st.StoreDB(t)
	rows, err := q.Query(fmt.Sprintf("SELECT * FROM %s ORDER BY 1", st.Table(table)))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var b strings.Builder
	for rows.Next() {
		vals := make([]sql.RawBytes, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		for i, v := range vals {
			fmt.Fprintf(&b, "%s=%q ", cols[i], v)
		}
		b.WriteString("\n")
	}
	return b.String()
}

// TestExistingAPIUsersUntouched: ocsetup's own user is added beside the
// store's users; the installer's "Default" (whose key OpenCart's admin
// uses) keeps every byte unless the merchant picks it and agrees.
func TestExistingAPIUsersUntouched(t *testing.T) {
	env := testenv.Get(t)
	for _, v := range []string{"2.3.0.2", "3.0.3.8", "4.0.2.3"} {
		t.Run(v, func(t *testing.T) {
			t.Parallel()
			st, d, sc, line := storeDB(t, env, v)
			ctx := context.Background()
			beforeAPI, beforeIP := apiUsersDump(t, st, "api"), apiUsersDump(t, st, "api_ip")
			if !strings.Contains(beforeAPI, "Default") {
				t.Fatalf("the fixture has no Default user: %s", beforeAPI)
			}
			users, err := access.ListAPIUsers(ctx, d, sc)
			if err != nil || len(users) == 0 || users[0] != "Default" {
				t.Fatalf("users %v, %v", users, err)
			}
			key, _ := keygen.Generate(64)
			// Picking Default without agreeing: refused, nothing written.
			def := access.APIUser{Name: "Default", Key: key, IPs: []string{"203.0.113.7"}}
			pre, err := access.PreviewAPIUser(ctx, d, sc, line, def)
			if err != nil || !pre.Exists || !pre.KeyReplaced || !pre.Changes() || len(pre.IPsAdded) != 1 {
				t.Fatalf("preview of Default: %+v %v", pre, err)
			}
			var exists *access.ExistingUserError
			if _, err := access.EnsureAPIUser(ctx, d, sc, line, def); !errors.As(err, &exists) {
				t.Fatalf("Default overwritten without asking: %v", err)
			}
			// ocsetup's own user.
			own := access.APIUser{Name: "ocsetup OneBox", Key: key, IPs: []string{"203.0.113.7"}}
			pre, err = access.PreviewAPIUser(ctx, d, sc, line, own)
			if err != nil || pre.Exists || pre.Changes() {
				t.Fatalf("preview of a new user: %+v %v", pre, err)
			}
			res, err := access.EnsureAPIUser(ctx, d, sc, line, own)
			if err != nil || !res.Created {
				t.Fatalf("own user: %+v %v", res, err)
			}
			// Rows are dumped in id order and new ones come last: the old
			// rows must be the same bytes at the start.
			afterAPI, afterIP := apiUsersDump(t, st, "api"), apiUsersDump(t, st, "api_ip")
			if !strings.HasPrefix(afterAPI, beforeAPI) || !strings.Contains(afterAPI, "ocsetup OneBox") {
				t.Fatalf("api table changed:\nbefore %s\nafter %s", beforeAPI, afterAPI)
			}
			if !strings.HasPrefix(afterIP, beforeIP) || afterIP == beforeIP {
				t.Fatalf("api_ip table changed:\nbefore %s\nafter %s", beforeIP, afterIP)
			}
		})
	}
}
