package keygen

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Errors Valid wraps; test for them with errors.Is. Valid may return several
// at once (joined with errors.Join).
var (
	ErrTooShort      = errors.New("key is too short")
	ErrTooLong       = errors.New("key is too long")
	ErrForbiddenChar = errors.New("key contains a character that is not allowed")
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
		errs = append(errs, fmt.Errorf("%w: it has %d characters, it needs at least %d", ErrTooShort, n, minLen))
	case n > MaxLength:
		errs = append(errs, fmt.Errorf("%w: it has %d characters, at most %d are allowed", ErrTooLong, n, MaxLength))
	}
	if err := checkChars(key); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// checkChars reports the first character outside Alphabet and how many more
// there are.
func checkChars(key string) error {
	first, pos, bad := "", 0, 0
	for i, w := 0, 0; i < len(key); i += w {
		r, size := utf8.DecodeRuneInString(key[i:])
		w = size
		pos++ // characters are counted from 1, as a person would
		if r < utf8.RuneSelf && strings.IndexByte(Alphabet, byte(r)) >= 0 {
			continue
		}
		bad++
		if bad == 1 {
			first = fmt.Sprintf("%s at position %d", describe(r, size, key[i]), pos)
			if i+size == len(key) && isSpace(r) {
				first += " (the end of the key; was whitespace copied with it?)"
			}
		}
	}
	if bad == 0 {
		return nil
	}
	if bad > 1 {
		first += fmt.Sprintf(", and %d more", bad-1)
	}
	return fmt.Errorf("%w: %s; only letters, digits and - _ . ~ may be used", ErrForbiddenChar, first)
}

func isSpace(r rune) bool {
	return r == ' ' || r == '\t' || r == '\n' || r == '\r'
}

// describe names a forbidden character and says why it is forbidden.
func describe(r rune, size int, b byte) string {
	switch {
	case r == utf8.RuneError && size == 1:
		return fmt.Sprintf("a byte 0x%02x that is not valid text", b)
	case r == ' ':
		return "a space"
	case r == '\t':
		return "a tab"
	case r == '\n' || r == '\r':
		return "a line break"
	case r < 0x20 || r == 0x7f:
		return fmt.Sprintf("an invisible control character (U+%04X)", r)
	}
	why := ""
	switch r {
	case '\'', '\\':
		why = "it ends or escapes a PHP string"
	case '"', '$', '`':
		why = "PHP and shells treat it specially inside quotes"
	case '&', '=', '+', '%', '#', '?', '/', ';':
		why = "it changes meaning in a URL or form post"
	case '<', '>':
		why = "it breaks HTML and XML"
	}
	if r >= utf8.RuneSelf {
		why = "it is not a plain ASCII character"
	}
	if why == "" {
		return fmt.Sprintf("%q", r)
	}
	return fmt.Sprintf("%q (%s)", r, why)
}
