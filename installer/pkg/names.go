package pkg

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Name limits: NAME_MAX is 255 bytes on common file systems; real
// OpenCart packages stay under 200 bytes and 15 levels. The limits also
// bound the work the tree checks do per name.
const (
	maxNameLen    = 1024
	maxSegmentLen = 255
	maxDepth      = 64
)

// checkName validates an entry name as stored in the archive (slash
// separated; a trailing slash marks a folder) and returns the cleaned name
// without the trailing slash. The checks run in a fixed order so each bad
// name gets one predictable reason.
func checkName(name string) (string, *RefusedError) {
	if !utf8.ValidString(name) {
		return "", refuse(ReasonInvalidUTF8, name, "")
	}
	for _, r := range name {
		if r < 0x20 || r == 0x7f {
			return "", refuse(ReasonBadName, name, "contains a control character")
		}
	}
	if strings.Contains(name, `\`) {
		// PHP on Windows and OpenCart itself (str_replace('\\', '/', …) in
		// oc@4.0.2.3:upload/admin/controller/marketplace/installer.php)
		// treat "\" as a separator, so "..\x" climbs out there.
		return "", refuse(ReasonBackslash, name, "")
	}
	if strings.HasPrefix(name, "/") {
		return "", refuse(ReasonAbsolute, name, "")
	}
	if len(name) >= 2 && name[1] == ':' && isASCIILetter(name[0]) {
		return "", refuse(ReasonDriveLetter, name, "")
	}
	clean := strings.TrimSuffix(name, "/")
	switch {
	case clean == "":
		return "", refuse(ReasonBadName, name, "empty name")
	case len(clean) > maxNameLen:
		return "", refuse(ReasonBadName, name[:64]+"…", "longer than %d bytes", maxNameLen)
	case strings.Count(clean, "/") >= maxDepth:
		return "", refuse(ReasonBadName, name[:64]+"…", "more than %d folders deep", maxDepth)
	}
	for _, seg := range strings.Split(clean, "/") {
		switch {
		case len(seg) > maxSegmentLen:
			return "", refuse(ReasonBadName, name, "a part of the name is longer than %d bytes", maxSegmentLen)
		case seg == "..":
			return "", refuse(ReasonTraversal, name, "")
		case seg == "" || seg == ".":
			return "", refuse(ReasonBadName, name, "empty or \".\" path segment")
		case strings.HasSuffix(seg, ".") || strings.HasSuffix(seg, " "):
			// Windows drops trailing dots and spaces: "foo.php." would
			// overwrite "foo.php" there.
			return "", refuse(ReasonBadName, name, "a part of the name ends with a dot or a space")
		case strings.Contains(seg, ":"):
			// Windows cannot store it, and "file.php::$DATA" is an NTFS
			// stream trick.
			return "", refuse(ReasonBadName, name, "contains \":\"")
		}
	}
	return clean, nil
}

func isASCIILetter(b byte) bool {
	return 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z'
}

// isJunk reports entries that operating systems add to archives and that
// are never part of an extension: macOS resource forks and folder settings,
// and Windows thumbnail caches and folder settings. docs/integrations.md §1.1 finds
// __MACOSX/ and .DS_Store in vendor zips.
func isJunk(clean string) bool {
	for _, seg := range strings.Split(clean, "/") {
		if seg == "__MACOSX" {
			return true
		}
	}
	base := clean[strings.LastIndexByte(clean, '/')+1:]
	switch {
	case base == ".DS_Store",
		strings.EqualFold(base, "Thumbs.db"),
		strings.EqualFold(base, "desktop.ini"),
		strings.HasPrefix(base, "._"): // AppleDouble file written beside the real one
		return true
	}
	return false
}

// foldKey maps a name to a key shared by every name that equals it under
// Unicode simple case folding (the rule strings.EqualFold uses), so names
// that would land on the same file on a case-insensitive host share a key.
func foldKey(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		// The smallest rune of r's folding orbit stands for the orbit.
		m := r
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			m = min(m, f)
		}
		b.WriteRune(m)
	}
	return b.String()
}

// parents returns the folders above a cleaned name, outermost first:
// "a/b/c" gives "a", "a/b".
func parents(clean string) []string {
	var out []string
	for i := 0; i < len(clean); i++ {
		if clean[i] == '/' {
			out = append(out, clean[:i])
		}
	}
	return out
}
