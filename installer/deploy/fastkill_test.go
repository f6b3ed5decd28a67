package deploy_test

import (
	"bufio"
	"context"
	"encoding/json"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ocsetup/ocsetup/installer/db"
	"github.com/ocsetup/ocsetup/installer/deploy"
	"github.com/ocsetup/ocsetup/installer/remote"
	"github.com/ocsetup/ocsetup/internal/fixture"
	"github.com/ocsetup/ocsetup/internal/testenv"
)

// fastKillVar makes the test binary act as a run of ocsetup whose fast
// path is killed while the extractor and the archive are on the store
// (TestFastPathKilledRun).
const fastKillVar = "OCSETUP_DEPLOY_FASTKILL_HELPER"

type fastKillSpec struct {
	Site     testenv.Site
	Root     string
	Version  string
	DataDir  string
	StoreURL string
	Package  string
}

// TestFastPathKillHelper is the killed run, not a test of its own.
func TestFastPathKillHelper(t *testing.T) {
	raw := os.Getenv(fastKillVar)
	if raw == "" {
		t.Skip("runs only as the child of TestFastPathKilledRun")
	}
	var h fastKillSpec
	if err := json.Unmarshal([]byte(raw), &h); err != nil {
		t.Fatal(err)
	}
	env := testenv.Get(t)
	ctx := context.Background()
	trust := trusting(t, env, h.Site)
	pool, err := remote.Open(ctx, siteOf(h.Site), trust, 2)
	if err != nil {
		t.Fatal(err)
	}
	e := &deploy.Engine{Files: pool, Trust: trust, DataDir: h.DataDir, FastPath: true, StoreURL: h.StoreURL,
		Store: deploy.Store{Root: h.Root, Version: h.Version, AdminDir: "admin"}}
	_, err = upload(ctx, e, openPkg(t, h.Package))
	t.Fatalf("the parent did not kill this process (upload: %v)", err)
}

// TestFastPathKilledRun: a run killed while its extractor request is under
// way (the request is held by a stalled proxy in front of PHP) leaves the
// extractor, the archive, their records and an unfinished manifest. The
// next start's leftover cleanup (db.CleanupLeftovers, as the app runs it
// at start) removes both files and the records, and the rollback of the
// unfinished upload brings the store back byte for byte.
func TestFastPathKilledRun(t *testing.T) {
	env := testenv.Get(t)
	ts := env.Site(t, testenv.SFTP)
	st := fixture.New(t, env, ts, fixture.Options{Version: "3.0.3.8"})
	before := snapshot(t, st.Local)
	data := t.TempDir()
	dir, _ := genPackage(t, genSpec{version: st.Version, files: 30, seed: 9})
	u, err := url.Parse(st.URL)
	if err != nil {
		t.Fatal(err)
	}
	php := testenv.StartProxy(t, u.Host)
	php.Stall(true)
	u.Host = "127.0.0.1:" + itoa(php.Port())
	spec, err := json.Marshal(fastKillSpec{Site: ts, Root: st.Remote, Version: st.Version, DataDir: data, StoreURL: u.String(), Package: dir})
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestFastPathKillHelper$", "-test.count=1")
	cmd.Env = append(os.Environ(), fastKillVar+"="+string(spec))
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			t.Log("helper: " + sc.Text())
		}
	}()
	// The request reaches the proxy only after both files are up.
	deadline := time.Now().Add(2 * time.Minute)
	for php.Open() == 0 && time.Now().Before(deadline) && cmd.ProcessState == nil {
		time.Sleep(20 * time.Millisecond)
	}
	reached := php.Open() > 0
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	if !reached {
		t.Fatal("the helper never sent the extractor's request")
	}
	var ours []string
	for p := range snapshot(t, st.Local) {
		if b := filepath.Base(p); strings.HasPrefix(b, "ocsetup-extract-") || strings.HasPrefix(b, "ocsetup-archive-") {
			ours = append(ours, p)
		}
	}
	left, err := db.Leftovers(data)
	if err != nil || len(ours) != 2 || len(left) != 2 {
		t.Fatalf("after the kill: on the store %v, records %+v (%v); want the extractor and the archive, both recorded", ours, left, err)
	}

	// The next start.
	ctx := context.Background()
	e := engineFor(t, env, ts, st, data)
	res, err := db.CleanupLeftovers(ctx, data, func(_ context.Context, s remote.Site) (db.FileRemover, func(), error) {
		if !db.SameSite(s, e.Files.Site()) {
			return nil, nil, db.ErrSkipSite
		}
		return e.Files.(*remote.Pool), nil, nil
	})
	if err != nil || len(res) != 2 || !res[0].Removed || !res[1].Removed {
		t.Fatalf("cleanup: %+v %v", res, err)
	}
	noFastLeftovers(t, st.Local, data)
	pend, err := deploy.Pending(data)
	if err != nil || len(pend) != 1 {
		t.Fatalf("pending manifests: %d %v", len(pend), err)
	}
	if err := e.Rollback(ctx, pend[0], false); err != nil {
		t.Fatal(err)
	}
	sameTree(t, before, snapshot(t, st.Local))
}
