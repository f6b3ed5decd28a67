package demo_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/ocsetup/ocsetup/installer/demo"
	"github.com/ocsetup/ocsetup/installer/demoprog"
	"github.com/ocsetup/ocsetup/installer/phpconf"
	"github.com/ocsetup/ocsetup/installer/pkg"
)

// TestSamplePackage: the package opens, maps onto every demo line without
// skipping a file, and its cron.php takes OneBox's settings.
func TestSamplePackage(t *testing.T) {
	path, err := demo.WriteSamplePackage(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	p, err := pkg.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	for _, line := range demoprog.Lines() {
		v, _ := demoprog.VersionOf(line)
		m, err := pkg.Map(p, pkg.Target{Version: v})
		if err != nil {
			t.Fatalf("%s: %v", line, err)
		}
		if len(m.Files) != 3 || len(m.Skipped) != 0 {
			t.Errorf("%s: %d files mapped, skipped %v", line, len(m.Files), m.Skipped)
		}
	}
	cron, err := os.ReadFile(filepath.Join(path, "upload", filepath.FromSlash(phpconf.OneBoxCronPath)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := phpconf.SetOneBoxCron(cron, "http://127.0.0.1:8080/", "abcdefghijklmnopqrstuvwxyz0123456789"); err != nil {
		t.Fatal(err)
	}
}
