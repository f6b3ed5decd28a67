package ui

import (
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
)

// chooseKey opens a file picker for the private key: in the folder of the
// key already typed, else in ~/.ssh, where ssh-keygen and most SSH tools
// keep keys (PuTTYgen users save theirs anywhere, so any file can be
// chosen), else in the home folder. The chosen path fills the field,
// which stays editable.
func (s *connectScreen) chooseKey() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		p := r.URI().Path()
		_ = r.Close()
		s.keyFile.SetText(p)
	}, s.win)
	if l, err := storage.ListerForURI(storage.NewFileURI(keyFolder(s.keyFile.Text))); err == nil {
		d.SetLocation(l)
	}
	size := s.win.Canvas().Size()
	d.Resize(fyne.NewSize(size.Width*0.85, size.Height*0.85))
	d.Show()
}

// keyFolder is where the key picker opens (see chooseKey).
func keyFolder(typed string) string {
	home, _ := os.UserHomeDir()
	candidates := []string{filepath.Join(home, ".ssh"), home}
	if typed = strings.TrimSpace(typed); typed != "" {
		candidates = append([]string{filepath.Dir(typed)}, candidates...)
	}
	for _, dir := range candidates {
		if fi, err := os.Stat(dir); err == nil && fi.IsDir() {
			return dir
		}
	}
	return home
}
