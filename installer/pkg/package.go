package pkg

import (
	"io"
	"strings"
)

// Package is a checked extension package. Its files stay readable through
// File.Open until Close.
type Package struct {
	// Name is the base name of the zip or folder, e.g. "myext.ocmod.zip".
	Name string
	Kind SourceKind
	// Root is where install.* are looked for, relative to the archive: ""
	// or the folder that wraps everything, e.g. "myext-1.2/".
	Root string
	// FilesRoot is the archive prefix of Files: "upload/",
	// "myext-1.2/upload/", "" for a 4.x package or store tree.
	FilesRoot string
	RootKind  RootKind
	Layout    Layout
	// Files are sorted by Path.
	Files []File
	// Dirs are the folders under FilesRoot (listed or implied by Files),
	// sorted, without a trailing slash.
	Dirs []string
	// Ignored lists entries left out: system junk and files outside the
	// files root (readme files, documentation, other versions).
	Ignored []Ignored
	Install Install

	closer io.Closer
}

// Ignored is an entry that is not part of the package's files.
type Ignored struct {
	Name string // as stored in the archive
	Why  string
}

// Close releases the zip file or folder. It is safe to call twice.
func (p *Package) Close() error {
	c := p.closer
	p.closer = nil
	if c == nil {
		return nil
	}
	return c.Close()
}

// File returns the file at path (relative to the files root).
func (p *Package) File(path string) (File, bool) {
	for _, f := range p.Files {
		if f.Path == path {
			return f, true
		}
	}
	return File{}, false
}

// CodeFromName returns the extension code OpenCart 4 derives from the
// upload's file name: the name minus ".ocmod.zip"
// (oc@4.0.2.3:upload/admin/controller/marketplace/installer.php,
// basename($filename, '.ocmod.zip')), or "" for other names.
func (p *Package) CodeFromName() string {
	if code, ok := strings.CutSuffix(p.Name, ".ocmod.zip"); ok {
		return code
	}
	return ""
}
