package demoprog

import (
	"fmt"
	"strings"

	"github.com/ocsetup/ocsetup/installer/store"
)

// DefaultLine is the line a demo store has unless asked otherwise: 3.0 is
// the line most live stores still run.
const DefaultLine = store.Line30

// release is the OpenCart release a demo store of the line imitates: one
// of the fixture stores' versions (internal/fixture), the newest of its line.
func release(l store.Line) string {
	switch l {
	case store.Line15:
		return "1.5.6.4"
	case store.Line20:
		return "2.0.3.1"
	case store.Line21:
		return "2.1.0.2"
	case store.Line22:
		return "2.2.0.0"
	case store.Line23:
		return "2.3.0.2"
	case store.Line30:
		return "3.0.3.8"
	case store.Line40:
		return "4.0.2.3"
	case store.Line41:
		return "4.1.0.4"
	}
	return ""
}

// Lines are the lines a demo store can be, oldest first.
func Lines() []store.Line {
	var out []store.Line
	for _, l := range store.Lines() {
		if release(l) != "" {
			out = append(out, l)
		}
	}
	return out
}

// VersionOf is the release a demo store of the line imitates.
func VersionOf(l store.Line) (string, error) {
	if v := release(l); v != "" {
		return v, nil
	}
	names := make([]string, 0, 8)
	for _, k := range Lines() {
		names = append(names, string(k))
	}
	return "", fmt.Errorf("there is no demo store of OpenCart line %q; choose one of %s", l, strings.Join(names, ", "))
}
