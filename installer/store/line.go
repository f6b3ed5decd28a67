// Package store finds OpenCart stores on a hosting account and tells which
// OpenCart line each one is, from what the store shows: the VERSION constant
// in index.php, cross-checked with the layout (docs/opencart.md §1).
package store

import (
	"regexp"
	"strings"
)

// Line is an OpenCart release line: the lines differ in paths, tables,
// setting keys and API routes, so every later step switches on it.
type Line string

// The lines ocsetup knows.
const (
	Line15 Line = "1.5"
	Line20 Line = "2.0"
	Line21 Line = "2.1"
	Line22 Line = "2.2"
	Line23 Line = "2.3"
	Line30 Line = "3.0"
	Line40 Line = "4.0"
	Line41 Line = "4.1"
)

// Lines lists them oldest first.
var allLines = []Line{Line15, Line20, Line21, Line22, Line23, Line30, Line40, Line41}

// Lines returns every known line, oldest first.
func Lines() []Line { return append([]Line(nil), allLines...) }

var versionRe = regexp.MustCompile(`^(\d+)\.(\d+)\.(\d+)(\.\d+)?([ _.-]?[A-Za-z].*)?$`)

// LineOf maps a VERSION string ("3.0.3.8", "1.5.6.4", "4.1.0.0", also
// "5.0.0.0 Alpha") to its line; ok is false for versions ocsetup does not know.
func LineOf(version string) (Line, bool) {
	m := versionRe.FindStringSubmatch(strings.TrimSpace(version))
	if m == nil {
		return "", false
	}
	l := Line(m[1] + "." + m[2])
	for _, k := range allLines {
		if k == l {
			return l, true
		}
	}
	return l, false
}

// In reports whether l is one of set.
func (l Line) In(set ...Line) bool {
	for _, s := range set {
		if s == l {
			return true
		}
	}
	return false
}

// AtLeast compares lines by their order.
func (l Line) AtLeast(o Line) bool { return l.index() >= o.index() }

func (l Line) index() int {
	for i, k := range allLines {
		if k == l {
			return i
		}
	}
	return -1
}

// marker is a path whose presence narrows down the line, from the table in
// docs/opencart.md §1 (each row checked with git cat-file
// at the tags).
type marker struct {
	path  string // relative to the store root; "<admin>" is the admin folder
	dir   bool
	lines []Line
}

var markers = []marker{
	{"extension", true, []Line{Line40, Line41}},
	{"<admin>/controller/marketplace", true, []Line{Line30, Line40, Line41}},
	{"<admin>/controller/payment", true, []Line{Line15, Line20, Line21, Line22}},
	{"<admin>/controller/extension/payment", true, []Line{Line23, Line30}},
	{"<admin>/controller/extension/extension", true, []Line{Line23, Line30}},
	{"<admin>/controller/extension/installer.php", false, []Line{Line20, Line21, Line22, Line23}},
	{"system/storage", true, []Line{Line21, Line22, Line23, Line30, Line40, Line41}},
	{"system/modification", true, []Line{Line20}},
	{"system/framework.php", false, []Line{Line22, Line23, Line30, Line40, Line41}},
}
