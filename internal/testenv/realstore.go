//go:build unix

package testenv

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
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
	// The dump only drops the tables it holds: without dropping the
	// database, tables a test made (an extension's own) would survive.
	load.Stdin = io.MultiReader(strings.NewReader("DROP DATABASE IF EXISTS `"+rs.Database+"`;\n"), f)
	if out, err := load.CombinedOutput(); err != nil {
		return fmt.Errorf("mariadb < db.sql: %v: %s", err, out)
	}
	return nil
}

// Dump is the store's database as mariadb-dump writes it, one row per
// line in primary-key order, with what a visit changes by itself taken
// out: AUTO_INCREMENT counters, and the rows of the session, API session,
// API history and log tables. Two dumps compare equal when the store's
// state is the same.
func (e *Env) Dump(t testing.TB, rs RealStore) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, "mariadb-dump", "--user=root", "--socket="+e.MySQL.Socket, "--skip-dump-date",
		"--skip-extended-insert", "--order-by-primary", "--skip-comments", rs.Database).Output()
	if err != nil {
		t.Fatalf("testenv: mariadb-dump %s: %v", rs.Database, err)
	}
	// customer_login is 3.0's log of failed logins, the admin's included.
	volatile := []string{"session", "api_session", "api_history", "user_login", "customer_login", "customer_online", "customer_ip", "user_authorize", "user_token"}
	var b strings.Builder
	for _, line := range strings.Split(string(out), "\n") {
		skip := false
		for _, v := range volatile {
			if strings.HasPrefix(line, "INSERT INTO `oc_"+v+"` ") {
				skip = true
			}
		}
		if skip {
			continue
		}
		b.WriteString(autoIncrementRE.ReplaceAllString(line, "") + "\n")
	}
	return b.String()
}

var autoIncrementRE = regexp.MustCompile(` AUTO_INCREMENT=\d+`)

// Tree is the store's file tree, path → SHA-256 (and "dir" for folders),
// without the folders a visit fills by itself: the resized images in
// image/cache, and the cache, the logs and the sessions under
// system/storage.
func (e *Env) Tree(t testing.TB, rs RealStore) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(rs.Root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(rs.Root, p)
		rel = filepath.ToSlash(rel)
		for _, v := range []string{"image/cache/", "system/storage/cache/", "system/storage/logs/", "system/storage/session/"} {
			if strings.HasPrefix(rel+"/", v) && rel+"/" != v {
				return nil
			}
		}
		if d.IsDir() {
			out[rel] = "dir"
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		out[rel] = hex.EncodeToString(sum[:])
		return nil
	})
	if err != nil {
		t.Fatalf("testenv: %v", err)
	}
	return out
}
