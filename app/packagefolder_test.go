package app

import (
	"os"
	"path/filepath"
	"testing"
)

func TestPackageFolder(t *testing.T) {
	home := t.TempDir()
	if got := PackageFolder("", home); got != home {
		t.Errorf("no Downloads: %q", got)
	}
	dl := filepath.Join(home, "Downloads")
	if err := os.Mkdir(dl, 0o755); err != nil {
		t.Fatal(err)
	}
	if got := PackageFolder("", home); got != dl {
		t.Errorf("first time: %q, want Downloads", got)
	}
	last := t.TempDir()
	if got := PackageFolder(last, home); got != last {
		t.Errorf("last used: %q", got)
	}
	if got := PackageFolder(filepath.Join(last, "gone"), home); got != dl {
		t.Errorf("last folder removed: %q", got)
	}
}

func TestDroppedPackage(t *testing.T) {
	dir := t.TempDir()
	zip := filepath.Join(dir, "amazon_ps.OCMOD.zip")
	txt := filepath.Join(dir, "readme.txt")
	for _, p := range []string{zip, txt} {
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if got := DroppedPackage([]string{txt, filepath.Join(dir, "missing.zip"), zip}); got != zip {
		t.Errorf("dropped: %q", got)
	}
	if got := DroppedPackage([]string{txt}); got != "" {
		t.Errorf("a text file taken: %q", got)
	}
	if got := DroppedPackage([]string{dir}); got != dir {
		t.Errorf("a folder: %q", got)
	}
}
