package deploy_test

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/ocsetup/ocsetup/installer/db"
	"github.com/ocsetup/ocsetup/installer/deploy"
	"github.com/ocsetup/ocsetup/installer/remote"
	"github.com/ocsetup/ocsetup/internal/fixture"
	"github.com/ocsetup/ocsetup/internal/testenv"
)

// TestFastPathRealStore uploads a package to the real OpenCart 3.0 store as
// one archive unpacked by the extractor, over SFTP and FTPS (PHP runs as
// the account, so the owners match), then a changed version, verifies both,
// and rolls both back: the store's tree is byte for byte what it was, and
// neither the extractor nor the archive nor a record of them is left.
func TestFastPathRealStore(t *testing.T) {
	env := testenv.Get(t)
	rs := env.Store(t, "3.0.3.9")
	ctx := context.Background()
	for _, name := range []string{testenv.SFTP, testenv.FTP} {
		t.Run(name, func(t *testing.T) {
			before := env.Tree(t, rs)
			ts := env.Site(t, name)
			data := t.TempDir()
			trust := trusting(t, env, ts)
			pool, err := remote.Open(ctx, siteOf(ts), trust, 2)
			if err != nil {
				t.Fatal(err)
			}
			defer pool.Close()
			e := &deploy.Engine{Files: pool, Trust: trust, DataDir: data, FastPath: true, StoreURL: rs.URL,
				Store: deploy.Store{Root: rs.RemoteRoot(ts), Version: rs.Version, AdminDir: rs.AdminDir}}
			dir1, files1 := genPackage(t, genSpec{version: rs.Version, files: 60, seed: 21})
			m1, err := upload(ctx, e, openPkg(t, dir1))
			if err != nil {
				t.Fatal(err)
			}
			if !e.Fast.Used || e.Fast.Reason != "" || e.Fast.Files != len(files1) {
				t.Fatalf("fast path: %+v, want all %d files placed by the extractor", e.Fast, len(files1))
			}
			checkFast(t, ctx, e, m1, rs, data, files1)

			// A changed version replaces 3 files: backed up first.
			dir2, files2 := genPackage(t, genSpec{version: rs.Version, files: 60, seed: 21, changed: []int{0, 7, 30}})
			m2, err := upload(ctx, e, openPkg(t, dir2))
			if err != nil {
				t.Fatal(err)
			}
			if !e.Fast.Used || e.Fast.Reason != "" || e.Fast.Files != 3 {
				t.Fatalf("fast path of the changed version: %+v, want 3 files placed", e.Fast)
			}
			checkFast(t, ctx, e, m2, rs, data, files2)

			for _, m := range []*deploy.Manifest{m2, m1} {
				if err := e.Rollback(ctx, m, false); err != nil {
					t.Fatal(err)
				}
			}
			sameTree(t, before, env.Tree(t, rs))
		})
	}
}

// checkFast verifies an upload of the fast path: the normal verification
// with the PHP probe passes, every file holds its bytes and belongs to the
// store's account, and nothing of the fast path is left on the store or in
// the data folder's leftovers.
func checkFast(t *testing.T, ctx context.Context, e *deploy.Engine, m *deploy.Manifest, rs testenv.RealStore, data string, files map[string][]byte) {
	t.Helper()
	rep, err := e.Verify(ctx, m, rs.URL)
	if err != nil || !rep.OK() {
		t.Fatalf("verify: %+v %v", rep, err)
	}
	for p, b := range files {
		local := filepath.Join(rs.Root, filepath.FromSlash(storePath(rs.Version, p)))
		got, err := os.ReadFile(local)
		if err != nil || string(got) != string(b) {
			t.Fatalf("%s: not the package's bytes (%v)", p, err)
		}
		fi, _ := os.Stat(local)
		if uid := int(fi.Sys().(*syscall.Stat_t).Uid); uid != rs.Owner {
			t.Fatalf("%s belongs to user %d, not the store's account %d", p, uid, rs.Owner)
		}
	}
	noFastLeftovers(t, rs.Root, data)
}

// noFastLeftovers fails when an extractor, an archive or a temporary file
// is in the store, or a record of one in the data folder.
func noFastLeftovers(t *testing.T, root, data string) {
	t.Helper()
	noExtractor(t, root, data, true)
}

// noExtractor is noFastLeftovers that, without temps, lets the per-file
// upload's temporary files be (an interrupted upload leaves them for the
// resume or the rollback to remove).
func noExtractor(t *testing.T, root, data string, temps bool) {
	t.Helper()
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		n := d.Name()
		if strings.HasPrefix(n, "ocsetup-extract-") || strings.HasPrefix(n, "ocsetup-archive-") || temps && strings.HasPrefix(n, ".ocsetup-") {
			t.Errorf("left on the store: %s", p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if left, err := db.Leftovers(data); err != nil || len(left) > 0 {
		t.Errorf("leftover records: %+v %v", left, err)
	}
}

// TestFastPathOtherOwner: on an account whose files PHP does not write as
// its own owner (the chrooted SFTP account; PHP runs as the store account),
// the extractor refuses before writing anything, the per-file upload runs
// instead and says why; nothing of the fast path stays. Where PHP may not
// write to the account's folder at all the reason says that; where it may
// (a folder open to all), the reason names both owners.
func TestFastPathOtherOwner(t *testing.T) {
	env := testenv.Get(t)
	ts := env.Site(t, testenv.SFTPJail)
	for _, c := range []struct {
		name, want string
		mode       os.FileMode
	}{
		{"closed", "PHP may not write files in the store folder", 0},
		{"open", "PHP writes files as user", 0o777},
	} {
		t.Run(c.name, func(t *testing.T) {
			st := fixture.New(t, env, ts, fixture.Options{Version: "3.0.3.8"})
			if c.mode != 0 {
				if err := os.Chmod(st.Local, c.mode); err != nil {
					t.Fatal(err)
				}
			}
			ctx := context.Background()
			data := t.TempDir()
			e := engineFor(t, env, ts, st, data)
			e.FastPath, e.StoreURL = true, st.URL
			dir, files := genPackage(t, genSpec{version: st.Version, files: 20, seed: 5})
			m, err := upload(ctx, e, openPkg(t, dir))
			if err != nil {
				t.Fatal(err)
			}
			if e.Fast.Used || !e.Fast.Tried || !strings.Contains(e.Fast.Reason, c.want) {
				t.Fatalf("fast path: %+v, want a fallback saying %q", e.Fast, c.want)
			}
			t.Logf("fallback: %s", e.Fast.Reason)
			rep, err := e.Verify(ctx, m, "")
			if err != nil || !rep.OK() {
				t.Fatalf("verify: %+v %v", rep, err)
			}
			for p, b := range files {
				if got, _ := os.ReadFile(filepath.Join(st.Local, filepath.FromSlash(p))); string(got) != string(b) {
					t.Fatalf("%s: not the package's bytes", p)
				}
			}
			noFastLeftovers(t, st.Local, data)
		})
	}
}
