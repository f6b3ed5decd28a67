package db

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"net"
	"sync"

	"github.com/go-sql-driver/mysql"

	"github.com/ocsetup/ocsetup/installer/msg"
	"github.com/ocsetup/ocsetup/installer/remote"
)

// loginGuard keeps the database password from reaching a MySQL server
// whose identity nobody checked.
//
// The go-sql-driver sends the password itself (not a challenge response)
// in three cases: the mysql_clear_password plugin; sha256_password and
// caching_sha2_password "full authentication" over TLS; and the same two
// without TLS, encrypted with an RSA key it first asks the server for. A
// server that merely claims to be the store's database could ask for any
// of them. So:
//
//   - TLS is used whenever the server offers it, and its certificate must
//     verify (a public authority for the host name) or match the one
//     pinned for host:port in known_certs, the FTPS trust file; a first
//     contact is pinned only when the user accepted it (--trust-new,
//     --fingerprint). An unknown certificate skips the route, a changed
//     one stops the connection.
//   - A server that does not offer TLS gets only challenge responses
//     (mysql_native_password, caching_sha2's fast path): the cleartext
//     plugin stays off, and an RSA public key the server sends is never
//     delivered to the driver, so nothing is encrypted with it.
//   - A server whose certificate is pinned spoke TLS before; one that no
//     longer offers it is what TLS stripping looks like, and is refused.
type loginGuard struct {
	route Route
	addr  string
	certs *remote.CertGuard
	// peerVerified: the connection goes through a verified SSH tunnel to
	// the hosting server itself, so whoever answers is that server.
	peerVerified bool

	mu        sync.Mutex
	keyAsked  string // the plugin exchange in which the server sent an RSA key
	clearText bool   // the server asked for mysql_clear_password
	pinned    string // the pinned fingerprint, when TLS went missing
}

// errPasswordWanted stops a login whose next step would hand the password
// to an unverified server.
var errPasswordWanted = errors.New("the server asked for the password itself over a connection without verified TLS")

// guardLogin sets up cfg for the route. host is the name the
// certificate must carry, addr the host:port known_certs knows it by.
// trust may be nil: then no certificate is pinned or accepted, so only
// one a public authority signed passes.
func guardLogin(cfg *mysql.Config, route Route, trust *remote.Trust, host, addr string, peerVerified bool) (*loginGuard, error) {
	if trust == nil {
		trust = &remote.Trust{}
	}
	g := &loginGuard{route: route, addr: addr, certs: trust.CertGuard(host, addr, "MySQL TLS"), peerVerified: peerVerified}
	cfg.AllowCleartextPasswords = false
	cfg.AllowOldPasswords = false
	if peerVerified {
		// The SSH host key proved the server; TLS inside the tunnel adds
		// nothing, and an RSA key from it is the server's own.
		cfg.TLS = nil
		cfg.TLSConfig = "false"
		return g, nil
	}
	cfg.TLS = g.certs.TLSConfig()
	dial := cfg.DialFunc
	if dial == nil {
		dial = func(ctx context.Context, network, addr string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, network, addr)
		}
	}
	// BeforeConnect runs on a copy of cfg for every new connection, so the
	// fallback decision (the driver clears the copy's TLS when it falls
	// back) never leaks from one connection to the next.
	err := cfg.Apply(mysql.BeforeConnect(func(ctx context.Context, c *mysql.Config) error {
		pinned, err := g.certs.Pinned()
		if err != nil {
			return err
		}
		c.AllowFallbackToPlaintext = pinned == ""
		g.mu.Lock()
		g.pinned = pinned
		g.mu.Unlock()
		return nil
	}))
	// The driver dials with the connector's DialFunc (not the copy's), so
	// the watch is set here; each connection gets its own.
	cfg.DialFunc = func(ctx context.Context, network, addr string) (net.Conn, error) {
		nc, err := dial(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return &authWatch{Conn: nc, g: g}, nil
	}
	return g, err
}

// refusal turns a failed login into the reason the guard stopped it, or
// nil when the guard had no part in the failure.
func (g *loginGuard) refusal(err error) *Error {
	if re := g.certs.Refusal(); re != nil {
		e := &Error{Route: g.route, Kind: KindCertificate, Addr: g.addr, Err: re}
		if re.Kind == remote.KindChangedKey {
			e.setReason(msg.New("error.db.cert.changed"))
		} else {
			e.setReason(msg.New("error.db.cert.unknown"))
		}
		return e
	}
	g.mu.Lock()
	keyAsked, clearText, pinned := g.keyAsked, g.clearText, g.pinned
	g.mu.Unlock()
	switch {
	case errors.Is(err, mysql.ErrNoTLS) && pinned != "":
		e := &Error{Route: g.route, Kind: KindCertificate, Addr: g.addr,
			Err: &remote.Error{Kind: remote.KindTLSStripped, Op: "MySQL TLS", Host: g.addr, Fingerprint: pinned, KeyType: "certificate"}}
		return e.setReason(msg.New("error.db.cert.stripped"))
	case keyAsked != "" || clearText || errors.Is(err, mysql.ErrCleartextPassword):
		how := msg.New("error.db.plain.clear_text")
		if keyAsked != "" {
			how = msg.New("error.db.plain.rsa", "Plugin", keyAsked)
		}
		note := msg.New("error.db.note.plain_password")
		e := &Error{Route: g.route, Kind: KindSkipped, Addr: g.addr, Note: note.English(), NoteMsg: note}
		return e.setReason(msg.New("error.db.plain", "How", how))
	}
	return nil
}

// authWatch reads the server's side of a login that is not under TLS, one
// packet at a time, and stops it before the driver sees an RSA key or a
// request for the clear-text plugin. Once the login ended (OK or error
// packet), or TLS takes over, it only passes bytes on.
type authWatch struct {
	net.Conn
	g       *loginGuard
	buf     []byte
	packets int
	done    bool
}

// MySQL protocol bytes (see the client/server protocol's connection phase).
const (
	capClientSSL       = 0x0800
	packetOK           = 0x00
	packetAuthMoreData = 0x01
	packetAuthSwitch   = 0xfe
	packetErr          = 0xff
)

func (w *authWatch) Read(p []byte) (int, error) {
	n, err := w.Conn.Read(p)
	if w.done || n == 0 {
		return n, err
	}
	w.buf = append(w.buf, p[:n]...)
	for !w.done && len(w.buf) >= 4 {
		size := int(w.buf[0]) | int(w.buf[1])<<8 | int(w.buf[2])<<16
		if len(w.buf) < 4+size {
			break
		}
		payload := w.buf[4 : 4+size]
		w.buf = w.buf[4+size:]
		w.packets++
		if stop := w.inspect(payload); stop {
			_ = w.Conn.Close()
			return 0, errPasswordWanted
		}
	}
	if w.done {
		w.buf = nil
	}
	return n, err
}

// inspect looks at one server packet; stop means the login must end here.
func (w *authWatch) inspect(payload []byte) (stop bool) {
	if len(payload) == 0 {
		return false
	}
	if w.packets == 1 {
		// The greeting: protocol version, server version (NUL-terminated),
		// connection id (4), scramble part 1 (8), filler (1), then the
		// lower capability flags. A server that offers TLS gets TLS (the
		// certificate guard decides), and the rest is encrypted.
		if payload[0] == packetErr {
			w.done = true
			return false
		}
		end := bytes.IndexByte(payload[1:], 0)
		pos := 1 + end + 1 + 4 + 8 + 1
		if end >= 0 && len(payload) >= pos+2 && binary.LittleEndian.Uint16(payload[pos:])&capClientSSL != 0 {
			w.done = true
		}
		return false
	}
	switch payload[0] {
	case packetOK, packetErr:
		w.done = true
	case packetAuthMoreData:
		if bytes.Contains(payload, []byte("-----BEGIN")) {
			w.g.mu.Lock()
			w.g.keyAsked = "an RSA public key for sha256_password or caching_sha2_password"
			w.g.mu.Unlock()
			return true
		}
	case packetAuthSwitch:
		if bytes.HasPrefix(payload[1:], []byte("mysql_clear_password\x00")) {
			w.g.mu.Lock()
			w.g.clearText = true
			w.g.mu.Unlock()
			return true
		}
	}
	return false
}
