package remote_test

import (
	"bytes"
	"context"
	"os"
	"path"
	"path/filepath"
	"testing"

	"github.com/ocsetup/ocsetup/installer/remote"
	"github.com/ocsetup/ocsetup/internal/testenv"
)

// TestConnOutlivesItsLoginContext: a connection logged in under one
// context (a check's, a warm-up's) and reused under another after the
// first ended still transfers files. The check runner cancels each check's
// context when the check returns, and the pool hands its connections on:
// over FTP every transfer dials a data connection, which must follow the
// transfer's context, not the login's ("dial tcp: operation was canceled").
func TestConnOutlivesItsLoginContext(t *testing.T) {
	env := testenv.Get(t)
	for _, name := range []string{testenv.FTP, testenv.FTPSReuse, testenv.FTPSImplicit, testenv.SFTP} {
		t.Run(name, func(t *testing.T) {
			ts := env.Site(t, name)
			site := siteOf(ts)
			site.AllowPlain = true
			tr := remote.NewTrust(t.TempDir())
			tr.TrustNew = true
			local, dir := env.TempDir(t, ts)
			if err := os.WriteFile(filepath.Join(local, "a.txt"), []byte("hello"), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := testenv.ChownTree(local, ts.UID, ts.GID); err != nil {
				t.Fatal(err)
			}
			loginCtx, cancel := context.WithCancel(context.Background())
			pool, err := remote.Open(loginCtx, site, tr, 1)
			if err != nil {
				t.Fatal(err)
			}
			defer pool.Close()
			cancel()
			ctx := context.Background()
			var got bytes.Buffer
			err = pool.Do(ctx, func(c remote.Conn) error {
				if err := c.Retrieve(ctx, path.Join(dir, "a.txt"), &got); err != nil {
					return err
				}
				_, err := c.List(ctx, dir)
				return err
			})
			if err != nil {
				t.Fatalf("after the login's context ended: %v", err)
			}
			if got.String() != "hello" {
				t.Fatalf("read %q, want %q", got.String(), "hello")
			}
		})
	}
}
