package ui

import (
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"

	"github.com/ocsetup/ocsetup/app"
	"github.com/ocsetup/ocsetup/installer/integrations"
)

// TestDropPackageOnWindow: a package dropped on the window fills the
// Package step's path and its folder is remembered for the chooser; other
// files are ignored.
func TestDropPackageOnWindow(t *testing.T) {
	a := test.NewTempApp(t)
	wiz := app.NewWizard(t.TempDir(), integrations.Builtin())
	m := NewMain(a, wiz)
	dir := t.TempDir()
	zip, txt := filepath.Join(dir, "amazon_ps.ocmod.zip"), filepath.Join(dir, "notes.txt")
	must(t, os.WriteFile(zip, []byte("PK"), 0o644))
	must(t, os.WriteFile(txt, []byte("x"), 0o644))
	m.dropped(fyne.NewPos(10, 10), []fyne.URI{storage.NewFileURI(txt)})
	if m.pkg.path.Text != "" {
		t.Fatalf("a text file taken: %q", m.pkg.path.Text)
	}
	m.dropped(fyne.NewPos(10, 10), []fyne.URI{storage.NewFileURI(txt), storage.NewFileURI(zip)})
	if m.pkg.path.Text != zip {
		t.Fatalf("path %q after the drop", m.pkg.path.Text)
	}
	if got := a.Preferences().String(app.PackageFolderPref); got != dir {
		t.Fatalf("remembered folder %q", got)
	}
}
