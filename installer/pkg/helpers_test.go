package pkg

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"hash/crc32"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// zent is one entry of a test zip.
type zent struct {
	name  string
	body  string
	mode  fs.FileMode // 0: a regular 0644 file, or a folder when name ends in "/"
	store bool        // store instead of deflate
	raw   *zip.FileHeader
	flags uint16
}

func file(name, body string) zent { return zent{name: name, body: body} }

// makeZip builds a zip in memory with archive/zip's writer.
func makeZip(t testing.TB, ents ...zent) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for _, e := range ents {
		if e.raw != nil {
			fw, err := w.CreateRaw(e.raw)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := fw.Write([]byte(e.body)); err != nil {
				t.Fatal(err)
			}
			continue
		}
		fh := &zip.FileHeader{Name: e.name, Method: zip.Deflate, Flags: e.flags}
		switch {
		case strings.HasSuffix(e.name, "/"):
			fh.Method = zip.Store
			fh.SetMode(fs.ModeDir | 0o755)
		case e.mode != 0:
			fh.SetMode(e.mode)
		default:
			fh.SetMode(0o644)
		}
		if e.store {
			fh.Method = zip.Store
		}
		fw, err := w.CreateHeader(fh)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fw.Write([]byte(e.body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// rawStored is a header for CreateRaw that stores body as is.
func rawStored(name, body string, method uint16) *zip.FileHeader {
	return &zip.FileHeader{
		Name: name, Method: method,
		CRC32:            crc32.ChecksumIEEE([]byte(body)),
		CompressedSize64: uint64(len(body)), UncompressedSize64: uint64(len(body)),
	}
}

func openBytes(t testing.TB, name string, b []byte, lim Limits) (*Package, error) {
	t.Helper()
	p, err := OpenZip(bytes.NewReader(b), int64(len(b)), name, lim)
	if err == nil {
		t.Cleanup(func() { p.Close() })
	}
	return p, err
}

func mustOpen(t testing.TB, name string, ents ...zent) *Package {
	t.Helper()
	p, err := openBytes(t, name, makeZip(t, ents...), Limits{})
	if err != nil {
		t.Fatalf("open %s: %v", name, err)
	}
	return p
}

// writeTree writes files (name → body) under a new temporary folder.
func writeTree(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func paths(p *Package) []string {
	var out []string
	for _, f := range p.Files {
		out = append(out, f.Path)
	}
	return out
}

func readAll(t testing.TB, f File) string {
	t.Helper()
	rc, err := f.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatalf("read %s: %v", f.Path, err)
	}
	return string(b)
}

func sum(s string) [32]byte { return sha256.Sum256([]byte(s)) }

func equal(t testing.TB, what string, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s:\n got %q\nwant %q", what, got, want)
	}
}

// Package fixtures, modelled on real packages (docs/integrations.md).

const (
	phpBody  = "<?php\nclass ControllerExtensionPaymentFoo extends Controller {}\n"
	ocmodXML = `<?xml version="1.0" encoding="utf-8"?>
<modification>
  <name>Foo Payment</name>
  <code>foo_payment</code>
  <version>1.2.0</version>
  <author>Foo Ltd</author>
  <link>https://foo.example</link>
  <file path="catalog/controller/checkout/cart.php|catalog/view/theme/*/template/checkout/cart.twig">
    <operation><search><![CDATA[x]]></search><add position="after"><![CDATA[y]]></add></operation>
  </file>
</modification>`
	installSQL = "-- Foo tables\n" +
		"CREATE TABLE IF NOT EXISTS `oc_foo_order` (\n  `id` int(11) NOT NULL,\n  PRIMARY KEY (`id`)\n) ENGINE=InnoDB;\n" +
		"INSERT INTO `oc_setting` (`code`, `key`, `value`) VALUES ('foo', 'foo_note', 'a;b');\n" +
		"DROP TABLE IF EXISTS oc_foo_old;\n"
	manifestJSON = `{"name": "Foo Payment", "version": "1.0.0", "author": "Foo Ltd", "link": "https://foo.example", "description": "Pays with Foo"}`
	ns4Admin     = "<?php\nnamespace Opencart\\Admin\\Controller\\Extension\\Foo\\Payment;\nclass Foo extends \\Opencart\\System\\Engine\\Controller {}\n"
	ns4Catalog   = "<?php\nnamespace Opencart\\Catalog\\Controller\\Extension\\Foo\\Payment;\nclass Foo extends \\Opencart\\System\\Engine\\Controller {}\n"
)

// pkg23 is a 2.3/3.x package: upload/ plus install.xml and install.sql.
func pkg23() []zent {
	return []zent{
		file("install.xml", ocmodXML),
		file("install.sql", installSQL),
		file("README.txt", "Upload the contents of upload/."),
		{name: "upload/"},
		file("upload/admin/controller/extension/payment/foo.php", phpBody),
		file("upload/admin/language/en-gb/extension/payment/foo.php", "<?php $_['heading_title'] = 'Foo';"),
		file("upload/admin/view/template/extension/payment/foo.twig", "{{ header }}"),
		file("upload/catalog/controller/extension/payment/foo.php", phpBody),
		file("upload/catalog/model/extension/payment/foo.php", phpBody),
		file("upload/system/library/foo.php", "<?php class Foo {}"),
		{name: "upload/image/catalog/foo.png", body: "\x89PNG fake", store: true},
	}
}

// pkgLegacy is a 2.0–2.2 package.
func pkgLegacy() []zent {
	return []zent{
		file("upload/admin/controller/payment/foo.php", phpBody),
		file("upload/admin/language/english/payment/foo.php", "<?php $_['heading_title'] = 'Foo';"),
		file("upload/admin/view/template/payment/foo.tpl", "<?php echo $header; ?>"),
		file("upload/catalog/controller/payment/foo.php", phpBody),
		file("upload/catalog/model/payment/foo.php", phpBody),
	}
}

// pkgMixed is pkgLegacy plus 2.3 stubs, like the legacy payfort_fort
// package for OC 2.0–2.3 (docs/integrations.md §1.1).
func pkgMixed() []zent {
	return append(pkgLegacy(),
		file("upload/admin/controller/extension/payment/foo.php", "<?php require_once DIR_APPLICATION . 'controller/payment/foo.php';"),
		file("upload/catalog/controller/extension/payment/foo.php", phpBody),
	)
}

// pkg4 is an OpenCart 4 package, to be opened as foo.ocmod.zip.
func pkg4() []zent {
	return []zent{
		file("install.json", manifestJSON),
		file("admin/controller/payment/foo.php", ns4Admin),
		file("admin/language/en-gb/payment/foo.php", "<?php $_['heading_title'] = 'Foo';"),
		file("admin/view/template/payment/foo.twig", "{{ header }}"),
		file("catalog/controller/payment/foo.php", ns4Catalog),
		{name: "image/catalog/foo/logo.png", body: "\x89PNG fake", store: true},
		file("system/storage/vendor/foo/sdk/Client.php", "<?php namespace Foo\\Sdk; class Client {}"),
		file("ocmod/foo_cart.ocmod.xml", ocmodXML),
	}
}
