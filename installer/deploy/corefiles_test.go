package deploy_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/ocsetup/ocsetup/installer/deploy"
	"github.com/ocsetup/ocsetup/installer/pkg"
	"github.com/ocsetup/ocsetup/internal/fixture"
)

// TestCoreFilesNeedConsent: a package that would replace the store's
// configuration, its entry points or server rules (.htaccess, .user.ini,
// php.ini at any depth, in any letter case) is named in the plan's
// warnings and refused by Upload unless AllowCoreFiles is set; a refusal
// changes nothing on the store. The rules are the subject, not the
// channel: the store is in an in-memory account (memEngine).
func TestCoreFilesNeedConsent(t *testing.T) {
	srv, st := fixture.InMemory(t, fixture.Options{Version: "3.0.3.8"})
	core := []string{"CONFIG.PHP", "admin/Config.php", "index.php", "admin/INDEX.php", "admin/.htaccess",
		"system/.htaccess", "image/.user.ini", "catalog/view/PHP.INI", ".HTACCESS"}
	extra := map[string]string{}
	for _, p := range core {
		extra[p] = "# replaced by a hostile package\n"
	}
	dir, _ := genPackage(t, genSpec{version: st.Version, files: 5, seed: 16, extra: extra})
	p := openPkg(t, dir)
	ctx := context.Background()
	e := memEngine(t, srv, st, t.TempDir())
	before := srv.Tree(st.Remote)
	pl, err := e.Plan(ctx, p, deploy.PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var warned []string
	for _, w := range pl.Warnings {
		if w.Code == pkg.WarnCoreFile {
			warned = append(warned, w.Paths...)
		}
	}
	for _, c := range core {
		if !slices.Contains(warned, c) {
			t.Errorf("no core-file warning for %s (warned: %v)", c, warned)
		}
	}
	m, err := e.Upload(ctx, pl, p)
	var ce *deploy.CoreFilesError
	if !errors.As(err, &ce) || m != nil {
		t.Fatalf("upload without consent: manifest %v, err %v; want a CoreFilesError", m, err)
	}
	if !strings.Contains(err.Error(), "--allow-core-files") || !strings.Contains(err.Error(), "admin/.htaccess") {
		t.Errorf("the refusal does not name the files and the way to consent: %v", err)
	}
	sameTree(t, before, srv.Tree(st.Remote))

	e.AllowCoreFiles = true
	if _, err := e.Upload(ctx, pl, p); err != nil {
		t.Fatalf("upload with consent: %v", err)
	}
	for _, c := range []string{"admin/.htaccess", "CONFIG.PHP"} {
		if b, err := srv.ReadFile(st.Remote + "/" + c); err != nil || string(b) != extra[c] {
			t.Errorf("%s after the upload with consent: %q, %v", c, b, err)
		}
	}
}
