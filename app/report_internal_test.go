package app

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ocsetup/ocsetup/installer/check"
)

// TestReportDoesNotFollowSymlinks: another user who can write the report's
// folder plants symlinks at the report's name and at the temporary name
// the old code used; the victim files they point to stay untouched.
func TestReportDoesNotFollowSymlinks(t *testing.T) {
	dir := t.TempDir()
	victim := filepath.Join(dir, "victim")
	if err := os.WriteFile(victim, []byte("precious"), 0o600); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "report.md")
	for _, link := range []string{p + ".tmp", p} {
		if err := os.Symlink(victim, link); err != nil {
			t.Fatal(err)
		}
	}
	rep := check.Report{Integration: "Test", Generated: time.Now()}
	if err := writeReport(p, rep); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(victim); string(b) != "precious" {
		t.Errorf("the victim file was overwritten through a symlink: %q", b)
	}
	fi, err := os.Lstat(p)
	if err != nil || fi.Mode()&os.ModeSymlink != 0 || fi.Mode().Perm() != 0o600 {
		t.Errorf("report: %v, %v; want a regular 0600 file", fi.Mode(), err)
	}
	left, _ := filepath.Glob(filepath.Join(dir, ".report.md.*"))
	if len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
}
