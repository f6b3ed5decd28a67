package settings

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/ocsetup/ocsetup/installer/store"
)

// OpenCart stores arrays (setting rows with serialized = 1, and
// user_group.permission) as PHP serialize() on 1.5 and 2.0, as
// json_encode() from 2.1 (docs/opencart.md §3; oc@2.0.3.1 and
// oc@2.1.0.2:upload/admin/model/setting/setting.php).

// encodeList writes a list of strings the way the line's editSetting()
// does.
func encodeList(line store.Line, items []string) string {
	if !line.AtLeast(store.Line21) {
		return phpSerializeList(items)
	}
	return phpJSONList(items)
}

// phpSerializeList is serialize() of a PHP list of strings; lengths are
// in bytes.
func phpSerializeList(items []string) string {
	var b strings.Builder
	b.WriteString("a:" + strconv.Itoa(len(items)) + ":{")
	for i, s := range items {
		b.WriteString("i:" + strconv.Itoa(i) + ";" + phpSerializeString(s))
	}
	b.WriteString("}")
	return b.String()
}

func phpSerializeString(s string) string {
	return "s:" + strconv.Itoa(len(s)) + `:"` + s + `";`
}

// phpJSONList is json_encode() of a list of strings with PHP's default
// flags: "/" is escaped, and so is every non-ASCII character (\uXXXX,
// surrogate pairs above U+FFFF).
func phpJSONList(items []string) string {
	parts := make([]string, len(items))
	for i, s := range items {
		parts[i] = phpJSONString(s)
	}
	return "[" + strings.Join(parts, ",") + "]"
}

func phpJSONString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '/':
			b.WriteString(`\/`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\b':
			b.WriteString(`\b`)
		case r == '\f':
			b.WriteString(`\f`)
		case r < 0x20 || r > 0x7e && r <= 0xffff:
			fmt.Fprintf(&b, `\u%04x`, r)
		case r > 0xffff:
			r -= 0x10000
			fmt.Fprintf(&b, `\u%04x\u%04x`, 0xd800+(r>>10), 0xdc00+(r&0x3ff))
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// permissions is user_group.permission: named lists of routes, in the
// order the value has them (access, modify; other keys are kept as they
// are).
type permissions struct {
	keys  []string
	lists map[string][]string
	raw   map[string]string // values that are not lists of strings, kept verbatim (JSON only)
}

// decodePermissions reads the value of the line's encoding. An empty
// value is an empty set.
func decodePermissions(line store.Line, v string) (*permissions, error) {
	p := &permissions{lists: map[string][]string{}, raw: map[string]string{}}
	if strings.TrimSpace(v) == "" {
		return p, nil
	}
	// Upgraded stores may still hold the other encoding (the 2.1 and 3.0
	// upgrade steps convert rows starting with "a:",
	// oc@3.0.3.8:upload/install/model/upgrade/1003.php).
	if strings.HasPrefix(v, "a:") {
		return p, p.unserialize(v)
	}
	return p, p.fromJSON(v)
}

// encode writes the value in the line's encoding, as addPermission() does
// (serialize() up to 2.0, json_encode() from 2.1).
func (p *permissions) encode(line store.Line) (string, error) {
	if !line.AtLeast(store.Line21) {
		if len(p.raw) > 0 {
			return "", errors.New("the permission value holds something other than lists of routes")
		}
		var b strings.Builder
		b.WriteString("a:" + strconv.Itoa(len(p.keys)) + ":{")
		for _, k := range p.keys {
			b.WriteString(phpSerializeString(k) + phpSerializeList(p.lists[k]))
		}
		b.WriteString("}")
		return b.String(), nil
	}
	parts := make([]string, len(p.keys))
	for i, k := range p.keys {
		v, ok := p.raw[k]
		if !ok {
			v = phpJSONList(p.lists[k])
		}
		parts[i] = phpJSONString(k) + ":" + v
	}
	return "{" + strings.Join(parts, ",") + "}", nil
}

// add appends a route to a list unless it is there (OpenCart's
// addPermission() would add it twice).
func (p *permissions) add(kind, route string) bool {
	if _, ok := p.lists[kind]; !ok {
		if _, raw := p.raw[kind]; raw {
			return false
		}
		p.keys = append(p.keys, kind)
	}
	for _, r := range p.lists[kind] {
		if r == route {
			return false
		}
	}
	p.lists[kind] = append(p.lists[kind], route)
	return true
}

func (p *permissions) fromJSON(v string) error {
	dec := json.NewDecoder(strings.NewReader(v))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return fmt.Errorf("the permission value is not a JSON object")
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return err
		}
		key, _ := t.(string)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return err
		}
		p.keys = append(p.keys, key)
		var list []string
		if json.Unmarshal(raw, &list) == nil && bytes.HasPrefix(bytes.TrimSpace(raw), []byte("[")) {
			p.lists[key] = list
		} else {
			p.raw[key] = string(raw)
		}
	}
	return nil
}

// unserialize reads serialize() of an array of lists of strings (the
// keys may be strings or integers; list values strings or integers).
func (p *permissions) unserialize(v string) error {
	r := &phpReader{s: v}
	n, err := r.arrayHeader()
	if err != nil {
		return err
	}
	for i := 0; i < n; i++ {
		key, err := r.scalar()
		if err != nil {
			return err
		}
		m, err := r.arrayHeader()
		if err != nil {
			return fmt.Errorf("permission %q: %w", key, err)
		}
		list := []string{}
		for j := 0; j < m; j++ {
			if _, err := r.scalar(); err != nil {
				return err
			}
			val, err := r.scalar()
			if err != nil {
				return err
			}
			list = append(list, val)
		}
		if err := r.expect("}"); err != nil {
			return err
		}
		p.keys = append(p.keys, key)
		p.lists[key] = list
	}
	return r.expect("}")
}

// phpReader reads PHP serialize() output.
type phpReader struct {
	s string
	i int
}

func (r *phpReader) expect(tok string) error {
	if !strings.HasPrefix(r.s[r.i:], tok) {
		return fmt.Errorf("serialized value: expected %q at byte %d", tok, r.i)
	}
	r.i += len(tok)
	return nil
}

func (r *phpReader) until(c byte) (string, error) {
	j := strings.IndexByte(r.s[r.i:], c)
	if j < 0 {
		return "", fmt.Errorf("serialized value: missing %q after byte %d", c, r.i)
	}
	out := r.s[r.i : r.i+j]
	r.i += j + 1
	return out, nil
}

func (r *phpReader) arrayHeader() (int, error) {
	if err := r.expect("a:"); err != nil {
		return 0, err
	}
	n, err := r.until(':')
	if err != nil {
		return 0, err
	}
	count, err := strconv.Atoi(n)
	if err != nil {
		return 0, err
	}
	return count, r.expect("{")
}

// scalar reads s:…, i:… or b:… as text.
func (r *phpReader) scalar() (string, error) {
	if r.i+2 > len(r.s) {
		return "", errors.New("serialized value ends early")
	}
	switch r.s[r.i : r.i+2] {
	case "s:":
		r.i += 2
		n, err := r.until(':')
		if err != nil {
			return "", err
		}
		size, err := strconv.Atoi(n)
		if err != nil || r.i+1+size+2 > len(r.s) {
			return "", errors.New("serialized value: bad string length")
		}
		if err := r.expect(`"`); err != nil {
			return "", err
		}
		out := r.s[r.i : r.i+size]
		r.i += size
		return out, r.expect(`";`)
	case "i:", "b:", "d:":
		r.i += 2
		return r.until(';')
	}
	return "", fmt.Errorf("serialized value: unexpected %q at byte %d", r.s[r.i:r.i+2], r.i)
}

// decodeList reads a stored array setting in either encoding, for the
// values of a form that the store already has.
func decodeList(v string) []string {
	if strings.HasPrefix(v, "a:") {
		r := &phpReader{s: v}
		n, err := r.arrayHeader()
		if err != nil {
			return nil
		}
		var out []string
		for i := 0; i < n; i++ {
			if _, err := r.scalar(); err != nil {
				return out
			}
			s, err := r.scalar()
			if err != nil {
				return out
			}
			out = append(out, s)
		}
		return out
	}
	var list []string
	if json.Unmarshal([]byte(v), &list) == nil {
		return list
	}
	var m map[string]string
	if json.Unmarshal([]byte(v), &m) == nil {
		for _, k := range sortedKeys(m) {
			list = append(list, m[k])
		}
	}
	if !utf8.ValidString(v) {
		return nil
	}
	return list
}
