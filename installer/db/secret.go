package db

import (
	"context"
	"encoding/json"
	"fmt"
)

// Secret holds a password so that printing, logging or encoding it never
// shows it: fmt (every verb) and JSON give "********" (or "" when empty).
// Reveal is the one way to read it.
type Secret struct{ s string }

// NewSecret wraps a password.
func NewSecret(s string) Secret { return Secret{s: s} }

const masked = "********"

// Reveal returns the password. Call it only to hand the password to a
// database driver or to the OS keychain.
func (s Secret) Reveal() string { return s.s }

// IsSet reports whether the password is not empty.
func (s Secret) IsSet() bool { return s.s != "" }

func (s Secret) String() string {
	if s.s == "" {
		return ""
	}
	return masked
}

// GoString keeps %#v masked too.
func (s Secret) GoString() string { return fmt.Sprintf("db.Secret(%q)", s.String()) }

// Format masks every verb, including %x and %d, which would otherwise
// print the underlying string.
func (s Secret) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('#') {
		fmt.Fprint(f, s.GoString())
		return
	}
	fmt.Fprint(f, s.String())
}

// MarshalJSON writes the mask, never the password.
func (s Secret) MarshalJSON() ([]byte, error) { return json.Marshal(s.String()) }

type secretObserverKey struct{}

// WithSecretObserver returns a context under which the secrets a run
// learns on its way (the database password Read finds in config.php, the
// temporary admin account's password) are handed to hide, so that
// whatever shows text to the user (the CLI's live output, the GUI's
// status lines) hides them from then on, in case a server or a driver
// quotes one. An observer already in ctx is told too.
func WithSecretObserver(ctx context.Context, hide func(...string)) context.Context {
	if outer, ok := ctx.Value(secretObserverKey{}).(func(...string)); ok {
		inner := hide
		hide = func(s ...string) { inner(s...); outer(s...) }
	}
	return context.WithValue(ctx, secretObserverKey{}, hide)
}

// ObserveSecret tells the context's observers about a secret.
func ObserveSecret(ctx context.Context, secret string) {
	if hide, ok := ctx.Value(secretObserverKey{}).(func(...string)); ok && secret != "" {
		hide(secret)
	}
}
