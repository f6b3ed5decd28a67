package db

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"regexp"
	"syscall"

	"github.com/ocsetup/ocsetup/installer/msg"

	"github.com/go-sql-driver/mysql"
	"golang.org/x/crypto/ssh"
)

// Kind says what went wrong on a route, in terms the user can act on.
type Kind int

// Kinds of failure.
const (
	KindOther              Kind = iota
	KindSkipped                 // the route does not apply here (Reason says why)
	KindAccessDenied            // MySQL 1045: user, password or the host it is allowed from
	KindHostNotAllowed          // MySQL 1130: this client's address may not connect at all
	KindDatabaseAccess          // MySQL 1044: logged in, but no rights on the database
	KindUnknownDatabase         // MySQL 1049
	KindTooManyConnections      // MySQL 1040 / 1203
	KindRefused                 // nothing listens there, or a firewall rejects (client error 2003)
	KindTimeout                 // no answer in time (client error 2003 after a wait)
	KindUnknownHost             // DNS found no such server (client error 2005)
	KindForwardingDenied        // the SSH server does not forward connections
	KindBridge                  // the bridge could not be set up or refused (Reason says why)
	KindCanceled                // the user cancelled
	KindCertificate             // the MySQL server's TLS certificate is not trusted, changed, or TLS went missing (Reason says why)
)

// Error is a failure to reach the database on one route. It never holds
// the password: MySQL's own messages name the user, not the password, and
// no DSN string is ever built.
type Error struct {
	Route Route
	Kind  Kind
	Addr  string // what was dialled ("db.example.com:3306", a socket, the bridge URL)
	User  string
	// ClientIP is the address the database or the store saw this machine
	// come from, when known; IPSource says which ("MySQL" or "the store").
	ClientIP string
	IPSource string
	Number   uint16 // MySQL error number, when there is one
	Reason   string // plain-language detail for KindSkipped and KindBridge
	Note     string // a few words for KindSkipped ("the site is not SFTP")
	Err      error  // the underlying error: the server's own words
	// ReasonMsg and NoteMsg are Reason and Note as messages, for the app
	// to show in the user's language; zero when the engine has only the
	// English.
	ReasonMsg msg.Msg
	NoteMsg   msg.Msg
}

// setReason sets Reason and its message.
func (e *Error) setReason(m msg.Msg) *Error {
	e.Reason, e.ReasonMsg = m.English(), m
	return e
}

func (e *Error) Unwrap() error { return e.Err }

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s (%v)", e.Message(), e.Err)
	}
	return e.Message()
}

// remoteAccessHelp is what to tell when the direct route is blocked.
func (e *Error) remoteAccessHelp() msg.Msg {
	if e.ClientIP != "" {
		return msg.New("error.db.remote_help_ip", "IP", e.ClientIP, "Source", e.IPSource)
	}
	return msg.New("error.db.remote_help")
}

// Message is the failure in plain language, with what to do.
func (e *Error) Message() string { return e.Msg().English() }

// Msg is Message with its translation key, for the app to show in the
// user's language. A skipped route, the bridge and a certificate keep
// the engine's own Reason, in English.
func (e *Error) Msg() msg.Msg {
	switch e.Kind {
	case KindSkipped, KindBridge, KindCertificate:
		if !e.ReasonMsg.IsZero() {
			return e.ReasonMsg
		}
		return msg.New("error.db.reason", "Reason", e.Reason)
	case KindCanceled:
		return msg.New("error.db.canceled")
	case KindUnknownHost:
		return msg.New("error.db.unknown_host", "Addr", e.Addr)
	case KindUnknownDatabase:
		return msg.New("error.db.unknown_database")
	case KindDatabaseAccess:
		return msg.New("error.db.database_access", "User", e.User)
	case KindTooManyConnections:
		return msg.New("error.db.too_many_connections")
	case KindForwardingDenied:
		return msg.New("error.db.forwarding_denied")
	}
	if e.Route == RouteDirect {
		switch e.Kind {
		case KindAccessDenied:
			return msg.New("error.db.direct.access_denied", "Addr", e.Addr, "User", e.User, "Help", e.remoteAccessHelp())
		case KindHostNotAllowed:
			return msg.New("error.db.direct.host_not_allowed", "Addr", e.Addr, "Help", e.remoteAccessHelp())
		case KindRefused:
			return msg.New("error.db.direct.refused", "Addr", e.Addr, "Help", e.remoteAccessHelp())
		case KindTimeout:
			return msg.New("error.db.direct.timeout", "Addr", e.Addr, "Help", e.remoteAccessHelp())
		}
	}
	switch e.Kind {
	case KindAccessDenied:
		return msg.New("error.db.access_denied", "User", e.User)
	case KindHostNotAllowed:
		return msg.New("error.db.host_not_allowed")
	case KindRefused:
		return msg.New("error.db.refused", "Addr", e.Addr)
	case KindTimeout:
		return msg.New("error.db.timeout", "Addr", e.Addr)
	}
	return msg.New("error.db.other", "Route", msg.New("creds.route."+string(e.Route)))
}

// Short is a few words for a list of attempts ("refused (host blocks
// remote MySQL)").
func (e *Error) Short() string { return e.ShortMsg().English() }

// ShortMsg is Short as a message, for the app to show in the user's
// language.
func (e *Error) ShortMsg() msg.Msg {
	switch e.Kind {
	case KindSkipped:
		return msg.New("error.db.short.skipped")
	case KindAccessDenied:
		if e.Route == RouteDirect {
			return msg.New("error.db.short.access_denied_local")
		}
		return msg.New("error.db.short.access_denied")
	case KindHostNotAllowed:
		return msg.New("error.db.short.blocked")
	case KindRefused:
		if e.Route == RouteDirect {
			return msg.New("error.db.short.blocked")
		}
		return msg.New("error.db.short.refused")
	case KindTimeout:
		return msg.New("error.db.short.no_answer")
	case KindUnknownHost:
		return msg.New("error.db.short.unknown_host")
	case KindUnknownDatabase:
		return msg.New("error.db.short.unknown_database")
	case KindDatabaseAccess:
		return msg.New("error.db.short.database_access")
	case KindTooManyConnections:
		return msg.New("error.db.short.too_many_connections")
	case KindForwardingDenied:
		return msg.New("error.db.short.forwarding_denied")
	case KindBridge:
		return msg.New("error.db.short.failed")
	case KindCanceled:
		return msg.New("error.db.short.canceled")
	case KindCertificate:
		return msg.New("error.db.short.certificate")
	}
	return msg.New("error.db.short.failed")
}

// Blocked reports whether the direct route failed in a way that remote
// access for this machine's IP would fix.
func (e *Error) Blocked() bool {
	if e.Route != RouteDirect {
		return false
	}
	switch e.Kind {
	case KindAccessDenied, KindHostNotAllowed, KindRefused, KindTimeout:
		return true
	}
	return false
}

var (
	deniedRE     = regexp.MustCompile(`for user '[^']*'@'([^']*)'`)
	notAllowedRE = regexp.MustCompile(`^Host '([^']*)'`)
)

// classify turns a dial, login or I/O failure into an *Error.
func classify(ctx context.Context, route Route, addr string, err error) error {
	var de *Error
	if errors.As(err, &de) {
		return de
	}
	e := &Error{Route: route, Kind: KindOther, Addr: addr, Err: err}
	var me *mysql.MySQLError
	var dnsErr *net.DNSError
	var oce *ssh.OpenChannelError
	var ne net.Error
	switch {
	case errors.As(err, &me):
		e.Number = me.Number
		switch me.Number {
		case 1045:
			e.Kind = KindAccessDenied
			if m := deniedRE.FindStringSubmatch(me.Message); m != nil {
				e.ClientIP, e.IPSource = m[1], "MySQL"
			}
		case 1130:
			e.Kind = KindHostNotAllowed
			if m := notAllowedRE.FindStringSubmatch(me.Message); m != nil {
				e.ClientIP, e.IPSource = m[1], "MySQL"
			}
		case 1044:
			e.Kind = KindDatabaseAccess
		case 1049:
			e.Kind = KindUnknownDatabase
		case 1040, 1203:
			e.Kind = KindTooManyConnections
		case 2002, 2003: // the client library's "can't connect" (PHP reports them)
			e.Kind = KindRefused
		case 2005:
			e.Kind = KindUnknownHost
		}
	case errors.Is(err, context.Canceled) && ctx.Err() == context.Canceled:
		e.Kind = KindCanceled
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, os.ErrDeadlineExceeded):
		e.Kind = KindTimeout
	case errors.As(err, &dnsErr):
		e.Kind = KindUnknownHost
		if dnsErr.IsTimeout {
			e.Kind = KindTimeout
		}
	case errors.Is(err, syscall.ECONNREFUSED):
		e.Kind = KindRefused
	case errors.As(err, &oce):
		switch oce.Reason {
		case ssh.Prohibited:
			e.Kind = KindForwardingDenied
		case ssh.ConnectionFailed:
			e.Kind = KindRefused
		}
	case errors.As(err, &ne) && ne.Timeout():
		e.Kind = KindTimeout
	}
	return e
}
