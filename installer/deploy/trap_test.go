package deploy_test

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ocsetup/ocsetup/installer/deploy"
	"github.com/ocsetup/ocsetup/internal/fixture"
	"github.com/ocsetup/ocsetup/internal/testenv"
)

// routerPHP resolves an admin route the way 2.0.3.1 does
// (oc@2.0.3.1:upload/system/engine/action.php: a folder wins over a file)
// and says whether a controller was found. The fixture store has no real
// OpenCart, so this small stand-in answers for Extensions > Payments.
const routerPHP = `<?php
$path = '';
$file = '';
foreach (explode('/', (string)$_GET['route']) as $part) {
	$path .= $part;
	if (is_dir(__DIR__ . '/controller/' . $path)) { $path .= '/'; continue; }
	if (is_file(__DIR__ . '/controller/' . $path . '.php')) { $file = $path; break; }
}
echo $file ? 'controller ' . $file : 'Page Not Found!';
`

// TestHiddenPageFix: on 2.0.3.1 a 2.3-layout folder hides Extensions >
// Payments. The plan detects it and offers the fix; with the fix the
// package's files there are left out, the folder already on the server
// is backed up and removed, and the page resolves again; a rollback puts
// the folder back byte for byte.
func TestHiddenPageFix(t *testing.T) {
	env := testenv.Get(t)
	ts := env.Site(t, testenv.SFTP)
	st := fixture.New(t, env, ts, fixture.Options{Version: "2.0.3.1"})
	ctx := context.Background()
	// A merchant already uploaded the 2.3 files by hand.
	stray := filepath.Join(st.Local, "admin/controller/extension/payment/xpay.php")
	if err := os.MkdirAll(filepath.Dir(stray), 0o755); err != nil {
		t.Fatal(err)
	}
	for p, b := range map[string]string{stray: "<?php // 2.3 file\n", filepath.Join(st.Local, "admin/ocsetup-route.php"): routerPHP} {
		if err := os.WriteFile(p, []byte(b), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := testenv.ChownTree(st.Local, ts.UID, ts.GID); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, st.Local)
	page := func() string {
		resp, err := http.Get(st.URL + "admin/ocsetup-route.php?route=extension/payment")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	if got := page(); !strings.Contains(got, "Page Not Found!") {
		t.Fatalf("the stand-in router should show the trap first: %q", got)
	}

	// A mixed package, like the legacy payfort_fort: old and 2.3 files.
	dir := filepath.Join(t.TempDir(), "xpay")
	for _, p := range []string{"upload/admin/controller/payment/xpay.php", "upload/admin/controller/extension/payment/xpay.php",
		"upload/catalog/controller/payment/xpay.php"} {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte("<?php // "+p+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	p := openPkg(t, dir)
	e := engineFor(t, env, ts, st, t.TempDir())
	pl, err := e.Plan(ctx, p, deploy.PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(pl.FixOffered, deploy.FixHiddenPages) || !slices.ContainsFunc(pl.Warnings, func(w pkgWarning) bool { return w.Code == "hidden-extensions-page" }) {
		t.Fatalf("trap not detected: %+v %+v", pl.FixOffered, pl.Warnings)
	}
	pl, err = e.Plan(ctx, p, deploy.PlanOptions{Fixes: []deploy.FixID{deploy.FixHiddenPages}})
	if err != nil {
		t.Fatal(err)
	}
	if pl.Counts[deploy.StatusRemove] != 1 || pl.Counts[deploy.StatusNew] != 2 || len(pl.RemoveFolders) != 1 {
		t.Fatalf("fix plan: %v, remove %v", pl.Counts, pl.RemoveFolders)
	}
	m, err := e.Upload(ctx, pl, p)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Dir(stray)); !os.IsNotExist(err) {
		t.Fatalf("the folder is still there: %v", err)
	}
	if got := page(); !strings.Contains(got, "controller extension/payment") {
		t.Fatalf("Extensions > Payments after the fix: %q", got)
	}
	if err := e.Rollback(ctx, m, false); err != nil {
		t.Fatal(err)
	}
	sameTree(t, before, snapshot(t, st.Local))
}
