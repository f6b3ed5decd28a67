package remote

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/textproto"
	"strconv"
	"strings"
	"time"

	"github.com/ocsetup/ocsetup/installer/msg"
)

// FTPPipe is an FTP connection of its own for bulk uploads. jlaffaye/ftp
// (behind Conn) waits for each reply before it sends the next command: a
// file costs PASV, connect, STOR→150, data→226 and RNFR, RNTO, six round
// trips. FTPPipe writes commands ahead of the replies it does not need yet,
// so a file costs two (docs/upload.md): the rename of one
// file travels with the STOR of the next, and the next PASV and a SIZE check
// travel right behind the data.
//
// It is not safe for concurrent use; open one per parallel upload.
type FTPPipe struct {
	host    string
	ctrlIP  net.IP
	timeout time.Duration
	tlsConf *tls.Config // nil for plain FTP
	mode    Protocol
	trust   *Trust

	ctrl   net.Conn
	r      *textproto.Reader
	w      *bufio.Writer
	conns  *connSet
	noSize bool // the server has no SIZE command
	broken bool
	// lender is the pool connection whose control connection this pipe
	// borrowed (FTPPipeOf); Close then gives it back instead of logging out.
	lender *ftpConn
}

// PipeFile is one file for FTPPipe.StoreAtomic.
type PipeFile struct {
	Temp, Final string // absolute paths; Temp in Final's folder
	Size        int64  // the size the server must report before the rename
	Open        func() (io.ReadCloser, error)
}

// DialFTPPipe connects and logs in like Dial does for FTP sites (TLS
// required for ftps and ftps-implicit, offered first for ftp and refused
// to plain FTP unless the site allows it), checking the certificate with
// the same trust rules.
func DialFTPPipe(ctx context.Context, site Site, trust *Trust) (*FTPPipe, error) {
	if trust == nil {
		return nil, errors.New("remote: DialFTPPipe needs a Trust")
	}
	switch site.Protocol {
	case FTP, FTPS, FTPSImplicit:
	default:
		return nil, fmt.Errorf("remote: DialFTPPipe of a %s site", site.Protocol)
	}
	p := &FTPPipe{host: site.Addr(), timeout: site.timeout(), conns: &connSet{conns: map[net.Conn]struct{}{}}, mode: site.Protocol, trust: trust}
	var keyErr error
	// Plain ftp:// sites are asked for TLS first too, as Dial does.
	p.tlsConf = ftpTLSConfig(site, trust, &keyErr)
	stop := context.AfterFunc(ctx, func() { _ = p.conns.Close() })
	defer stop()
	err := p.login(ctx, site)
	if err != nil {
		_ = p.conns.Close()
		trust.Discard()
		if keyErr != nil {
			return nil, keyErr
		}
		if ctx.Err() != nil {
			return nil, &Error{Kind: KindCanceled, Op: "connect", Host: p.host, Err: ctx.Err()}
		}
		return nil, err
	}
	if err := trust.Commit(); err != nil {
		_ = p.conns.Close()
		return nil, msg.Wrap(err, "error.remote.save_certificate")
	}
	return p, nil
}

func (p *FTPPipe) login(ctx context.Context, site Site) error {
	d := net.Dialer{Timeout: p.timeout}
	c, err := d.DialContext(ctx, "tcp", p.host)
	if err != nil {
		return &Error{Kind: classifyNet(ctx, err), Op: "connect", Host: p.host, Err: err}
	}
	tracked := p.conns.add(c)
	tracked.linger = true // see trackedConn.linger
	c = tracked
	if ta, ok := c.RemoteAddr().(*net.TCPAddr); ok {
		p.ctrlIP = ta.IP
	}
	if site.Protocol == FTPSImplicit {
		tc := tls.Client(c, p.tlsConf)
		_ = tc.SetDeadline(time.Now().Add(p.timeout))
		if err := tc.HandshakeContext(ctx); err != nil {
			return p.fail(ctx, "TLS", err)
		}
		_ = tc.SetDeadline(time.Time{})
		c = tc
	}
	p.setCtrl(c)
	if _, err := p.expect(ctx, "connect", 220); err != nil {
		return err
	}
	secure := site.Protocol == FTPSImplicit
	if site.Protocol != FTPSImplicit {
		code, msg, err := p.cmd(ctx, "AUTH TLS", "AUTH TLS")
		switch {
		case err != nil:
			return err
		case code == 234:
			tc := tls.Client(c, p.tlsConf)
			_ = tc.SetDeadline(time.Now().Add(p.timeout))
			if err := tc.HandshakeContext(ctx); err != nil {
				return p.fail(ctx, "TLS", err)
			}
			_ = tc.SetDeadline(time.Time{})
			p.setCtrl(tc)
			secure = true
		case site.Protocol == FTPS || !site.AllowPlain || code == 421:
			return ftpError(ctx, "AUTH TLS", p.host, &textproto.Error{Code: code, Msg: msg}, FTPS)
		default:
			if err := refuseStripped(p.host, p.trust); err != nil {
				return err
			}
		}
	}
	if !secure {
		p.tlsConf = nil
		p.mode = FTP
	} else if p.mode == FTP {
		p.mode = FTPS
	}
	code, msg, err := p.cmd(ctx, "login", "USER "+site.User)
	if err != nil {
		return err
	}
	if code == 331 {
		code, msg, err = p.cmd(ctx, "login", "PASS "+site.Password)
		if err != nil {
			return err
		}
	}
	if code != 230 {
		return ftpError(ctx, "login", p.host, &textproto.Error{Code: code, Msg: msg}, p.mode)
	}
	if secure {
		for _, c := range []string{"PBSZ 0", "PROT P"} {
			if err := p.ok(ctx, c, c); err != nil {
				return err
			}
		}
	}
	return p.ok(ctx, "TYPE I", "TYPE I")
}

func (p *FTPPipe) setCtrl(c net.Conn) {
	p.ctrl = c
	p.r = textproto.NewReader(bufio.NewReader(c))
	p.w = bufio.NewWriter(c)
}

// fail classifies a network failure and marks the connection unusable.
func (p *FTPPipe) fail(ctx context.Context, op string, err error) error {
	p.broken = true
	var e *Error
	if errors.As(err, &e) {
		return err
	}
	if ctx.Err() != nil {
		return &Error{Kind: KindCanceled, Op: op, Host: p.host, Err: ctx.Err()}
	}
	kind := classifyNet(ctx, err)
	if kind == KindOther {
		kind = KindReset
	}
	return &Error{Kind: kind, Op: op, Host: p.host, Err: err}
}

// send writes commands without waiting for any reply.
func (p *FTPPipe) send(ctx context.Context, op string, cmds ...string) error {
	if p.broken {
		return &Error{Kind: KindReset, Op: op, Host: p.host, Err: errors.New("connection is no longer usable")}
	}
	if err := p.write(cmds); err != nil {
		var e *Error
		if errors.As(err, &e) {
			return err
		}
		return p.fail(ctx, op, err)
	}
	return nil
}

// write sends commands and touches nothing else of the pipe's state, so
// that StoreAtomic's data sender may use it while the pipe reads replies.
func (p *FTPPipe) write(cmds []string) error {
	for _, c := range cmds {
		if strings.ContainsAny(c, "\r\n") {
			return &Error{Kind: KindProtocol, Op: "send", Host: p.host, Err: fmt.Errorf("remote: FTP command with a line break: %q", c)}
		}
	}
	for _, c := range cmds {
		p.w.WriteString(c)
		p.w.WriteString("\r\n")
	}
	_ = p.ctrl.SetWriteDeadline(time.Now().Add(p.timeout))
	return p.w.Flush()
}

// read reads one (possibly multi-line) reply.
func (p *FTPPipe) read(ctx context.Context, op string) (int, string, error) {
	if p.broken {
		return 0, "", &Error{Kind: KindReset, Op: op, Host: p.host, Err: errors.New("connection is no longer usable")}
	}
	_ = p.ctrl.SetReadDeadline(time.Now().Add(p.timeout))
	code, msg, err := p.r.ReadResponse(0)
	if err != nil {
		var te *textproto.Error
		if !errors.As(err, &te) {
			return 0, "", p.fail(ctx, op, err)
		}
	}
	if code == 421 {
		// The server is closing the session.
		p.broken = true
		return 0, "", ftpError(ctx, op, p.host, &textproto.Error{Code: code, Msg: msg}, p.mode)
	}
	return code, msg, nil
}

func (p *FTPPipe) cmd(ctx context.Context, op, c string) (int, string, error) {
	if err := p.send(ctx, op, c); err != nil {
		return 0, "", err
	}
	return p.read(ctx, op)
}

// expect reads a reply and fails unless its code is want.
func (p *FTPPipe) expect(ctx context.Context, op string, want int) (string, error) {
	code, msg, err := p.read(ctx, op)
	if err != nil {
		return "", err
	}
	if code != want {
		return msg, ftpError(ctx, op, p.host, &textproto.Error{Code: code, Msg: msg}, p.mode)
	}
	return msg, nil
}

// ok sends one command and wants a 2xx reply.
func (p *FTPPipe) ok(ctx context.Context, op, c string) error {
	code, msg, err := p.cmd(ctx, op, c)
	if err != nil {
		return err
	}
	if code/100 != 2 {
		return ftpError(ctx, op, p.host, &textproto.Error{Code: code, Msg: msg}, p.mode)
	}
	return nil
}

// Mkdirs creates folders with one batch of MKD commands. The server runs
// them in order, so parents listed before their children work in one round
// trip. A folder that exists already is no error; as FTP servers answer 550
// for both "exists" and "not allowed", a refused folder shows up later, when
// a file is stored in it.
func (p *FTPPipe) Mkdirs(ctx context.Context, dirs []string) error {
	stop := context.AfterFunc(ctx, func() { _ = p.conns.Close() })
	defer stop()
	// Batches keep the replies the server queues within its socket buffer.
	for len(dirs) > 0 {
		n := min(len(dirs), 64)
		cmds := make([]string, n)
		for i, d := range dirs[:n] {
			cmds[i] = "MKD " + d
		}
		if err := p.send(ctx, "create folders", cmds...); err != nil {
			return err
		}
		for _, d := range dirs[:n] {
			code, msg, err := p.read(ctx, "create folder "+d)
			if err != nil {
				return err
			}
			if code/100 != 2 && code != 550 && code != 521 {
				return ftpError(ctx, "create folder "+d, p.host, &textproto.Error{Code: code, Msg: msg}, p.mode)
			}
		}
		dirs = dirs[n:]
	}
	return nil
}

// Delete removes files (and, with dirs, empty folders) with one batch of
// commands, ignoring "not found". It is used to clean up temporary files.
func (p *FTPPipe) Delete(ctx context.Context, names []string) error {
	stop := context.AfterFunc(ctx, func() { _ = p.conns.Close() })
	defer stop()
	for len(names) > 0 {
		n := min(len(names), 64)
		cmds := make([]string, n)
		for i, d := range names[:n] {
			cmds[i] = "DELE " + d
		}
		if err := p.send(ctx, "delete", cmds...); err != nil {
			return err
		}
		for range names[:n] {
			if _, _, err := p.read(ctx, "delete"); err != nil {
				return err
			}
		}
		names = names[n:]
	}
	return nil
}

// StoreAtomic uploads the files that next hands out, one after the other,
// each under its temporary name; it renames a file into place only after
// the server confirmed the transfer (226) and reported the expected size,
// so a final path never holds a partial file. done is called once per file
// handed out, with nil when the file is in place or with the server's
// refusal of that file (which leaves the final path untouched and removes
// the temporary file). A returned error means the connection failed: files
// handed out whose done was not called are in an unknown state (the final
// path holds the old or the new content, the temporary file may remain),
// and the pipe is unusable.
func (p *FTPPipe) StoreAtomic(ctx context.Context, next func() (PipeFile, bool), done func(PipeFile, error)) error {
	stop := context.AfterFunc(ctx, func() { _ = p.conns.Close() })
	defer stop()
	cur, more := next()
	if !more {
		return nil
	}
	if err := p.send(ctx, "PASV", "PASV"); err != nil {
		return err
	}
	var renaming *PipeFile // confirmed and sized, rename not yet sent
	var garbage []string   // temporary files of refused uploads
	for more {
		f := cur
		addr, err := p.readPASV(ctx)
		if err != nil {
			return err
		}
		cmds := []string{"STOR " + f.Temp}
		if renaming != nil {
			cmds = append([]string{"RNFR " + renaming.Temp, "RNTO " + renaming.Final}, cmds...)
		}
		if err := p.send(ctx, "upload "+f.Final, cmds...); err != nil {
			return err
		}
		// The connect, the STOR's 150 and the data overlap: the data goes
		// as soon as the connection is open (the server reads it once it
		// has taken the connection for the STOR), and the SIZE check and
		// the next PASV right behind it, so that they wait at the server
		// when the transfer ends. A file then costs the data connection's
		// handshake and the 226, whatever the client does meanwhile (the
		// replies of the rename and of the STOR are read while the data
		// travels).
		data, dialErr := p.dialData(ctx, addr)
		cur, more = next()
		withSize := !p.noSize
		var after []string
		if withSize {
			after = append(after, "SIZE "+f.Temp)
		}
		if more {
			after = append(after, "PASV")
		}
		type sent struct {
			srcErr, netErr error
			// behind: the commands after the data were sent; sendErr:
			// the control connection failed sending them.
			behind  bool
			sendErr error
		}
		var copied chan sent
		if dialErr == nil {
			copied = make(chan sent, 1)
			go func() {
				var r sent
				r.srcErr, r.netErr = p.copyData(data, f)
				if r.netErr == nil && len(after) > 0 {
					// Only this goroutine writes to the control
					// connection until it is joined.
					r.behind, r.sendErr = true, p.write(after)
				}
				copied <- r
			}()
		}
		// join waits for the sender; abandon first ends the data
		// connection (a refused STOR's is never read by the server).
		join := func(abandon bool) sent {
			if copied == nil {
				return sent{}
			}
			if abandon {
				_ = data.Close()
			}
			r := <-copied
			copied = nil
			return r
		}
		if renaming != nil {
			if err := p.readRename(ctx, *renaming, done); err != nil {
				join(true)
				return err
			}
			renaming = nil
		}
		code, msg, err := p.read(ctx, "upload "+f.Final)
		if err != nil {
			join(true)
			return err
		}
		if dialErr != nil {
			return p.fail(ctx, "data connection for "+f.Final, dialErr)
		}
		if code/100 != 1 {
			// Refused (permission, quota, path): the server never took
			// the data connection, so whatever was sent on it is lost.
			r := join(true)
			if r.sendErr != nil {
				return p.fail(ctx, "upload "+f.Final, r.sendErr)
			}
			if r.behind && withSize {
				if _, _, err := p.read(ctx, "size of "+f.Temp); err != nil {
					return err
				}
			}
			done(f, ftpError(ctx, "upload "+f.Final, p.host, &textproto.Error{Code: code, Msg: msg}, p.mode))
			if more && !r.behind {
				if err := p.send(ctx, "PASV", "PASV"); err != nil {
					return err
				}
			}
			continue
		}
		r := join(false)
		srcErr := r.srcErr
		switch {
		case r.netErr != nil:
			return p.fail(ctx, "upload "+f.Final, r.netErr)
		case r.sendErr != nil:
			return p.fail(ctx, "upload "+f.Final, r.sendErr)
		}
		code, msg, err = p.read(ctx, "upload "+f.Final)
		if err != nil {
			return err
		}
		fileErr := srcErr
		if code/100 != 2 && fileErr == nil {
			fileErr = ftpError(ctx, "upload "+f.Final, p.host, &textproto.Error{Code: code, Msg: msg}, p.mode)
		}
		if withSize {
			code, msg, err = p.read(ctx, "size of "+f.Temp)
			if err != nil {
				return err
			}
			switch {
			case code == 213:
				if n, perr := strconv.ParseInt(strings.TrimSpace(msg), 10, 64); fileErr == nil && (perr != nil || n != f.Size) {
					fileErr = &Error{Kind: KindReset, Op: "upload " + f.Final, Host: p.host,
						Err: fmt.Errorf("the server holds %s bytes of %d: the transfer was cut", strings.TrimSpace(msg), f.Size)}
				}
			case code == 500 || code == 502 || code == 504:
				p.noSize = true
			}
		}
		if fileErr != nil {
			garbage = append(garbage, f.Temp)
			done(f, fileErr)
			continue
		}
		renaming = &f
	}
	if renaming != nil {
		if err := p.send(ctx, "rename "+renaming.Final, "RNFR "+renaming.Temp, "RNTO "+renaming.Final); err != nil {
			return err
		}
		if err := p.readRename(ctx, *renaming, done); err != nil {
			return err
		}
	}
	if len(garbage) > 0 {
		return p.Delete(ctx, garbage)
	}
	return nil
}

// readRename reads the RNFR and RNTO replies of f and reports it done.
func (p *FTPPipe) readRename(ctx context.Context, f PipeFile, done func(PipeFile, error)) error {
	var fileErr error
	for _, want := range []int{350, 250} {
		code, msg, err := p.read(ctx, "rename "+f.Temp)
		if err != nil {
			return err
		}
		if code != want && fileErr == nil && !(want == 250 && code/100 == 2) {
			fileErr = ftpError(ctx, "rename "+f.Temp, p.host, &textproto.Error{Code: code, Msg: msg}, p.mode)
		}
	}
	done(f, fileErr)
	return nil
}

// copyData sends f over the data connection and closes it. srcErr is a
// failure to read the local file (the transfer was still finished, so the
// control connection stays in step); netErr a failure of the connection.
func (p *FTPPipe) copyData(data net.Conn, f PipeFile) (srcErr, netErr error) {
	_ = data.SetDeadline(time.Now().Add(p.timeout + time.Duration(f.Size/(64<<10))*time.Second))
	rc, err := f.Open()
	if err == nil {
		var n int64
		n, err = io.Copy(data, srcReader{rc})
		_ = rc.Close()
		if h, ok := data.(interface{ Handshake() error }); ok && n == 0 && err == nil {
			// An empty file writes nothing, so the TLS handshake the
			// server waits for would never happen.
			err = h.Handshake()
		}
	}
	var se srcError
	switch {
	case errors.As(err, &se):
		srcErr = se.err
	case err != nil:
		netErr = err
	}
	if cerr := data.Close(); netErr == nil && cerr != nil && srcErr == nil {
		netErr = cerr
	}
	return srcErr, netErr
}

// srcReader tags errors of the local reader, to tell them from the
// network's in io.Copy.
type srcReader struct{ r io.Reader }

type srcError struct{ err error }

func (e srcError) Error() string { return e.err.Error() }

func (s srcReader) Read(b []byte) (int, error) {
	n, err := s.r.Read(b)
	if err != nil && err != io.EOF {
		err = srcError{err}
	}
	return n, err
}

// readPASV reads a 227 reply and returns the data address: the port it
// announces, on the control connection's address.
func (p *FTPPipe) readPASV(ctx context.Context) (string, error) {
	msg, err := p.expect(ctx, "PASV", 227)
	if err != nil {
		return "", err
	}
	start, end := strings.Index(msg, "("), strings.LastIndex(msg, ")")
	var parts []string
	if start >= 0 && end > start {
		parts = strings.Split(msg[start+1:end], ",")
	}
	if len(parts) != 6 {
		// A cut connection leaves a truncated line as often as a server
		// sends a bad one; either way this connection is done.
		p.broken = true
		return "", &Error{Kind: KindReset, Op: "PASV", Host: p.host, Reply: "227 " + msg}
	}
	var n [6]int
	for i, s := range parts {
		v, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || v < 0 || v > 255 {
			return "", &Error{Kind: KindProtocol, Op: "PASV", Host: p.host, Reply: "227 " + msg}
		}
		n[i] = v
	}
	// The announced address is never used: a hostile or compromised
	// server could send the data (files holding secrets) to any host. A
	// server behind NAT announces a private address anyway, so the control
	// connection's address is the one that works too.
	host := hostOnly(p.host)
	if p.ctrlIP != nil {
		host = p.ctrlIP.String()
	}
	return net.JoinHostPort(host, strconv.Itoa(n[4]<<8|n[5])), nil
}

// dialData opens a data connection, in TLS when the control one is (with
// the same config, so the session is resumed as servers require).
func (p *FTPPipe) dialData(ctx context.Context, addr string) (net.Conn, error) {
	d := net.Dialer{Timeout: p.timeout}
	c, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	tc := p.conns.add(c)
	if p.tlsConf != nil {
		return &tlsData{Conn: tls.Client(tc, p.tlsConf), raw: tc}, nil
	}
	return tc, nil
}

// Close logs out, waiting at most 2 seconds for the server's reply and a
// little longer for it to end the session (see trackedConn.linger). A pipe
// of FTPPipeOf is given back to its connection instead, or marks it broken.
func (p *FTPPipe) Close() error {
	if p.lender != nil {
		_ = p.ctrl.SetDeadline(time.Time{})
		if p.broken {
			p.lender.broken = true
		}
		p.lender.noSize = p.noSize
		p.lender = nil
		return nil
	}
	if !p.broken && p.w != nil {
		// Not p.send: its write deadline is the site's whole timeout.
		_, _ = p.w.WriteString("QUIT\r\n")
		_ = p.ctrl.SetDeadline(time.Now().Add(2 * time.Second))
		if p.w.Flush() == nil {
			_, _, _ = p.r.ReadResponse(0)
		}
		_ = p.ctrl.Close() // TLS close_notify, then the linger
	}
	return p.conns.Close()
}

// FTPPipeOf lends the control connection of an FTP connection (from Dial,
// or lent by Pool.Do) as an FTPPipe: pipelined uploads then need no login
// of their own and stay within the pool's connections. Use c only through
// the pipe until the pipe's Close, which gives it back (or marks it broken
// when the pipe failed, so that the pool drops it). ok is false for SFTP.
func FTPPipeOf(c Conn) (p *FTPPipe, ok bool) {
	f, ok := c.(*ftpConn)
	if !ok || f.ctrl == nil {
		return nil, false
	}
	mode := FTP
	if f.tls {
		mode = FTPS
	}
	p = &FTPPipe{host: f.host, timeout: f.conns.idle, tlsConf: f.tlsConf, mode: mode, conns: f.conns,
		noSize: f.noSize, broken: f.broken, lender: f}
	if ta, ok := f.ctrl.RemoteAddr().(*net.TCPAddr); ok {
		p.ctrlIP = ta.IP
	}
	p.setCtrl(f.ctrl)
	return p, true
}
