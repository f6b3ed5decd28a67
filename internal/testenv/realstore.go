//go:build unix

package testenv

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// Store hands a test the real OpenCart store of version, fresh: it takes
// the store's lock for the rest of the test (tests of other packages run
// in other processes) and restores the files and the database from the
// snapshot taken right after the install. Under the test command a
// missing store fails the test; outside it, the test skips.
func (e *Env) Store(t testing.TB, version string) RealStore {
	t.Helper()
	rs, ok := e.Stores[version]
	if !ok {
		why := e.RealStoresMissing
		if why == "" {
			why = "no real store of OpenCart " + version + " in the test environment"
		}
		if os.Getenv(RequiredVar) == "1" {
			t.Fatalf("real OpenCart store required: %s", why)
		}
		t.Skipf("needs the real OpenCart stores: %s", why)
	}
	e.Lock(t, "store-"+rs.Version)
	e.Fresh(t, rs)
	return rs
}

// Fresh restores a store the test holds (from Store) to its state right
// after the install, for a second part of the same test.
func (e *Env) Fresh(t testing.TB, rs RealStore) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := rs.Restore(ctx, e.MySQL); err != nil {
		t.Fatalf("testenv: restore OpenCart %s: %v", rs.Version, err)
	}
}

// Restore puts the store back to its state right after the install: files
// (rsync against the snapshot) and database (dropped and loaded again).
func (rs RealStore) Restore(ctx context.Context, m MySQL) error {
	if out, err := exec.CommandContext(ctx, "rsync", "-a", "--delete", filepath.Join(rs.Snapshot, "files")+"/", rs.Root+"/").CombinedOutput(); err != nil {
		return fmt.Errorf("rsync: %v: %s", err, out)
	}
	f, err := os.Open(filepath.Join(rs.Snapshot, "db.sql"))
	if err != nil {
		return err
	}
	defer f.Close()
	load := exec.CommandContext(ctx, "mariadb", "--user=root", "--socket="+m.Socket)
	load.Stdin = f
	if out, err := load.CombinedOutput(); err != nil {
		return fmt.Errorf("mariadb < db.sql: %v: %s", err, out)
	}
	return nil
}
