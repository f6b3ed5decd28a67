package admin

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// labelOf is the text a person reads for this very control: its
// <label for=id>, else the <label> around it.
func (w *walker) labelOf(n *html.Node, c *control) string {
	if c.id != "" {
		if t, ok := w.labelFor[c.id]; ok && t != "" {
			return t
		}
	}
	for p := n.Parent; p != nil; p = p.Parent {
		if p.DataAtom == atom.Label {
			return text(p)
		}
		if p.DataAtom == atom.Div || p.DataAtom == atom.Td || p.DataAtom == atom.Form {
			break
		}
	}
	if c.typ == "checkbox" || c.typ == "radio" {
		// 2.x/3.x: <label class="radio-inline"><input type="radio"> Yes</label>
		// is handled above; 1.5 writes "<input type="radio"> Yes" in a td.
		if s := n.NextSibling; s != nil && s.Type == html.TextNode {
			return strings.TrimSpace(s.Data)
		}
	}
	return ""
}

// groupLabel is the label of the row the control sits in: a Bootstrap
// form-group (2.x/3.x), a "row mb-3" (4.x) or a table row (1.5, whose
// settings forms are <table class="form"> with the label in the first
// cell).
func (w *walker) groupLabel(n *html.Node, c *control) string {
	for p := n.Parent; p != nil && p.DataAtom != atom.Form; p = p.Parent {
		cls := " " + attr(p, "class") + " "
		switch {
		case p.DataAtom == atom.Div && (strings.Contains(cls, " form-group ") || strings.Contains(cls, " row ") && strings.Contains(cls, " mb-3 ")):
			if l := firstLabel(p); l != "" {
				return l
			}
		case p.DataAtom == atom.Tr:
			for td := p.FirstChild; td != nil; td = td.NextSibling {
				if td.Type == html.ElementNode && (td.DataAtom == atom.Td || td.DataAtom == atom.Th) {
					if !contains(td, n) {
						return cellLabel(td)
					}
					break
				}
			}
		}
	}
	if c.id != "" {
		return w.labelFor[c.id]
	}
	return ""
}

// requiredOf: the HTML attribute, Bootstrap's "form-group required"
// (2.x/3.x) and 4.x's "row mb-3 required" mark a field the store insists
// on; 1.5 puts <span class="required">*</span> into the label cell.
func requiredOf(n *html.Node) bool {
	if hasAttr(n, "required") {
		return true
	}
	for p := n.Parent; p != nil && p.DataAtom != atom.Form; p = p.Parent {
		cls := " " + attr(p, "class") + " "
		if p.DataAtom == atom.Div && strings.Contains(cls, " required ") {
			return true
		}
		if p.DataAtom == atom.Tr {
			return findClass(p, "required")
		}
	}
	return false
}

func findClass(n *html.Node, class string) bool {
	if n.Type == html.ElementNode && strings.Contains(" "+attr(n, "class")+" ", " "+class+" ") {
		return true
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if findClass(c, class) {
			return true
		}
	}
	return false
}

// cellLabel is the label in a 1.5 table cell: "<span class="required">*</span>
// Label:<br /><span class="help">…</span>" reads "Label".
func cellLabel(td *html.Node) string {
	var b strings.Builder
	for c := td.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode {
			cls := " " + attr(c, "class") + " "
			if strings.Contains(cls, " required ") || strings.Contains(cls, " help ") {
				continue
			}
			b.WriteString(text(c))
		} else if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
		b.WriteByte(' ')
	}
	return strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(strings.Join(strings.Fields(b.String()), " ")), ":"))
}

// helpOf finds the help text next to a control: 1.5's span.help, the
// tooltip title of 2.x/3.x labels, help-block and 4.x's form-text.
func helpOf(n *html.Node) string {
	for p := n.Parent; p != nil && p.DataAtom != atom.Form; p = p.Parent {
		cls := " " + attr(p, "class") + " "
		if p.DataAtom == atom.Tr || p.DataAtom == atom.Div && (strings.Contains(cls, " form-group ") || strings.Contains(cls, " mb-3 ")) {
			return findHelp(p)
		}
	}
	return ""
}

func findHelp(n *html.Node) string {
	if n.Type == html.ElementNode {
		cls := " " + attr(n, "class") + " "
		switch {
		case attr(n, "data-toggle") == "tooltip" || attr(n, "data-bs-toggle") == "tooltip":
			if t := attr(n, "title"); t != "" && n.DataAtom == atom.Span {
				return t
			}
		case strings.Contains(cls, " help ") || strings.Contains(cls, " help-block ") || strings.Contains(cls, " form-text "):
			return text(n)
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if h := findHelp(c); h != "" {
			return h
		}
	}
	return ""
}

func firstLabel(n *html.Node) string {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode {
			continue
		}
		if c.DataAtom == atom.Label {
			return text(c)
		}
		if c.DataAtom == atom.Div && !strings.Contains(attr(c, "class"), "form-group") {
			if l := firstLabel(c); l != "" && c.FirstChild != nil && !hasControl(c) {
				return l
			}
		}
	}
	return ""
}

func hasControl(n *html.Node) bool {
	if n.Type == html.ElementNode && (n.DataAtom == atom.Input || n.DataAtom == atom.Select || n.DataAtom == atom.Textarea) {
		return true
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if hasControl(c) {
			return true
		}
	}
	return false
}

func contains(root, n *html.Node) bool {
	for p := n; p != nil; p = p.Parent {
		if p == root {
			return true
		}
	}
	return false
}

func hasClassAncestor(n *html.Node, classes ...string) bool {
	for p := n.Parent; p != nil; p = p.Parent {
		cls := " " + attr(p, "class") + " "
		for _, c := range classes {
			if strings.Contains(cls, " "+c+" ") {
				return true
			}
		}
		if attr(p, "id") == "tabs" {
			return true
		}
	}
	return false
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func hasAttr(n *html.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Key == key {
			return true
		}
	}
	return false
}

// text is the visible text below n, whitespace collapsed, without the
// text of scripts, styles, selects and buttons.
func text(n *html.Node) string {
	var b strings.Builder
	var rec func(*html.Node)
	rec = func(n *html.Node) {
		switch {
		case n.Type == html.TextNode:
			b.WriteString(n.Data)
			b.WriteByte(' ')
		case n.Type == html.ElementNode && (n.DataAtom == atom.Script || n.DataAtom == atom.Style || n.DataAtom == atom.Select || n.DataAtom == atom.Button || n.DataAtom == atom.Textarea):
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			rec(c)
		}
	}
	rec(n)
	return strings.Join(strings.Fields(b.String()), " ")
}

// rawText is a textarea's content as it is.
func rawText(n *html.Node) string {
	var b strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
	}
	// Browsers drop one newline right after <textarea>.
	return strings.TrimPrefix(b.String(), "\n")
}
