package sync

import (
	"context"
	"database/sql"
	"fmt"
	"net"
	"path/filepath"
	"strconv"
	stdsync "sync"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/ocsetup/ocsetup/installer/db"
	"github.com/ocsetup/ocsetup/installer/remote"
	"github.com/ocsetup/ocsetup/installer/store"
	"github.com/ocsetup/ocsetup/internal/fixture"
	"github.com/ocsetup/ocsetup/internal/testenv"
)

// testStore is a fixture store reached the way the app reaches one: its
// config.php read over SFTP, its database over the direct route. Other
// is a separate connection, as the store's user, that plays the shop and
// the connector changing the data.
type testStore struct {
	fx    *fixture.Store
	pool  *remote.Pool
	db    db.DB
	other *sql.DB
}

func ctxT(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func newTestStore(t testing.TB, o fixture.Options, dbOpt db.Options) *testStore {
	t.Helper()
	env := testenv.Get(t)
	ts := env.Site(t, testenv.SFTP)
	fx := fixture.New(t, env, ts, o)
	tr := remote.NewTrust(t.TempDir())
	tr.TrustNew = true
	pool, err := remote.Open(ctxT(t), remote.Site{Protocol: remote.SFTP, Host: ts.Host, Port: ts.Port,
		User: ts.User, Password: ts.Password, Timeout: 10 * time.Second}, tr, 2)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pool.Close() })
	line, _ := store.LineOf(fx.Version)
	creds, err := db.Read(ctxT(t), pool, store.Store{Root: fx.Remote, Version: fx.Version, Line: line, AdminDir: fx.AdminFolder()})
	if err != nil {
		t.Fatal(err)
	}
	dbOpt.Routes, dbOpt.DataDir = []db.Route{db.RouteDirect}, t.TempDir()
	conn, attempts, err := db.Connect(ctxT(t), pool, creds, dbOpt)
	if err != nil {
		t.Fatalf("%v (%s)", err, attempts)
	}
	t.Cleanup(func() { conn.Close() })
	return &testStore{fx: fx, pool: pool, db: conn, other: openOther(t, fx)}
}

// openOther connects as the store's user with OpenCart's empty sql_mode,
// so that rows may leave out columns as OpenCart's own INSERT … SET
// statements do.
func openOther(t testing.TB, fx *fixture.Store) *sql.DB {
	t.Helper()
	cfg := mysql.NewConfig()
	cfg.User, cfg.Passwd, cfg.DBName = fx.DB.User, fx.DB.Password, fx.DB.Name
	cfg.Net, cfg.Addr = "tcp", net.JoinHostPort(fx.DB.Host, strconv.Itoa(fx.DB.Port))
	cfg.Params = map[string]string{"sql_mode": "''"}
	connector, err := mysql.NewConnector(cfg)
	if err != nil {
		t.Fatal(err)
	}
	d := sql.OpenDB(connector)
	t.Cleanup(func() { d.Close() })
	return d
}

// exec runs statements on the other connection.
func (s *testStore) exec(t testing.TB, stmts ...string) {
	t.Helper()
	for _, q := range stmts {
		if _, err := s.other.ExecContext(ctxT(t), q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

// T is a prefixed, quoted table name.
func (s *testStore) T(name string) string { return "`" + s.fx.Table(name) + "`" }

// openEngine opens an engine on the store with a fresh history file
// unless cfg names one; it is closed when the test ends.
func openEngine(t testing.TB, s *testStore, cfg Config) *Engine {
	t.Helper()
	if cfg.Store == nil {
		cfg.Store = s.db
	}
	if cfg.HistoryPath == "" {
		cfg.HistoryPath = filepath.Join(t.TempDir(), "sync.db")
	}
	e, err := Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return e
}

func poll(t testing.TB, e *Engine) Report {
	t.Helper()
	r, err := e.Poll(ctxT(t))
	if err != nil {
		t.Fatalf("poll: %v", err)
	}
	return r
}

// waitFor waits for a snapshot that satisfies ok, following Watch.
func waitFor(t testing.TB, e *Engine, what string, ok func(Snapshot) bool) Snapshot {
	t.Helper()
	deadline := time.After(30 * time.Second)
	for {
		s, changed := e.Watch()
		if ok(s) {
			return s
		}
		select {
		case <-changed:
		case <-deadline:
			t.Fatalf("timed out waiting for %s; last snapshot: %+v", what, s)
		}
	}
}

// recorder is a Store that remembers every query it runs.
type recorder struct {
	Store
	mu      stdsync.Mutex
	queries []recorded
}

type recorded struct {
	query string
	args  []any
	took  time.Duration
}

func (r *recorder) Query(ctx context.Context, q string, args ...any) (*db.Rows, error) {
	start := time.Now()
	rows, err := r.Store.Query(ctx, q, args...)
	r.mu.Lock()
	r.queries = append(r.queries, recorded{q, args, time.Since(start)})
	r.mu.Unlock()
	return rows, err
}

func (r *recorder) take() []recorded {
	r.mu.Lock()
	defer r.mu.Unlock()
	q := r.queries
	r.queries = nil
	return q
}

// addOrder inserts an order with date_added = when (the database's NOW()
// when empty) and, like OpenCart's addOrderHistory at checkout, its first
// history row.
func (s *testStore) addOrder(t testing.TB, id, status int, when string) {
	t.Helper()
	at := "NOW()"
	if when != "" {
		at = when
	}
	s.exec(t,
		fmt.Sprintf("INSERT INTO %s (order_id, store_name, firstname, email, total, order_status_id, date_added, date_modified) VALUES (%d, 'Fixture Store', 'New', 'new@example.com', 12.5, %d, %s, %s)",
			s.T("order"), id, status, at, at),
		fmt.Sprintf("INSERT INTO %s (order_id, order_status_id, notify, comment, date_added) VALUES (%d, %d, 0, '', %s)", s.T("order_history"), id, status, at))
}

func sameChanges(got, want Changes) bool {
	if len(got) != len(want) {
		return false
	}
	for e, w := range want {
		g, ok := got[e]
		if !ok || g.Counts != w.Counts || len(g.Languages) != len(w.Languages) {
			return false
		}
		for l, c := range w.Languages {
			if g.Languages[l] != c {
				return false
			}
		}
	}
	return true
}
