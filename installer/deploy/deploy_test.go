package deploy_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/ocsetup/ocsetup/installer/deploy"
	"github.com/ocsetup/ocsetup/installer/pkg"
	"github.com/ocsetup/ocsetup/internal/fixture"
	"github.com/ocsetup/ocsetup/internal/testenv"
)

// lifecycleCases: every line over SFTP (it is the fastest channel here),
// and a few lines over plain FTP, FTPS with session reuse and the chrooted
// SFTP account without a shell (no server hashes).
func lifecycleCases() []struct{ site, version string } {
	var cases []struct{ site, version string }
	for _, v := range fixture.Versions {
		cases = append(cases, struct{ site, version string }{testenv.SFTP, v})
	}
	return append(cases,
		struct{ site, version string }{testenv.FTPNoTLS, "1.5.6.4"},
		struct{ site, version string }{testenv.FTPNoTLS, "3.0.3.8"},
		struct{ site, version string }{testenv.FTPSReuse, "2.3.0.2"},
		struct{ site, version string }{testenv.FTPSReuse, "4.1.0.4"},
		struct{ site, version string }{testenv.SFTPJail, "2.2.0.0"},
	)
}

// TestLifecycle: a 300-file package uploads and verifies (with the PHP
// probe); the second run sends nothing; a version with 3 changed files
// sends 3; rolling both back leaves the store byte for byte as it was.
func TestLifecycle(t *testing.T) {
	env := testenv.Get(t)
	for _, c := range lifecycleCases() {
		t.Run(c.site+"/"+c.version, func(t *testing.T) {
			t.Parallel()
			ts := env.Site(t, c.site)
			st := fixture.New(t, env, ts, fixture.Options{Version: c.version})
			before := snapshot(t, st.Local)
			ctx := context.Background()
			e := engineFor(t, env, ts, st, t.TempDir())
			var mu sync.Mutex
			var last deploy.Progress
			e.Progress = func(p deploy.Progress) {
				mu.Lock()
				defer mu.Unlock()
				if p.Phase == deploy.PhaseUpload {
					last = p
				}
			}

			// An existing store file replaced, to prove backups (not on
			// 4.x, where a package only adds its own folder).
			l, _ := pkg.ParseLine(c.version)
			extra := map[string]string{}
			if !l.AtLeast(4, 0) {
				extra["catalog/controller/common/home.php"] = "<?php // replaced by xpay\n"
			}
			dir1, files1 := genPackage(t, genSpec{version: c.version, files: 299, seed: 1, extra: extra})
			p1 := openPkg(t, dir1)
			pl, err := e.Plan(ctx, p1, deploy.PlanOptions{})
			if err != nil {
				t.Fatal(err)
			}
			wantNew := len(files1) - len(extra)
			if pl.Counts[deploy.StatusNew] != wantNew || pl.Counts[deploy.StatusChanged] != len(extra) {
				t.Fatalf("first plan: %v, want %d new and %d changed", pl.Counts, wantNew, len(extra))
			}
			if len(pl.Folders) < 30 {
				t.Errorf("first plan creates %d folders, want the package's ~40", len(pl.Folders))
			}
			m1, err := e.Upload(ctx, pl, p1)
			if err != nil {
				t.Fatal(err)
			}
			if last.FilesDone != len(files1) || last.BytesDone != pl.Bytes || last.FilesTotal != len(files1) {
				t.Errorf("progress at the end: %+v; want %d files, %d bytes", last, len(files1), pl.Bytes)
			}
			for p, want := range files1 {
				got, err := os.ReadFile(filepath.Join(st.Local, filepath.FromSlash(storePath(c.version, p))))
				if err != nil || string(got) != string(want) {
					t.Fatalf("%s on the server: %d bytes, %v", p, len(got), err)
				}
			}
			rep, err := e.Verify(ctx, m1, st.URL)
			if err != nil {
				t.Fatal(err)
			}
			if !rep.OK() || rep.Probe == nil || !rep.Probe.Ran || rep.Files != len(files1) {
				t.Fatalf("verify: %+v probe %+v", rep, rep.Probe)
			}
			if hashed := rep.Hashed > 0; hashed != (c.site == testenv.SFTP) {
				t.Errorf("hashed %d files on %s", rep.Hashed, c.site)
			}
			if _, err := os.Stat(filepath.Join(st.Local, filepath.FromSlash(rep.Probe.Folder))); err != nil {
				t.Errorf("probe folder: %v", err)
			}

			// The same package again: nothing to send.
			pl2, err := e.Plan(ctx, p1, deploy.PlanOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if pl2.Sends() || pl2.Counts[deploy.StatusIdentical] != len(files1) || pl2.Bytes != 0 {
				t.Fatalf("second plan: %v, %d bytes, compared by %s", pl2.Counts, pl2.Bytes, pl2.Compared)
			}
			m2, err := e.Upload(ctx, pl2, p1)
			if err != nil {
				t.Fatal(err)
			}
			if last.FilesTotal != 0 {
				t.Errorf("second run sent %d files", last.FilesTotal)
			}

			// Three changed files.
			dir3, files3 := genPackage(t, genSpec{version: c.version, files: 299, seed: 1, extra: extra, changed: []int{3, 150, 298}})
			p3 := openPkg(t, dir3)
			pl3, err := e.Plan(ctx, p3, deploy.PlanOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if pl3.Counts[deploy.StatusChanged] != 3 || pl3.Counts[deploy.StatusNew] != 0 {
				t.Fatalf("third plan: %v", pl3.Counts)
			}
			m3, err := e.Upload(ctx, pl3, p3)
			if err != nil {
				t.Fatal(err)
			}
			if last.FilesTotal != 3 || last.FilesDone != 3 {
				t.Errorf("third run: %+v", last)
			}
			if rep, err := e.Verify(ctx, m3, ""); err != nil || !rep.OK() {
				t.Fatalf("verify 3: %+v %v", rep, err)
			}
			for _, i := range []int{3, 150, 298} {
				for p, b := range files3 {
					if strings.Contains(p, "/f"+pad(i)+".php") {
						got, _ := os.ReadFile(filepath.Join(st.Local, filepath.FromSlash(storePath(c.version, p))))
						if string(got) != string(b) {
							t.Errorf("%s not updated", p)
						}
					}
				}
			}

			// The first install cannot be rolled back before the third.
			if err := e.Rollback(ctx, m1, false); err == nil || !strings.Contains(err.Error(), m3.ID) {
				t.Fatalf("rollback of the first before the third: %v", err)
			}
			for _, m := range []*deploy.Manifest{m3, m2, m1} {
				if err := e.Rollback(ctx, m, false); err != nil {
					t.Fatalf("rollback %s: %v", m.ID, err)
				}
			}
			sameTree(t, before, snapshot(t, st.Local))
			if pend, err := deploy.Pending(e.DataDir); err != nil || len(pend) != 0 {
				t.Errorf("pending after rollbacks: %d, %v", len(pend), err)
			}
		})
	}
}

func pad(i int) string {
	s := "00" + itoa(i)
	return s[len(s)-3:]
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b []byte
	for ; i > 0; i /= 10 {
		b = append([]byte{byte('0' + i%10)}, b...)
	}
	return string(b)
}
