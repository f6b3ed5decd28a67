package remote_test

import (
	"bytes"
	"context"
	"path"
	"testing"

	"github.com/ocsetup/ocsetup/installer/remote"
	"github.com/ocsetup/ocsetup/internal/testenv"
)

// TestFTPConnOutlivesItsDialContext: a pooled connection is dialed with
// the context of the operation that needed it (in the app, the Connect
// screen's job, which ends when the store is found) and then serves later
// operations with their own contexts. Its data connections (listings,
// transfers) must not depend on the first context: they did, and every
// FTP transfer after the Connect screen failed with "operation was
// canceled".
func TestFTPConnOutlivesItsDialContext(t *testing.T) {
	env := testenv.Get(t)
	for _, kind := range []string{testenv.FTP, testenv.FTPSReuse} {
		t.Run(kind, func(t *testing.T) {
			ts := env.Site(t, kind)
			_, dir := env.TempDir(t, ts)
			dialCtx, cancel := context.WithCancel(context.Background())
			c, err := remote.Dial(dialCtx, siteOf(ts), trusting(t, env, ts))
			cancel()
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			ctx := context.Background()
			body := []byte("<?php // after the dial's context ended\n")
			if err := c.Store(ctx, path.Join(dir, "later.php"), bytes.NewReader(body)); err != nil {
				t.Fatalf("store after the dial's context ended: %v", err)
			}
			list, err := c.List(ctx, dir)
			if err != nil || len(list) != 1 {
				t.Fatalf("list after the dial's context ended: %v %v", list, err)
			}
		})
	}
}
