package pkg

import (
	"regexp"
	"strings"

	"github.com/ocsetup/ocsetup/installer/msg"
)

// Layout is the folder scheme a package was built for.
type Layout int

// Layouts.
const (
	LayoutUnknown Layout = iota
	// LayoutLegacy: admin/controller/payment/… — OpenCart 1.5 to 2.2.
	LayoutLegacy
	// Layout23: admin/controller/extension/payment/… — OpenCart 2.3 and 3.x.
	Layout23
	// Layout4: install.json and admin/controller/payment/… inside an
	// extension folder, PHP namespaces Opencart\… — OpenCart 4.
	Layout4
	// LayoutMixed: both legacy and 2.3 folders, as packages that ship 2.3
	// stubs beside 2.0 files do (docs/integrations.md §1.1, the legacy payfort_fort).
	LayoutMixed
)

// Msg is the layout's name as a message, for the user's language.
func (l Layout) Msg() msg.Msg {
	names := map[Layout]string{LayoutLegacy: "legacy", Layout23: "23", Layout4: "4", LayoutMixed: "mixed"}
	if n, ok := names[l]; ok {
		return msg.New("pkg.layout." + n)
	}
	return msg.New("pkg.layout.unknown")
}

func (l Layout) String() string {
	switch l {
	case LayoutLegacy:
		return "1.5–2.2 (admin/controller/payment/…)"
	case Layout23:
		return "2.3–3.x (admin/controller/extension/payment/…)"
	case Layout4:
		return "4.x (install.json, extension/<code>/…)"
	case LayoutMixed:
		return "mixed 1.5–2.2 and 2.3–3.x"
	}
	return "unknown"
}

// extensionTypes are the extension folders of the admin and catalog
// (oc@3.0.3.8:upload/admin/controller/extension/*, plus credit_card from
// oc@2.2.0.0:upload/catalog/controller and currency from 4.0).
const extensionTypes = `advertise|analytics|captcha|credit_card|currency|dashboard|feed|fraud|module|payment|report|shipping|theme|total`

var (
	legacyPath = regexp.MustCompile(`^(?:(?:admin|catalog)/(?:controller|model|view/template)/(?:` + extensionTypes + `)/` +
		`|(?:admin|catalog)/language/[^/]+/(?:` + extensionTypes + `)/` +
		`|catalog/view/theme/[^/]+/template/(?:` + extensionTypes + `)/)`)
	path23 = regexp.MustCompile(`^(?:(?:admin|catalog)/(?:controller|model)/extension/[^/]+/` +
		`|(?:admin|catalog)/language/[^/]+/extension/` +
		`|admin/view/template/extension/` +
		`|catalog/view/theme/[^/]+/template/extension/)`)
	path4 = regexp.MustCompile(`^extension/[^/]+/(?:admin|catalog|system)/`)
)

// detectLayout guesses the layout from the files and their namespaces.
func detectLayout(kind RootKind, files []File) Layout {
	if kind == RootManifest {
		return Layout4
	}
	legacy, new23 := false, false
	for _, f := range files {
		switch {
		case path4.MatchString(f.Path), strings.HasPrefix(f.Namespace, `Opencart\`):
			return Layout4
		case path23.MatchString(f.Path):
			new23 = true
		case legacyPath.MatchString(f.Path):
			legacy = true
		}
	}
	switch {
	case legacy && new23:
		return LayoutMixed
	case legacy:
		return LayoutLegacy
	case new23:
		return Layout23
	}
	return LayoutUnknown
}
