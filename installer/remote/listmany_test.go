package remote_test

import (
	"context"
	"os"
	"path"
	"path/filepath"
	"testing"

	"github.com/ocsetup/ocsetup/installer/remote"
	"github.com/ocsetup/ocsetup/internal/testenv"
)

// TestListMany: several folders listed on one connection (FTP: pipelined
// STAT; SFTP: requests in flight together) give what List gives, one by
// one; a missing folder lists as empty or not found.
func TestListMany(t *testing.T) {
	env := testenv.Get(t)
	for _, name := range []string{testenv.FTP, testenv.FTPSReuse, testenv.SFTP} {
		t.Run(name, func(t *testing.T) {
			ts := env.Site(t, name)
			site := siteOf(ts)
			site.AllowPlain = true
			tr := remote.NewTrust(t.TempDir())
			tr.TrustNew = true
			ctx := context.Background()
			pool, err := remote.Open(ctx, site, tr, 1)
			if err != nil {
				t.Fatal(err)
			}
			defer pool.Close()
			local, dir := env.TempDir(t, ts)
			for _, p := range []string{"a/x.php", "a/with space.txt", "a/sub/y.js", "b/z.css"} {
				full := filepath.Join(local, filepath.FromSlash(p))
				if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(full, []byte(p+p), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if err := testenv.ChownTree(local, ts.UID, ts.GID); err != nil {
				t.Fatal(err)
			}
			dirs := []string{dir, path.Join(dir, "a"), path.Join(dir, "a/sub"), path.Join(dir, "b"), path.Join(dir, "missing")}
			var lists [][]remote.FileInfo
			var errs []error
			err = pool.Do(ctx, func(c remote.Conn) error {
				lists, errs = remote.ListMany(ctx, c, dirs)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			for i, d := range dirs[:4] {
				if errs[i] != nil {
					t.Fatalf("%s: %v", d, errs[i])
				}
				want, err := pool.List(ctx, d)
				if err != nil {
					t.Fatal(err)
				}
				got := map[string]remote.FileInfo{}
				for _, fi := range lists[i] {
					got[fi.Name] = fi
				}
				if len(got) != len(want) {
					t.Fatalf("%s: %d entries, List gives %d: %+v", d, len(got), len(want), lists[i])
				}
				for _, w := range want {
					g, ok := got[w.Name]
					if !ok || g.IsDir() != w.IsDir() || g.Size != w.Size {
						t.Fatalf("%s: %+v, List gives %+v", d, g, w)
					}
				}
			}
			if len(lists[4]) != 0 || errs[4] != nil && remote.KindOf(errs[4]) != remote.KindNotFound {
				t.Fatalf("missing folder: %+v, %v", lists[4], errs[4])
			}
			// The connection is still in step.
			if _, err := pool.List(ctx, dir); err != nil {
				t.Fatal(err)
			}
		})
	}
}
