package pkg

import (
	"fmt"
	"strconv"
	"strings"
)

// Line is an OpenCart version as the four numbers of its VERSION constant
// (docs/opencart.md §1); the rules in this package depend on Major.Minor and, for
// 2.0.x, on Patch.
type Line struct {
	Major, Minor, Patch, Build int
}

// ParseLine reads "3.0.3.8", "2.0", "v4.1.0.4" or "5.0.0.0 Alpha" (a suffix
// after the numbers is ignored; master says '5.0.0.0 Alpha').
func ParseLine(version string) (Line, error) {
	v := strings.TrimPrefix(strings.TrimSpace(version), "v")
	if i := strings.IndexAny(v, " -_"); i >= 0 {
		v = v[:i]
	}
	parts := strings.Split(v, ".")
	if len(parts) < 2 || len(parts) > 4 {
		return Line{}, fmt.Errorf("pkg: %q is not an OpenCart version like 3.0.3.8", version)
	}
	var n [4]int
	for i, p := range parts {
		x, err := strconv.Atoi(p)
		if err != nil || x < 0 {
			return Line{}, fmt.Errorf("pkg: %q is not an OpenCart version like 3.0.3.8", version)
		}
		n[i] = x
	}
	if n[0] < 1 {
		return Line{}, fmt.Errorf("pkg: OpenCart %q does not exist", version)
	}
	return Line{n[0], n[1], n[2], n[3]}, nil
}

// AtLeast reports whether l is major.minor or later.
func (l Line) AtLeast(major, minor int) bool {
	return l.Major > major || l.Major == major && l.Minor >= minor
}

// Is reports whether l is in the major.minor line.
func (l Line) Is(major, minor int) bool { return l.Major == major && l.Minor == minor }

// String gives the line, e.g. "2.0"; Full gives all four numbers.
func (l Line) String() string { return fmt.Sprintf("%d.%d", l.Major, l.Minor) }

// Full gives the whole version, e.g. "2.0.3.1".
func (l Line) Full() string { return fmt.Sprintf("%d.%d.%d.%d", l.Major, l.Minor, l.Patch, l.Build) }

// known reports whether the rules here were checked against l's source.
func (l Line) known() bool {
	return l.Is(1, 5) || l.Major == 2 && l.Minor <= 3 || l.Is(3, 0) || l.Is(4, 0) || l.Is(4, 1)
}
