package pkg

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// SourceKind says what a Package was read from.
type SourceKind int

// Source kinds.
const (
	SourceZip SourceKind = iota // a .zip or .ocmod.zip
	SourceDir                   // an unpacked folder
)

func (k SourceKind) String() string {
	if k == SourceDir {
		return "folder"
	}
	return "zip"
}

// Open reads the package at path, a zip file (.ocmod.zip or any other
// .zip) or a folder, with the default Limits. The Package must be closed.
func Open(path string) (*Package, error) {
	return OpenWith(path, Limits{})
}

// OpenWith is Open with explicit limits.
func OpenWith(path string, lim Limits) (*Package, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	name := filepath.Base(path)
	if st.IsDir() {
		return openDir(path, name, lim.withDefaults())
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is neither a file nor a folder", path)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	// Stat the open file, not the path, so the size belongs to what we read.
	st, err = f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	p, err := openZip(f, st.Size(), name, lim.withDefaults(), f)
	if err != nil {
		f.Close()
		return nil, err
	}
	return p, nil
}

// OpenZip reads a zip held in r (for example in memory). name is the file
// name the zip came with; a name ending in ".ocmod.zip" supplies the
// OpenCart 4 extension code. r must stay readable until the Package is no
// longer used; Close does not close it.
func OpenZip(r io.ReaderAt, size int64, name string, lim Limits) (*Package, error) {
	return openZip(r, size, name, lim.withDefaults(), nil)
}
