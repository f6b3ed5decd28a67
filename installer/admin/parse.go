package admin

import (
	"bytes"
	"net/url"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// page is what ocsetup reads from an admin page: its forms, its alerts
// and the error messages printed next to fields.
type page struct {
	forms    []*Form
	warnings []string // alert-danger (2.x–4.x), div.warning (1.5)
	success  []string // alert-success, div.success
	// fieldErrors are messages shown under a field (text-danger up to
	// 3.x, span.error on 1.5, invalid-feedback on 4.x), with the name of
	// the control just before them.
	fieldErrors []FieldError
	captcha     string // what gave a captcha away, "" when none
	hasPassword bool   // an <input type=password> anywhere
	// phpErrors are PHP errors the store printed into the page (OpenCart
	// shows them when "Display errors" is on; older lines print
	// deprecation notices on newer PHP, which also breaks their redirects).
	phpErrors []string
}

// walker carries the state of one pass over the document.
type walker struct {
	base     *url.URL
	p        *page
	byID     map[string]*Form
	labelFor map[string]string
	tabTitle map[string]string
	last     *control // the control before the current node
	formIdx  int      // forms met so far by walk
	// hidden are the page's own stylesheet rules that hide elements.
	hidden []hiddenRule
}

// parsePage reads an admin page. base is the page's URL, against which
// form actions are resolved.
func parsePage(base *url.URL, body []byte) (*page, error) {
	doc, err := html.Parse(bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	w := &walker{base: base, p: &page{}, byID: map[string]*Form{}, labelFor: map[string]string{}, tabTitle: map[string]string{}}
	w.prescan(doc)
	w.walk(doc, nil, nil, false)
	w.p.phpErrors = phpErrors(body)
	for _, f := range w.p.forms {
		f.finish()
	}
	return w.p, nil
}

// prescan collects what later nodes refer to: forms by id (controls may
// name their form), labels by for=, and tab titles by the pane they show
// (Bootstrap's <a href="#tab-x">, 1.5's .htabs links).
func (w *walker) prescan(n *html.Node) {
	if n.Type == html.ElementNode {
		switch n.DataAtom {
		case atom.Template:
			// Inert until a script copies it: not part of the page.
			return
		case atom.Style:
			w.hidden = append(w.hidden, hiddenRules(rawText(n))...)
			return
		case atom.Form:
			f := w.newForm(n)
			if f.ID != "" {
				w.byID[f.ID] = f
			}
		case atom.Label:
			if id := attr(n, "for"); id != "" {
				w.labelFor[id] = text(n)
			}
		case atom.A, atom.Button:
			href := attr(n, "href")
			if href == "" {
				href = attr(n, "data-bs-target")
			}
			if strings.HasPrefix(href, "#tab") || strings.HasPrefix(href, "#") && hasClassAncestor(n, "nav-tabs", "htabs", "vtabs") {
				w.tabTitle[strings.TrimPrefix(href, "#")] = text(n)
			}
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		w.prescan(c)
	}
}

func (w *walker) newForm(n *html.Node) *Form {
	f := &Form{ID: attr(n, "id"), Method: strings.ToLower(attr(n, "method")), Enctype: strings.ToLower(attr(n, "enctype")),
		AJAX: attr(n, "data-oc-toggle") == "ajax"}
	if f.Method == "" {
		f.Method = "get"
	}
	action := attr(n, "action")
	if u, err := w.base.Parse(strings.ReplaceAll(action, "&amp;", "&")); err == nil {
		f.Action = u
	} else {
		f.Action = w.base
	}
	w.p.forms = append(w.p.forms, f)
	return f
}

// walk visits nodes in document order. form is the enclosing form, tab
// the enclosing tab pane's title; hidden is set below an element the
// browser does not show, whose messages are not the store's answer (its
// controls are still posted).
func (w *walker) walk(n *html.Node, form *Form, tabs []string, hidden bool) {
	if n.Type == html.ElementNode {
		switch n.DataAtom {
		case atom.Script, atom.Style:
			w.noteScript(n)
			return
		case atom.Template, atom.Noscript:
			return
		case atom.Form:
			// prescan made the forms in the same document order.
			if w.formIdx < len(w.p.forms) {
				form = w.p.forms[w.formIdx]
				w.formIdx++
			}
		case atom.Input, atom.Select, atom.Textarea:
			w.control(n, form, tabs)
			return
		}
		if id := attr(n, "id"); id != "" {
			if title, ok := w.tabTitle[id]; ok {
				tabs = append(tabs[:len(tabs):len(tabs)], title)
			}
		}
		hidden = hidden || w.hides(n)
		if !hidden {
			w.message(n)
		}
		w.noteCaptcha(n)
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		w.walk(c, form, tabs, hidden)
	}
}

// control records an input, select or textarea.
func (w *walker) control(n *html.Node, form *Form, tabs []string) {
	c := &control{tag: n.Data, name: attr(n, "name"), id: attr(n, "id"), disabled: hasAttr(n, "disabled"), readOnly: hasAttr(n, "readonly")}
	switch n.DataAtom {
	case atom.Input:
		c.typ = strings.ToLower(attr(n, "type"))
		if c.typ == "" {
			c.typ = "text"
		}
		c.value = attr(n, "value")
		if (c.typ == "checkbox" || c.typ == "radio") && !hasAttr(n, "value") {
			c.value = "on"
		}
		c.checked = hasAttr(n, "checked")
		if c.typ == "password" {
			w.p.hasPassword = true
		}
	case atom.Select:
		c.multiple = hasAttr(n, "multiple")
		c.typ = "select"
		collectOptions(n, c)
	case atom.Textarea:
		c.typ = "textarea"
		c.value = rawText(n)
	}
	lname := strings.ToLower(c.name)
	if w.p.captcha == "" && (strings.Contains(lname, "captcha") || strings.HasSuffix(lname, "-response")) {
		w.p.captcha = "a field named " + c.name
	}
	if f := attr(n, "form"); f != "" {
		if owner, ok := w.byID[f]; ok {
			form = owner
		}
	}
	w.last = c
	if form == nil || c.name == "" {
		return
	}
	c.label = w.labelOf(n, c)
	form.add(c, w.groupLabel(n, c), helpOf(n), requiredOf(n), tabs)
}

func collectOptions(n *html.Node, c *control) {
	for o := n.FirstChild; o != nil; o = o.NextSibling {
		if o.Type != html.ElementNode {
			continue
		}
		switch o.DataAtom {
		case atom.Option:
			v := attr(o, "value")
			if !hasAttr(o, "value") {
				v = text(o)
			}
			c.options = append(c.options, &option{value: v, label: text(o), selected: hasAttr(o, "selected"), disabled: hasAttr(o, "disabled")})
		case atom.Optgroup:
			collectOptions(o, c)
		}
	}
}
