package deploy_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ocsetup/ocsetup/installer/deploy"
	"github.com/ocsetup/ocsetup/installer/remote"
	"github.com/ocsetup/ocsetup/internal/fixture"
	"github.com/ocsetup/ocsetup/internal/testenv"
)

// slowFTPEngine is an engine on the plain-FTP test server behind a proxy
// that carries the control and the passive data connections with oneWay
// added in each direction.
func slowFTPEngine(t *testing.T, oneWay time.Duration) (*deploy.Engine, *testenv.Proxy, *fixture.Store) {
	t.Helper()
	env := testenv.Get(t)
	ts := env.Site(t, testenv.FTPNoTLS)
	st := fixture.New(t, env, ts, fixture.Options{Version: "3.0.3.8"})
	proxy := testenv.StartFTPProxy(t, ts.Addr())
	proxy.SetDelay(oneWay)
	site := siteOf(ts)
	site.Host, site.Port = "127.0.0.1", proxy.Port()
	trust := remote.NewTrust(t.TempDir())
	trust.TrustNew = true
	pool, err := remote.Open(context.Background(), site, trust, 2)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = pool.Close() })
	pool.Backoff = 10 * time.Millisecond
	return &deploy.Engine{Files: pool, Trust: trust, DataDir: t.TempDir(), Backoff: 10 * time.Millisecond,
		Store: deploy.Store{Root: st.Remote, Version: st.Version, AdminDir: "admin"}}, proxy, st
}

// TestFTPSlowLink uploads over FTP through a proxy that delays the control
// and the data connections (50 ms round trip): everything arrives whole and
// verifies.
func TestFTPSlowLink(t *testing.T) {
	e, _, st := slowFTPEngine(t, 25*time.Millisecond)
	dir, files := genPackage(t, genSpec{version: st.Version, files: 40, seed: 21})
	p := openPkg(t, dir)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	start := time.Now()
	m, err := upload(ctx, e, p)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d files in %v at 50 ms round trip", len(files), time.Since(start))
	if rep, err := e.Verify(ctx, m, ""); err != nil || !rep.OK() {
		t.Fatalf("verify: %+v %v", rep, err)
	}
	for pp, b := range files {
		if got, _ := os.ReadFile(filepath.Join(st.Local, filepath.FromSlash(pp))); string(got) != string(b) {
			t.Errorf("%s did not arrive whole", pp)
		}
	}
}

// TestFTPCutTransfersEnd: when every data connection loses the tail of its
// file (the server stores a short file and answers 226), each file fails
// its size check. The upload must give up after a few tries per file, with
// the cut as its error, instead of sending the same files again forever;
// no final path holds a partial file, and once the link is sound the
// upload resumes, completes and verifies.
func TestFTPCutTransfersEnd(t *testing.T) {
	e, proxy, st := slowFTPEngine(t, 5*time.Millisecond)
	dir, files := genPackage(t, genSpec{version: st.Version, files: 12, seed: 22, maxSize: 1500})
	p := openPkg(t, dir)
	proxy.TruncateData(150) // every file has 200 bytes or more
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	_, err := upload(ctx, e, p)
	if ctx.Err() != nil {
		t.Fatal("the upload was still sending the cut files after 2 minutes")
	}
	if remote.KindOf(err) != remote.KindReset {
		t.Fatalf("upload = %v, want the cut (KindReset)", err)
	}
	checkNoPartial(t, st, st.Version, nil, files)
	proxy.TruncateData(0)
	pend, err := deploy.Pending(e.DataDir)
	if err != nil || len(pend) != 1 {
		t.Fatalf("pending manifests: %d, %v", len(pend), err)
	}
	if err := e.Resume(ctx, pend[0], p); err != nil {
		t.Fatalf("resume: %v", err)
	}
	if rep, err := e.Verify(ctx, pend[0], ""); err != nil || !rep.OK() {
		t.Fatalf("verify: %+v %v", rep, err)
	}
}
