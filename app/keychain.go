package app

import (
	"errors"

	"github.com/ocsetup/ocsetup/installer/msg"
	"github.com/zalando/go-keyring"
)

// Keychain keeps secrets (hosting passwords, key passphrases, a profile's
// SHA phrases and access codes) out of every file ocsetup writes. One
// account holds one secret string.
//
// Calls may block: a locked keychain asks the user to unlock it, and on
// Linux each call is a D-Bus round trip. Call it from a goroutine, never
// from the UI goroutine.
type Keychain interface {
	Set(account, secret string) error
	// Get fails with ErrSecretNotFound when the account holds nothing.
	Get(account string) (string, error)
	// Delete fails with ErrSecretNotFound when the account holds nothing.
	Delete(account string) error
}

var (
	// ErrKeychainUnavailable matches (errors.Is) the error of a keychain
	// that cannot be reached: no Secret Service on the session bus, no
	// session bus at all (a server, a container, CI), or an unlock the
	// user refused.
	ErrKeychainUnavailable error = msg.NewError("error.keychain.unavailable")
	// ErrSecretNotFound says the keychain holds no secret for the account.
	ErrSecretNotFound error = msg.NewError("error.keychain.not_found")
	// ErrSecretTooBig says the keychain refused a secret for its size
	// (Windows' Credential Manager takes at most 2,560 bytes).
	ErrSecretTooBig error = msg.NewError("error.keychain.too_big")
)

// KeychainError is a failure of the OS keychain; it matches
// ErrKeychainUnavailable, and Err is what the keychain said.
type KeychainError struct {
	Op  string // "save", "read" or "remove"
	Err error
}

func (e *KeychainError) Error() string { return e.Msg().English() }

// Msg is the error as a message, for the app to show in the user's
// language; what the keychain said stays as it said it.
func (e *KeychainError) Msg() msg.Msg {
	return msg.New("error.keychain.failed", "Op", msg.Msg{Key: "error.keychain.op." + e.Op, Own: e.Op}, "Err", e.Err.Error())
}

func (e *KeychainError) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrKeychainUnavailable) true: go-keyring passes
// on the platform's own errors (D-Bus, Security framework, Win32), which
// the UI cannot tell apart, and for the user they all mean the same thing.
func (e *KeychainError) Is(target error) bool { return target == ErrKeychainUnavailable }

// OSKeychain is the operating system's keychain through go-keyring: the
// Secret Service (GNOME Keyring, KeePassXC, KWallet) over D-Bus on Linux,
// the login keychain on macOS, the Credential Manager on Windows. Every
// account is stored under Service.
type OSKeychain struct {
	Service string
}

// NewOSKeychain stores secrets under the app's ID.
func NewOSKeychain() OSKeychain { return OSKeychain{Service: ID} }

// Set stores secret for account, replacing what was there.
func (k OSKeychain) Set(account, secret string) error {
	return keychainErr("save", keyring.Set(k.Service, account, secret))
}

// Get reads the secret of account.
func (k OSKeychain) Get(account string) (string, error) {
	s, err := keyring.Get(k.Service, account)
	return s, keychainErr("read", err)
}

// Delete removes the secret of account.
func (k OSKeychain) Delete(account string) error {
	return keychainErr("remove", keyring.Delete(k.Service, account))
}

func keychainErr(op string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, keyring.ErrNotFound):
		return ErrSecretNotFound
	case errors.Is(err, keyring.ErrSetDataTooBig):
		return ErrSecretTooBig
	}
	return &KeychainError{Op: op, Err: err}
}
