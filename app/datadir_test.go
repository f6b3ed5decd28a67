package app_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ocsetup/ocsetup/app"
)

// TestDataDirMadePrivate: a data folder that already exists with loose
// permissions is made 0700 at start; one owned by another user is warned
// about.
func TestDataDirMadePrivate(t *testing.T) {
	d := filepath.Join(t.TempDir(), "data")
	if err := os.Mkdir(d, 0o777); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(d, 0o777); err != nil {
		t.Fatal(err)
	}
	getenv := func(k string) string {
		if k == app.DataDirVar {
			return d
		}
		return ""
	}
	if _, err := app.DataDir(getenv); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(d); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("data folder mode %v (%v), want 0700", fi.Mode().Perm(), err)
	}
	if w := app.DataDirWarning(getenv); !w.IsZero() {
		t.Errorf("a warning for our own folder: %s", w)
	}
	if os.Getuid() != 0 {
		t.Log("not root: the other-owner case needs chown")
		return
	}
	if err := os.Chown(d, 65534, 65534); err != nil {
		t.Fatal(err)
	}
	if w := app.DataDirWarning(getenv).English(); !strings.Contains(w, d) || !strings.Contains(w, "another user") {
		t.Errorf("warning = %q; want one naming %s and the other owner", w, d)
	}
}
