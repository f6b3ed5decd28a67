package app

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ocsetup/ocsetup/internal/fixture"
	"github.com/ocsetup/ocsetup/internal/testenv"
)

// writeBulkPackage writes a 2.3/3.x package of 300 files (about 3 MB) in
// 40 folders up to 7 deep, like a large payment plugin.
func writeBulkPackage(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "bulk")
	r := rand.New(rand.NewPCG(7, 7))
	folders := []string{"admin/controller/extension/payment", "admin/language/en-gb/extension/payment",
		"admin/view/template/extension/payment", "catalog/controller/extension/payment",
		"catalog/model/extension/payment", "catalog/view/javascript/bulk", "system/library/bulk"}
	for i := 0; len(folders) < 40; i++ {
		d := folders[5+i%2]
		for k := 0; k <= i%4 && len(folders) < 40 && strings.Count(d, "/") < 6; k++ {
			d = fmt.Sprintf("%s/d%d", d, i*5+k)
			folders = append(folders, d)
		}
	}
	for i := range 300 {
		b := make([]byte, 1024+r.IntN(18*1024))
		for j := range b {
			b[j] = "abcdefghijklmnopqrstuvwxyz<>?; \n"[r.IntN(32)]
		}
		p := filepath.Join(dir, "upload", folders[i%len(folders)], fmt.Sprintf("f%03d.php", i))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestConnectionBudget: on a host that allows two connections per address
// (vsftpd max_per_ip=2, as many shared hosts), upload with --connections 2
// logs in, finds the store, plans, uploads 300 files, verifies them with
// the PHP probe, then uploads again (nothing changed), without one 421, and
// the proxy in front never sees more than 2 connections at once.
func TestConnectionBudget(t *testing.T) {
	env := testenv.Get(t)
	env.Lock(t, testenv.FTPLimited2)
	ts := env.Site(t, testenv.FTPLimited2)
	st := fixture.New(t, env, ts, fixture.Options{Version: "3.0.3.8"})
	pkgDir := writeBulkPackage(t)
	proxy := testenv.StartFTPProxy(t, ts.Addr())
	url := fmt.Sprintf("ftp://%s@%s%s", ts.User, proxy.Addr, st.Remote)
	vars := map[string]string{PasswordVar: ts.Password, DataDirVar: t.TempDir()}
	flags := []string{"--connections", "2", "--allow-plain", "--trust-new", "--store-url", st.URL}

	code, out, errOut := runDeploy(t, vars, append([]string{"upload", url, pkgDir}, flags...)...)
	if code != 0 || !strings.Contains(out, "300 created") || !strings.Contains(out, "php:      runs in") {
		t.Fatalf("upload: exit %d\n%s\n%s", code, out, errOut)
	}
	code, out, errOut = runDeploy(t, vars, append([]string{"upload", url, pkgDir, "--json"}, flags...)...)
	if code != 0 || !strings.Contains(out, `"identical": 300`) || !strings.Contains(out, `"ran": true`) {
		t.Fatalf("second upload: exit %d\n%s\n%s", code, out, errOut)
	}
	if n := proxy.Replies421(); n != 0 {
		t.Errorf("the server answered 421 %d times", n)
	}
	if n := proxy.Peak(); n > 2 {
		t.Errorf("%d connections were open at once; the budget is 2", n)
	}
	if proxy.Peak() == 0 {
		t.Error("the proxy saw no connection")
	}
}
