// Package keygen makes random API keys and checks keys typed or pasted by a
// person.
//
// # Alphabet
//
// Keys use the 66 characters A–Z, a–z, 0–9 and the four symbols "-", "_",
// "." and "~" (Alphabet). These are RFC 3986's "unreserved" characters: they
// pass through a URL query and an application/x-www-form-urlencoded post
// unchanged, and none of them means anything inside a PHP single-quoted
// string (only ' and \ do), in a double-quoted one (no $) or in XML. So a key
// can go into `define('M1_TOKEN', '…');`, into `?token=…` and into OpenCart's
// `key=…` login post without escaping.
//
// The first and the last character of a generated key are always a letter
// or a digit. A leading "-" reads as an option on a command line and a
// leading "~" is expanded by shells; a trailing ".", "-" or "~" is dropped by
// chat and mail programs that turn text into links, so a person who copies
// the key from there loses a character. The cost is small: EntropyBits(32)
// is 193.2 bits instead of 193.4.
//
// # Randomness
//
// Characters come from crypto/rand by rejection sampling: a random byte b is
// used only when b < 256 - 256%n (n is the size of the alphabet in use) and
// then maps to b%n, so every character is exactly equally likely. Plain b%n
// would make the first 256%n characters more likely than the others.
//
// OpenCart's own generators are no model here: token() uses mt_rand
// (oc@3.0.3.8:upload/system/helper/general.php) and the "Generate" button of
// the API user form uses Math.random with an off-by-one that never picks "9"
// (oc@3.0.3.8:upload/admin/view/template/user/api_form.twig:145).
package keygen

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
)

// Key lengths, in characters.
const (
	// MinLength is the shortest key Generate makes. 24 characters carry
	// about 145 bits.
	MinLength = 24
	// MaxLength is the longest key Generate makes and Valid accepts. It is
	// also the longest API key OpenCart accepts.
	MaxLength = 256
	// DefaultLength is used by Generate(0).
	DefaultLength = 32
	// MinStoreAPI is the shortest key OpenCart accepts for its own API users
	// (System > Users > API): 64 to 256 characters, in every line that has
	// keys (oc@2.1.0.2, oc@3.0.3.8, oc@4.0.2.3 and
	// oc@4.1.0.4:upload/admin/controller/user/api.php).
	MinStoreAPI = 64
)

// Alphabet holds every character a key may contain.
const Alphabet = edgeAlphabet + "-_.~"

// edgeAlphabet (letters and digits) is used for the first and last
// character of a generated key.
const edgeAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// ErrLength is returned by Generate for a length outside MinLength–MaxLength.
var ErrLength = errors.New("key length out of range")

// maxRounds bounds how often generate refills its buffer. With a real random
// source one round almost always suffices (each byte is rejected with
// probability 58/256 at most); 64 rounds failing means the source is broken.
const maxRounds = 64

// Generate returns a new random key of length characters drawn from
// Alphabet, with a letter or digit at both ends. A length of 0 means
// DefaultLength; any other length must be between MinLength and MaxLength.
func Generate(length int) (string, error) {
	return generate(rand.Reader, length)
}

// generate is Generate with the random source as a parameter, for tests.
func generate(r io.Reader, length int) (string, error) {
	if length == 0 {
		length = DefaultLength
	}
	if length < MinLength || length > MaxLength {
		return "", fmt.Errorf("keygen: %w: %d characters asked, must be between %d and %d", ErrLength, length, MinLength, MaxLength)
	}
	out := make([]byte, length)
	// One refill of 2×length bytes nearly always suffices.
	buf := make([]byte, 2*length)
	i := 0
	for round := 0; i < length; round++ {
		if round == maxRounds {
			return "", errors.New("keygen: the random source keeps returning unusable bytes")
		}
		if _, err := io.ReadFull(r, buf); err != nil {
			return "", fmt.Errorf("keygen: reading random bytes: %w", err)
		}
		for _, b := range buf {
			alpha := Alphabet
			if i == 0 || i == length-1 {
				alpha = edgeAlphabet
			}
			c, ok := pick(alpha, b)
			if !ok {
				continue
			}
			out[i] = c
			i++
			if i == length {
				break
			}
		}
	}
	return string(out), nil
}

// pick maps a random byte onto alpha without bias, or reports that the byte
// must be thrown away.
func pick(alpha string, b byte) (byte, bool) {
	n := len(alpha)
	if int(b) >= 256-256%n {
		return 0, false
	}
	return alpha[int(b)%n], true
}
