package remote_test

import (
	"bytes"
	"context"
	"io"
	"os"
	"path"
	"path/filepath"
	"testing"

	"github.com/ocsetup/ocsetup/installer/remote"
	"github.com/ocsetup/ocsetup/internal/testenv"
)

// TestPipeOfPoolConnection: a pool connection lent as a pipe (over plain
// FTP and over explicit TLS with session reuse required) uploads, and the
// same connection then serves ordinary calls: the pipe leaves the control
// connection in step, and no second connection is opened.
func TestPipeOfPoolConnection(t *testing.T) {
	env := testenv.Get(t)
	for _, name := range []string{testenv.FTPNoTLS, testenv.FTPSReuse} {
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
			content := []byte("<?php // lent\n")
			final := path.Join(dir, "sub", "a.php")
			err = pool.Do(ctx, func(c remote.Conn) error {
				p, ok := remote.FTPPipeOf(c)
				if !ok {
					t.Fatal("an FTP connection gave no pipe")
				}
				defer p.Close()
				if err := p.Mkdirs(ctx, []string{path.Join(dir, "sub")}); err != nil {
					return err
				}
				sent := false
				return p.StoreAtomic(ctx, func() (remote.PipeFile, bool) {
					if sent {
						return remote.PipeFile{}, false
					}
					sent = true
					return remote.PipeFile{Temp: remote.TempName(final), Final: final, Size: int64(len(content)),
						Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(content)), nil }}, true
				}, func(_ remote.PipeFile, err error) {
					if err != nil {
						t.Error(err)
					}
				})
			})
			if err != nil {
				t.Fatal(err)
			}
			// The same connection (the pool holds one) lists and reads.
			list, err := pool.List(ctx, path.Join(dir, "sub"))
			if err != nil || len(list) != 1 || list[0].Name != "a.php" {
				t.Fatalf("list after the pipe: %v %+v", err, list)
			}
			b, err := pool.ReadFile(ctx, final, 100)
			if err != nil || !bytes.Equal(b, content) {
				t.Fatalf("read back %q, %v", b, err)
			}
			if disk, err := os.ReadFile(filepath.Join(local, "sub", "a.php")); err != nil || !bytes.Equal(disk, content) {
				t.Fatalf("on disk %q, %v", disk, err)
			}
		})
	}
}
