package pkg

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

func TestOpenFolder(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"install.xml": ocmodXML,
		"upload/admin/controller/extension/payment/foo.php": phpBody,
		"upload/catalog/model/extension/payment/foo.php":    phpBody,
		"upload/.DS_Store": "junk",
		"docs/manual.txt":  "read me",
	})
	p, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if p.Kind != SourceDir || p.RootKind != RootUpload || p.Layout != Layout23 {
		t.Errorf("kind %v, root %v, layout %v", p.Kind, p.RootKind, p.Layout)
	}
	equal(t, "files", paths(p), []string{"admin/controller/extension/payment/foo.php", "catalog/model/extension/payment/foo.php"})
	if p.Install.XML == nil || p.Install.XML.Code != "foo_payment" {
		t.Errorf("install.xml = %+v", p.Install.XML)
	}
	if got := readAll(t, p.Files[0]); got != phpBody {
		t.Errorf("content %q", got)
	}

	// Changing a file after Open makes reading it fail.
	if err := os.WriteFile(filepath.Join(dir, "upload/catalog/model/extension/payment/foo.php"), []byte("<?php evil();"), 0o644); err != nil {
		t.Fatal(err)
	}
	rc, err := p.Files[1].Open()
	if err != nil {
		t.Fatal(err)
	}
	_, err = io.ReadAll(rc)
	rc.Close()
	if !errors.Is(err, ErrContentChanged) {
		t.Errorf("changed file read without error: %v", err)
	}
	if err := p.Close(); err != nil {
		t.Error(err)
	}
	if err := p.Close(); err != nil {
		t.Error("second Close:", err)
	}
}

func TestOpenFolderSymlink(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("symlinks need privileges on Windows")
	}
	for _, target := range []string{"/etc/passwd", "../../install.xml", "foo.php"} {
		dir := writeTree(t, map[string]string{"upload/admin/controller/extension/payment/foo.php": phpBody})
		link := filepath.Join(dir, "upload/admin/controller/extension/payment/link.php")
		if err := os.Symlink(target, link); err != nil {
			t.Fatal(err)
		}
		p, err := Open(dir)
		if p != nil || ReasonOf(err) != ReasonSymlink {
			t.Errorf("symlink to %s: got %v", target, err)
		}
	}
	// A linked folder is refused as well, and nothing below it is read.
	dir := writeTree(t, map[string]string{"upload/system/library/foo.php": "<?php"})
	if err := os.Symlink("/etc", filepath.Join(dir, "upload/system/etc")); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir); ReasonOf(err) != ReasonSymlink {
		t.Errorf("linked folder: got %v", err)
	}
}

func TestOpenFolderCaseCollision(t *testing.T) {
	dir := writeTree(t, map[string]string{"upload/system/library/foo.php": "a"})
	if err := os.WriteFile(filepath.Join(dir, "upload/system/library/Foo.php"), []byte("b"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "upload/system/library/FOO.PHP")); err == nil {
		t.Skip("the file system ignores case")
	}
	if _, err := Open(dir); ReasonOf(err) != ReasonCaseCollision {
		t.Errorf("got %v", err)
	}
}

func TestOpenFolderLimits(t *testing.T) {
	dir := writeTree(t, map[string]string{"upload/a.php": "12345", "upload/b.php": "12345", "upload/c.php": "12345"})
	if _, err := OpenWith(dir, Limits{MaxEntries: 3}); ReasonOf(err) != ReasonTooManyEntries {
		t.Errorf("entries: %v", err)
	}
	if _, err := OpenWith(dir, Limits{MaxTotalSize: 12}); ReasonOf(err) != ReasonTooLarge {
		t.Errorf("size: %v", err)
	}
}

func TestOpenZipFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "foo.ocmod.zip")
	if err := os.WriteFile(path, makeZip(t, pkg4()...), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if p.Name != "foo.ocmod.zip" || p.Kind != SourceZip || p.CodeFromName() != "foo" {
		t.Errorf("name %q kind %v", p.Name, p.Kind)
	}
	f, _ := p.File("catalog/controller/payment/foo.php")
	if readAll(t, f) != ns4Catalog {
		t.Error("content differs")
	}
	if _, err := Open(filepath.Join(t.TempDir(), "missing.zip")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
}

func TestZipChangedAfterOpen(t *testing.T) {
	b := makeZip(t, append(good(), zent{name: "upload/system/library/x.php", body: "<?php good();", store: true})...)
	p, err := openBytes(t, "x.zip", b, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	copy(b[bytes.Index(b, []byte("good")):], "evil")
	f, _ := p.File("system/library/x.php")
	rc, err := f.Open()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadAll(rc); err == nil {
		t.Error("changed zip read without error")
	}
}
