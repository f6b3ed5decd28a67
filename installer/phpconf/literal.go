package phpconf

import (
	"bytes"
	"errors"
	"strings"
)

// stringLiteral decodes a String token that PHP can evaluate without
// running anything: '...' and "..." without interpolation, optionally with
// the b prefix. ok is false for interpolated and backtick strings.
func stringLiteral(src []byte, t Token) (value string, ok bool, err error) {
	if t.Kind != String || t.Interpolated {
		return "", false, nil
	}
	lit := src[t.Start:t.End]
	if lit[0] == 'b' || lit[0] == 'B' {
		lit = lit[1:]
	}
	body := lit[1 : len(lit)-1]
	switch lit[0] {
	case '\'':
		return unquoteSingle(body), true, nil
	case '"':
		v, err := unquoteDouble(body)
		if err != nil {
			return "", false, err
		}
		return v, true, nil
	}
	return "", false, nil
}

// unquoteSingle undoes PHP single-quote escaping: only \' and \\ are
// escapes; any other backslash stays as it is.
func unquoteSingle(body []byte) string {
	if bytes.IndexByte(body, '\\') < 0 {
		return string(body)
	}
	var b strings.Builder
	b.Grow(len(body))
	for i := 0; i < len(body); i++ {
		c := body[i]
		if c == '\\' && i+1 < len(body) && (body[i+1] == '\\' || body[i+1] == '\'') {
			i++
			c = body[i]
		}
		b.WriteByte(c)
	}
	return b.String()
}

// unquoteDouble undoes PHP double-quote escaping for a body without
// interpolation: \n \t \r \v \e \f \\ \$ \" , octal \0 to \777 (PHP keeps
// the low 8 bits of an overflowing value), \xH and \xHH (also \X), and
// \u{...}.
// Unknown escapes, and \x or \u without digits or brace, stay literally.
func unquoteDouble(body []byte) (string, error) {
	if bytes.IndexByte(body, '\\') < 0 {
		return string(body), nil
	}
	b := make([]byte, 0, len(body))
	for i := 0; i < len(body); i++ {
		c := body[i]
		if c != '\\' || i+1 >= len(body) {
			b = append(b, c)
			continue
		}
		i++
		switch e := body[i]; e {
		case 'n':
			b = append(b, '\n')
		case 't':
			b = append(b, '\t')
		case 'r':
			b = append(b, '\r')
		case 'v':
			b = append(b, '\v')
		case 'e':
			b = append(b, 0x1b)
		case 'f':
			b = append(b, '\f')
		case '\\', '$', '"':
			b = append(b, e)
		case 'x', 'X': // PHP accepts \X too (but not \U, \N...)
			if i+1 < len(body) && isHex(body[i+1]) {
				v := hexVal(body[i+1])
				i++
				if i+1 < len(body) && isHex(body[i+1]) {
					v = v<<4 | hexVal(body[i+1])
					i++
				}
				b = append(b, byte(v))
			} else {
				b = append(b, '\\', e)
			}
		case 'u':
			if i+1 < len(body) && body[i+1] == '{' {
				enc, n, err := unicodeEscape(body[i-1:])
				if err != nil {
					return "", err
				}
				b = append(b, enc...)
				i += n - 2
			} else {
				b = append(b, '\\', 'u')
			}
		case '0', '1', '2', '3', '4', '5', '6', '7':
			v := int(e - '0')
			for k := 0; k < 2 && i+1 < len(body) && isOct(body[i+1]); k++ {
				v = v*8 + int(body[i+1]-'0')
				i++
			}
			b = append(b, byte(v)) // PHP warns on overflow and keeps the low byte
		default:
			b = append(b, '\\', e)
		}
	}
	return string(b), nil
}

var (
	errBadCodepoint      = errors.New("invalid UTF-8 codepoint escape sequence")
	errCodepointTooLarge = errors.New("invalid UTF-8 codepoint escape sequence: codepoint too large")
)

// unicodeEscape decodes "\u{hex}" at the start of s and returns the bytes
// PHP produces and the length of the escape. Like PHP it rejects "\u{}",
// non-hex digits and values above U+10FFFF, and it encodes surrogate
// values as three bytes instead of refusing them.
func unicodeEscape(s []byte) (enc []byte, n int, err error) {
	j := 3 // after `\u{`
	for j < len(s) && isHex(s[j]) {
		j++
	}
	if j == 3 || j >= len(s) || s[j] != '}' {
		return nil, 0, errBadCodepoint
	}
	digits := bytes.TrimLeft(s[3:j], "0")
	if len(digits) > 6 {
		return nil, 0, errCodepointTooLarge
	}
	cp := 0
	for _, d := range digits {
		cp = cp<<4 | int(hexVal(d))
	}
	if cp > 0x10FFFF {
		return nil, 0, errCodepointTooLarge
	}
	switch {
	case cp < 0x80:
		enc = []byte{byte(cp)}
	case cp < 0x800:
		enc = []byte{0xC0 | byte(cp>>6), 0x80 | byte(cp&0x3F)}
	case cp < 0x10000:
		enc = []byte{0xE0 | byte(cp>>12), 0x80 | byte(cp>>6&0x3F), 0x80 | byte(cp&0x3F)}
	default:
		enc = []byte{0xF0 | byte(cp>>18), 0x80 | byte(cp>>12&0x3F), 0x80 | byte(cp>>6&0x3F), 0x80 | byte(cp&0x3F)}
	}
	return enc, j + 1, nil
}

func hexVal(c byte) byte {
	if isDigit(c) {
		return c - '0'
	}
	return c | 0x20 - 'a' + 10
}

// quoteSingle returns s as a PHP single-quoted literal. Every backslash is
// doubled, not only those before a quote or at the end, so the literal reads
// back as s whatever follows each backslash.
func quoteSingle(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('\'')
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' || s[i] == '\'' {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	b.WriteByte('\'')
	return b.String()
}
