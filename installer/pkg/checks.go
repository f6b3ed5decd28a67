package pkg

import (
	"fmt"
	"github.com/ocsetup/ocsetup/installer/msg"
	"slices"
	"strings"
)

// warn runs every check of Map.
func warn(p *Package, m *Mapping, ext bool) []Warning {
	var w []Warning
	l := m.Line
	if !l.known() {
		w = append(w, newWarning(WarnUntestedLine, nil, msg.New("warning.untested_line", "Version", l.Full())))
	}
	if lw, ok := layoutWarning(p.Layout, l); ok {
		w = append(w, lw)
	}
	w = append(w, trapWarnings(p, m)...)
	if l.Major == 3 && !ext {
		w = append(w, notAllowed3(m)...)
	}
	w = append(w, languageWarnings(p, l)...)
	if !ext {
		w = append(w, coreFileWarnings(m)...)
	}
	if l.AtLeast(2, 0) && !l.AtLeast(4, 0) {
		w = append(w, dotFileWarnings(m)...)
	}
	if l.AtLeast(4, 0) && (ext || p.Layout == Layout4) {
		w = append(w, fourWarnings(p, m, ext)...)
	}
	return w
}

// layoutWarning compares the package's layout with the store's line
// (docs/opencart.md §4 and §6, checked in the admin extension lists:
// oc@2.0.3.1:upload/admin/controller/extension/payment.php globs
// controller/payment/; oc@2.3.0.2:…/extension/extension/payment.php both
// folders; oc@3.0.3.8 only controller/extension/payment/).
func layoutWarning(lay Layout, l Line) (Warning, bool) {
	is4 := l.AtLeast(4, 0)
	switch {
	case lay == Layout4 && !is4:
		return newWarning(WarnNeeds4, nil, msg.New("warning.needs_4", "Line", fmt.Sprint(l))), true
	case is4 && (lay == LayoutLegacy || lay == Layout23 || lay == LayoutMixed):
		return newWarning(WarnNotFor4, nil, msg.New("warning.not_for_4", "Layout", fmt.Sprint(lay), "Line", fmt.Sprint(l))), true
	case lay == LayoutLegacy && l.Is(2, 3):
		return newWarning(WarnOldLayout, nil, msg.New("warning.old_layout_23")), true
	case lay == LayoutLegacy && l.Major == 3:
		return newWarning(WarnOldLayout, nil, msg.New("warning.old_layout_3")), true
	case lay == Layout23 && !l.AtLeast(2, 3):
		return newWarning(WarnNewLayout, nil, msg.New("warning.new_layout", "Line", fmt.Sprint(l))), true
	}
	return Warning{}, false
}

// trapWarnings detects the 1.5/2.0 folder trap: a folder
// admin/controller/extension/<type>/ hides admin/controller/extension/<type>.php,
// because those routers try is_dir() before is_file()
// (oc@2.0.3.1:upload/system/engine/action.php; public reports in
// docs/opencart.md §6: bitpay/opencart-plugin #58 and others).
func trapWarnings(p *Package, m *Mapping) []Warning {
	pages := corePages(m.Line)
	if pages == nil {
		return nil
	}
	hit := map[string][]string{}
	note := func(pkgPath, storePath string) {
		rest, ok := strings.CutPrefix(pkgPath, "admin/controller/extension/")
		if !ok {
			return
		}
		typ, _, _ := strings.Cut(rest, "/")
		if _, core := pages[typ]; core && rest != typ+".php" {
			hit[typ] = append(hit[typ], storePath)
		}
	}
	withFiles := map[string]bool{}
	for _, f := range m.Files {
		note(f.File.Path, f.To)
		for _, d := range parents(f.File.Path) {
			withFiles[d] = true
		}
	}
	for _, d := range p.Dirs {
		// An empty folder is enough to spring the trap.
		if to, why := mapPath(d, m.AdminDir, m.Code, m.Line, false); why.IsZero() && !withFiles[d] {
			note(d, to)
		}
	}
	var w []Warning
	types := make([]string, 0, len(hit))
	for t := range hit {
		types = append(types, t)
	}
	slices.Sort(types)
	a := m.AdminDir
	for _, t := range types {
		fix := fmt.Sprintf("use the vendor's package for OpenCart %s (files in %s/controller/%s/) instead", m.Line, a, t)
		if slices.ContainsFunc(p.Files, func(f File) bool { return strings.HasPrefix(f.Path, "admin/controller/"+t+"/") }) {
			// Packages such as the legacy payfort_fort ship both.
			fix = fmt.Sprintf("this package also has the old-style files in %s/controller/%s/, so upload everything except %s/controller/extension/%s/", a, t, a, t)
		}
		w = append(w, Warning{Code: WarnHiddenPage, Paths: hit[t], Message: fmt.Sprintf(
			"On OpenCart %s a folder wins over a file of the same name when a page is opened, so uploading %s/controller/extension/%s/ "+
				"makes Extensions > %s show \"Page Not Found!\" (and this package's files there are never listed). "+
				"Fix: %s; if the folder was already uploaded, back it up and then delete %s/controller/extension/%s/.",
			m.Line, a, t, pages[t], fix, a, t)})
	}
	return w
}

// notAllowed3 lists files outside the 3.x installer's allowed folders.
func notAllowed3(m *Mapping) []Warning {
	var paths, folders []string
	seen := map[string]bool{}
	for _, f := range m.Files {
		if !allowedOn3(f.File.Path) {
			paths = append(paths, f.To)
			if d := parentDir(f.To); !seen[d] {
				seen[d] = true
				folders = append(folders, d)
			}
		}
	}
	if len(paths) == 0 {
		return nil
	}
	shown := folders
	if len(shown) > 6 {
		shown = append(slices.Clone(shown[:6]), fmt.Sprintf("and %d more", len(folders)-6))
	}
	for i, d := range shown {
		if d == "" {
			shown[i] = "the store root"
		}
	}
	return []Warning{newWarning(WarnNotAllowed3, paths, msg.New("warning.not_allowed_3", "Count", len(paths), "Dirs", strings.Join(shown, ", ")))}
}

// languageWarnings compares the language folders with the line's: english/
// until 2.1, en-gb/ from 2.2 on (docs/opencart.md §1, the table of paths).
func languageWarnings(p *Package, l Line) []Warning {
	var english, engb bool
	for _, f := range p.Files {
		for _, app := range []string{"admin/language/", "catalog/language/"} {
			if rest, ok := strings.CutPrefix(f.Path, app); ok {
				english = english || strings.HasPrefix(rest, "english/")
				engb = engb || strings.HasPrefix(rest, "en-gb/")
			}
		}
	}
	want, have := "en-gb", "english"
	if !l.AtLeast(2, 2) {
		want, have = "english", "en-gb"
	}
	if (want == "en-gb" && english && !engb) || (want == "english" && engb && !english) {
		return []Warning{newWarning(WarnLanguageFolder, nil, msg.New("warning.language_folder", "Have", have, "Line", fmt.Sprint(l), "Want", want))}
	}
	return nil
}

func coreFileWarnings(m *Mapping) []Warning {
	var w []Warning
	for _, f := range m.Files {
		if what := coreFile(f.File.Path); what != "" {
			w = append(w, newWarning(WarnCoreFile, []string{f.To}, msg.New("warning.core_file", "Path", f.To, "What", msg.New("warning.core_file."+what))))
		}
	}
	return w
}

func dotFileWarnings(m *Mapping) []Warning {
	var paths []string
	for _, f := range m.Files {
		if strings.HasPrefix(f.File.Path, ".") || strings.Contains(f.File.Path, "/.") {
			paths = append(paths, f.To)
		}
	}
	if len(paths) == 0 {
		return nil
	}
	return []Warning{newWarning(WarnDotFiles, paths, msg.New("warning.dot_files", "Count", len(paths), "Line", fmt.Sprint(m.Line)))}
}

// fourWarnings checks what only matters on OpenCart 4.
func fourWarnings(p *Package, m *Mapping, ext bool) []Warning {
	var w []Warning
	if j := p.Install.JSON; j == nil {
		w = append(w, newWarning(WarnManifest, nil, msg.New("warning.no_install_json")))
	} else if fatal, _ := j.Check(m.Line); len(fatal) > 0 {
		w = append(w, Warning{Code: WarnManifest, Message: "OpenCart 4's Extension Installer refuses this install.json: " + strings.Join(fatal, "; ") + "."})
	}
	if p.RootKind == RootManifest && p.Root != "" {
		w = append(w, newWarning(WarnWrapped, nil, msg.New("warning.wrapped", "Root", p.Root)))
	}
	if m.Code == "" {
		return w
	}
	ns := namespaceName(m.Code)
	if !codeIsNamespaceSafe(m.Code) {
		w = append(w, Warning{Code: WarnExtensionCode, Message: fmt.Sprintf(
			"The extension code %q becomes part of PHP namespaces (Opencart\\Admin\\Controller\\Extension\\%s); characters other than letters, digits and \"_\" (or a leading digit) break them. Rename the .ocmod.zip to the vendor's original name.", m.Code, ns)})
	}
	var paths []string
	found := map[string]bool{}
	for _, f := range p.Files {
		segs := strings.Split(f.Namespace, `\`)
		if len(segs) >= 5 && segs[0] == "Opencart" && segs[3] == "Extension" && !strings.EqualFold(segs[4], ns) {
			paths = append(paths, f.Path)
			found[segs[4]] = true
		}
	}
	if len(paths) > 0 {
		names := make([]string, 0, len(found))
		for n := range found {
			names = append(names, n)
		}
		slices.Sort(names)
		w = append(w, Warning{Code: WarnNamespace, Paths: paths, Message: fmt.Sprintf(
			"The PHP classes are declared under …\\Extension\\%s, but the extension code %q gives …\\Extension\\%s, so OpenCart 4 will not find them. "+
				"Was the .ocmod.zip renamed (a browser may add \" (1)\")? Use the code the vendor chose.", strings.Join(names, ", "), m.Code, ns)})
	}
	var storage []string
	for _, f := range m.Files {
		if strings.HasPrefix(f.To, "system/storage/") {
			storage = append(storage, f.To)
		}
	}
	if len(storage) > 0 && ext {
		w = append(w, newWarning(WarnStorage, storage, msg.New("warning.storage", "Count", len(storage))))
	}
	return w
}

// newWarning is a warning with its message's key; Message is its English.
func newWarning(code WarningCode, paths []string, m msg.Msg) Warning {
	return Warning{Code: code, Paths: paths, Message: m.English(), Msg: m}
}
