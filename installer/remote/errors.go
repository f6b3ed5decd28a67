package remote

import (
	"context"
	"errors"
	"fmt"
	"github.com/ocsetup/ocsetup/installer/msg"
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
func (e *Error) Message() string { return e.Msg().English() }

// Msg is Message with its translation key, for the app to show in the
// user's language; its English is Message.
func (e *Error) Msg() msg.Msg {
	switch e.Kind {
	case KindUnknownHost:
		return msg.New("error.remote.unknown_host", "Host", hostOnly(e.Host))
	case KindRefused:
		return msg.New("error.remote.refused", "Host", e.Host)
	case KindTimeout:
		return msg.New("error.remote.timeout", "Host", e.Host)
	case KindAuth:
		return msg.New("error.remote.auth")
	case KindTooMany:
		return msg.New("error.remote.too_many")
	case KindTLSNotOffered:
		return msg.New("error.remote.tls_not_offered")
	case KindTLSRequired:
		return msg.New("error.remote.tls_required")
	case KindTLSResumption:
		return msg.New("error.remote.tls_resumption")
	case KindUnknownKey:
		return msg.New("error.remote.unknown_key", "Host", e.Host, "KeyType", e.KeyTypeMsg(), "Fingerprint", e.Fingerprint)
	case KindChangedKey:
		if e.Trusted != "" {
			return msg.New("error.remote.changed_key_was", "Host", e.Host, "KeyType", e.KeyTypeMsg(), "Fingerprint", e.Fingerprint, "Trusted", e.Trusted)
		}
		return msg.New("error.remote.changed_key", "Host", e.Host, "KeyType", e.KeyTypeMsg(), "Fingerprint", e.Fingerprint)
	case KindPermission:
		return msg.New("error.remote.permission")
	case KindNotFound:
		return msg.New("error.remote.not_found")
	case KindReset:
		return msg.New("error.remote.reset")
	case KindCanceled:
		return msg.New("error.remote.canceled")
	case KindTLSStripped:
		return msg.New("error.remote.tls_stripped", "Host", e.Host, "Fingerprint", e.Fingerprint)
	case KindProtocol:
		return msg.New("error.remote.protocol", "Host", e.Host)
	default:
		return msg.New("error.remote.other")
	}
}

// KeyTypeMsg names the kind of key as a message: "host key", "certificate".
func (e *Error) KeyTypeMsg() msg.Msg {
	return msg.New("keytype." + strings.ReplaceAll(e.keyType(), " ", "_"))
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
