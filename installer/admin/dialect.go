package admin

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/ocsetup/ocsetup/installer/store"
)

// Dialect is how one OpenCart line's admin is addressed: the session
// token's name, how a route names a controller method, and whether forms
// answer with JSON.
type Dialect struct {
	Line    store.Line
	Version string // VERSION of the store, "" when unknown
}

// DialectFor returns the dialect of a store. version may be empty; the
// line then decides (4.0 is taken as 4.0.2 and later).
func DialectFor(line store.Line, version string) (Dialect, error) {
	if line == "" {
		if l, ok := store.LineOf(version); ok {
			line = l
		}
	}
	if !line.In(store.Lines()...) {
		return Dialect{}, fmt.Errorf("ocsetup does not know the admin of OpenCart %q", firstNonEmpty(version, string(line)))
	}
	return Dialect{Line: line, Version: version}, nil
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

// TokenParam is the name of the session token in admin URLs: token up to
// 2.3 (oc@2.3.0.2:upload/admin/controller/common/login.php), user_token
// from 3.0 (oc@3.0.3.8:…/common/login.php).
func (d Dialect) TokenParam() string {
	if d.Line.AtLeast(store.Line30) {
		return "user_token"
	}
	return "token"
}

// JSON reports whether the admin's forms post by AJAX and answer JSON
// (4.x: oc@4.0.2.3:upload/admin/view/javascript/common.js, the submit
// handler of forms with data-oc-toggle="ajax").
func (d Dialect) JSON() bool { return d.Line.AtLeast(store.Line40) }

// Method names a controller method in a route: "common/login" and "login"
// give "common/login/login" up to 3.x, "common/login|login" on 4.0.0–4.0.1
// (oc@4.0.1.1:upload/admin/controller/common/login.php) and
// "common/login.login" from 4.0.2.0 (oc@4.0.2.0:…/common/login.php).
func (d Dialect) Method(route, method string) string {
	switch {
	case !d.Line.AtLeast(store.Line40):
		return route + "/" + method
	case d.pipe():
		return route + "|" + method
	default:
		return route + "." + method
	}
}

// pipe reports a 4.0.0.x or 4.0.1.x store.
func (d Dialect) pipe() bool {
	if d.Line != store.Line40 || d.Version == "" {
		return false
	}
	parts := strings.SplitN(d.Version, ".", 4)
	if len(parts) < 3 {
		return false
	}
	minor, err := strconv.Atoi(parts[2])
	return err == nil && minor < 2
}

// Home is the page a login lands on: common/home on 1.5, common/dashboard
// after (docs/opencart.md §7).
func (d Dialect) Home() string {
	if d.Line == store.Line15 {
		return "common/home"
	}
	return "common/dashboard"
}

// RefreshRoute is the route that rebuilds the OCMOD cache, or "" when the
// line has none: 1.5 has no OCMOD (vQmod is a separate add-on) and 4.0
// dropped the modification system (docs/opencart.md §6).
func (d Dialect) RefreshRoute() string {
	switch {
	case d.Line == store.Line15, d.Line == store.Line40:
		return ""
	case d.Line.AtLeast(store.Line41):
		return d.Method("marketplace/modification", "refresh")
	case d.Line.AtLeast(store.Line30):
		return "marketplace/modification/refresh"
	default:
		return "extension/modification/refresh"
	}
}
