package deploy_test

import (
	"context"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ocsetup/ocsetup/installer/db"
	"github.com/ocsetup/ocsetup/installer/deploy"
	"github.com/ocsetup/ocsetup/installer/pkg"
	"github.com/ocsetup/ocsetup/installer/remote"
	"github.com/ocsetup/ocsetup/internal/fixture"
	"github.com/ocsetup/ocsetup/internal/testenv"
)

// TestCutConnections cuts the connection after N bytes from the server, N
// varied over 30 trials per channel. After each cut every final path holds
// the old or the new bytes, never a part; the same upload run again
// (Resume, as the next start offers) completes and verifies, and a rollback
// brings the old state back for the next trial.
//
// Over FTP only the control connections pass the proxy: passive data
// connections go straight to the server's PASV address. Cutting the
// control connection mid-upload is still a real fault (the pipelined
// replies, renames and SIZE checks are lost with it).
func TestCutConnections(t *testing.T) {
	env := testenv.Get(t)
	cases := []struct {
		site string
		// fast: the one-archive fast path, its HTTP request through a
		// proxy in front of PHP that cuts after N bytes too (a cut reply
		// means the extractor may have placed files nobody heard of).
		fast bool
	}{
		{testenv.FTPNoTLS, false},
		{testenv.SFTP, false},
		{testenv.FTPNoTLS, true},
		{testenv.SFTP, true},
	}
	for _, c := range cases {
		name := c.site
		if c.fast {
			name += "/fast"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ts := env.Site(t, c.site)
			version := "3.0.3.8"
			st := fixture.New(t, env, ts, fixture.Options{Version: version})
			ctx := context.Background()
			data := t.TempDir()

			dir1, files1 := genPackage(t, genSpec{version: version, files: 24, seed: 11, maxSize: 1500})
			p1 := openPkg(t, dir1)
			// Version 2: 4 files changed (small backups: the cut must fall
			// in the upload, not in the downloads), 30 new ones.
			extra := map[string]string{}
			for i := range 30 {
				extra["system/library/xpay/new/n"+itoa(i)+".php"] = string(phpBody(rngFor(uint64(i)), 1000+i*50))
			}
			dir2, files2 := genPackage(t, genSpec{version: version, files: 24, seed: 11, maxSize: 1500, extra: extra, changed: []int{0, 5, 10, 15}})
			changedOrNew := 0
			for p, b := range files2 {
				if string(files1[p]) != string(b) {
					changedOrNew++
				}
			}
			p2 := openPkg(t, dir2)

			proxy := testenv.StartProxy(t, ts.Addr())
			site := siteOf(ts)
			site.Host, site.Port = "127.0.0.1", proxy.Port()
			trust := remote.NewTrust(t.TempDir())
			trust.TrustNew = true
			// The repairing side: its connections are made while nothing
			// is cut (the proxy decides the limit when it accepts).
			pool, err := remote.Open(ctx, site, trust, 2)
			if err != nil {
				t.Fatal(err)
			}
			defer pool.Close()
			pool.Backoff = 10 * time.Millisecond
			e := &deploy.Engine{Files: pool, Trust: trust, DataDir: data, Backoff: 10 * time.Millisecond,
				Store: deploy.Store{Root: st.Remote, Version: version, AdminDir: "admin"}}
			storeURL, httpCut := "", (*testenv.Proxy)(nil)
			if c.fast {
				u, err := url.Parse(st.URL)
				if err != nil {
					t.Fatal(err)
				}
				httpCut = testenv.StartProxy(t, u.Host)
				u.Host = "127.0.0.1:" + itoa(httpCut.Port())
				storeURL = u.String()
			}
			// The old state: version 1, installed through the proxy too, so
			// that its manifest belongs to the same site address.
			if _, err := upload(ctx, e, p1); err != nil {
				t.Fatal(err)
			}
			extracted := 0 // trials in which the extractor placed files
			// trial cuts every connection of one upload after n bytes from
			// the server, checks that no final path is partial, then does
			// what the next start offers: finish, verify, roll back.
			trial := func(i int, n int64) (placed int, cutErr error, interrupted bool) {
				pl, err := e.Plan(ctx, p2, deploy.PlanOptions{})
				if err != nil {
					t.Fatal(err)
				}
				proxy.CutAfter(n)
				if httpCut != nil {
					httpCut.CutAfter(n)
				}
				var fp deploy.FastPath
				fp, cutErr = cutUpload(ctx, site, trust, st, data, pl, p2, storeURL)
				if fp.Used {
					extracted++
				}
				placed = checkNoPartial(t, st, version, files1, files2)
				proxy.CutAfter(0)
				if httpCut != nil {
					httpCut.CutAfter(0)
				}
				if c.fast {
					// What the next start does first: remove the
					// extractor and the archive a failed run left.
					if _, err := db.CleanupLeftovers(ctx, data, func(context.Context, remote.Site) (db.FileRemover, func(), error) {
						return pool, nil, nil
					}); err != nil {
						t.Fatal(err)
					}
					noExtractor(t, st.Local, data, false)
				}
				pend, err := deploy.Pending(data)
				if err != nil {
					t.Fatal(err)
				}
				var m *deploy.Manifest
				switch {
				case len(pend) == 1:
					interrupted = true
					m = pend[0]
					if err := e.Resume(ctx, m, p2); err != nil {
						t.Fatalf("trial %d (N=%d): resume: %v", i, n, err)
					}
				case len(pend) == 0:
					// The cut came before the manifest, or after the end.
					all, _ := deploy.Manifests(data, e.Store)
					if last := all[len(all)-1]; last.State == deploy.StateDone && last.Package.SHA256 == deploy.Describe(p2).SHA256 {
						m = last
					} else if m, err = upload(ctx, e, p2); err != nil {
						t.Fatalf("trial %d (N=%d): upload: %v", i, n, err)
					}
				default:
					t.Fatalf("trial %d: %d pending manifests", i, len(pend))
				}
				rep, err := e.Verify(ctx, m, "")
				if err != nil || !rep.OK() {
					t.Fatalf("trial %d (N=%d): verify: %+v %v", i, n, rep, err)
				}
				for p, b := range files2 {
					if got, _ := os.ReadFile(filepath.Join(st.Local, filepath.FromSlash(p))); string(got) != string(b) {
						t.Fatalf("trial %d: %s is not the new file after the re-run", i, p)
					}
				}
				if err := e.Rollback(ctx, m, false); err != nil {
					t.Fatalf("trial %d (N=%d): rollback: %v", i, n, err)
				}
				for p, b := range files1 {
					if got, _ := os.ReadFile(filepath.Join(st.Local, filepath.FromSlash(p))); string(got) != string(b) {
						t.Fatalf("trial %d: %s is not the old file after the rollback", i, p)
					}
				}
				return placed, cutErr, interrupted
			}

			// Calibrate: the smallest N that lets the whole upload through,
			// by bisection (each probe is a full trial too). The bytes an
			// upload needs change with the protocol code and the server's
			// version, so the search starts from the whole range: one byte
			// (cut inside the greeting) to a bound the upload must pass
			// uncut, to a resolution of a 64th of the answer.
			const bound = 1 << 17
			if _, err, _ := trial(0, bound); err != nil {
				t.Fatalf("the upload fails even when cut after %d bytes: %v", bound, err)
			}
			lo, hi := int64(1), int64(bound)
			i := 1
			for ; hi-lo > hi/64; i++ {
				mid := (lo + hi) / 2
				if _, err, _ := trial(i, mid); err == nil {
					hi = mid
				} else {
					lo = mid
				}
			}
			// Then 30 cuts spread over the upper three quarters of that N
			// (below lie the logins and the backups): the folders and the
			// files get cut at every stage.
			midway := 0
			const trials = 30
			for k := range trials {
				n := hi/4 + (hi-hi/4)*int64(k)/trials
				placed, err, interrupted := trial(i+k, n)
				// A cut in the middle: some files placed and not all, or
				// the upload stopped with its manifest in progress (SFTP
				// keeps many files in flight and renames them in a burst,
				// so its cuts rarely fall between two renames).
				if err != nil && (placed > 0 && placed < changedOrNew || interrupted) {
					midway++
				}
			}
			// The fast path's extractor runs in the last stretch of the
			// bytes (after the archive, before the verification), and
			// where that stretch begins moves with the run's timing. So
			// find it as the calibration did: the smallest N with which
			// the extractor placed files, by bisection. Then 10 more cuts
			// from a little below it (the extractor's reply cut, files
			// placed that nobody heard of) to the end, over at least the
			// last tenth.
			extraTrials, ulo := 0, hi
			if c.fast {
				uLo, uHi := int64(1), hi
				for ; uHi-uLo > hi/64; extraTrials++ {
					mid := (uLo + uHi) / 2
					before := extracted
					trial(i+trials+extraTrials, mid)
					if extracted > before {
						uHi = mid
					} else {
						uLo = mid
					}
				}
				ulo = min(uHi-(hi-uHi)/4, hi*9/10)
				const more = 10
				for k := range more {
					trial(i+trials+extraTrials, ulo+(hi-ulo)*int64(k)/more)
					extraTrials++
				}
			}
			t.Logf("%d trials (N up to %d, the extractor from %d), %d of them cut in the middle of the upload, %d with files placed by the extractor", i+trials+extraTrials, hi, ulo, midway, extracted)
			if c.fast && extracted < 5 {
				t.Errorf("the extractor placed files in only %d trials: the cuts miss the fast path", extracted)
			}
			if midway < 8 {
				t.Errorf("only %d trials cut the upload half-way; the range of N misses the upload", midway)
			}
		})
	}
}

// cutUpload uploads through the cutting proxy on connections of its own;
// it may fail anywhere.
func cutUpload(ctx context.Context, site remote.Site, trust *remote.Trust, st *fixture.Store, data string, pl *deploy.Plan, p2 *pkg.Package, storeURL string) (deploy.FastPath, error) {
	pool, err := remote.Open(ctx, site, trust, 2)
	if err != nil {
		return deploy.FastPath{}, err
	}
	defer pool.Close()
	// No retries: a cut stops the upload as a crash would, leaving the
	// manifest for the next start.
	pool.Retries = 0
	e := &deploy.Engine{Files: pool, Trust: trust, DataDir: data, Retries: -1,
		Store:    deploy.Store{Root: st.Remote, Version: st.Version, AdminDir: "admin"},
		FastPath: storeURL != "", StoreURL: storeURL}
	_, err = e.Upload(ctx, pl, p2)
	return e.Fast, err
}

// checkNoPartial fails the test if a final path holds anything but the old
// or the new bytes, and returns how many of the files that differ hold the
// new ones.
func checkNoPartial(t *testing.T, st *fixture.Store, version string, old, new map[string][]byte) int {
	t.Helper()
	placed := 0
	for p, nb := range new {
		if string(old[p]) == string(nb) {
			continue
		}
		got, err := os.ReadFile(filepath.Join(st.Local, filepath.FromSlash(storePath(version, p))))
		ob, existed := old[p]
		switch {
		case errors.Is(err, os.ErrNotExist) && !existed:
		case err != nil:
			t.Fatalf("%s: %v", p, err)
		case string(got) == string(nb):
			placed++
		case existed && string(got) == string(ob):
		default:
			t.Fatalf("%s holds %d bytes that are neither the old (%d) nor the new (%d) file", p, len(got), len(ob), len(nb))
		}
	}
	return placed
}
