package remote

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"syscall"
)

// Kind says what went wrong, in the terms the user can act on.
type Kind int

// Kinds of failure. Transient ones are retried by the pool.
const (
	KindOther         Kind = iota
	KindUnknownHost        // DNS lookup failed
	KindRefused            // nothing listens on that port
	KindTimeout            // no answer in time
	KindAuth               // 530, or SSH authentication failed
	KindTooMany            // 421: too many connections
	KindTLSNotOffered      // TLS was required, the server has none
	KindTLSRequired        // the server insists on TLS and we were plain
	KindTLSResumption      // 425/522: data connection needs the TLS session resumed
	KindUnknownKey         // first contact: the host key or certificate is not trusted yet
	KindChangedKey         // the host key or certificate differs from the one trusted
	KindPermission         // 550/553 or SFTP permission denied
	KindNotFound           // no such file or folder
	KindReset              // the connection dropped
	KindCanceled           // the user cancelled
	KindProtocol           // the server is not speaking the protocol we expected
	// KindTLSStripped: a host whose certificate is trusted now refuses TLS,
	// which is what an attacker stripping TLS produces. Never a fallback.
	KindTLSStripped
)

// Error is a files-channel failure: what was tried, a plain-language class,
// and the server's own reply for the "details" view.
type Error struct {
	Kind  Kind
	Op    string // what we were doing: "connect", "login", "list /public_html"…
	Host  string // host:port
	Reply string // the server's words, if any
	Err   error
	// Fingerprint is set for KindUnknownKey and KindChangedKey.
	Fingerprint string
	// KeyType is "host key" (SFTP) or "certificate" (FTPS, MySQL).
	KeyType string
	// Trusted is the fingerprint trusted before, for KindChangedKey of a
	// certificate, so the message names both.
	Trusted string
}

func (e *Error) Error() string {
	msg := e.Message()
	if e.Reply != "" {
		return fmt.Sprintf("%s (%s: %s)", msg, e.Op, e.Reply)
	}
	if e.Err != nil {
		return fmt.Sprintf("%s (%s: %v)", msg, e.Op, e.Err)
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }

// Message is one plain sentence of what happened and what to do.
func (e *Error) Message() string {
	switch e.Kind {
	case KindUnknownHost:
		return fmt.Sprintf("The server name %q was not found. Check the spelling of the host name.", hostOnly(e.Host))
	case KindRefused:
		return fmt.Sprintf("%s refused the connection. Is the port right? Is FTP or SFTP enabled on your hosting?", e.Host)
	case KindTimeout:
		return fmt.Sprintf("%s did not answer in time. Is the port right? Is FTP or SFTP enabled on your hosting, and does a firewall let this computer in?", e.Host)
	case KindAuth:
		return "The server did not accept the user name or password (or key). Check them in your hosting control panel."
	case KindTooMany:
		return "The server has too many connections open from you. Close other FTP programs, or use fewer connections, and try again."
	case KindTLSNotOffered:
		return "The server does not offer encryption (TLS). Use SFTP if your hosting has it, or accept plain FTP knowing that the password travels unencrypted."
	case KindTLSRequired:
		return "The server only accepts encrypted connections. Use FTP with TLS (ftps://)."
	case KindTLSResumption:
		return "The server requires the encrypted data connection to resume the TLS session, and it was not resumed. Try again; if it persists, use SFTP."
	case KindUnknownKey:
		return fmt.Sprintf("This is the first connection to %s. Its %s fingerprint is %s. Check it with your hosting provider before you trust it.", e.Host, e.keyType(), e.Fingerprint)
	case KindChangedKey:
		was := ""
		if e.Trusted != "" {
			was = ", trusted before: " + e.Trusted
		}
		return fmt.Sprintf("The %s of %s has CHANGED (now %s%s). This happens when the server was reinstalled, or when someone is intercepting the connection. ocsetup will not connect; ask your hosting provider whether the change is expected.", e.keyType(), e.Host, e.Fingerprint, was)
	case KindPermission:
		return "The server refused access to this path. The account may not have permission, or the path may be wrong."
	case KindNotFound:
		return "The file or folder does not exist on the server."
	case KindReset:
		return "The connection to the server dropped. ocsetup retries such errors; if it keeps happening, use fewer connections."
	case KindCanceled:
		return "Cancelled."
	case KindTLSStripped:
		return fmt.Sprintf("%s now refuses encryption (TLS), but its certificate %s is trusted from an earlier connection: someone may be removing the encryption to read your password. ocsetup will not log in without TLS, whatever the settings; ask your hosting provider whether TLS was switched off.", e.Host, e.Fingerprint)
	case KindProtocol:
		return fmt.Sprintf("%s does not answer like an FTP or SFTP server. Is the protocol or port right?", e.Host)
	default:
		return "The file transfer failed."
	}
}

func (e *Error) keyType() string {
	if e.KeyType != "" {
		return e.KeyType
	}
	return "key"
}

func hostOnly(hostport string) string {
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		return h
	}
	return hostport
}

// Transient reports whether trying again may help.
func (e *Error) Transient() bool {
	switch e.Kind {
	case KindTooMany, KindTLSResumption, KindTimeout, KindReset:
		return true
	}
	return false
}

// KindOf returns the Kind of err, or KindOther.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return KindOther
}

// IsTransient reports whether err is worth retrying.
func IsTransient(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Transient()
}

// classifyNet turns a dial or I/O error into a Kind.
func classifyNet(ctx context.Context, err error) Kind {
	if ctx.Err() != nil || errors.Is(err, context.Canceled) {
		return KindCanceled
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		if dnsErr.IsTimeout {
			return KindTimeout
		}
		return KindUnknownHost
	}
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return KindRefused
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE), errors.Is(err, net.ErrClosed),
		errors.Is(err, errUnexpectedEOF):
		return KindReset
	case errors.Is(err, os.ErrDeadlineExceeded), errors.Is(err, context.DeadlineExceeded):
		return KindTimeout
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return KindTimeout
	}
	if s := err.Error(); strings.HasSuffix(s, "EOF") || strings.Contains(s, "connection reset") {
		return KindReset
	}
	return KindOther
}

var errUnexpectedEOF = errors.New("unexpected EOF")
