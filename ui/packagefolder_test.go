package ui

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/ocsetup/ocsetup/app"
	"github.com/ocsetup/ocsetup/installer/integrations"
)

// TestPackageChooserRemembersFolder: the package chooser opens in
// Downloads the first time; a package chosen there is remembered, and
// after a restart (a new window on the same preferences) the chooser opens
// in the folder of the last package, even when the field is empty.
func TestPackageChooserRemembersFolder(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	downloads := filepath.Join(home, "Downloads")
	must(t, os.Mkdir(downloads, 0o755))
	must(t, os.WriteFile(filepath.Join(downloads, "onebox.ocmod.zip"), []byte("PK"), 0o644))
	elsewhere := filepath.Join(home, "extensions")
	must(t, os.Mkdir(elsewhere, 0o755))
	must(t, os.WriteFile(filepath.Join(elsewhere, "amazon_ps.ocmod.zip"), []byte("PK"), 0o644))

	a := test.NewTempApp(t)
	first := NewMain(a, app.NewWizard(t.TempDir(), integrations.Builtin()))
	first.Window.Resize(fyne.NewSize(1024, 700))
	first.pkg.choose()
	if _, names := fileDialogNames(t, first.Window); !slices.Contains(names, "onebox.ocmod") {
		t.Fatalf("the first chooser did not open in Downloads: %q", names)
	}
	first.Window.Canvas().Overlays().Top().Hide()
	// A package from another folder (dropped here; choosing one in the
	// dialog takes the same path, setPath).
	first.pkg.setPath(filepath.Join(elsewhere, "amazon_ps.ocmod.zip"))
	first.Window.Close()

	again := NewMain(a, app.NewWizard(t.TempDir(), integrations.Builtin()))
	again.Window.Resize(fyne.NewSize(1024, 700))
	if again.pkg.path.Text != "" {
		t.Fatalf("the new window starts with path %q", again.pkg.path.Text)
	}
	again.pkg.choose()
	pickInFileDialog(t, again.Window, "amazon_ps.ocmod")
	if want := filepath.Join(elsewhere, "amazon_ps.ocmod.zip"); again.pkg.path.Text != want {
		t.Fatalf("chose %q, want %q", again.pkg.path.Text, want)
	}
	if got := a.Preferences().String(app.PackageFolderPref); got != elsewhere {
		t.Fatalf("remembered folder %q", got)
	}
}
