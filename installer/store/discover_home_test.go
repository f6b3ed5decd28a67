package store_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/ocsetup/ocsetup/installer/remote"
	"github.com/ocsetup/ocsetup/installer/store"
	"github.com/ocsetup/ocsetup/internal/fixture"
	"github.com/ocsetup/ocsetup/internal/testenv"
)

// countingFiles counts the listings discovery asks for, and tells a login
// folder of the test's choosing: the test account's real one is shared by
// every test, so a folder made for this test stands in for it. Every
// listing goes to the real server, one by one or in a batch.
type countingFiles struct {
	*remote.Pool
	home   string
	mu     sync.Mutex
	listed []string
}

func (c *countingFiles) Getwd(context.Context) (string, error) { return c.home, nil }

func (c *countingFiles) List(ctx context.Context, dir string) ([]remote.FileInfo, error) {
	c.mu.Lock()
	c.listed = append(c.listed, dir)
	c.mu.Unlock()
	return c.Pool.List(ctx, dir)
}

// ListMany counts each folder of a batch as a listing of its own.
func (c *countingFiles) ListMany(ctx context.Context, dirs []string) ([][]remote.FileInfo, []error) {
	c.mu.Lock()
	c.listed = append(c.listed, dirs...)
	c.mu.Unlock()
	return c.Pool.ListMany(ctx, dirs)
}

// ReadAndList counts each folder of the batch as a listing of its own.
func (c *countingFiles) ReadAndList(ctx context.Context, name string, limit int64, dirs []string) ([]byte, [][]remote.FileInfo, []error, error) {
	c.mu.Lock()
	c.listed = append(c.listed, dirs...)
	c.mu.Unlock()
	return c.Pool.ReadAndList(ctx, name, limit, dirs)
}

// TestDiscoverFromRootFindsLoginFolder: on an account without a chroot,
// "/" is the server's whole file system; the store in the login folder is
// found first, in at most 5 listings (the store's own included).
func TestDiscoverFromRootFindsLoginFolder(t *testing.T) {
	env := testenv.Get(t)
	ts := env.Site(t, testenv.SFTP)
	local, home := env.TempDir(t, ts)
	layout(t, ts, local, fixture.Options{Version: "3.0.3.8"})
	fs := &countingFiles{Pool: open(t, env, ts), home: home}
	stores, err := store.Discover(context.Background(), fs, "/")
	if err != nil {
		t.Fatal(err)
	}
	if len(stores) != 1 || stores[0].Root != home || stores[0].Version != "3.0.3.8" {
		t.Fatalf("found %+v; want the store in %s", stores, home)
	}
	if len(fs.listed) > 5 {
		t.Fatalf("%d listings (%v); want at most 5", len(fs.listed), fs.listed)
	}
}

// TestDiscoverFromRootSkipsSystemFolders: with no store in the login
// folder, the search goes on from "/" but never into /proc, /usr, /etc,
// /var/lib and the like.
func TestDiscoverFromRootSkipsSystemFolders(t *testing.T) {
	env := testenv.Get(t)
	ts := env.Site(t, testenv.SFTP)
	_, home := env.TempDir(t, ts)
	fs := &countingFiles{Pool: open(t, env, ts), home: home}
	_, err := store.Discover(context.Background(), fs, "/")
	if err == nil {
		return // a store somewhere on this machine; the listings are still checked
	}
	if _, ok := err.(*store.NotFoundError); !ok {
		t.Fatal(err)
	}
	if len(fs.listed) == 0 || fs.listed[0] != home {
		t.Fatalf("the login folder was not searched first: %v", fs.listed)
	}
	for _, d := range fs.listed {
		if d == home || strings.HasPrefix(d, home+"/") {
			continue // the login folder is the account's own, wherever it is
		}
		for _, sys := range []string{"/proc", "/sys", "/dev", "/boot", "/etc", "/usr", "/var/lib", "/run", "/snap"} {
			if d == sys || strings.HasPrefix(d, sys+"/") {
				t.Errorf("listed the system folder %s", d)
			}
		}
	}
}
