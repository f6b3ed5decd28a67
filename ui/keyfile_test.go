package ui

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/ocsetup/ocsetup/app"
	"github.com/ocsetup/ocsetup/installer/integrations"
)

// firstOf finds the first object of type T drawn in o.
func firstOf[T fyne.CanvasObject](o fyne.CanvasObject) (T, bool) {
	if t, ok := o.(T); ok {
		return t, true
	}
	var children []fyne.CanvasObject
	switch p := o.(type) {
	case *fyne.Container:
		children = p.Objects
	case fyne.Widget:
		children = test.WidgetRenderer(p).Objects()
	}
	for _, c := range children {
		if t, ok := firstOf[T](c); ok {
			return t, true
		}
	}
	var zero T
	return zero, false
}

// labelTexts are the texts of the labels drawn in o.
func labelTexts(o fyne.CanvasObject) []string {
	var out []string
	if l, ok := o.(*widget.Label); ok {
		out = append(out, l.Text)
	}
	switch p := o.(type) {
	case *fyne.Container:
		for _, c := range p.Objects {
			out = append(out, labelTexts(c)...)
		}
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(p).Objects() {
			out = append(out, labelTexts(c)...)
		}
	}
	return out
}

// fileDialogNames are the names the open file dialog on w lists (without
// extensions, as the dialog shows them), by the
// id of their item in its grid.
func fileDialogNames(t *testing.T, w fyne.Window) (*widget.GridWrap, []string) {
	t.Helper()
	top := w.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("no dialog is open")
	}
	grid, ok := firstOf[*widget.GridWrap](top)
	if !ok {
		t.Fatal("the dialog shows no file grid")
	}
	names := make([]string, grid.Length())
	for id := range names {
		item := grid.CreateItem()
		grid.UpdateItem(id, item)
		names[id] = strings.Join(labelTexts(item), " ")
	}
	return grid, names
}

// pickInFileDialog chooses the file called name in the open file dialog
// and presses Open.
func pickInFileDialog(t *testing.T, w fyne.Window, name string) {
	t.Helper()
	grid, names := fileDialogNames(t, w)
	id := slices.Index(names, name)
	if id < 0 {
		t.Fatalf("the dialog lists %q, not %s", names, name)
	}
	grid.Select(id)
	open := findButton(w.Canvas(), lang.L("Open"))
	if open == nil || open.Disabled() {
		t.Fatal("no Open button to press")
	}
	test.Tap(open)
}

// TestPrivateKeyFieldOpensFilePicker: the button beside the private key
// field opens a file picker in ~/.ssh; the chosen key fills the field,
// which stays editable; with FTP (no keys) both are off.
func TestPrivateKeyFieldOpensFilePicker(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	sshDir := filepath.Join(home, ".ssh")
	must(t, os.Mkdir(sshDir, 0o700))
	key := filepath.Join(sshDir, "id_ed25519")
	must(t, os.WriteFile(key, []byte("a private key\n"), 0o600))
	must(t, os.WriteFile(filepath.Join(home, "notes.txt"), nil, 0o600))

	a := test.NewTempApp(t)
	wiz := app.NewWizard(t.TempDir(), integrations.Builtin())
	defer wiz.Session.Close()
	m := NewMain(a, wiz)
	m.Window.Resize(fyne.NewSize(1024, 700))
	m.welcome.selectID("onebox")
	test.Tap(m.next)
	c := m.connect

	test.Tap(c.keyPick)
	if _, names := fileDialogNames(t, m.Window); slices.Contains(names, "notes") {
		t.Fatalf("the picker opened in the home folder (%q), not ~/.ssh", names)
	}
	pickInFileDialog(t, m.Window, "id_ed25519")
	if m.Window.Canvas().Overlays().Top() != nil {
		t.Fatal("the picker stayed open after Open")
	}
	if c.keyFile.Text != key {
		t.Fatalf("key field %q after choosing %s", c.keyFile.Text, key)
	}
	kb := keyboardOf(t, m.Window)
	m.Window.Canvas().Focus(c.keyFile)
	kb.press(fyne.KeyEnd)
	kb.typeText(".bak")
	if site, err := c.site(); err != nil || site.KeyFile != key+".bak" {
		t.Fatalf("the edited key field reads as %q (%v)", site.KeyFile, err)
	}

	// The picker opens where the typed key is.
	other := filepath.Join(home, "keys")
	must(t, os.Mkdir(other, 0o700))
	must(t, os.WriteFile(filepath.Join(other, "shop_key"), nil, 0o600))
	c.keyFile.SetText(filepath.Join(other, "missing"))
	test.Tap(c.keyPick)
	if _, names := fileDialogNames(t, m.Window); !slices.Contains(names, "shop_key") {
		t.Fatalf("the picker did not open in the typed key's folder: %q", names)
	}
	m.Window.Canvas().Overlays().Top().Hide()

	c.protocol.SetSelected(T("connect.protocol.ftp"))
	if !c.keyFile.Disabled() || !c.keyPick.Disabled() {
		t.Fatal("with FTP the key field or its picker is still on")
	}
}
