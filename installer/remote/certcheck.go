package remote

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"sync"
)

// checkCert decides about a server's TLS certificate chain: one that a
// known authority signed for host passes; any other must match the
// fingerprint pinned for addr in known_certs, or be accepted by the user
// now (--trust-new, --fingerprint, the GUI's Trust button). pin is the
// fingerprint to record once the login worked ("" when there is nothing
// to record). An *Error of KindUnknownKey or KindChangedKey says why a
// certificate was refused.
func (t *Trust) checkCert(host, addr, op string, chain []*x509.Certificate) (pin string, err error) {
	if len(chain) == 0 {
		return "", errors.New("the server sent no certificate")
	}
	leaf := chain[0]
	inter := x509.NewCertPool()
	for _, c := range chain[1:] {
		inter.AddCert(c)
	}
	if _, err := leaf.Verify(x509.VerifyOptions{DNSName: host, Intermediates: inter}); err == nil {
		return "", nil
	}
	fp := FingerprintSHA256(leaf.Raw)
	known, err := t.certFor(addr)
	if err != nil {
		return "", err
	}
	switch {
	case known == fp:
		return "", nil
	case known != "":
		return "", &Error{Kind: KindChangedKey, Op: op, Host: addr, Fingerprint: fp, Trusted: known, KeyType: "certificate"}
	case t.accepts(fp):
		return fp, nil
	default:
		return "", &Error{Kind: KindUnknownKey, Op: op, Host: addr, Fingerprint: fp, KeyType: "certificate"}
	}
}

// CertGuard checks the TLS certificates of one server outside the files
// channel (the database's MySQL port) with the same rules and the same
// known_certs file as FTPS. Use VerifyConnection in a tls.Config whose
// InsecureSkipVerify is set (the guard verifies), then call Commit after
// the login worked so that a first-contact certificate the user accepted
// is pinned.
type CertGuard struct {
	trust      *Trust
	host, addr string
	op         string

	mu      sync.Mutex
	pin     string
	refusal *Error
}

// CertGuard guards the certificates of host (the name to verify against
// the authorities) at addr (host:port, the key in known_certs).
func (t *Trust) CertGuard(host, addr, op string) *CertGuard {
	return &CertGuard{trust: t, host: host, addr: addr, op: op}
}

// Pinned is the fingerprint known_certs holds for the guarded address ("" if
// none). A server with a pinned certificate spoke TLS before, so one that
// no longer offers TLS must be refused.
func (g *CertGuard) Pinned() (string, error) { return g.trust.certFor(g.addr) }

// TLSConfig is a client configuration that verifies through the guard.
func (g *CertGuard) TLSConfig() *tls.Config {
	return &tls.Config{
		ServerName: g.host,
		MinVersion: tls.VersionTLS12,
		// Verification is done by VerifyConnection.
		InsecureSkipVerify: true, //nolint:gosec
		VerifyConnection:   g.VerifyConnection,
	}
}

// VerifyConnection is tls.Config's hook.
func (g *CertGuard) VerifyConnection(cs tls.ConnectionState) error {
	pin, err := g.trust.checkCert(g.host, g.addr, g.op, cs.PeerCertificates)
	g.mu.Lock()
	defer g.mu.Unlock()
	var re *Error
	if errors.As(err, &re) {
		g.refusal = re
	}
	if err == nil && pin != "" {
		g.pin = pin
	}
	return err
}

// Refusal is why the last certificate was refused (nil if none was).
func (g *CertGuard) Refusal() *Error {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.refusal
}

// Commit pins a first-contact certificate the user accepted. Call it
// after the login worked.
func (g *CertGuard) Commit() error {
	g.mu.Lock()
	pin := g.pin
	g.pin = ""
	g.mu.Unlock()
	if pin == "" {
		return nil
	}
	if known, err := g.trust.certFor(g.addr); err != nil || known == pin {
		return err
	}
	return appendLine(g.trust.KnownCerts, g.addr+" "+pin)
}

// CheckCert is checkCert for channels outside this package (HTTPS to the
// store): "" and nil when the chain verifies or matches the pin; pin is a
// first-contact certificate the user accepted, to record with PinCert.
func (t *Trust) CheckCert(host, addr, op string, chain []*x509.Certificate) (pin string, err error) {
	return t.checkCert(host, addr, op, chain)
}

// PinCert records fp as the certificate of addr in known_certs, unless it
// is there already.
func (t *Trust) PinCert(addr, fp string) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if known, err := t.certFor(addr); err != nil || known == fp {
		return err
	}
	return appendLine(t.KnownCerts, addr+" "+fp)
}
