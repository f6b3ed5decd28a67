package store_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ocsetup/ocsetup/installer/remote"
	"github.com/ocsetup/ocsetup/installer/store"
	"github.com/ocsetup/ocsetup/internal/fixture"
	"github.com/ocsetup/ocsetup/internal/testenv"
)

// counting counts the requests discovery makes; each List or ReadFile is at
// least one round trip (FTP: a data connection each, so about three).
type counting struct {
	store.Files
	lists, reads atomic.Int64
}

func (c *counting) List(ctx context.Context, dir string) ([]remote.FileInfo, error) {
	c.lists.Add(1)
	return c.Files.List(ctx, dir)
}

func (c *counting) ReadFile(ctx context.Context, name string, limit int64) ([]byte, error) {
	c.reads.Add(1)
	return c.Files.ReadFile(ctx, name, limit)
}

// BenchmarkDiscover2000Folders: an account with 2,000 folders (40 folders
// of 49 folders each) and one store, either where hosting panels put sites
// (domains/shop.example/public_html: found in the second stage) or in an
// odd place two levels down (site07/shop: only the full search finds it).
// Run with: go test -run '^$' -bench Discover2000 ./installer/store/
func BenchmarkDiscover2000Folders(b *testing.B) {
	env := testenv.Get(b)
	for _, bc := range []struct{ name, site, store string }{
		{"ftp/web-folder", testenv.FTP, "domains/shop.example/public_html"},
		{"sftp/web-folder", testenv.SFTP, "domains/shop.example/public_html"},
		{"ftp/anywhere", testenv.FTP, "site07/shop"},
		{"sftp/anywhere", testenv.SFTP, "site07/shop"},
	} {
		name := bc.site
		b.Run(bc.name, func(b *testing.B) {
			ts := env.Site(b, name)
			local, dir := env.TempDir(b, ts)
			folders := 0
			for i := 0; i < 40; i++ {
				for j := 0; j < 49; j++ {
					p := filepath.Join(local, fmt.Sprintf("site%02d", i), fmt.Sprintf("f%02d", j))
					if err := os.MkdirAll(p, 0o755); err != nil {
						b.Fatal(err)
					}
					folders++
				}
				folders++
			}
			o := fixture.Options{Version: "3.0.3.8", Root: filepath.Join(local, filepath.FromSlash(bc.store)),
				URL: "http://127.0.0.1/", Prefix: "oc_", DB: fixture.DB{Host: "127.0.0.1", Port: 3306, User: "u", Password: "p", Name: "d"}}
			if err := fixture.WriteFiles(o); err != nil {
				b.Fatal(err)
			}
			if err := testenv.ChownTree(local, ts.UID, ts.GID); err != nil {
				b.Fatal(err)
			}
			tr := remote.NewTrust(b.TempDir())
			tr.TrustNew = true
			pool, err := remote.Open(context.Background(), remote.Site{Protocol: remote.Protocol(ts.Protocol), Host: ts.Host,
				Port: ts.Port, User: ts.User, Password: ts.Password, Timeout: 10 * time.Second}, tr, 2)
			if err != nil {
				b.Fatal(err)
			}
			defer pool.Close()
			c := &counting{Files: pool}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				stores, err := store.Discover(context.Background(), c, dir)
				if err != nil || len(stores) != 1 {
					b.Fatalf("%v %+v", err, stores)
				}
			}
			b.ReportMetric(float64(c.lists.Load())/float64(b.N), "lists/op")
			b.ReportMetric(float64(c.reads.Load())/float64(b.N), "reads/op")
			b.ReportMetric(float64(folders), "folders")
		})
	}
}
