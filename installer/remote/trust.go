package remote

import (
	"bufio"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// Trust decides about host keys (SFTP) and certificates (FTPS) that are not
// signed by a known authority.
//
// It keeps its own files, never the user's ~/.ssh: a known_hosts file for
// SSH host keys (OpenSSH's format, so it can be inspected with ssh-keygen)
// and a known_certs file with one "host:port SHA256:…" line per site.
//
// Nothing is recorded until the caller has logged in successfully (Commit),
// so a wrong password never leaves a trusted key behind.
type Trust struct {
	// KnownHosts and KnownCerts are file paths; they are created on Commit.
	KnownHosts string
	KnownCerts string
	// Accept is a fingerprint ("SHA256:…") the user accepted for this
	// connection: the CLI's --fingerprint, or the GUI's "Trust" button after
	// it was shown the fingerprint of a KindUnknownKey error.
	Accept string
	// TrustNew accepts whatever key an unknown host presents (CLI --trust-new).
	// A changed key is refused regardless.
	TrustNew bool

	mu      sync.Mutex
	pending []func() error
}

// NewTrust keeps its files in dir (the app's data folder).
func NewTrust(dir string) *Trust {
	return &Trust{KnownHosts: filepath.Join(dir, "known_hosts"), KnownCerts: filepath.Join(dir, "known_certs")}
}

// FingerprintSHA256 formats a hash the way OpenSSH prints host key fingerprints.
func FingerprintSHA256(data []byte) string {
	sum := sha256.Sum256(data)
	return "SHA256:" + base64.RawStdEncoding.EncodeToString(sum[:])
}

// accepts reports whether the user pre-approved this fingerprint.
func (t *Trust) accepts(fp string) bool {
	return t.TrustNew || (t.Accept != "" && t.Accept == fp)
}

// defer records a write to perform on Commit.
func (t *Trust) later(f func() error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.pending = append(t.pending, f)
}

// Commit saves the keys and certificates accepted during this connection.
// Call it after login succeeded.
func (t *Trust) Commit() error {
	t.mu.Lock()
	pending := t.pending
	t.pending = nil
	t.mu.Unlock()
	for _, f := range pending {
		if err := f(); err != nil {
			return err
		}
	}
	return nil
}

// Discard forgets keys seen during a failed attempt.
func (t *Trust) Discard() {
	t.mu.Lock()
	t.pending = nil
	t.mu.Unlock()
}

// certFor reads the trusted certificate fingerprint of host:port.
func (t *Trust) certFor(hostport string) (string, error) {
	f, err := os.Open(t.KnownCerts)
	if os.IsNotExist(err) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) == 2 && fields[0] == hostport {
			return fields[1], nil
		}
	}
	return "", sc.Err()
}

func appendLine(path, line string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := fmt.Fprintln(f, line); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
