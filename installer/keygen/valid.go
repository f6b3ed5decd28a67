package keygen

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/ocsetup/ocsetup/installer/msg"
)

// Errors Valid wraps; test for them with errors.Is. Valid may return several
// at once (joined with errors.Join).
var (
	ErrTooShort      error = msg.NewError("error.keygen.too_short")
	ErrTooLong       error = msg.NewError("error.keygen.too_long")
	ErrForbiddenChar error = msg.NewError("error.keygen.forbidden")
)

// Valid checks a key that a person typed, pasted or read from a store. It
// accepts any key of minLen to MaxLength characters drawn from Alphabet; it
// does not require the letter-or-digit ends that Generate adds, because keys
// made elsewhere (OpenCart's own generator uses letters and digits only) are
// fine as they are. A minLen below 1 means MinLength; use MinStoreAPI for the
// store's own API users.
//
// The error says what is wrong in words a store owner understands: how long
// the key is and how long it must be, and the first character that is not
// allowed, where it is and why it matters.
func Valid(key string, minLen int) error {
	if minLen < 1 {
		minLen = MinLength
	}
	var errs []error
	n := utf8.RuneCountInString(key)
	switch {
	case minLen > MaxLength:
		return fmt.Errorf("keygen: minimum length %d is above the maximum %d", minLen, MaxLength)
	case n < minLen:
		errs = append(errs, msg.Wrap(ErrTooShort, "error.keygen.too_short_by", "Count", n, "Min", minLen))
	case n > MaxLength:
		errs = append(errs, msg.Wrap(ErrTooLong, "error.keygen.too_long_by", "Count", n, "Max", MaxLength))
	}
	if err := checkChars(key); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// checkChars reports the first character outside Alphabet and how many more
// there are.
func checkChars(key string) error {
	var first msg.Msg
	pos, bad := 0, 0
	for i, w := 0, 0; i < len(key); i += w {
		r, size := utf8.DecodeRuneInString(key[i:])
		w = size
		pos++ // characters are counted from 1, as a person would
		if r < utf8.RuneSelf && strings.IndexByte(Alphabet, byte(r)) >= 0 {
			continue
		}
		bad++
		if bad == 1 {
			var end any = ""
			if i+size == len(key) && isSpace(r) {
				end = msg.New("error.keygen.char_end")
			}
			first = msg.New("error.keygen.char_at", "Char", describe(r, size, key[i]), "Pos", pos, "End", end)
		}
	}
	if bad == 0 {
		return nil
	}
	var more any = ""
	if bad > 1 {
		more = msg.New("error.keygen.more", "Count", bad-1)
	}
	return msg.Wrap(ErrForbiddenChar, "error.keygen.forbidden_by", "First", first, "More", more)
}

func isSpace(r rune) bool {
	return r == ' ' || r == '\t' || r == '\n' || r == '\r'
}

// describe names a forbidden character and says why it is forbidden.
func describe(r rune, size int, b byte) msg.Msg {
	switch {
	case r == utf8.RuneError && size == 1:
		return msg.New("error.keygen.char.byte", "Byte", fmt.Sprintf("0x%02x", b))
	case r == ' ':
		return msg.New("error.keygen.char.space")
	case r == '\t':
		return msg.New("error.keygen.char.tab")
	case r == '\n' || r == '\r':
		return msg.New("error.keygen.char.line_break")
	case r < 0x20 || r == 0x7f:
		return msg.New("error.keygen.char.control", "Code", fmt.Sprintf("U+%04X", r))
	}
	why := ""
	switch r {
	case '\'', '\\':
		why = "php_string"
	case '"', '$', '`':
		why = "quotes"
	case '&', '=', '+', '%', '#', '?', '/', ';':
		why = "url"
	case '<', '>':
		why = "html"
	}
	if r >= utf8.RuneSelf {
		why = "not_ascii"
	}
	if why == "" {
		return msg.New("error.keygen.char.plain", "Char", fmt.Sprintf("%q", r))
	}
	return msg.New("error.keygen.char.why", "Char", fmt.Sprintf("%q", r), "Why", msg.New("error.keygen.why."+why))
}
