package db

import (
	"context"
	"database/sql"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/ocsetup/ocsetup/installer/remote"
	"github.com/ocsetup/ocsetup/installer/remote/memconn"
	"github.com/ocsetup/ocsetup/installer/store"
	"github.com/ocsetup/ocsetup/internal/fixture"
	"github.com/ocsetup/ocsetup/internal/testenv"
)

func siteOf(ts testenv.Site) remote.Site {
	return remote.Site{Protocol: remote.Protocol(ts.Protocol), Host: ts.Host, Port: ts.Port,
		User: ts.User, Password: ts.Password, Timeout: 10 * time.Second}
}

// openPool logs in to a test site, trusting its own key or certificate.
func openPool(t testing.TB, ts testenv.Site) *remote.Pool {
	t.Helper()
	tr := remote.NewTrust(t.TempDir())
	tr.TrustNew = true
	pool, err := remote.Open(context.Background(), siteOf(ts), tr, 2)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pool.Close() })
	return pool
}

// memPool opens a pool on an in-memory account, closed when the test ends.
func memPool(t testing.TB, srv *memconn.Server) *remote.Pool {
	t.Helper()
	pool, err := srv.Pool(ctxT(t), 2)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pool.Close() })
	return pool
}

// storeOf is the store.Store discovery reports for a fixture store.
func storeOf(st *fixture.Store) store.Store {
	line, _ := store.LineOf(st.Version)
	admin := st.AdminDir
	if admin == "" {
		admin = "admin"
	}
	return store.Store{Root: st.Remote, Version: st.Version, Line: line, AdminDir: admin}
}

func ctxT(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// readCreds reads a fixture store's config files through the site.
func readCreds(t testing.TB, pool *remote.Pool, st *fixture.Store) *Credentials {
	t.Helper()
	c, err := Read(ctxT(t), pool, storeOf(st))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// connect runs Connect with a fresh data folder and closes the DB at the
// end of the test.
func connect(t testing.TB, pool *remote.Pool, c *Credentials, opt Options) (DB, Attempts) {
	t.Helper()
	if opt.DataDir == "" {
		opt.DataDir = t.TempDir()
	}
	d, attempts, err := Connect(ctxT(t), pool, c, opt)
	if err != nil {
		t.Fatalf("%v\nattempts: %s", err, attempts)
	}
	t.Cleanup(func() {
		if err := d.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return d, attempts
}

// closedPort is a loopback port nothing listens on: one the kernel just
// handed out and that was closed again.
func closedPort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	return port
}

// storeValue reads one setting straight from the store's database.
func storeValue(t testing.TB, dbh *sql.DB, st *fixture.Store, key string) (string, bool) {
	t.Helper()
	var v string
	err := dbh.QueryRowContext(ctxT(t), "SELECT `value` FROM "+st.Table("setting")+" WHERE store_id = 0 AND `key` = ?", key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false
	}
	if err != nil {
		t.Fatal(err)
	}
	return v, true
}

// bridgeFilesIn lists the bridge files (and nonce lists) in a local folder.
func bridgeFilesIn(t testing.TB, dir string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, bridgePrefix+"*"))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// records lists the bridge records in a data folder.
func records(t testing.TB, dataDir string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dataDir, bridgesDir, "*"))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

func itoa(n int) string { return strconv.Itoa(n) }
