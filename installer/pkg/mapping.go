package pkg

import (
	"errors"
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/ocsetup/ocsetup/installer/msg"
)

// Target is the store a package is mapped onto.
type Target struct {
	// Version is the store's VERSION, e.g. "3.0.3.8".
	Version string
	// AdminDir is the name of the store's admin folder; "" means "admin".
	// Stores rename it for security (OpenCart 4 has a tool for it,
	// oc@4.0.2.3:upload/admin/controller/common/security.php admin()).
	AdminDir string
}

// Mapping says where each file of a package goes in one store.
type Mapping struct {
	Line     Line
	AdminDir string
	// Code is the OpenCart 4 extension folder under extension/, when the
	// package is a 4.x one; "" otherwise.
	Code string
	// Files in package order; To is relative to the store root, slash
	// separated.
	Files []MappedFile
	// Dirs are the store folders the files need, parents first.
	Dirs []string
	// Skipped files are not copied on this line.
	Skipped []Skipped
	// Steps say what the line's installer does with install.*.
	Steps    []Step
	Warnings []Warning
}

// MappedFile is a package file and its store path.
type MappedFile struct {
	File File
	To   string
}

// Skipped is a package file that is not copied.
type Skipped struct {
	Path string
	Why  string
	// WhyMsg is Why as a message, for the user's language.
	WhyMsg msg.Msg
}

// ErrNoCode is returned by Map for an OpenCart 4 package whose extension
// code cannot be told.
var ErrNoCode error = msg.NewError("error.pkg.no_code")

// Map maps the package's files onto a store of target's version with
// target's admin folder. It reads nothing from the store and does not
// change p.
//
// On 1.5–3.x, and for packages whose files already sit at store paths,
// admin/ becomes the admin folder and everything else keeps its path. A
// 4.x package (install.json at its root, or 4.x classes with admin/ and
// catalog/ at the root) on a 4.x store goes where OpenCart 4's installer
// puts it (oc@4.0.2.3:upload/admin/controller/marketplace/installer.php,
// install()): image/… stays image/…, system/storage/… goes to the storage
// folder, and the rest to extension/<code>/…, whose admin/ part is never
// renamed; 4.1 does not copy ocmod/.
func Map(p *Package, target Target) (*Mapping, error) {
	if p == nil {
		return nil, errors.New("pkg: Map of a nil package")
	}
	l, err := ParseLine(target.Version)
	if err != nil {
		return nil, err
	}
	admin := target.AdminDir
	if admin == "" {
		admin = "admin"
	}
	if clean, rerr := checkName(admin); rerr != nil || strings.Contains(clean, "/") {
		return nil, msg.NewError("error.pkg.admin_dir", "AdminDir", fmt.Sprintf("%q", target.AdminDir))
	}
	m := &Mapping{Line: l, AdminDir: admin}
	ext := l.AtLeast(4, 0) && extensionRelative(p)
	if ext {
		if m.Code, err = extensionCode(p); err != nil {
			return nil, err
		}
	} else {
		m.Code = storeTreeCode(p)
	}
	dirs := map[string]bool{}
	for _, f := range p.Files {
		to, why := mapPath(f.Path, admin, m.Code, l, ext)
		if !why.IsZero() {
			m.Skipped = append(m.Skipped, Skipped{f.Path, why.English(), why})
			continue
		}
		m.Files = append(m.Files, MappedFile{f, to})
		for _, d := range parents(to) {
			dirs[d] = true
		}
	}
	for _, d := range p.Dirs {
		if to, why := mapPath(d, admin, m.Code, l, ext); why.IsZero() {
			dirs[to] = true
			if !strings.Contains(d, "/") {
				// p.Dirs holds every parent of d but not the ones mapping
				// adds, such as extension/<code>.
				for _, pd := range parents(to) {
					dirs[pd] = true
				}
			}
		}
	}
	for d := range dirs {
		m.Dirs = append(m.Dirs, d)
	}
	slices.Sort(m.Dirs) // "a" sorts before "a/b": parents first
	m.Steps = p.InstallSteps(l)
	m.Warnings = warn(p, m, ext)
	return m, nil
}

// mapPath maps one package path; a non-empty why means it is not copied.
func mapPath(p, admin, code string, l Line, ext bool) (to string, why msg.Msg) {
	if !ext {
		if rest, ok := strings.CutPrefix(p, "admin"); ok && (rest == "" || rest[0] == '/') {
			return admin + rest, msg.Msg{}
		}
		return p, msg.Msg{}
	}
	switch {
	case l.AtLeast(4, 1) && (p == "ocmod" || strings.HasPrefix(p, "ocmod/")):
		// oc@4.1.0.4:upload/admin/controller/marketplace/installer.php:
		// "OCMOD files should not be copied across".
		return "", msg.New("pkg.skip.ocmod41")
	case p == "image" || strings.HasPrefix(p, "image/"),
		p == "system/storage" || strings.HasPrefix(p, "system/storage/"):
		// image/ → DIR_IMAGE; system/storage/ → DIR_STORAGE, which the
		// caller must rebase if the store moved its storage folder.
		return p, msg.Msg{}
	}
	return "extension/" + code + "/" + p, msg.Msg{}
}

// extensionRelative reports whether the package's paths are relative to an
// OpenCart 4 extension folder: a package with install.json, or a store
// tree of 4.x classes (Opencart\… namespaces) that lacks only install.json.
// A tree that already holds extension/<code>/… is store-relative.
func extensionRelative(p *Package) bool {
	switch {
	case p.RootKind == RootManifest:
		return true
	case p.RootKind != RootStoreTree || p.Layout != Layout4:
		return false
	}
	for _, f := range p.Files {
		if strings.HasPrefix(f.Path, "extension/") {
			return false
		}
	}
	return true
}

// extensionCode is the code OpenCart 4 would use: the file name, as the
// installer derives it, else install.json's "code".
func extensionCode(p *Package) (string, error) {
	code := p.CodeFromName()
	if code == "" && p.Install.JSON != nil {
		code = strings.TrimSpace(p.Install.JSON.Code)
	}
	if code == "" {
		return "", ErrNoCode
	}
	if clean, rerr := checkName(code); rerr != nil || strings.Contains(clean, "/") || len(code) > 128 {
		return "", msg.NewError("error.pkg.bad_code", "Code", fmt.Sprintf("%q", code))
	}
	return code, nil
}

// storeTreeCode returns the folder of a package that already holds
// extension/<code>/…, if there is exactly one.
func storeTreeCode(p *Package) string {
	code := ""
	for _, f := range p.Files {
		rest, ok := strings.CutPrefix(f.Path, "extension/")
		if !ok {
			continue
		}
		c, _, nested := strings.Cut(rest, "/")
		if !nested || code != "" && c != code {
			return ""
		}
		code = c
	}
	return code
}

// parentDir is path.Dir with "" for a top-level name.
func parentDir(p string) string {
	d := path.Dir(p)
	if d == "." {
		return ""
	}
	return d
}
