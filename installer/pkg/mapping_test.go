package pkg

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

var allLines = []string{"1.5.6.4", "2.0.3.1", "2.1.0.2", "2.2.0.0", "2.3.0.2", "3.0.3.8", "3.0.4.1", "4.0.2.3", "4.1.0.4"}

func codes(m *Mapping) []WarningCode {
	var out []WarningCode
	for _, w := range m.Warnings {
		out = append(out, w.Code)
	}
	slices.Sort(out)
	return out
}

func warning(m *Mapping, c WarningCode) (Warning, bool) {
	for _, w := range m.Warnings {
		if w.Code == c {
			return w, true
		}
	}
	return Warning{}, false
}

func to(m *Mapping, pkgPath string) string {
	for _, f := range m.Files {
		if f.File.Path == pkgPath {
			return f.To
		}
	}
	return ""
}

func mustMap(t *testing.T, p *Package, version, admin string) *Mapping {
	t.Helper()
	m, err := Map(p, Target{Version: version, AdminDir: admin})
	if err != nil {
		t.Fatalf("Map %s: %v", version, err)
	}
	for _, w := range m.Warnings {
		if w.Message == "" {
			t.Errorf("%s: warning %s has no message", version, w.Code)
		}
	}
	return m
}

func TestMap23PackageOnEveryLine(t *testing.T) {
	p := mustOpen(t, "foo.ocmod.zip", pkg23()...)
	want := map[string][]WarningCode{
		"1.5.6.4": {WarnHiddenPage, WarnLanguageFolder, WarnNewLayout},
		"2.0.3.1": {WarnHiddenPage, WarnLanguageFolder, WarnNewLayout},
		"2.1.0.2": {WarnLanguageFolder, WarnNewLayout},
		"2.2.0.0": {WarnNewLayout},
		"2.3.0.2": nil,
		"3.0.3.8": nil,
		"3.0.4.1": nil,
		"4.0.2.3": {WarnNotFor4},
		"4.1.0.4": {WarnNotFor4},
	}
	for _, v := range allLines {
		t.Run(v, func(t *testing.T) {
			m := mustMap(t, p, v, "")
			if got := codes(m); !slices.Equal(got, want[v]) {
				t.Errorf("warnings %v, want %v", got, want[v])
				for _, w := range m.Warnings {
					t.Log(w.Message)
				}
			}
			// Store-relative on every line, even 4.x: the package has no
			// install.json, so it is not an extension folder.
			if got := to(m, "admin/controller/extension/payment/foo.php"); got != "admin/controller/extension/payment/foo.php" {
				t.Errorf("admin file to %q", got)
			}
			if got := to(m, "image/catalog/foo.png"); got != "image/catalog/foo.png" {
				t.Errorf("image to %q", got)
			}
			if len(m.Files) != len(p.Files) || m.Code != "" {
				t.Errorf("%d of %d files mapped, code %q", len(m.Files), len(p.Files), m.Code)
			}
		})
	}
}

func TestMapRenamedAdmin(t *testing.T) {
	p := mustOpen(t, "foo.ocmod.zip", pkg23()...)
	m := mustMap(t, p, "3.0.3.8", "admin_8f3k")
	if got := to(m, "admin/view/template/extension/payment/foo.twig"); got != "admin_8f3k/view/template/extension/payment/foo.twig" {
		t.Errorf("to %q", got)
	}
	if got := to(m, "catalog/model/extension/payment/foo.php"); got != "catalog/model/extension/payment/foo.php" {
		t.Errorf("catalog to %q", got)
	}
	if !slices.Contains(m.Dirs, "admin_8f3k/controller/extension/payment") || slices.Contains(m.Dirs, "admin") {
		t.Errorf("dirs %q", m.Dirs)
	}
	// Parents come before children.
	for i, d := range m.Dirs {
		if pd := parentDir(d); pd != "" && !slices.Contains(m.Dirs[:i], pd) {
			t.Errorf("%s listed before its parent", d)
		}
	}
	for _, bad := range []string{"a/b", "..", `a\b`, "C:"} {
		if _, err := Map(p, Target{Version: "3.0.3.8", AdminDir: bad}); err == nil {
			t.Errorf("admin folder %q accepted", bad)
		}
	}
	if _, err := Map(p, Target{Version: "three"}); err == nil {
		t.Error("bad version accepted")
	}
}

// The 2.0 trap: a package with 2.3 stubs in admin/controller/extension/payment/
// hides Extensions > Payments on 2.0 (and 1.5), but not on 2.1+.
func TestMapFolderTrap(t *testing.T) {
	p := mustOpen(t, "payfort_fort.zip", pkgMixed()...)
	for _, v := range allLines {
		m := mustMap(t, p, v, "admin")
		w, trapped := warning(m, WarnHiddenPage)
		wantTrap := v == "1.5.6.4" || v == "2.0.3.1"
		if trapped != wantTrap {
			t.Errorf("%s: trap warning %v, want %v", v, trapped, wantTrap)
			continue
		}
		if !trapped {
			continue
		}
		equal(t, v+" trap paths", w.Paths, []string{"admin/controller/extension/payment/foo.php"})
		for _, s := range []string{"Extensions > Payments", "Page Not Found", "admin/controller/payment/", "upload everything except admin/controller/extension/payment/", "back it up", "delete admin/controller/extension/payment/"} {
			if !strings.Contains(w.Message, s) {
				t.Errorf("%s: trap message lacks %q: %s", v, s, w.Message)
			}
		}
	}
	// The fix names the renamed admin folder.
	m := mustMap(t, p, "2.0.3.1", "myadmin")
	if w, _ := warning(m, WarnHiddenPage); !strings.Contains(w.Message, "delete myadmin/controller/extension/payment/") || w.Paths[0] != "myadmin/controller/extension/payment/foo.php" {
		t.Errorf("renamed admin: %+v", w)
	}
	// Mixed packages carry files for both layouts: no layout warning up to 3.x,
	// but 3.x's installer refuses the legacy folders (admin/language/ is allowed).
	m = mustMap(t, p, "3.0.3.8", "")
	w, ok := warning(m, WarnNotAllowed3)
	if !ok || len(w.Paths) != 4 || !strings.Contains(w.Message, "admin/controller/payment") {
		t.Errorf("3.0 not-allowed: %+v", w)
	}
	// fraud.php only exists from 2.0.3.0 on, so an extension/fraud/ folder
	// hides nothing on 2.0.1.0.
	pf := mustOpen(t, "f.zip", file("upload/admin/controller/extension/fraud/foo.php", phpBody))
	if _, ok := warning(mustMap(t, pf, "2.0.1.0", ""), WarnHiddenPage); ok {
		t.Error("fraud trap on 2.0.1.0")
	}
	if w, ok := warning(mustMap(t, pf, "2.0.3.1", ""), WarnHiddenPage); !ok || !strings.Contains(w.Message, "Extensions > Anti-Fraud") ||
		!strings.Contains(w.Message, "the vendor's package for OpenCart 2.0 (files in admin/controller/fraud/)") {
		t.Errorf("fraud trap on 2.0.3.1: %+v", w)
	}
	// 1.5 names its own line in the fix, and an empty folder is enough.
	pm := mustOpen(t, "m.zip", zent{name: "upload/admin/controller/extension/module/"}, file("upload/catalog/controller/module/foo.php", phpBody))
	if w, ok := warning(mustMap(t, pm, "1.5.6.4", ""), WarnHiddenPage); !ok || !strings.Contains(w.Message, "OpenCart 1.5 (files in admin/controller/module/)") ||
		!slices.Equal(w.Paths, []string{"admin/controller/extension/module"}) {
		t.Errorf("1.5 module trap: %+v", w)
	}
}

func TestMapLegacyPackage(t *testing.T) {
	p := mustOpen(t, "foo.zip", pkgLegacy()...)
	want := map[string][]WarningCode{
		"1.5.6.4": nil,
		"2.0.3.1": nil,
		"2.1.0.2": nil,
		"2.2.0.0": {WarnLanguageFolder},
		"2.3.0.2": {WarnLanguageFolder, WarnOldLayout},
		"3.0.3.8": {WarnLanguageFolder, WarnNotAllowed3, WarnOldLayout},
		"3.0.4.1": {WarnLanguageFolder, WarnNotAllowed3, WarnOldLayout},
		"4.0.2.3": {WarnLanguageFolder, WarnNotFor4},
		"4.1.0.4": {WarnLanguageFolder, WarnNotFor4},
	}
	for _, v := range allLines {
		m := mustMap(t, p, v, "")
		if got := codes(m); !slices.Equal(got, want[v]) {
			t.Errorf("%s: warnings %v, want %v", v, got, want[v])
		}
	}
	m := mustMap(t, p, "2.3.0.2", "")
	if w, _ := warning(m, WarnOldLayout); !strings.Contains(w.Message, "#4957") {
		t.Errorf("2.3 old-layout message: %s", w.Message)
	}
}

func Test4xPackageOnEveryLine(t *testing.T) {
	p := mustOpen(t, "foo.ocmod.zip", pkg4()...)
	for _, v := range allLines {
		t.Run(v, func(t *testing.T) {
			m := mustMap(t, p, v, "secret_admin")
			l, _ := ParseLine(v)
			if !l.AtLeast(4, 0) {
				// Not a 4.x store: mapped as a plain tree, with a warning.
				if _, ok := warning(m, WarnNeeds4); !ok {
					t.Errorf("warnings %v lack %s", codes(m), WarnNeeds4)
				}
				if got := to(m, "admin/controller/payment/foo.php"); got != "secret_admin/controller/payment/foo.php" {
					t.Errorf("to %q", got)
				}
				return
			}
			if m.Code != "foo" {
				t.Errorf("code %q", m.Code)
			}
			// The store's admin folder is renamed, but extension/<code>/admin/ is not.
			checks := map[string]string{
				"admin/controller/payment/foo.php":         "extension/foo/admin/controller/payment/foo.php",
				"catalog/controller/payment/foo.php":       "extension/foo/catalog/controller/payment/foo.php",
				"install.json":                             "extension/foo/install.json",
				"image/catalog/foo/logo.png":               "image/catalog/foo/logo.png",
				"system/storage/vendor/foo/sdk/Client.php": "system/storage/vendor/foo/sdk/Client.php",
			}
			for from, want := range checks {
				if got := to(m, from); got != want {
					t.Errorf("%s to %q, want %q", from, got, want)
				}
			}
			wantCodes := []WarningCode{WarnStorage}
			ocmodTo := to(m, "ocmod/foo_cart.ocmod.xml")
			if l.AtLeast(4, 1) {
				if ocmodTo != "" || len(m.Skipped) != 1 || m.Skipped[0].Path != "ocmod/foo_cart.ocmod.xml" {
					t.Errorf("4.1 copies ocmod/: to %q, skipped %+v", ocmodTo, m.Skipped)
				}
			} else if ocmodTo != "extension/foo/ocmod/foo_cart.ocmod.xml" {
				t.Errorf("4.0 ocmod to %q", ocmodTo)
			}
			if got := codes(m); !slices.Equal(got, wantCodes) {
				t.Errorf("warnings %v, want %v", got, wantCodes)
			}
			if !slices.Contains(m.Dirs, "extension/foo/admin/controller/payment") || slices.ContainsFunc(m.Dirs, func(d string) bool { return strings.HasPrefix(d, "secret_admin") }) {
				t.Errorf("dirs %q", m.Dirs)
			}
		})
	}
}

func TestMap4xCodeProblems(t *testing.T) {
	// A browser renamed the download: the code no longer matches the classes.
	p := mustOpen(t, "foo (1).ocmod.zip", pkg4()...)
	m := mustMap(t, p, "4.0.2.3", "")
	if m.Code != "foo (1)" {
		t.Errorf("code %q", m.Code)
	}
	if got := codes(m); !slices.Equal(got, []WarningCode{WarnExtensionCode, WarnNamespace, WarnStorage}) {
		t.Errorf("warnings %v", got)
	}
	if w, _ := warning(m, WarnNamespace); len(w.Paths) != 2 || !strings.Contains(w.Message, `Extension\Foo`) {
		t.Errorf("namespace warning %+v", w)
	}
	// Without an .ocmod.zip name the code comes from install.json…
	ents := pkg4()
	ents[0] = file("install.json", `{"name": "Foo Payment", "version": "1.0.0", "author": "Foo Ltd", "link": "https://foo.example", "code": "foo"}`)
	p = mustOpen(t, "foo-v1.0.zip", ents...)
	if m := mustMap(t, p, "4.1.0.4", ""); m.Code != "foo" {
		t.Errorf("code from install.json %q", m.Code)
	}
	// …and without either Map cannot place the files.
	p = mustOpen(t, "foo-v1.0.zip", pkg4()...)
	if _, err := Map(p, Target{Version: "4.0.2.3"}); !errors.Is(err, ErrNoCode) {
		t.Errorf("no code: %v", err)
	}
	// On 3.x the code is not needed.
	if _, err := Map(p, Target{Version: "3.0.3.8"}); err != nil {
		t.Errorf("3.x needs no code: %v", err)
	}
}

func TestMap4xManifestAndWrapping(t *testing.T) {
	var ents []zent
	for _, e := range pkg4() {
		if e.name == "install.json" {
			e.body = `{"name": "Foo", "version": "", "author": "Foo Ltd", "link": "https://foo.example"}`
		}
		e.name = "foo/" + e.name
		ents = append(ents, e)
	}
	p := mustOpen(t, "foo.ocmod.zip", ents...)
	m40 := mustMap(t, p, "4.0.2.3", "")
	if got := codes(m40); !slices.Equal(got, []WarningCode{WarnManifest, WarnStorage, WarnWrapped}) {
		t.Errorf("4.0 warnings %v", got)
	}
	if got := to(m40, "admin/controller/payment/foo.php"); got != "extension/foo/admin/controller/payment/foo.php" {
		t.Errorf("wrapped to %q", got)
	}
	// 4.1 does not insist on the version.
	if got := codes(mustMap(t, p, "4.1.0.4", "")); !slices.Equal(got, []WarningCode{WarnStorage, WarnWrapped}) {
		t.Errorf("4.1 warnings %v", got)
	}
}

// A 4.x package that lost its install.json still belongs in
// extension/<code>/, and says why OpenCart's installer would refuse it.
func TestMap4xWithoutManifest(t *testing.T) {
	var ents []zent
	for _, e := range pkg4() {
		if e.name != "install.json" {
			ents = append(ents, e)
		}
	}
	p := mustOpen(t, "foo.ocmod.zip", ents...)
	if p.RootKind != RootStoreTree || p.Layout != Layout4 {
		t.Fatalf("root %v layout %v", p.RootKind, p.Layout)
	}
	m := mustMap(t, p, "4.0.2.3", "adm")
	if got := to(m, "admin/controller/payment/foo.php"); got != "extension/foo/admin/controller/payment/foo.php" {
		t.Errorf("to %q", got)
	}
	if got := codes(m); !slices.Equal(got, []WarningCode{WarnManifest, WarnStorage}) {
		t.Errorf("warnings %v", got)
	}
	// A tree that already holds extension/<code>/ is placed as it is.
	p = mustOpen(t, "foo.zip", file("upload/extension/foo/admin/controller/payment/foo.php", ns4Admin), file("upload/admin/view/image/foo.png", "png"))
	m = mustMap(t, p, "4.1.0.4", "adm")
	if got := to(m, "extension/foo/admin/controller/payment/foo.php"); got != "extension/foo/admin/controller/payment/foo.php" || m.Code != "foo" {
		t.Errorf("to %q code %q", got, m.Code)
	}
	if got := to(m, "admin/view/image/foo.png"); got != "adm/view/image/foo.png" {
		t.Errorf("to %q", got)
	}
}

func TestMapOtherWarnings(t *testing.T) {
	p := mustOpen(t, "x.zip",
		file("upload/config.php", "<?php define('DB_PASSWORD', '');"),
		file("upload/admin/config.php", "<?php"),
		file("upload/.htaccess", "Deny from all"),
		file("upload/catalog/view/javascript/foo/.eslintrc", "{}"),
		file("upload/system/library/foo.php", "<?php"),
		file("upload/vqmod/xml/foo.xml", "<modification/>"),
	)
	m := mustMap(t, p, "3.0.3.8", "adm")
	if got := codes(m); !slices.Equal(got, []WarningCode{WarnCoreFile, WarnCoreFile, WarnCoreFile, WarnDotFiles, WarnNotAllowed3}) {
		t.Errorf("warnings %v", got)
	}
	w, _ := warning(m, WarnNotAllowed3)
	equal(t, "not allowed", w.Paths, []string{".htaccess", "adm/config.php", "config.php", "vqmod/xml/foo.xml"})
	if !strings.Contains(w.Message, "the store root") {
		t.Errorf("message %s", w.Message)
	}
	// 4.x and 5.x.
	m = mustMap(t, p, "5.0.0.0 Alpha", "")
	if _, ok := warning(m, WarnUntestedLine); !ok {
		t.Errorf("5.0: %v", codes(m))
	}
}

func TestNamespaceName(t *testing.T) {
	for code, want := range map[string]string{"foo": "Foo", "foo_bar": "FooBar", "opencart": "Opencart", "foo_2x": "Foo2x", "a/b_c": `A\BC`} {
		if got := namespaceName(code); got != want {
			t.Errorf("namespaceName(%q) = %q, want %q", code, got, want)
		}
	}
}

func TestAllowedOn3(t *testing.T) {
	for p, want := range map[string]bool{
		"admin/controller/extension/payment/foo.php":                     true,
		"admin/controller/extension":                                     true,  // a folder on the way
		"admin/controller/extension/":                                    false, // equal length: OpenCart's test fails it
		"admin/controller/payment/foo.php":                               false,
		"image/catalog/x.png":                                            true,
		"image/x.png":                                                    false,
		"system/storage/vendor/x.php":                                    false,
		"catalog/view/theme/default/template/extension/payment/foo.twig": true,
	} {
		if got := allowedOn3(p); got != want {
			t.Errorf("allowedOn3(%q) = %v", p, got)
		}
	}
}
