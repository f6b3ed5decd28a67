package admin

import (
	"bytes"
	"mime/multipart"
	"net/url"
	"strings"
)

// successful returns what the control sends (HTML's "successful
// controls": not disabled, checked if a box, selected options).
func (c *control) successful() []string {
	if c.disabled || c.name == "" {
		return nil
	}
	switch {
	case c.tag == "select":
		var out []string
		for _, o := range c.options {
			if o.selected && !o.disabled {
				out = append(out, o.value)
			}
		}
		// A single select with nothing marked sends its first option.
		if len(out) == 0 && !c.multiple {
			for _, o := range c.options {
				if !o.disabled {
					return []string{o.value}
				}
			}
		}
		return out
	case c.typ == "checkbox" || c.typ == "radio":
		if c.checked {
			return []string{c.value}
		}
		return nil
	case c.typ == "file", c.typ == "submit", c.typ == "button", c.typ == "reset", c.typ == "image":
		return nil
	}
	return []string{c.value}
}

// pairs are the name/value pairs the browser sends, in document order,
// with line breaks as CRLF (HTML's form submission normalises them, and
// so does jQuery's serialize()).
func (f *Form) pairs() [][2]string {
	var out [][2]string
	for _, c := range f.controls {
		for _, v := range c.successful() {
			out = append(out, [2]string{c.name, crlf(v)})
		}
	}
	return out
}

func crlf(s string) string {
	if !strings.ContainsAny(s, "\r\n") {
		return s
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return strings.ReplaceAll(s, "\n", "\r\n")
}

// Encode returns the body and Content-Type the browser would send:
// multipart/form-data when the form says so (the ≤3.x settings forms),
// else application/x-www-form-urlencoded (4.x posts $(form).serialize()
// whatever the enctype, oc@4.0.2.3:upload/admin/view/javascript/common.js).
func (f *Form) Encode() ([]byte, string, error) {
	if strings.EqualFold(f.Enctype, "multipart/form-data") && !f.AJAX {
		var b bytes.Buffer
		w := multipart.NewWriter(&b)
		for _, p := range f.pairs() {
			if err := w.WriteField(p[0], p[1]); err != nil {
				return nil, "", err
			}
		}
		if err := w.Close(); err != nil {
			return nil, "", err
		}
		return b.Bytes(), w.FormDataContentType(), nil
	}
	return []byte(urlEncode(f.pairs())), "application/x-www-form-urlencoded", nil
}

// urlEncode keeps the order of the pairs (url.Values would sort them, and
// PHP's "last one wins" for repeated names depends on the order).
func urlEncode(pairs [][2]string) string {
	parts := make([]string, len(pairs))
	for i, p := range pairs {
		parts[i] = url.QueryEscape(p[0]) + "=" + url.QueryEscape(p[1])
	}
	return strings.Join(parts, "&")
}
