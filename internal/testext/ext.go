// Package testext is test-only code: a payment extension of our own,
// "ocsetup Test Pay" (code ocpay), packaged the way each OpenCart line
// expects, and an HTTP client that drives a real store's admin and its
// checkout API without any of ocsetup's installer code. The main binary
// never imports it. docs/testing.md describes the extension and the routes.
package testext

import (
	"archive/zip"
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
)

// Code is the extension's code; Title is how the store lists it.
const (
	Code  = "ocpay"
	Title = "ocsetup Test Pay"
	// TermsError is the text of the error block the settings page always
	// carries, hidden with display:none, as some real modules do.
	TermsError = "You have to set at least one value for Payment Terms!"
)

//go:embed all:ext
var sources embed.FS

// Lines are the OpenCart lines the extension is written for.
var Lines = []string{"2.3", "3.0", "4.0", "4.1"}

// PackageName is the file name of the line's package: OpenCart's installers
// accept only names ending in .ocmod.zip, and 4.x takes the extension's
// folder name from it.
func PackageName(line string) string { return Code + ".ocmod.zip" }

// Package writes the line's package into a fresh temporary folder of the
// test and returns its path. 2.3 and 3.0: upload/ with the files at the
// line's paths, install.xml (an OCMOD modification) and __MACOSX junk, as
// packages zipped on a Mac carry. 4.x: install.json, admin/ and catalog/
// at the zip's root.
func Package(t testing.TB, line string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), PackageName(line))
	if err := WritePackage(p, line); err != nil {
		t.Fatalf("testext: %v", err)
	}
	return p
}

// WritePackage writes the line's package to p.
func WritePackage(p, line string) error {
	root := "ext/" + line
	if _, err := fs.Stat(sources, root); err != nil {
		return fmt.Errorf("no ocpay sources for OpenCart %s", line)
	}
	f, err := os.Create(p)
	if err != nil {
		return err
	}
	zw := zip.NewWriter(f)
	err = fs.WalkDir(sources, root, func(name string, d fs.DirEntry, err error) error {
		if err != nil || name == root {
			return err
		}
		rel := strings.TrimPrefix(name, root+"/")
		if d.IsDir() {
			_, err := zw.Create(rel + "/")
			return err
		}
		b, err := sources.ReadFile(name)
		if err != nil {
			return err
		}
		w, err := zw.Create(rel)
		if err != nil {
			return err
		}
		_, err = w.Write(b)
		return err
	})
	if err == nil && (line == "2.3" || line == "3.0") {
		// Finder's resource forks: junk a real installer must ignore.
		for _, junk := range []string{"__MACOSX/", "__MACOSX/upload/", "__MACOSX/upload/._index.php", "__MACOSX/._install.xml"} {
			w, cerr := zw.Create(junk)
			if cerr != nil {
				err = cerr
				break
			}
			if !strings.HasSuffix(junk, "/") {
				_, _ = w.Write([]byte{0, 5, 22, 7, 0, 2, 0, 0})
			}
		}
	}
	if cerr := zw.Close(); err == nil {
		err = cerr
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// Files returns the extension's files for the line as they land in the
// store, relative to the store's root (4.x: under extension/ocpay/), with
// their contents. install.xml and install.json are not among them.
func Files(line string) (map[string][]byte, error) {
	root := "ext/" + line
	out := map[string][]byte{}
	err := fs.WalkDir(sources, root, func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel := strings.TrimPrefix(name, root+"/")
		switch {
		case strings.HasPrefix(rel, "upload/"):
			rel = strings.TrimPrefix(rel, "upload/")
		case strings.HasPrefix(rel, "admin/"), strings.HasPrefix(rel, "catalog/"):
			rel = path.Join("extension", Code, rel)
		default:
			return nil
		}
		b, err := sources.ReadFile(name)
		out[rel] = b
		return err
	})
	return out, err
}

// Source returns one embedded file of the line's package (e.g. install.xml).
func Source(line, name string) ([]byte, error) {
	return sources.ReadFile("ext/" + line + "/" + name)
}
