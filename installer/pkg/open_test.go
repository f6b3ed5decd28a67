package pkg

import (
	"slices"
	"strings"
	"testing"
)

func TestOpenUploadPackage(t *testing.T) {
	p := mustOpen(t, "foo.ocmod.zip", pkg23()...)
	if p.RootKind != RootUpload || p.Root != "" || p.FilesRoot != "upload/" {
		t.Errorf("root = %v %q %q", p.RootKind, p.Root, p.FilesRoot)
	}
	if p.Layout != Layout23 {
		t.Errorf("layout = %v", p.Layout)
	}
	equal(t, "files", paths(p), []string{
		"admin/controller/extension/payment/foo.php",
		"admin/language/en-gb/extension/payment/foo.php",
		"admin/view/template/extension/payment/foo.twig",
		"catalog/controller/extension/payment/foo.php",
		"catalog/model/extension/payment/foo.php",
		"image/catalog/foo.png",
		"system/library/foo.php",
	})
	if !slices.Contains(p.Dirs, "admin/controller/extension/payment") || !slices.Contains(p.Dirs, "image") || slices.Contains(p.Dirs, "") {
		t.Errorf("dirs = %q", p.Dirs)
	}
	f, _ := p.File("admin/controller/extension/payment/foo.php")
	if f.Size != int64(len(phpBody)) || f.SHA256 != sum(phpBody) || f.Mode != 0o644 {
		t.Errorf("file = %d %x %v", f.Size, f.SHA256, f.Mode)
	}
	if got := readAll(t, f); got != phpBody {
		t.Errorf("content = %q", got)
	}
	if len(p.Ignored) != 1 || p.Ignored[0].Name != "README.txt" {
		t.Errorf("ignored = %+v", p.Ignored)
	}
	x := p.Install.XML
	if x == nil || x.Err != nil {
		t.Fatalf("install.xml = %+v", x)
	}
	if x.Name != "Foo Payment" || x.Code != "foo_payment" || x.Version != "1.2.0" || x.Author != "Foo Ltd" || x.Link != "https://foo.example" || x.VQmod {
		t.Errorf("install.xml = %+v", x)
	}
	equal(t, "modifies", x.Modifies, []string{"catalog/controller/checkout/cart.php", "catalog/view/theme/*/template/checkout/cart.twig"})
	if p.Install.SQL == nil || p.Install.PHP != nil || p.Install.JSON != nil {
		t.Errorf("install = %+v", p.Install)
	}
}

func TestOpenWrappedPackage(t *testing.T) {
	var ents []zent
	for _, e := range pkg23() {
		e.name = "foo-1.2.0/" + e.name
		ents = append(ents, e)
	}
	ents = append(ents, zent{name: "foo-1.2.0/"})
	p := mustOpen(t, "foo-1.2.0.zip", ents...)
	if p.RootKind != RootUpload || p.Root != "foo-1.2.0/" || p.FilesRoot != "foo-1.2.0/upload/" {
		t.Errorf("root = %v %q %q", p.RootKind, p.Root, p.FilesRoot)
	}
	if len(p.Files) != 7 || p.Files[0].Path != "admin/controller/extension/payment/foo.php" {
		t.Errorf("files = %q", paths(p))
	}
	if p.Install.XML == nil || p.Install.XML.Path != "foo-1.2.0/install.xml" || p.Install.SQL == nil {
		t.Errorf("install = %+v", p.Install)
	}
}

func TestOpen4xPackage(t *testing.T) {
	p := mustOpen(t, "foo.ocmod.zip", pkg4()...)
	if p.RootKind != RootManifest || p.FilesRoot != "" || p.Layout != Layout4 {
		t.Errorf("root = %v %q, layout %v", p.RootKind, p.FilesRoot, p.Layout)
	}
	if p.CodeFromName() != "foo" {
		t.Errorf("code = %q", p.CodeFromName())
	}
	// OpenCart 4 copies install.json too, so it is a file as well.
	if _, ok := p.File("install.json"); !ok {
		t.Error("install.json is not among the files")
	}
	j := p.Install.JSON
	if j == nil || j.Err != nil || j.Name != "Foo Payment" || j.Version != "1.0.0" || j.Author != "Foo Ltd" || j.Link != "https://foo.example" || j.Description != "Pays with Foo" {
		t.Errorf("install.json = %+v", j)
	}
	if len(p.Install.OCMOD) != 1 || p.Install.OCMOD[0].Code != "foo_payment" {
		t.Errorf("ocmod = %+v", p.Install.OCMOD)
	}
	f, _ := p.File("admin/controller/payment/foo.php")
	if f.Namespace != `Opencart\Admin\Controller\Extension\Foo\Payment` {
		t.Errorf("namespace = %q", f.Namespace)
	}
}

func TestOpenSkipsJunk(t *testing.T) {
	ents := append(pkg23(),
		file("__MACOSX/upload/admin/controller/extension/payment/._foo.php", "\x00\x05\x16\x07junk"),
		file("__MACOSX/._install.xml", "junk"),
		file("upload/.DS_Store", "junk"),
		file("upload/admin/Thumbs.db", "junk"),
		file("upload/catalog/DESKTOP.INI", "junk"),
		file("upload/system/._foo.php", "junk"),
	)
	p := mustOpen(t, "foo.ocmod.zip", ents...)
	if len(p.Files) != 7 {
		t.Errorf("files = %q", paths(p))
	}
	for _, f := range p.Files {
		if strings.Contains(f.Path, "MACOSX") || strings.Contains(f.Path, "DS_Store") || strings.Contains(f.Path, "._") {
			t.Errorf("junk kept: %s", f.Path)
		}
	}
	junk := 0
	for _, i := range p.Ignored {
		if strings.HasPrefix(i.Why, "system junk") {
			junk++
		}
	}
	if junk != 6 {
		t.Errorf("ignored = %+v", p.Ignored)
	}
	// Junk must not count as a case collision with real files either.
	p = mustOpen(t, "x.zip", file("upload/a/Thumbs.db", "1"), file("upload/a/thumbs.db", "2"), file("upload/a/b.php", "3"))
	equal(t, "files", paths(p), []string{"a/b.php"})
}

func TestOpenLayouts(t *testing.T) {
	cases := []struct {
		name string
		ents []zent
		want Layout
		kind RootKind
	}{
		{"legacy", pkgLegacy(), LayoutLegacy, RootUpload},
		{"mixed", pkgMixed(), LayoutMixed, RootUpload},
		{"2.3", pkg23(), Layout23, RootUpload},
		{"4.x", pkg4(), Layout4, RootManifest},
		{"store tree", []zent{file("admin/controller/extension/module/foo.php", phpBody), file("catalog/controller/extension/module/foo.php", phpBody)}, Layout23, RootStoreTree},
		{"4.x store tree", []zent{file("upload/extension/foo/admin/controller/payment/foo.php", ns4Admin)}, Layout4, RootUpload},
		{"4.x by namespace", []zent{file("admin/controller/payment/foo.php", ns4Admin)}, Layout4, RootStoreTree},
		{"library only", []zent{file("upload/system/library/foo.php", "<?php")}, LayoutUnknown, RootUpload},
		{"ocmod only", []zent{file("install.xml", ocmodXML)}, LayoutUnknown, RootNone},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := mustOpen(t, "foo.ocmod.zip", c.ents...)
			if p.Layout != c.want || p.RootKind != c.kind {
				t.Errorf("layout %v, root %v; want %v, %v", p.Layout, p.RootKind, c.want, c.kind)
			}
		})
	}
}

func TestOpenNoRoot(t *testing.T) {
	b := makeZip(t,
		file("OC2/upload/admin/controller/payment/foo.php", phpBody),
		file("OC3/upload/admin/controller/extension/payment/foo.php", phpBody),
		file("readme.txt", "pick one"),
	)
	p, err := openBytes(t, "bundle.zip", b, Limits{})
	if p != nil || ReasonOf(err) != ReasonNoFilesRoot {
		t.Fatalf("got %v, %v", p, err)
	}
	if !strings.Contains(err.Error(), "OC2/upload") || !strings.Contains(err.Error(), "OC3/upload") {
		t.Errorf("error does not point at the versions: %v", err)
	}
	if _, err := openBytes(t, "empty.zip", makeZip(t), Limits{}); ReasonOf(err) != ReasonNoFilesRoot {
		t.Errorf("empty zip: %v", err)
	}
}

func TestOpenVQmod(t *testing.T) {
	vq := `<modification><id>Foo</id><version>1</version><vqmver>2.4.0</vqmver><author>x</author>
<file name="catalog/controller/common/header.php"><operation><search position="before"><![CDATA[a]]></search><add><![CDATA[b]]></add></operation></file></modification>`
	p := mustOpen(t, "foo.zip", file("install.xml", vq), file("upload/vqmod/xml/foo.xml", vq), file("upload/catalog/controller/payment/foo.php", phpBody))
	x := p.Install.XML
	if x == nil || !x.VQmod || x.Name != "Foo" || len(x.Modifies) != 1 {
		t.Errorf("vqmod = %+v", x)
	}
}

func TestOpenLatin1OCMOD(t *testing.T) {
	xml := "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><modification><name>Caf\xe9</name><code>cafe</code></modification>"
	p := mustOpen(t, "x.zip", file("install.xml", xml), file("upload/system/library/x.php", "<?php"))
	if x := p.Install.XML; x.Err != nil || x.Name != "Café" {
		t.Errorf("latin-1 = %+v", x)
	}
}

func TestOpenBrokenInstallFiles(t *testing.T) {
	p := mustOpen(t, "x.ocmod.zip",
		file("install.xml", "<modification><name>x</name>"),
		file("install.json", "\ufeff{\"name\":\"x\"}"),
		file("admin/controller/payment/x.php", "<?php"))
	if p.Install.XML.Err == nil {
		t.Error("truncated XML accepted")
	}
	if p.Install.JSON.Err == nil {
		t.Error("install.json with a byte-order mark accepted (PHP's json_decode refuses it)")
	}
}
