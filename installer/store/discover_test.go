package store_test

import (
	"context"
	"errors"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ocsetup/ocsetup/installer/remote"
	"github.com/ocsetup/ocsetup/installer/store"
	"github.com/ocsetup/ocsetup/internal/fixture"
	"github.com/ocsetup/ocsetup/internal/testenv"
)

func open(t *testing.T, env *testenv.Env, ts testenv.Site) *remote.Pool {
	t.Helper()
	tr := remote.NewTrust(t.TempDir())
	tr.TrustNew = true // the test servers' own key and certificate
	site := remote.Site{Protocol: remote.Protocol(ts.Protocol), Host: ts.Host, Port: ts.Port,
		User: ts.User, Password: ts.Password, Timeout: 10 * time.Second}
	pool, err := remote.Open(context.Background(), site, tr, 2)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pool.Close() })
	return pool
}

// layout writes a fixture store's files (no database: discovery reads only
// files) at local, owned by the site's user.
func layout(t *testing.T, ts testenv.Site, local string, o fixture.Options) {
	t.Helper()
	o.Root = local
	if o.URL == "" {
		o.URL = "http://127.0.0.1/"
	}
	if o.Prefix == "" {
		o.Prefix = "oc_"
	}
	o.DB = fixture.DB{Host: "127.0.0.1", Port: 3306, User: "u", Password: "p", Name: "d"}
	if err := fixture.WriteFiles(o); err != nil {
		t.Fatal(err)
	}
	// Everything below the site's start folder was made by this test.
	start := ts.LocalPath(ts.StartDir)
	rel, err := filepath.Rel(start, local)
	if err != nil || strings.HasPrefix(rel, "..") {
		t.Fatalf("%s is not inside the site's folder %s", local, start)
	}
	top := start
	if rel != "." {
		top = filepath.Join(start, strings.Split(rel, string(filepath.Separator))[0])
	}
	if err := testenv.ChownTree(top, ts.UID, ts.GID); err != nil {
		t.Fatal(err)
	}
}

func TestEveryLineOnEverySite(t *testing.T) {
	env := testenv.Get(t)
	for _, name := range []string{testenv.FTP, testenv.FTPSReuse, testenv.SFTP, testenv.SFTPJail} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ts := env.Site(t, name)
			pool := open(t, env, ts)
			for _, v := range fixture.Versions {
				t.Run(v, func(t *testing.T) {
					local, remoteDir := env.TempDir(t, ts)
					layout(t, ts, local, fixture.Options{Version: v})
					stores, err := store.Discover(context.Background(), pool, remoteDir)
					if err != nil {
						t.Fatal(err)
					}
					if len(stores) != 1 {
						t.Fatalf("found %d stores: %+v", len(stores), stores)
					}
					s := stores[0]
					want, _ := store.LineOf(v)
					if s.Root != remoteDir || s.Version != v || s.Line != want || s.AdminDir != "admin" {
						t.Fatalf("found %+v; want root %s, version %s, line %s", s, remoteDir, v, want)
					}
					if len(s.Warnings) != 0 {
						t.Fatalf("warnings on a clean %s store: %+v", v, s.Warnings)
					}
					if !want.In(s.LayoutLines...) {
						t.Fatalf("layout lines %v do not include %s", s.LayoutLines, want)
					}
					// The files channel writes into this line's store and reads back.
					name := path.Join(s.Root, s.AdminDir, "ocsetup-check.txt")
					if err := pool.WriteAtomic(context.Background(), name, []byte(v)); err != nil {
						t.Fatal(err)
					}
					if b, err := pool.ReadFile(context.Background(), name, 100); err != nil || string(b) != v {
						t.Fatalf("read back %q, %v", b, err)
					}
				})
			}
		})
	}
}

// TestStoreAtTopOfFTP: FTP accounts often show the store itself at "/".
func TestStoreAtTopOfFTP(t *testing.T) {
	env := testenv.Get(t)
	env.Lock(t, testenv.FTPSolo)
	ts := env.Site(t, testenv.FTPSolo)
	root := ts.LocalPath("/")
	t.Cleanup(func() { clear(t, root) })
	clear(t, root)
	layout(t, ts, root, fixture.Options{Version: "2.3.0.2"})
	pool := open(t, env, ts)
	wd, err := pool.Getwd(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	stores, err := store.Discover(context.Background(), pool, wd)
	if err != nil {
		t.Fatal(err)
	}
	if len(stores) != 1 || stores[0].Root != "/" || stores[0].Line != store.Line23 {
		t.Fatalf("found %+v", stores)
	}
}

func clear(t *testing.T, dir string) {
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
			t.Fatal(err)
		}
	}
}

// TestSFTPHomeAndNesting: SFTP shows an absolute home path; the store sits
// in public_html below it, and a second one under domains/*/public_html.
func TestSFTPHomeAndNesting(t *testing.T) {
	env := testenv.Get(t)
	ts := env.Site(t, testenv.SFTP)
	pool := open(t, env, ts)
	wd, err := pool.Getwd(context.Background())
	if err != nil || !strings.HasPrefix(wd, "/") || wd == "/" {
		t.Fatalf("SFTP start folder %q, %v: want an absolute home path", wd, err)
	}
	local, dir := env.TempDir(t, ts)
	layout(t, ts, filepath.Join(local, "public_html"), fixture.Options{Version: "3.0.3.8"})
	stores, err := store.Discover(context.Background(), pool, dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(stores) != 1 || stores[0].Root != path.Join(dir, "public_html") {
		t.Fatalf("nested store: %+v", stores)
	}
	layout(t, ts, filepath.Join(local, "domains", "shop2.example", "public_html"), fixture.Options{Version: "4.0.2.3"})
	stores, err = store.Discover(context.Background(), pool, dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(stores) != 2 || stores[0].Root != path.Join(dir, "domains/shop2.example/public_html") ||
		stores[0].Line != store.Line40 || stores[1].Line != store.Line30 {
		t.Fatalf("two stores: %+v", stores)
	}
}

func TestRenamedAdmin(t *testing.T) {
	env := testenv.Get(t)
	ts := env.Site(t, testenv.FTPSReuse)
	pool := open(t, env, ts)
	for _, v := range []string{"4.0.2.3", "4.1.0.4"} {
		local, dir := env.TempDir(t, ts)
		layout(t, ts, local, fixture.Options{Version: v, AdminDir: "manage-7f3a"})
		stores, err := store.Discover(context.Background(), pool, dir)
		if err != nil {
			t.Fatal(err)
		}
		if len(stores) != 1 || stores[0].AdminDir != "manage-7f3a" || len(stores[0].Warnings) != 0 {
			t.Fatalf("%s: %+v", v, stores)
		}
	}
}

func TestNoOpenCart(t *testing.T) {
	env := testenv.Get(t)
	ts := env.Site(t, testenv.SFTP)
	pool := open(t, env, ts)
	local, dir := env.TempDir(t, ts)
	must(t, os.MkdirAll(filepath.Join(local, "public_html", "wp-content"), 0o755))
	must(t, os.WriteFile(filepath.Join(local, "public_html", "wp-config.php"), []byte("<?php\n"), 0o644))
	must(t, os.WriteFile(filepath.Join(local, "public_html", "index.php"), []byte("<?php\n"), 0o644))
	must(t, testenv.ChownTree(local, ts.UID, ts.GID))
	_, err := store.Discover(context.Background(), pool, dir)
	var nf *store.NotFoundError
	if !errors.As(err, &nf) {
		t.Fatalf("got %v", err)
	}
	if !strings.Contains(err.Error(), "WordPress in "+path.Join(dir, "public_html")) || !strings.Contains(err.Error(), dir) {
		t.Fatalf("message does not say what was seen: %v", err)
	}
}

// TestVersionDisagreesWithLayout: a 3.0 store with a leftover 2.x folder.
func TestVersionDisagreesWithLayout(t *testing.T) {
	env := testenv.Get(t)
	ts := env.Site(t, testenv.FTP)
	pool := open(t, env, ts)
	local, dir := env.TempDir(t, ts)
	layout(t, ts, local, fixture.Options{Version: "3.0.3.8"})
	must(t, os.MkdirAll(filepath.Join(local, "admin", "controller", "payment"), 0o755))
	must(t, testenv.ChownTree(local, ts.UID, ts.GID))
	stores, err := store.Discover(context.Background(), pool, dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(stores) != 1 || stores[0].Line != store.Line30 {
		t.Fatalf("%+v", stores)
	}
	w := stores[0].Warnings
	if len(w) != 1 || w[0].Code != "layout-mismatch" || !strings.Contains(w[0].Message, "3.0.3.8") {
		t.Fatalf("warnings %+v", w)
	}
}

func TestLineOf(t *testing.T) {
	for v, want := range map[string]store.Line{"1.5.6.4": "1.5", "2.0.3.1": "2.0", "3.0.4.1": "3.0", "4.1.0.0": "4.1", "4.0.2.3": "4.0"} {
		if got, ok := store.LineOf(v); !ok || got != want {
			t.Errorf("LineOf(%s) = %s, %v", v, got, ok)
		}
	}
	if l, ok := store.LineOf("5.0.0.0 Alpha"); ok || l != "5.0" {
		t.Errorf("5.0 alpha: %s %v", l, ok)
	}
	if _, ok := store.LineOf("x"); ok {
		t.Error("garbage accepted")
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
