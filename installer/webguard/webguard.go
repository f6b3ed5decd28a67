// Package webguard holds the rules every HTTP exchange with a store
// follows: a redirect may not leave the origin (scheme, host and port)
// except to upgrade http to https on the same host, and a certificate that
// cannot be verified stops the exchange with its fingerprint instead of
// sending anything over plain HTTP.
package webguard

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/ocsetup/ocsetup/installer/msg"
)

// RedirectError is a redirect (or a form action) that leaves the origin.
type RedirectError struct {
	From, To string
	Why      string
}

func (e *RedirectError) Error() string {
	return fmt.Sprintf("the store sends the request from %s to %s, which %s; ocsetup does not follow it, so nothing secret goes there. Check the store's address in config.php (and any redirect rule in .htaccess).", e.From, e.To, e.Why)
}

// SameOrigin says whether a request to from may go on to to: same scheme,
// host and port, or the upgrade from http to https on the same host (on
// the default port, or the same port number).
func SameOrigin(from, to *url.URL) error {
	fromHost, toHost := strings.ToLower(from.Hostname()), strings.ToLower(to.Hostname())
	fromScheme, toScheme := strings.ToLower(from.Scheme), strings.ToLower(to.Scheme)
	fail := func(why string) error {
		return &RedirectError{From: origin(from), To: origin(to), Why: why}
	}
	switch {
	case toScheme != "http" && toScheme != "https":
		return fail("is not a web address")
	case fromHost != toHost:
		return fail("is another host")
	case fromScheme == "https" && toScheme == "http":
		return fail("drops encryption (https to http)")
	}
	fromPort, toPort := port(from), port(to)
	if fromScheme == toScheme && fromPort != toPort {
		return fail("is another port")
	}
	if fromScheme == "http" && toScheme == "https" && toPort != "443" && toPort != fromPort {
		return fail("is another port")
	}
	return nil
}

func port(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	if strings.EqualFold(u.Scheme, "https") {
		return "443"
	}
	return "80"
}

func origin(u *url.URL) string {
	return strings.ToLower(u.Scheme) + "://" + u.Host
}

// CheckRedirect is an http.Client CheckRedirect that refuses redirects
// leaving the first request's origin, and more than 10 of them.
func CheckRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= 10 {
		return errors.New("stopped after 10 redirects")
	}
	if len(via) == 0 {
		return nil
	}
	return SameOrigin(via[len(via)-1].URL, req.URL)
}

// Guard returns a copy of c (or a new client when c is nil) whose
// redirects follow CheckRedirect.
func Guard(c *http.Client) *http.Client {
	out := &http.Client{}
	if c != nil {
		cp := *c
		out = &cp
	}
	out.CheckRedirect = CheckRedirect
	return out
}

// CertError is an https address whose certificate could not be verified.
type CertError struct {
	Addr        string // host:port
	Fingerprint string // "SHA256:…" of the certificate the server sent ("" when none)
	Reason      string
	// ReasonMsg is Reason as a message, for the user's language, when it
	// is ocsetup's own words (not the TLS library's).
	ReasonMsg msg.Msg
	// Trusted is the fingerprint pinned for Addr when the certificate
	// changed since ("" otherwise).
	Trusted string
	// Pinnable: the certificate may be trusted by its fingerprint (the
	// client pins per host:port; see webtrust).
	Pinnable bool
	Err      error
}

func (e *CertError) Error() string { return e.Msg().English() }

// Msg is the error as a message, for the user's language.
func (e *CertError) Msg() msg.Msg {
	var fp any = e.Fingerprint
	if fp == "" {
		fp = msg.New("webguard.cert.none")
	}
	if e.Trusted != "" {
		return msg.New("webguard.cert.changed", "Addr", e.Addr, "Fingerprint", fp, "Trusted", e.Trusted)
	}
	var reason any = e.Reason
	if !e.ReasonMsg.IsZero() {
		reason = e.ReasonMsg
	}
	if e.Pinnable && e.Fingerprint != "" {
		return msg.New("webguard.cert.unverified_pinnable", "Addr", e.Addr, "Reason", reason, "Fingerprint", fp)
	}
	return msg.New("webguard.cert.unverified", "Addr", e.Addr, "Reason", reason, "Fingerprint", fp)
}

func (e *CertError) Unwrap() error { return e.Err }

// Certificate returns a *CertError when err is a failed certificate check,
// nil otherwise.
func Certificate(err error) *CertError {
	if err == nil {
		return nil
	}
	var already *CertError
	if errors.As(err, &already) {
		return already
	}
	var ve *tls.CertificateVerificationError
	var ua x509.UnknownAuthorityError
	var ci x509.CertificateInvalidError
	var he x509.HostnameError
	var ce *x509.CertificateInvalidError
	var out *CertError
	switch {
	case errors.As(err, &ve):
		out = &CertError{Reason: ve.Err.Error(), Err: err}
		if len(ve.UnverifiedCertificates) > 0 {
			out.Fingerprint = Fingerprint(ve.UnverifiedCertificates[0])
		}
	case errors.As(err, &ua):
		out = &CertError{Reason: ua.Error(), Err: err}
		if ua.Cert != nil {
			out.Fingerprint = Fingerprint(ua.Cert)
		}
	case errors.As(err, &ci):
		out = &CertError{Reason: ci.Error(), Err: err}
		if ci.Cert != nil {
			out.Fingerprint = Fingerprint(ci.Cert)
		}
	case errors.As(err, &ce):
		out = &CertError{Reason: ce.Error(), Err: err}
	case errors.As(err, &he):
		out = &CertError{Reason: he.Error(), Err: err}
		if he.Certificate != nil {
			out.Fingerprint = Fingerprint(he.Certificate)
		}
	default:
		return nil
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		if u, perr := url.Parse(ue.URL); perr == nil {
			out.Addr = hostPort(u)
		}
	}
	return out
}

func hostPort(u *url.URL) string {
	return net.JoinHostPort(u.Hostname(), port(u))
}

// Fingerprint is the certificate's SHA-256 in the form ssh-keygen prints.
func Fingerprint(c *x509.Certificate) string {
	sum := sha256.Sum256(c.Raw)
	return "SHA256:" + base64.RawStdEncoding.EncodeToString(sum[:])
}

// PreferHTTPS picks the address to use for the admin or a check: httpsURL
// when it answers over verified TLS, httpURL when nothing serves https
// there (refused, timed out). A certificate that does not verify is an
// error, never a reason to use httpURL. An httpsURL that is not https is
// ignored. client nil means a client with a 15-second timeout.
func PreferHTTPS(ctx context.Context, client *http.Client, httpsURL, httpURL string) (string, error) {
	if !strings.HasPrefix(strings.ToLower(httpsURL), "https://") {
		if httpURL == "" {
			return httpsURL, nil
		}
		return httpURL, nil
	}
	if client == nil {
		client = &http.Client{Timeout: 15 * time.Second}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodHead, httpsURL, nil)
	if err != nil {
		return "", err
	}
	// Any answer shows that https works; where it redirects does not
	// matter here.
	c := *client
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := c.Do(req)
	if err == nil {
		resp.Body.Close()
		return httpsURL, nil
	}
	if cerr := Certificate(err); cerr != nil {
		return "", cerr
	}
	if ctx.Err() != nil {
		return "", ctx.Err()
	}
	if httpURL == "" {
		return httpsURL, nil
	}
	return httpURL, nil
}

// PlainAdminWarning is the warning for an admin reached at url over plain
// http, "" when url is https: the login sends the admin password (the
// merchant's, or the temporary account's) and the forms carry the
// settings, all readable on the way.
func PlainAdminWarning(url string) string { return PlainAdminMsg(url).English() }

// PlainAdminMsg is PlainAdminWarning as a message, for the app to show in
// the user's language; the zero Msg when url is https.
func PlainAdminMsg(url string) msg.Msg {
	if !strings.HasPrefix(strings.ToLower(url), "http://") {
		return msg.Msg{}
	}
	return msg.New("warning.plain_http.admin", "URL", url)
}
