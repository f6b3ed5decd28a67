// Package webtrust makes the HTTPS client for a store: a certificate
// passes when a known authority signed it for the host, or when it is the
// one pinned for that host:port in ocsetup's known_certs (the file FTPS
// and MySQL use), like an SSH host key. A certificate seen for the first
// time is used only when the user accepted its fingerprint (the CLI's
// --fingerprint or --trust-new, the app's Trust button), and is pinned
// then; a changed one is always refused. Every refusal is a
// *webguard.CertError naming the certificate's SHA-256 fingerprint (its
// Err is the *remote.Error of kind KindUnknownKey or KindChangedKey the
// app's trust dialog reads), and never a reason to fall back to http.
package webtrust

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"net/http"
	"time"

	"github.com/ocsetup/ocsetup/installer/msg"
	"github.com/ocsetup/ocsetup/installer/remote"
	"github.com/ocsetup/ocsetup/installer/webguard"
)

// DefaultTimeout bounds one exchange of a client Client made without a base.
const DefaultTimeout = 2 * time.Minute

// Client returns a copy of base (a client with DefaultTimeout when nil)
// whose HTTPS connections are checked with trust, and whose redirects
// follow webguard.CheckRedirect. trust nil checks against the
// authorities only, pinning nothing.
func Client(base *http.Client, trust *remote.Trust) *http.Client {
	out := &http.Client{Timeout: DefaultTimeout}
	if base != nil {
		cp := *base
		out = &cp
	}
	if trust == nil {
		trust = &remote.Trust{}
	}
	var tr *http.Transport
	switch t := out.Transport.(type) {
	case nil:
		tr = http.DefaultTransport.(*http.Transport).Clone()
	case *http.Transport:
		tr = t.Clone()
	default:
		// A transport of the caller's own (a test's recorder) does its
		// own TLS, if any: it is left as it is.
		return out
	}
	tr.TLSClientConfig = &tls.Config{
		MinVersion: tls.VersionTLS12,
		// Verification is done by VerifyConnection: the authorities, or
		// the pin.
		InsecureSkipVerify: true, //nolint:gosec
	}
	// The host:port a connection is for is known only at dial time, so
	// each TLS connection gets a config of its own.
	dialer := &net.Dialer{Timeout: 30 * time.Second}
	tr.DialTLSContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		host, _, err := net.SplitHostPort(addr)
		if err != nil {
			return nil, err
		}
		raw, err := dialer.DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		conf := tr.TLSClientConfig.Clone()
		conf.ServerName = host
		conf.NextProtos = []string{"http/1.1"}
		conf.VerifyConnection = func(cs tls.ConnectionState) error { return verify(trust, host, addr, cs) }
		c := tls.Client(raw, conf)
		if err := c.HandshakeContext(ctx); err != nil {
			raw.Close()
			return nil, err
		}
		return c, nil
	}
	out.Transport = tr
	if out.CheckRedirect == nil {
		out.CheckRedirect = webguard.CheckRedirect
	}
	return out
}

// verify checks one TLS connection to addr and pins a first-contact
// certificate the user accepted.
func verify(trust *remote.Trust, host, addr string, cs tls.ConnectionState) error {
	pin, err := trust.CheckCert(host, addr, "HTTPS", cs.PeerCertificates)
	if err == nil {
		if pin != "" {
			return trust.PinCert(addr, pin)
		}
		return nil
	}
	ce := &webguard.CertError{Addr: addr, Reason: err.Error(), Err: err}
	if len(cs.PeerCertificates) > 0 {
		ce.Fingerprint = webguard.Fingerprint(cs.PeerCertificates[0])
	}
	var re *remote.Error
	if errors.As(err, &re) {
		switch re.Kind {
		case remote.KindUnknownKey:
			ce.ReasonMsg, ce.Pinnable = msg.New("webguard.cert.reason.unknown", "Host", host), true
			ce.Reason = ce.ReasonMsg.English()
		case remote.KindChangedKey:
			ce.ReasonMsg, ce.Trusted = msg.New("webguard.cert.reason.changed", "Addr", addr), re.Trusted
			ce.Reason = ce.ReasonMsg.English()
		}
	}
	return ce
}
