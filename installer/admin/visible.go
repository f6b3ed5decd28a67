package admin

import (
	"regexp"
	"strings"

	"golang.org/x/net/html"
)

// A settings page may carry error blocks the browser does not show: the
// LatitudePay page always prints the alert "You have to set at least one
// value for Payment Terms!", hidden by a rule of its own stylesheet
// (.no-payment-terms-error-message { display: none; }) and shown by its
// script only while the form is being edited
// (Latitude-Financial/opencart-latitudepay-genoapay
// upload/admin/view/template/extension/payment/latitudepay.twig). Only what
// the store shows is its answer, so messages inside hidden elements are
// not read; controls inside them still are, as the browser posts them.

// hiddenRule is one compound selector a page's own <style> hides: an
// optional tag, an optional id and classes, all of which must match.
type hiddenRule struct {
	tag, id string
	classes []string
}

// simpleSelectorRE matches a compound selector without combinators:
// div.alert.x, .x, #y.
var simpleSelectorRE = regexp.MustCompile(`^([a-zA-Z][a-zA-Z0-9]*)?((?:[.#][a-zA-Z_-][a-zA-Z0-9_-]*)+)$`)

var selectorPartRE = regexp.MustCompile(`[.#][a-zA-Z_-][a-zA-Z0-9_-]*`)

// hiddenRules reads the rules of a stylesheet that hide elements outright
// (display:none), for compound selectors only. Rules inside at-blocks
// (@media print …) apply only sometimes and are left out; so are
// selectors with combinators, which the page's structure would have to
// decide.
func hiddenRules(css string) []hiddenRule {
	css = stripCSSComments(css)
	var out []hiddenRule
	depth := 0
	start := 0
	inAt := false // inside an at-block (@media …)
	prelude := ""
	for i := 0; i < len(css); i++ {
		switch css[i] {
		case '{':
			if depth == 0 {
				prelude = strings.TrimSpace(css[start:i])
				if strings.HasPrefix(prelude, "@") {
					inAt = true
				}
			}
			depth++
			start = i + 1
		case '}':
			if depth == 0 {
				continue
			}
			depth--
			if depth == 0 {
				if !inAt && declaresDisplayNone(css[start:i]) {
					out = append(out, parseSelectors(prelude)...)
				}
				inAt = false
			}
			start = i + 1
		case ';':
			if depth == 0 {
				start = i + 1 // @import …; and the like
			}
		}
	}
	return out
}

func stripCSSComments(s string) string {
	for {
		i := strings.Index(s, "/*")
		if i < 0 {
			return s
		}
		j := strings.Index(s[i+2:], "*/")
		if j < 0 {
			return s[:i]
		}
		s = s[:i] + " " + s[i+2+j+2:]
	}
}

func declaresDisplayNone(decls string) bool {
	for _, d := range strings.Split(decls, ";") {
		k, v, ok := strings.Cut(d, ":")
		if !ok {
			continue
		}
		v = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(strings.ToLower(v)), "!important"))
		if strings.EqualFold(strings.TrimSpace(k), "display") && strings.TrimSpace(v) == "none" {
			return true
		}
	}
	return false
}

func parseSelectors(list string) []hiddenRule {
	var out []hiddenRule
	for _, sel := range strings.Split(list, ",") {
		sel = strings.TrimSpace(sel)
		m := simpleSelectorRE.FindStringSubmatch(sel)
		if m == nil {
			continue
		}
		r := hiddenRule{tag: strings.ToLower(m[1])}
		for _, part := range selectorPartRE.FindAllString(m[2], -1) {
			if part[0] == '#' {
				r.id = part[1:]
			} else {
				r.classes = append(r.classes, part[1:])
			}
		}
		out = append(out, r)
	}
	return out
}

func (r hiddenRule) matches(n *html.Node, classes []string) bool {
	if r.tag != "" && r.tag != n.Data {
		return false
	}
	if r.id != "" && r.id != attr(n, "id") {
		return false
	}
	for _, c := range r.classes {
		if !hasString(classes, c) {
			return false
		}
	}
	return true
}

func hasString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// responsiveDisplayRE is a Bootstrap class that shows an element from a
// breakpoint on (d-none d-md-block is visible on wide screens).
var responsiveDisplayRE = regexp.MustCompile(`^d-(sm|md|lg|xl|xxl)-(block|inline|inline-block|flex|inline-flex|grid|table|table-cell|table-row)$`)

// hides reports whether n itself is hidden: the hidden attribute, an
// inline display:none, Bootstrap's hiding classes (d-none on 4.x, hidden
// and hide on the Bootstrap 3 of 2.x–3.x) or a rule of the page's own
// stylesheet.
func (w *walker) hides(n *html.Node) bool {
	if hasAttr(n, "hidden") {
		return true
	}
	style := strings.ToLower(strings.Join(strings.Fields(attr(n, "style")), ""))
	for _, d := range strings.Split(style, ";") {
		if strings.TrimSuffix(d, "!important") == "display:none" {
			return true
		}
	}
	classes := strings.Fields(attr(n, "class"))
	if hasString(classes, "hidden") || hasString(classes, "hide") {
		return true
	}
	if hasString(classes, "d-none") {
		shown := false
		for _, c := range classes {
			shown = shown || responsiveDisplayRE.MatchString(c)
		}
		if !shown {
			return true
		}
	}
	for _, r := range w.hidden {
		if r.matches(n, classes) {
			return true
		}
	}
	return false
}
