package remote

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/textproto"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/jlaffaye/ftp"
	"github.com/ocsetup/ocsetup/installer/msg"
)

// ftpConn is one FTP control connection and the data connections it opens.
type ftpConn struct {
	c      *ftp.ServerConn
	host   string
	conns  *connSet
	tls    bool
	broken bool // a cancelled or failed call left the protocol state unknown
	// ctrl is the control connection as jlaffaye/ftp reads and writes it
	// (in TLS where tls is set); tlsConf wraps data connections (nil for
	// plain FTP). FTPPipeOf lends them.
	ctrl    net.Conn
	tlsConf *tls.Config
	noSize  bool // learnt by a pipe: the server has no SIZE command
	noStat  bool // learnt by ListMany: the server does not list with STAT
	noListA bool // learnt by list: the server refuses "LIST -a"
	// callCtx is the context of the call in progress (do sets it), which
	// the data connections jlaffaye/ftp asks for are dialled under. Not
	// the login's: a pooled connection outlives the context it was logged
	// in under (a check's, which ends with the check).
	callCtx *context.Context
}

// connSet tracks every TCP connection an FTP session opened, so that a
// cancel can close them all (jlaffaye/ftp takes no context).
type connSet struct {
	mu    sync.Mutex
	conns map[net.Conn]struct{}
	// idle bounds how long a read or write may wait for the other side: a
	// reply or a close that never comes becomes a timeout (retried by the
	// pool), not a wait without end.
	idle time.Duration
}

func (s *connSet) add(c net.Conn) *trackedConn {
	s.mu.Lock()
	defer s.mu.Unlock()
	tc := &trackedConn{Conn: c, set: s, idle: s.idle}
	s.conns[tc] = struct{}{}
	return tc
}

func (s *connSet) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.conns {
		_ = c.(*trackedConn).Conn.Close()
	}
	return nil
}

type trackedConn struct {
	net.Conn
	set  *connSet
	idle time.Duration
	// linger: Close waits (briefly) for the server to close its side, so
	// that the session is over on the server when Close returns. Set on
	// control connections: hosts count a session against their
	// per-address limit until its process exits, and a connection opened
	// right after a close that did not wait can meet a 421.
	linger bool
}

// Read waits at most idle for data: an idle timeout, not a deadline for
// the whole transfer, so a large file on a slow link is fine.
func (c *trackedConn) Read(b []byte) (int, error) {
	if c.idle > 0 {
		_ = c.Conn.SetReadDeadline(time.Now().Add(c.idle))
	}
	return c.Conn.Read(b)
}

func (c *trackedConn) Write(b []byte) (int, error) {
	if c.idle > 0 {
		_ = c.Conn.SetWriteDeadline(time.Now().Add(c.idle))
	}
	return c.Conn.Write(b)
}

func (c *trackedConn) Close() error {
	c.set.mu.Lock()
	delete(c.set.conns, c)
	c.set.mu.Unlock()
	if c.linger {
		lingerClose(c.Conn)
	}
	return c.Conn.Close()
}

// lingerTime bounds how long a close waits for the server's.
const lingerTime = 3 * time.Second

// lingerClose closes the writing side and reads until the server closed
// its side (what it still sends, such as the reply to QUIT, is dropped).
func lingerClose(c net.Conn) {
	type halfCloser interface{ CloseWrite() error }
	hc, ok := c.(halfCloser)
	if !ok || hc.CloseWrite() != nil {
		return
	}
	_ = c.SetReadDeadline(time.Now().Add(lingerTime))
	_, _ = io.Copy(io.Discard, c)
}

// dialFTP connects and logs in. For Protocol FTP it asks for TLS first and
// goes on in plain FTP, on the same connection, only when the site allows it.
//
// The greeting and AUTH TLS are done here, not by jlaffaye/ftp, so that the
// control connection (TLS included) is ours: FTPPipeOf lends it to
// pipelined uploads, and a refused AUTH TLS costs no second connection.
func dialFTP(ctx context.Context, site Site, trust *Trust) (Conn, error) {
	addr := site.Addr()
	var keyErr error // set by the certificate check; clearer than the TLS alert
	tlsConf := ftpTLSConfig(site, trust, &keyErr)
	set := &connSet{conns: map[net.Conn]struct{}{}, idle: site.timeout()}
	stop := watch(ctx, set)
	ctrl, secure, err := ftpControl(ctx, site, set, tlsConf, trust)
	if stop() {
		err = &Error{Kind: KindCanceled, Op: "connect", Host: addr, Err: ctx.Err()}
	}
	if err != nil {
		_ = set.Close()
		trust.Discard()
		if keyErr != nil {
			return nil, keyErr
		}
		return nil, err
	}
	mode := FTP
	if secure {
		mode = site.Protocol
		if mode == FTP {
			mode = FTPS
		}
	}
	dialer := &net.Dialer{Timeout: site.timeout()}
	first := true
	callCtx := ctx // the login's until it returns, then each call's (ftpConn.do)
	var ctrlIP net.IP
	if ta, ok := ctrl.RemoteAddr().(*net.TCPAddr); ok {
		ctrlIP = ta.IP
	}
	// The control connection first, then one per transfer. Data
	// connections are wrapped in TLS here with the same config and so the
	// same session cache (servers that require TLS session reuse on the
	// data channel answer 425/522 otherwise).
	dial := func(network, address string) (net.Conn, error) {
		if first {
			first = false
			return ctrl, nil
		}
		if ctrlIP != nil {
			// Data goes to the control connection's address, never to
			// one the server names (jlaffaye/ftp uses the host name,
			// which may resolve elsewhere by now).
			if _, port, err := net.SplitHostPort(address); err == nil {
				address = net.JoinHostPort(ctrlIP.String(), port)
			}
		}
		c, err := dialer.DialContext(callCtx, network, address)
		if err != nil {
			return nil, err
		}
		tc := set.add(c)
		if secure {
			return &tlsData{Conn: tls.Client(tc, tlsConf), raw: tc}, nil
		}
		return tc, nil
	}
	opts := []ftp.DialOption{ftp.DialWithDialFunc(dial), ftp.DialWithShutTimeout(site.timeout())}
	if secure {
		// Makes Login send PBSZ/PROT P; the TLS is done.
		opts = append(opts, ftp.DialWithTLS(tlsConf))
	}
	stop = watch(ctx, set)
	op := "connect"
	c, err := ftp.Dial(addr, opts...)
	if err == nil {
		op = "login"
		err = c.Login(site.User, site.Password)
		if err != nil {
			_ = c.Quit()
		}
	}
	if stop() {
		err = ctx.Err()
	}
	if err != nil {
		_ = set.Close()
		trust.Discard()
		return nil, ftpError(ctx, op, addr, err, mode)
	}
	if err := trust.Commit(); err != nil {
		_ = c.Quit()
		return nil, msg.Wrap(err, "error.remote.save_certificate")
	}
	callCtx = context.Background()
	fc := &ftpConn{c: c, host: addr, conns: set, tls: secure, ctrl: ctrl, tlsConf: tlsConf, callCtx: &callCtx}
	if !secure {
		fc.tlsConf = nil
	}
	return fc, nil
}

// tlsData is a TLS data connection that ends an upload gracefully. The
// server may send TLS records on it that the client never reads during an
// upload (after a TLS 1.3 handshake OpenSSL sends session tickets); closing
// a socket with unread data sends a reset instead of the end of the
// stream, and the server, whose last bytes of the file were still in
// flight, then drops them and answers 426 "Failure reading network stream"
// (uploads of a few megabytes failed so on vsftpd). So a connection that
// was not read from (an upload) ends with close_notify and a TCP
// half-close, and reads what the server still sends until it closes.
type tlsData struct {
	*tls.Conn
	raw  *trackedConn
	read bool
}

func (d *tlsData) Read(b []byte) (int, error) {
	d.read = true
	return d.Conn.Read(b)
}

func (d *tlsData) Close() error {
	if !d.read && d.ConnectionState().HandshakeComplete && d.Conn.CloseWrite() == nil {
		type halfCloser interface{ CloseWrite() error }
		if hc, ok := d.raw.Conn.(halfCloser); ok && hc.CloseWrite() == nil {
			// Reads time out after the connection's idle limit
			// (trackedConn), and a cancel closes it.
			_, _ = io.Copy(io.Discard, d.Conn)
		}
	}
	return d.Conn.Close()
}

// ftpControl opens the control connection and reads the greeting; for
// ftps-implicit the TLS comes first, for ftps and ftp it is asked for with
// AUTH TLS. The connection returned replays a "220" greeting for
// jlaffaye/ftp, which reads one. secure tells whether it is in TLS.
func ftpControl(ctx context.Context, site Site, set *connSet, tlsConf *tls.Config, trust *Trust) (c net.Conn, secure bool, err error) {
	addr := site.Addr()
	d := net.Dialer{Timeout: site.timeout()}
	raw, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, false, &Error{Kind: classifyNet(ctx, err), Op: "connect", Host: addr, Err: err}
	}
	tc := set.add(raw)
	tc.linger = true
	handshake := func(op string) (net.Conn, error) {
		t := tls.Client(tc, tlsConf)
		if err := t.HandshakeContext(ctx); err != nil {
			return nil, ftpError(ctx, op, addr, err, site.Protocol)
		}
		return t, nil
	}
	if site.Protocol == FTPSImplicit {
		t, err := handshake("connect")
		return t, true, err
	}
	r := textproto.NewReader(bufio.NewReaderSize(tc, 512))
	code, msg, err := r.ReadResponse(0)
	if err == nil && code != 220 {
		err = &textproto.Error{Code: code, Msg: msg}
	}
	if err != nil {
		return nil, false, ftpError(ctx, "connect", addr, err, site.Protocol)
	}
	if _, err := io.WriteString(tc, "AUTH TLS\r\n"); err != nil {
		return nil, false, ftpError(ctx, "AUTH TLS", addr, err, site.Protocol)
	}
	code, msg, err = r.ReadResponse(0)
	switch {
	case err != nil && code == 0:
		return nil, false, ftpError(ctx, "AUTH TLS", addr, err, site.Protocol)
	case code == 234:
		t, err := handshake("AUTH TLS")
		return &replayConn{Conn: t, prefix: []byte(greeting)}, true, err
	case code == 421:
		return nil, false, ftpError(ctx, "connect", addr, &textproto.Error{Code: code, Msg: msg}, site.Protocol)
	case site.Protocol == FTP && site.AllowPlain:
		err := refuseStripped(addr, trust)
		if err == nil {
			return &replayConn{Conn: tc, prefix: []byte(greeting)}, false, nil
		}
		_, _ = io.WriteString(tc, "QUIT\r\n")
		_ = tc.Close()
		return nil, false, err
	}
	// No TLS, and plain FTP is not allowed: end the session properly, so
	// that the server does not count it a moment longer.
	_, _ = io.WriteString(tc, "QUIT\r\n")
	_ = tc.Close()
	return nil, false, ftpError(ctx, "AUTH TLS", addr, &textproto.Error{Code: code, Msg: msg}, FTPS)
}

// greeting is what replayConn shows jlaffaye/ftp: the server's own was read.
const greeting = "220 ready\r\n"

// replayConn reads prefix first, then the connection.
type replayConn struct {
	net.Conn
	prefix []byte
}

func (c *replayConn) Read(b []byte) (int, error) {
	if len(c.prefix) > 0 {
		n := copy(b, c.prefix)
		c.prefix = c.prefix[n:]
		return n, nil
	}
	return c.Conn.Read(b)
}

// ftpTLSConfig checks the certificate: one a public authority signed for
// this host is fine; any other (self-signed is common on shared hosting)
// must match the fingerprint trusted for this site, or be accepted now.
func ftpTLSConfig(site Site, trust *Trust, keyErr *error) *tls.Config {
	addr := site.Addr()
	return &tls.Config{
		ServerName:         site.Host,
		MinVersion:         tls.VersionTLS12,
		ClientSessionCache: tls.NewLRUClientSessionCache(8),
		// Verification is done below, by VerifyConnection.
		InsecureSkipVerify: true, //nolint:gosec
		VerifyConnection: func(cs tls.ConnectionState) error {
			if len(cs.PeerCertificates) == 0 {
				return errors.New("the server sent no certificate")
			}
			pin, err := trust.checkCert(site.Host, addr, "TLS", cs.PeerCertificates)
			var re *Error
			if errors.As(err, &re) {
				*keyErr = re
			}
			if err == nil && pin != "" {
				trust.later(func() error { return appendLine(trust.KnownCerts, addr+" "+pin) })
			}
			return err
		},
	}
}

// ftpError classifies an FTP failure by its reply code and text.
func ftpError(ctx context.Context, op, host string, err error, mode Protocol) error {
	if ctx.Err() != nil {
		return &Error{Kind: KindCanceled, Op: op, Host: host, Err: ctx.Err()}
	}
	var e *Error
	if errors.As(err, &e) {
		return err
	}
	var te *textproto.Error
	if !errors.As(err, &te) {
		if strings.Contains(err.Error(), "tls: received record with version") ||
			strings.Contains(err.Error(), "tls: first record does not look like a TLS handshake") {
			// The server answered in plain text where TLS was due: usually
			// an error line such as vsftpd's "500 OOPS: …".
			return &Error{Kind: KindProtocol, Op: op, Host: host, Err: err,
				Reply: "the server answered in plain text during the TLS handshake; its FTP server may be misconfigured"}
		}
		kind := classifyNet(ctx, err)
		var pe textproto.ProtocolError
		if errors.As(err, &pe) {
			kind = KindProtocol
			if strings.HasPrefix(string(pe), "short response") {
				// The reply was cut off: the connection dropped.
				kind = KindReset
			}
		}
		return &Error{Kind: kind, Op: op, Host: host, Err: err}
	}
	reply := fmt.Sprintf("%d %s", te.Code, strings.TrimSpace(te.Msg))
	msg := strings.ToLower(te.Msg)
	kind := KindOther
	switch {
	case op == "AUTH TLS" && te.Code != 421:
		// 500/502/504 "unknown command", 534/431 "policy", and vsftpd
		// without TLS even answers 530 "Please login with USER and PASS".
		kind = KindTLSNotOffered
	case te.Code == 421:
		kind = KindTooMany
	case te.Code == 522, te.Code == 425 && (strings.Contains(msg, "tls") || strings.Contains(msg, "ssl") || strings.Contains(msg, "session")):
		kind = KindTLSResumption
	case te.Code == 425, te.Code == 426:
		kind = KindReset
	case te.Code == 530 && (strings.Contains(msg, "encrypt") || strings.Contains(msg, "tls") || strings.Contains(msg, "ssl")),
		te.Code == 534 && mode == FTP:
		kind = KindTLSRequired
	case te.Code == 530:
		kind = KindAuth
	case te.Code == 550 && (strings.Contains(msg, "no such") || strings.Contains(msg, "not found") || strings.Contains(msg, "failed to open") || strings.Contains(msg, "does not exist")):
		kind = KindNotFound
	case te.Code == 550, te.Code == 553, te.Code == 450, te.Code == 552:
		kind = KindPermission
	}
	return &Error{Kind: kind, Op: op, Host: host, Reply: reply, Err: err}
}

// do runs one call with cancellation and classification.
func (f *ftpConn) do(ctx context.Context, op string, call func() error) error {
	if err := ctx.Err(); err != nil {
		// Nothing was sent: the connection stays usable.
		return &Error{Kind: KindCanceled, Op: op, Host: f.host, Err: err}
	}
	if f.broken {
		return &Error{Kind: KindReset, Op: op, Host: f.host, Err: errors.New("connection is no longer usable")}
	}
	*f.callCtx = ctx
	stop := watch(ctx, f.conns)
	err := call()
	*f.callCtx = context.Background()
	if stop() {
		f.broken = true
		return &Error{Kind: KindCanceled, Op: op, Host: f.host, Err: ctx.Err()}
	}
	if err != nil {
		err = ftpError(ctx, op, f.host, err, f.mode())
		if k := KindOf(err); k == KindReset || k == KindTimeout || k == KindOther || k == KindProtocol {
			f.broken = true
		}
	}
	return err
}

func (f *ftpConn) mode() Protocol {
	if f.tls {
		return FTPS
	}
	return FTP
}

func (f *ftpConn) Getwd(ctx context.Context) (string, error) {
	var dir string
	err := f.do(ctx, "PWD", func() (err error) {
		dir, err = f.c.CurrentDir()
		return err
	})
	return dir, err
}

// List lists a folder. vsftpd lists a missing folder as empty, so an
// empty listing is checked against the parent's (one more listing, only
// for empty folders): a missing folder is KindNotFound, as over SFTP.
func (f *ftpConn) List(ctx context.Context, dir string) ([]FileInfo, error) {
	out, err := f.list(ctx, dir)
	if err != nil || len(out) > 0 || path.Clean(dir) == "/" {
		return out, err
	}
	fi, err := f.Stat(ctx, dir)
	switch {
	case err != nil:
		return nil, err
	case !fi.IsDir():
		return nil, &Error{Kind: KindOther, Op: "list " + dir, Host: f.host, Reply: "not a folder"}
	}
	return out, nil
}

// list lists with MLSD where the server has it (it shows every entry),
// else with "LIST -a": vsftpd, ProFTPD and Pure-FTPd leave hidden entries
// out of a plain LIST, and .htaccess files and our own temporary files
// are hidden. A server that refuses "-a" is asked once without it, and
// then never with it on this connection.
func (f *ftpConn) list(ctx context.Context, dir string) ([]FileInfo, error) {
	var entries []*ftp.Entry
	arg := dir
	if !f.c.IsTimePreciseInList() && !f.noListA {
		// jlaffaye/ftp sends "LIST " and the argument as given.
		arg = "-a " + dir
	}
	err := f.do(ctx, "list "+dir, func() (err error) {
		entries, err = f.c.List(arg)
		return err
	})
	var te *textproto.Error
	if arg != dir && errors.As(err, &te) && te.Code >= 500 {
		// A complete reply: the connection is in step, although do
		// gave up on it for an error of no known kind (501).
		f.broken = false
		err = f.do(ctx, "list "+dir, func() (err error) {
			entries, err = f.c.List(dir)
			return err
		})
		if err == nil {
			f.noListA = true
		}
	}
	if err != nil {
		return nil, err
	}
	out := make([]FileInfo, 0, len(entries))
	for _, e := range entries {
		if e.Name == "." || e.Name == ".." {
			continue
		}
		out = append(out, entryInfo(e))
	}
	return out, nil
}

func entryInfo(e *ftp.Entry) FileInfo {
	fi := FileInfo{Name: path.Base(e.Name), Size: int64(e.Size), ModTime: e.Time, Mode: 0o644}
	switch e.Type {
	case ftp.EntryTypeFolder:
		fi.Mode = fs.ModeDir | 0o755
		fi.Size = 0
	case ftp.EntryTypeLink:
		fi.Mode = fs.ModeSymlink | 0o777
	}
	return fi
}

// Stat lists the parent folder and picks the entry: LIST of a file is not
// portable across servers, the parent's listing is.
func (f *ftpConn) Stat(ctx context.Context, p string) (FileInfo, error) {
	p = path.Clean(p)
	if p == "/" {
		return FileInfo{Name: "/", Mode: fs.ModeDir | 0o755}, nil
	}
	list, err := f.list(ctx, path.Dir(p))
	if err != nil {
		return FileInfo{}, err
	}
	for _, e := range list {
		if e.Name == path.Base(p) {
			return e, nil
		}
	}
	return FileInfo{}, &Error{Kind: KindNotFound, Op: "stat " + p, Host: f.host}
}

func (f *ftpConn) Retrieve(ctx context.Context, p string, w io.Writer) error {
	return f.do(ctx, "download "+p, func() error {
		r, err := f.c.Retr(p)
		if err != nil {
			return err
		}
		_, cerr := io.Copy(w, r)
		if err := r.Close(); cerr == nil {
			cerr = err
		}
		return cerr
	})
}

func (f *ftpConn) Store(ctx context.Context, p string, r io.Reader) error {
	err := f.do(ctx, "upload "+p, func() error { return f.c.Stor(p, r) })
	return f.notFound(ctx, err, path.Dir(p))
}

func (f *ftpConn) Mkdir(ctx context.Context, p string) error {
	err := f.do(ctx, "create folder "+p, func() error { return f.c.MakeDir(p) })
	return f.notFound(ctx, err, path.Dir(p))
}

// notFound tells a missing path from a refusal: FTP servers answer both
// with the same 550 or 553 ("Delete operation failed"), and the engine
// takes KindNotFound for "already gone". When the server refused and
// missing is not there, the error becomes KindNotFound. It costs a
// listing on failures only.
func (f *ftpConn) notFound(ctx context.Context, err error, missing string) error {
	var e *Error
	if !errors.As(err, &e) || e.Kind != KindPermission {
		return err
	}
	if _, serr := f.Stat(ctx, missing); KindOf(serr) == KindNotFound {
		e.Kind = KindNotFound
	}
	return err
}

// Rename replaces an existing target: RNTO over an existing file works on
// vsftpd, ProFTPD and Pure-FTPd (it is rename(2) underneath); a server that
// refuses gets the target removed first, which is the best FTP can do. The
// target is removed only when the source and the target's folder exist:
// a missing source is KindNotFound and leaves the target alone.
func (f *ftpConn) Rename(ctx context.Context, from, to string) error {
	err := f.do(ctx, "rename "+from, func() error { return f.c.Rename(from, to) })
	if KindOf(err) != KindPermission {
		return err
	}
	if err := f.notFound(ctx, err, from); KindOf(err) == KindNotFound {
		return err
	}
	if err := f.notFound(ctx, err, path.Dir(to)); KindOf(err) == KindNotFound {
		return err
	}
	if rerr := f.Remove(ctx, to); rerr == nil {
		err = f.do(ctx, "rename "+from, func() error { return f.c.Rename(from, to) })
	}
	return err
}

func (f *ftpConn) Remove(ctx context.Context, p string) error {
	err := f.do(ctx, "delete "+p, func() error { return f.c.Delete(p) })
	return f.notFound(ctx, err, p)
}

func (f *ftpConn) RemoveDir(ctx context.Context, p string) error {
	err := f.do(ctx, "remove folder "+p, func() error { return f.c.RemoveDir(p) })
	return f.notFound(ctx, err, p)
}

func (f *ftpConn) Alive(ctx context.Context) error {
	return f.do(ctx, "NOOP", f.c.NoOp)
}

func (f *ftpConn) Close() error {
	if f.broken {
		return f.conns.Close()
	}
	err := f.c.Quit()
	_ = f.conns.Close()
	return err
}

// refuseStripped stops a fallback to plain FTP when the host's certificate
// is pinned: it offered TLS before, so a refusal now is what an attacker
// stripping TLS produces, and the password must not follow in clear.
func refuseStripped(addr string, trust *Trust) error {
	known, err := trust.certFor(addr)
	if err != nil {
		return err
	}
	if known != "" {
		return &Error{Kind: KindTLSStripped, Op: "AUTH TLS", Host: addr, Fingerprint: known, KeyType: "certificate"}
	}
	return nil
}
