// Package testext is test-only code: a payment extension of our own,
// "ocsetup Test Pay" (code ocpay), packaged the way each OpenCart line
// expects, and an HTTP client that drives a real store's admin and its
// checkout API without any of ocsetup's installer code. The main binary
// never imports it. docs/testing.md describes the extension and the routes.
package testext

import (
	"embed"
	"path/filepath"
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

// sources are the templates every variant is built from (see variant.go).
//
//go:embed all:ext
var sources embed.FS

// Lines are the OpenCart lines the extension is written for.
var Lines = []string{"2.3", "3.0", "4.0", "4.1"}

// PackageName is the file name of the line's package: OpenCart's installers
// accept only names ending in .ocmod.zip, and 4.x takes the extension's
// folder name from it.
func PackageName(line string) string { return Code + ".ocmod.zip" }

// Package writes the line's package of ocpay (the Default variant) into a
// fresh temporary folder of the test and returns its path. 2.3 and 3.0: upload/ with the files at the
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

// WritePackage writes the line's package of ocpay to p.
func WritePackage(p, line string) error { return WriteVariantPackage(p, line, Default()) }

// Files returns ocpay's files for the line as they land in the store (see
// FilesOf).
func Files(line string) (map[string][]byte, error) { return FilesOf(line, Default()) }

// Source returns one file of ocpay's package for the line (e.g.
// install.xml).
func Source(line, name string) ([]byte, error) { return SourceOf(line, Default(), name) }
