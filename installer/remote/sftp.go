package remote

import (
	"bytes"
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/ocsetup/ocsetup/installer/msg"
	"github.com/pkg/sftp"
	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"
	"golang.org/x/crypto/ssh/knownhosts"
)

// sftpConn is one SSH connection with its SFTP session.
type sftpConn struct {
	ssh  *ssh.Client
	c    *sftp.Client
	host string
}

// SSHClient gives the SSH connection under an SFTP site, for the database
// route through SSH and for crontab; ok is false for FTP connections.
func SSHClient(c Conn) (client *ssh.Client, ok bool) {
	if s, isSFTP := c.(*sftpConn); isSFTP {
		return s.ssh, true
	}
	return nil, false
}

// SFTPClient is the SFTP session an SFTP connection opened at login, for
// callers that keep many requests in flight on it (the upload): a session
// of their own would cost a channel's round trips first. Closing c ends it.
func SFTPClient(c Conn) (client *sftp.Client, ok bool) {
	if s, isSFTP := c.(*sftpConn); isSFTP {
		return s.c, true
	}
	return nil, false
}

func dialSFTP(ctx context.Context, site Site, trust *Trust) (Conn, error) {
	addr := site.Addr()
	auth, closeAgent, err := sshAuth(site)
	if err != nil {
		return nil, err
	}
	defer closeAgent()
	var keyErr error
	cfg := &ssh.ClientConfig{
		User:            site.User,
		Auth:            auth,
		HostKeyCallback: hostKeyCallback(addr, trust, &keyErr),
		Timeout:         site.timeout(),
	}
	d := net.Dialer{Timeout: site.timeout()}
	nc, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, &Error{Kind: classifyNet(ctx, err), Op: "connect", Host: addr, Err: err}
	}
	stop := watch(ctx, nc)
	_ = nc.SetDeadline(time.Now().Add(site.timeout()))
	sniff := &sniffConn{Conn: nc}
	sc, chans, reqs, err := ssh.NewClientConn(sniff, addr, cfg)
	if stop() {
		err = ctx.Err()
	}
	if err != nil {
		_ = nc.Close()
		trust.Discard()
		if keyErr != nil {
			return nil, keyErr
		}
		if first := sniff.first(); ctx.Err() == nil && len(first) > 0 && !bytes.HasPrefix(first, []byte("SSH-")) {
			// An FTP server greets with "220 …" and waits; the SSH client
			// would wait for a version line until it times out.
			return nil, &Error{Kind: KindProtocol, Op: "connect", Host: addr, Reply: strings.TrimSpace(string(first)), Err: err}
		}
		return nil, sshError(ctx, "login", addr, err)
	}
	_ = nc.SetDeadline(time.Time{})
	client := ssh.NewClient(sc, chans, reqs)
	stop = watch(ctx, client)
	// Many requests in flight per connection is what makes SFTP fast on
	// slow links (docs/upload.md).
	sc2, err := sftp.NewClient(client, sftp.UseConcurrentWrites(true), sftp.MaxConcurrentRequestsPerFile(64))
	if stop() {
		err = ctx.Err()
	}
	if err != nil {
		_ = client.Close()
		trust.Discard()
		return nil, sshError(ctx, "start SFTP", addr, err)
	}
	if err := trust.Commit(); err != nil {
		_ = client.Close()
		return nil, msg.Wrap(err, "error.remote.save_host_key")
	}
	return &sftpConn{ssh: client, c: sc2, host: addr}, nil
}

// sniffConn keeps the first bytes the server sends, to tell an FTP (or
// other) server from an SSH one when the handshake fails.
type sniffConn struct {
	net.Conn
	mu  sync.Mutex
	buf []byte
}

func (c *sniffConn) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	c.mu.Lock()
	if room := 64 - len(c.buf); room > 0 && n > 0 {
		c.buf = append(c.buf, b[:min(n, room)]...)
	}
	greeting := looksLikeFTP(c.buf)
	c.mu.Unlock()
	if greeting && err == nil {
		// SSH allows text lines before its version line, so the client
		// would wait for one until it times out; "220 " is an FTP server.
		return 0, errNotSSH
	}
	return n, err
}

var errNotSSH = errors.New("the server greeted like an FTP server, not SSH")

// looksLikeFTP reports whether b starts with a complete FTP-style reply line.
func looksLikeFTP(b []byte) bool {
	if len(b) < 5 || bytes.IndexByte(b, '\n') < 0 {
		return false
	}
	for _, d := range b[:3] {
		if d < '0' || d > '9' {
			return false
		}
	}
	return b[3] == ' ' || b[3] == '-'
}

func (c *sniffConn) first() []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.buf
}

func sshAuth(site Site) ([]ssh.AuthMethod, func(), error) {
	var methods []ssh.AuthMethod
	closer := func() {}
	if site.KeyFile != "" {
		b, err := os.ReadFile(site.KeyFile)
		if err != nil {
			return nil, closer, msg.Wrap(err, "error.remote.key_read")
		}
		var signer ssh.Signer
		if site.KeyPassphrase != "" {
			signer, err = ssh.ParsePrivateKeyWithPassphrase(b, []byte(site.KeyPassphrase))
		} else {
			signer, err = ssh.ParsePrivateKey(b)
		}
		var missing *ssh.PassphraseMissingError
		if errors.As(err, &missing) {
			return nil, closer, msg.NewError("error.remote.key_passphrase")
		}
		if errors.Is(err, x509.IncorrectPasswordError) {
			return nil, closer, msg.NewError("error.remote.key_wrong_passphrase")
		}
		if err != nil {
			return nil, closer, msg.Wrap(err, "error.remote.key_unreadable")
		}
		methods = append(methods, ssh.PublicKeys(signer))
	}
	if site.Agent {
		sock := os.Getenv("SSH_AUTH_SOCK")
		if sock == "" {
			return nil, closer, msg.NewError("error.remote.no_agent")
		}
		c, err := net.Dial("unix", sock)
		if err != nil {
			return nil, closer, fmt.Errorf("ssh-agent: %w", err)
		}
		closer = func() { _ = c.Close() }
		methods = append(methods, ssh.PublicKeysCallback(agent.NewClient(c).Signers))
	}
	if site.Password != "" && site.KeyFile == "" {
		pw := site.Password
		methods = append(methods, ssh.Password(pw),
			ssh.KeyboardInteractive(func(_, _ string, questions []string, _ []bool) ([]string, error) {
				answers := make([]string, len(questions))
				for i := range answers {
					answers[i] = pw
				}
				return answers, nil
			}))
	}
	return methods, closer, nil
}

// hostKeyCallback checks the server's key against our known_hosts file.
func hostKeyCallback(addr string, trust *Trust, keyErr *error) ssh.HostKeyCallback {
	return func(hostname string, remote net.Addr, key ssh.PublicKey) error {
		fp := ssh.FingerprintSHA256(key)
		if _, err := os.Stat(trust.KnownHosts); err == nil {
			// knownhosts skips a broken line when others are fine: the
			// host's own entry could be the broken one, and the user would
			// be asked to trust a "new" key. Say which line instead.
			if err := checkKnownHosts(trust.KnownHosts); err != nil {
				*keyErr = err
				return err
			}
			check, err := knownhosts.New(trust.KnownHosts)
			if err != nil {
				*keyErr = msg.Wrap(err, "error.remote.known_hosts_read", "File", trust.KnownHosts)
				return *keyErr
			}
			err = check(hostname, remote, key)
			if err == nil {
				return nil
			}
			var ke *knownhosts.KeyError
			if !errors.As(err, &ke) {
				return err
			}
			if len(ke.Want) > 0 {
				*keyErr = &Error{Kind: KindChangedKey, Op: "host key", Host: addr, Fingerprint: fp, KeyType: "host key"}
				return *keyErr
			}
		}
		if trust.accepts(fp) {
			line := knownhosts.Line([]string{knownhosts.Normalize(addr)}, key)
			trust.later(func() error { return appendLine(trust.KnownHosts, line) })
			return nil
		}
		*keyErr = &Error{Kind: KindUnknownKey, Op: "host key", Host: addr, Fingerprint: fp, KeyType: "host key"}
		return *keyErr
	}
}

func sshError(ctx context.Context, op, host string, err error) error {
	if ctx.Err() != nil {
		return &Error{Kind: KindCanceled, Op: op, Host: host, Err: ctx.Err()}
	}
	var e *Error
	if errors.As(err, &e) {
		return err
	}
	msg := err.Error()
	switch {
	case errors.Is(err, sftp.ErrSSHFxConnectionLost), strings.Contains(msg, "connection lost"):
		// pkg/sftp's word for a dropped connection: worth a retry.
		return &Error{Kind: KindReset, Op: op, Host: host, Err: err}
	case strings.Contains(msg, "unable to authenticate"), strings.Contains(msg, "no supported methods remain"):
		return &Error{Kind: KindAuth, Op: op, Host: host, Err: err}
	case strings.Contains(msg, "ssh: handshake failed: EOF") && op == "login":
		// sshd closes without a word when MaxStartups is exceeded.
		return &Error{Kind: KindTooMany, Op: op, Host: host, Err: err}
	case strings.Contains(msg, "ssh: overflow reading version string"), strings.Contains(msg, "ssh: disconnect"),
		strings.Contains(msg, "ssh: handshake failed: ssh: ") && strings.Contains(msg, "version"):
		return &Error{Kind: KindProtocol, Op: op, Host: host, Err: err}
	}
	var se *sftp.StatusError
	if errors.As(err, &se) {
		switch se.FxCode() {
		case sftp.ErrSSHFxPermissionDenied:
			return &Error{Kind: KindPermission, Op: op, Host: host, Reply: se.Error(), Err: err}
		case sftp.ErrSSHFxNoSuchFile:
			return &Error{Kind: KindNotFound, Op: op, Host: host, Reply: se.Error(), Err: err}
		}
		return &Error{Kind: KindOther, Op: op, Host: host, Reply: se.Error(), Err: err}
	}
	switch {
	case errors.Is(err, os.ErrPermission):
		return &Error{Kind: KindPermission, Op: op, Host: host, Err: err}
	case errors.Is(err, os.ErrNotExist):
		return &Error{Kind: KindNotFound, Op: op, Host: host, Err: err}
	}
	if k := classifyNet(ctx, err); k != KindOther {
		return &Error{Kind: k, Op: op, Host: host, Err: err}
	}
	if strings.Contains(msg, "version string") || strings.Contains(msg, "ssh: handshake failed") {
		return &Error{Kind: KindProtocol, Op: op, Host: host, Err: err}
	}
	return &Error{Kind: KindOther, Op: op, Host: host, Err: err}
}

func (s *sftpConn) do(ctx context.Context, op string, call func() error) error {
	if err := ctx.Err(); err != nil {
		// Nothing was sent: the connection stays usable.
		return &Error{Kind: KindCanceled, Op: op, Host: s.host, Err: err}
	}
	stop := watch(ctx, s.ssh)
	err := call()
	if stop() {
		return &Error{Kind: KindCanceled, Op: op, Host: s.host, Err: ctx.Err()}
	}
	if err != nil {
		return sshError(ctx, op, s.host, err)
	}
	return nil
}

func (s *sftpConn) Getwd(ctx context.Context) (string, error) {
	var dir string
	err := s.do(ctx, "getwd", func() (err error) {
		dir, err = s.c.Getwd()
		return err
	})
	return dir, err
}

func (s *sftpConn) List(ctx context.Context, dir string) ([]FileInfo, error) {
	var list []os.FileInfo
	err := s.do(ctx, "list "+dir, func() (err error) {
		list, err = s.c.ReadDir(dir)
		return err
	})
	if err != nil {
		return nil, err
	}
	out := make([]FileInfo, 0, len(list))
	for _, fi := range list {
		out = append(out, sftpInfo(fi))
	}
	return out, nil
}

func sftpInfo(fi os.FileInfo) FileInfo {
	out := FileInfo{Name: fi.Name(), Size: fi.Size(), Mode: fi.Mode(), ModTime: fi.ModTime()}
	if st, ok := fi.Sys().(*sftp.FileStat); ok {
		out.Owner = fmt.Sprint(st.UID)
	}
	if out.Mode.IsDir() {
		out.Size = 0
	}
	return out
}

func (s *sftpConn) Stat(ctx context.Context, p string) (FileInfo, error) {
	var fi os.FileInfo
	err := s.do(ctx, "stat "+p, func() (err error) {
		fi, err = s.c.Lstat(p)
		return err
	})
	if err != nil {
		return FileInfo{}, err
	}
	info := sftpInfo(fi)
	info.Name = path.Base(p)
	return info, nil
}

func (s *sftpConn) Retrieve(ctx context.Context, p string, w io.Writer) error {
	return s.do(ctx, "download "+p, func() error {
		f, err := s.c.Open(p)
		if err != nil {
			return err
		}
		_, err = f.WriteTo(w)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		return err
	})
}

func (s *sftpConn) Store(ctx context.Context, p string, r io.Reader) error {
	return s.do(ctx, "upload "+p, func() error {
		f, err := s.c.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_TRUNC)
		if err != nil {
			return err
		}
		_, err = f.ReadFrom(r)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		return err
	})
}

func (s *sftpConn) Mkdir(ctx context.Context, p string) error {
	return s.do(ctx, "create folder "+p, func() error { return s.c.Mkdir(p) })
}

// Rename replaces the target atomically where the server has OpenSSH's
// posix-rename extension; plain SFTP rename refuses to replace.
func (s *sftpConn) Rename(ctx context.Context, from, to string) error {
	return s.do(ctx, "rename "+from, func() error {
		if _, ok := s.c.HasExtension("posix-rename@openssh.com"); ok {
			return s.c.PosixRename(from, to)
		}
		if err := s.c.Rename(from, to); err == nil {
			return nil
		}
		if err := s.c.Remove(to); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
		return s.c.Rename(from, to)
	})
}

// Remove deletes a file and refuses a folder, as FTP's DELE does:
// pkg/sftp's Remove would delete an empty folder too. The check costs a
// round trip; Remove is not on the upload's fast path.
func (s *sftpConn) Remove(ctx context.Context, p string) error {
	return s.do(ctx, "delete "+p, func() error {
		fi, err := s.c.Lstat(p)
		if err != nil {
			return err
		}
		if fi.IsDir() {
			return &Error{Kind: KindOther, Op: "delete " + p, Host: s.host, Reply: "it is a folder; Remove deletes files only"}
		}
		return s.c.Remove(p)
	})
}

func (s *sftpConn) RemoveDir(ctx context.Context, p string) error {
	return s.do(ctx, "remove folder "+p, func() error { return s.c.RemoveDirectory(p) })
}

func (s *sftpConn) Alive(ctx context.Context) error {
	return s.do(ctx, "keepalive", func() error {
		_, err := s.c.Stat("/")
		return err
	})
}

func (s *sftpConn) Close() error {
	err := s.c.Close()
	if cerr := s.ssh.Close(); err == nil {
		err = cerr
	}
	return err
}

// checkKnownHosts reads every line of a known_hosts file and names the
// first that is not a valid entry.
func checkKnownHosts(file string) error {
	data, err := os.ReadFile(file)
	if err != nil {
		return msg.Wrap(err, "error.remote.known_hosts_read", "File", file)
	}
	for i, line := range strings.Split(string(data), "\n") {
		t := strings.TrimSpace(line)
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		if _, _, _, _, _, err := ssh.ParseKnownHosts([]byte(t)); err != nil {
			return msg.NewError("error.remote.known_hosts_damaged", "File", file, "Line", i+1, "Error", err.Error())
		}
	}
	return nil
}
