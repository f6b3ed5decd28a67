package remote_test

import (
	"context"
	"errors"
	"os"
	"path"
	"path/filepath"
	"testing"
	"time"

	"github.com/ocsetup/ocsetup/installer/remote"
	"github.com/ocsetup/ocsetup/internal/testenv"
)

// TestReadFiles: small files read at once each come back with their own
// content or error (one missing, one over the limit), and over SFTP they
// all travel on the one logged-in connection: the pool logs in no second
// one for them.
func TestReadFiles(t *testing.T) {
	env := testenv.Get(t)
	for _, name := range []string{testenv.FTP, testenv.SFTP} {
		t.Run(name, func(t *testing.T) {
			ts := env.Site(t, name)
			proxy, site, tr := throughProxy(t, env, ts)
			proxy.SetDelay(10 * time.Millisecond)
			local, dir := env.TempDir(t, ts)
			files := map[string]string{"config.php": "<?php define('DB_DATABASE', 'shop');\n", "admin.php": "<?php // admin\n", "big.php": string(make([]byte, 3000))}
			for f, body := range files {
				if err := os.WriteFile(filepath.Join(local, f), []byte(body), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if err := testenv.ChownTree(local, ts.UID, ts.GID); err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			pool, err := remote.Open(ctx, site, tr, 2)
			if err != nil {
				t.Fatal(err)
			}
			defer pool.Close()
			names := []string{path.Join(dir, "config.php"), path.Join(dir, "missing.php"), path.Join(dir, "big.php"), path.Join(dir, "admin.php")}
			data, errs := pool.ReadFiles(ctx, names, 2048)
			if string(data[0]) != files["config.php"] || errs[0] != nil {
				t.Errorf("config.php: %q, %v", data[0], errs[0])
			}
			if remote.KindOf(errs[1]) != remote.KindNotFound || data[1] != nil {
				t.Errorf("missing.php: %q, %v (want not found)", data[1], errs[1])
			}
			if !errors.Is(errs[2], remote.ErrTooLarge) || data[2] != nil {
				t.Errorf("big.php over the limit: %d bytes, %v", len(data[2]), errs[2])
			}
			if string(data[3]) != files["admin.php"] || errs[3] != nil {
				t.Errorf("admin.php: %q, %v", data[3], errs[3])
			}
			if name == testenv.SFTP && proxy.Peak() != 1 {
				t.Errorf("%d connections at once for the reading; over SFTP one carries every file", proxy.Peak())
			}
		})
	}
}
