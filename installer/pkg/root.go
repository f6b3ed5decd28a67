package pkg

import (
	"slices"
	"strings"

	"github.com/ocsetup/ocsetup/installer/msg"
)

// RootKind says how the files root of a package was recognised.
type RootKind int

// Root kinds.
const (
	// RootNone: no files, only install.* (an OCMOD-only package).
	RootNone RootKind = iota
	// RootUpload: the files are under upload/, the layout every 2.x and
	// 3.x installer reads (oc@2.0.3.1:upload/admin/controller/extension/installer.php,
	// oc@3.0.3.8:upload/admin/controller/marketplace/install.php).
	RootUpload
	// RootManifest: install.json beside admin/, catalog/… — an OpenCart 4
	// package, whose whole root is copied to extension/<code>/
	// (oc@4.0.2.3:upload/admin/controller/marketplace/installer.php).
	RootManifest
	// RootStoreTree: the files already sit at store paths (admin/,
	// catalog/, system/, image/, extension/) without upload/.
	RootStoreTree
)

func (k RootKind) String() string {
	switch k {
	case RootUpload:
		return "upload folder"
	case RootManifest:
		return "install.json package"
	case RootStoreTree:
		return "store tree"
	}
	return "no files"
}

// storeTops are the top folders that make a tree look like a store.
var storeTops = [...]string{"admin", "catalog", "system", "image", "extension"}

// tree answers "is this name a file or a folder" for the non-junk entries
// and the folders their names imply.
type tree map[string]bool // name → is a folder

func newTree(entries []entry) tree {
	t := tree{}
	for _, e := range entries {
		if e.junk {
			continue
		}
		ps := parents(e.name)
		for i := len(ps) - 1; i >= 0 && !t[ps[i]]; i-- {
			t[ps[i]] = true
		}
		t[e.name] = e.dir
	}
	return t
}

func (t tree) isDir(name string) bool  { d, ok := t[name]; return ok && d }
func (t tree) isFile(name string) bool { d, ok := t[name]; return ok && !d }

// findRoot picks the package root (where install.* live) and the files
// root (the prefix of the files to install), trying the archive root first
// and then the single folder that wraps everything, as vendor zips and
// GitHub's "Download ZIP" do.
func findRoot(t tree) (pkgRoot, filesRoot string, kind RootKind, err error) {
	if len(t) == 0 {
		return "", "", 0, refuseMsg(ReasonNoFilesRoot, "", msg.New("error.pkg.empty"))
	}
	candidates := []string{""}
	if w := wrapper(t); w != "" {
		candidates = append(candidates, w+"/")
	}
	for _, p := range candidates {
		switch {
		case t.isDir(p + "upload"):
			return p, p + "upload/", RootUpload, nil
		case t.isFile(p + "install.json"):
			return p, p, RootManifest, nil
		}
		for _, top := range storeTops {
			if t.isDir(p + top) {
				return p, p, RootStoreTree, nil
			}
		}
		if t.isFile(p + "install.xml") {
			return p, "", RootNone, nil
		}
	}
	return "", "", 0, refuseMsg(ReasonNoFilesRoot, "", hint(t))
}

// wrapper returns the one top-level folder that holds everything, or "".
func wrapper(t tree) string {
	top := ""
	for name, dir := range t {
		first, _, nested := strings.Cut(name, "/")
		if !nested && !dir {
			return "" // a file at the top
		}
		if top != "" && first != top {
			return ""
		}
		top = first
	}
	return top
}

// hint lists deeper upload/ folders and install.json files, for packages
// that bundle several versions ("OC2/upload", "OC3/upload").
func hint(t tree) msg.Msg {
	var found []string
	for name, dir := range t {
		base := name[strings.LastIndexByte(name, '/')+1:]
		if dir && base == "upload" || !dir && base == "install.json" {
			found = append(found, name)
		}
	}
	if len(found) == 0 {
		return msg.New("error.pkg.not_extension")
	}
	slices.Sort(found)
	if len(found) > 5 {
		found = append(found[:5], "…")
	}
	return msg.New("error.pkg.bundle", "Found", strings.Join(found, ", "))
}
