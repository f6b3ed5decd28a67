package app

import (
	"archive/zip"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ocsetup/ocsetup/installer/deploy"
	"github.com/ocsetup/ocsetup/installer/integrations"
	"github.com/ocsetup/ocsetup/installer/pkg"
	"github.com/ocsetup/ocsetup/installer/remote"
	"github.com/ocsetup/ocsetup/internal/testenv"
)

// modulePackage writes a small 3.x module package; tag makes another
// package of the same files.
func modulePackage(t *testing.T, tag string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "recoverytest-"+tag+".ocmod.zip")
	f, err := os.Create(p)
	must(t, err)
	zw := zip.NewWriter(f)
	for i := range 4 {
		w, err := zw.Create(fmt.Sprintf("upload/catalog/controller/extension/module/recoverytest%d.php", i))
		must(t, err)
		_, err = fmt.Fprintf(w, "<?php\n// %s %d\n", tag, i)
		must(t, err)
	}
	must(t, zw.Close())
	must(t, f.Close())
	return p
}

// interruptUpload starts an upload of the package and kills it right after
// its manifest was written.
func interruptUpload(t *testing.T, s *realShop, dataDir, pkgPath string) *deploy.Manifest {
	t.Helper()
	ctx := context.Background()
	site := remote.Site{Protocol: remote.SFTP, Host: s.site.Host, Port: s.site.Port, User: s.site.User, Password: s.site.Password, Timeout: 10 * time.Second}
	tr := remote.NewTrust(t.TempDir())
	tr.TrustNew = true
	pool, err := remote.Open(ctx, site, tr, 1)
	must(t, err)
	defer pool.Close()
	p, err := pkg.Open(pkgPath)
	must(t, err)
	defer p.Close()
	root := s.rs.RemoteRoot(s.site)
	eng := &deploy.Engine{Files: pool, DataDir: dataDir, Trust: remote.NewTrust(dataDir),
		Store: deploy.Store{Root: root, Version: s.rs.Version, AdminDir: s.rs.AdminDir}}
	pl, err := eng.Plan(ctx, p, deploy.PlanOptions{})
	must(t, err)
	killed, kill := context.WithCancel(ctx)
	kill()
	m, err := eng.Upload(killed, pl, p)
	if err == nil || m == nil || m.State != deploy.StateInProgress {
		t.Fatalf("the upload was not interrupted: %v", err)
	}
	return m
}

func manifestState(t *testing.T, dataDir, id string) deploy.State {
	t.Helper()
	m, err := deploy.LoadManifest(dataDir, id)
	must(t, err)
	return m.State
}

// TestInterruptedUploadRuleBothFaces: after an upload killed half way on
// the real 3.0.3.9 store, apply and the wizard's Package step follow one
// rule (resumableUpload): another package is refused before anything
// changes, naming the interrupted upload and the way out; the same
// package finishes that upload instead of starting a new one.
func TestInterruptedUploadRuleBothFaces(t *testing.T) {
	env := testenv.Get(t)
	s := newRealShop(t, env, "3.0.3.9", testenv.SFTP)
	same, other := modulePackage(t, "same"), modulePackage(t, "other")

	// apply
	dir := s.vars[DataDirVar]
	m := interruptUpload(t, s, dir, same)
	setup := func(p string) string {
		return s.setupFile(t, "integration: custom\npackage: "+p+"\nsettings:\n  type: payment\n  code: cheque\n"+
			"  payment_cheque_payable: ocsetup test\n  payment_cheque_status: \"1\"\n  payment_cheque_order_status_id: \"1\"\n")
	}
	code, out, errOut := runApplyCLI(t, s.vars, "apply", setup(other), "--trust-new")
	if code == 0 || !strings.Contains(errOut, PendingNotice(m)) || !strings.Contains(errOut, "rollback") {
		t.Fatalf("apply with another package: exit %d\n%s\n%s", code, out, errOut)
	}
	if s.setting(t, "payment_cheque_status") != "<none>" {
		t.Fatal("apply changed the store before refusing")
	}
	code, out, errOut = runApplyCLI(t, s.vars, "apply", setup(same), "--trust-new")
	if code != 0 || !strings.Contains(out, "finished the upload "+m.ID) {
		t.Fatalf("apply with the same package: exit %d\n%s\n%s", code, out, errOut)
	}
	if st := manifestState(t, dir, m.ID); st != deploy.StateDone {
		t.Fatalf("the interrupted upload is %s", st)
	}

	// The wizard, on the store crashed again the same way.
	env.Fresh(t, s.rs)
	dir = t.TempDir()
	m = interruptUpload(t, s, dir, same)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	site := remote.Site{Protocol: remote.SFTP, Host: s.site.Host, Port: s.site.Port, User: s.site.User, Password: s.site.Password,
		Path: s.rs.RemoteRoot(s.site), Timeout: 10 * time.Second}
	sess := NewSession(dir, integrations.Builtin())
	defer sess.Close()
	_, err := sess.Connect(ctx, site, "")
	var re *remote.Error
	if errors.As(err, &re) && re.Kind == remote.KindUnknownKey {
		_, err = sess.Connect(ctx, site, re.Fingerprint)
	}
	must(t, err)
	if _, err := sess.PlanPackage(ctx, other, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := sess.Upload(ctx, nil); err == nil || !strings.Contains(err.Error(), PendingNotice(m)) {
		t.Fatalf("the wizard's upload of another package: %v", err)
	}
	if _, err := sess.PlanPackage(ctx, same, nil); err != nil {
		t.Fatal(err)
	}
	got, err := sess.Upload(ctx, nil)
	if err != nil || got.ID != m.ID {
		t.Fatalf("the wizard's upload of the same package: %v (manifest %v, want %s)", err, got, m.ID)
	}
	if st := manifestState(t, dir, m.ID); st != deploy.StateDone {
		t.Fatalf("the interrupted upload is %s", st)
	}
	if _, err := os.Stat(filepath.Join(s.rs.Root, "catalog/controller/extension/module/recoverytest3.php")); err != nil {
		t.Fatal(err)
	}
}
