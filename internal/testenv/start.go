//go:build linux

package testenv

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"database/sql"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/go-sql-driver/mysql"
	"golang.org/x/crypto/ssh"
)

// Unix accounts the servers log in. They are created once per machine (the
// test command runs as root) and get a fresh password on every run.
const (
	storeUser  = "ocstore"  // FTP and SFTP with a shell (crontab), owns the web tree
	readerUser = "ocreader" // FTP, read-only
	jailUser   = "ocjail"   // SFTP, chrooted
	soloUser   = "ocsolo"   // FTP, a folder of its own seen as "/"
)

// Servers is a running test environment.
type Servers struct {
	Env   *Env
	procs []*proc
}

type proc struct {
	name string
	cmd  *exec.Cmd
	done chan struct{}
	err  error
}

// Start lays out base (which must be on a path whose every component is
// root-owned and not world-writable, as sshd's ChrootDirectory demands) and
// starts every server on 127.0.0.1 and free ports. On error everything
// started so far is stopped.
//
// releases is the folder with the OpenCart release tarballs to install as
// real stores ("" installs none; Env.RealStoresMissing says why).
func Start(ctx context.Context, base, releases string) (s *Servers, err error) {
	s = &Servers{Env: &Env{Base: base, Sites: map[string]Site{}}}
	defer func() {
		if err != nil {
			s.Stop()
			s = nil
		}
	}()
	for _, d := range []string{"", "logs", "etc", "empty", "home", "jail", "run"} {
		if err := os.MkdirAll(filepath.Join(base, d), 0o755); err != nil {
			return s, err
		}
	}
	accounts := map[string]*account{}
	for _, name := range []string{storeUser, readerUser, jailUser, soloUser} {
		a, err := ensureUser(ctx, name)
		if err != nil {
			return s, err
		}
		accounts[name] = a
	}
	home := filepath.Join(base, "home", storeUser)
	if err := os.MkdirAll(home, 0o755); err != nil {
		return s, err
	}
	if err := os.Chown(home, accounts[storeUser].uid, accounts[storeUser].gid); err != nil {
		return s, err
	}
	if err := os.WriteFile(filepath.Join(base, "ready.txt"), []byte(filepath.Base(base)), 0o644); err != nil {
		return s, err
	}
	if err := s.startFTP(ctx, accounts, home); err != nil {
		return s, fmt.Errorf("vsftpd: %w", err)
	}
	if err := s.startSSH(ctx, accounts, home); err != nil {
		return s, fmt.Errorf("sshd: %w", err)
	}
	if s.Env.MySQL, err = s.startMariaDB(ctx, "mysql", false); err != nil {
		return s, fmt.Errorf("mariadb: %w", err)
	}
	if s.Env.MySQLTLS, err = s.startMariaDB(ctx, "mysql-tls", true); err != nil {
		return s, fmt.Errorf("mariadb with TLS: %w", err)
	}
	if err := s.startPHP(ctx, accounts[storeUser]); err != nil {
		return s, fmt.Errorf("php: %w", err)
	}
	if err := s.startOpenCart(ctx, releases, accounts[storeUser], home); err != nil {
		return s, fmt.Errorf("real OpenCart stores: %w", err)
	}
	return s, nil
}

// Stop ends every server, newest first, and waits for each.
func (s *Servers) Stop() {
	for i := len(s.procs) - 1; i >= 0; i-- {
		p := s.procs[i]
		_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGTERM)
		select {
		case <-p.done:
		case <-time.After(10 * time.Second):
			_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
			<-p.done
		}
	}
	s.procs = nil
}

type account struct {
	name     string
	uid, gid int
	password string
}

func ensureUser(ctx context.Context, name string) (*account, error) {
	if err := os.MkdirAll(usersHome, 0o755); err != nil {
		return nil, err
	}
	if _, err := user.Lookup(name); err != nil {
		cmd := exec.CommandContext(ctx, "useradd", "--no-create-home", "--home-dir", usersHome, "--shell", "/bin/bash", name)
		if out, err := cmd.CombinedOutput(); err != nil {
			return nil, fmt.Errorf("useradd %s: %v: %s", name, err, out)
		}
	}
	u, err := user.Lookup(name)
	if err != nil {
		return nil, err
	}
	if u.HomeDir != usersHome {
		if out, err := exec.CommandContext(ctx, "usermod", "--home", usersHome, name).CombinedOutput(); err != nil {
			return nil, fmt.Errorf("usermod %s: %v: %s", name, err, out)
		}
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	pw, err := accountPassword(name)
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, "chpasswd")
	cmd.Stdin = strings.NewReader(name + ":" + pw + "\n")
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("chpasswd %s: %v: %s", name, err, out)
	}
	return &account{name: name, uid: uid, gid: gid, password: pw}, nil
}

// accountPassword is the account's password: random, made once per machine
// and kept root-only, so that several test runs at once (a developer's and
// CI's) do not change each other's passwords under them.
func accountPassword(name string) (string, error) {
	p := filepath.Join(usersHome, "password-"+name)
	if b, err := os.ReadFile(p); err == nil && len(b) > 0 {
		return string(b), nil
	}
	// The characters that break naive URL and DSN handling.
	pw := "pw:" + RandomName(6) + "@/#"
	tmp := p + "." + RandomName(4)
	if err := os.WriteFile(tmp, []byte(pw), 0o600); err != nil {
		return "", err
	}
	// Link fails if another run made the file first; then use theirs.
	if err := os.Link(tmp, p); err != nil && !os.IsExist(err) {
		os.Remove(tmp)
		return "", err
	}
	os.Remove(tmp)
	b, err := os.ReadFile(p)
	return string(b), err
}

// freePort asks the kernel for a port that is free now. Another process may
// take it before the server binds; every start below retries on that.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// freeRange finds n consecutive free ports for FTP passive mode.
func freeRange(n int) (int, error) {
	for try := 0; try < 50; try++ {
		b, err := rand.Int(rand.Reader, big.NewInt(20000))
		if err != nil {
			return 0, err
		}
		lo := 30000 + int(b.Int64())
		ok := true
		for p := lo; p < lo+n && ok; p++ {
			l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", p))
			if err != nil {
				ok = false
				continue
			}
			l.Close()
		}
		if ok {
			return lo, nil
		}
	}
	return 0, errors.New("no free passive port range")
}

// spawn starts a server in its own process group with its output in the log
// folder. It dies with us if we are killed (Pdeathsig).
func (s *Servers) spawn(name string, cmd *exec.Cmd) (*proc, error) {
	logf, err := os.Create(filepath.Join(s.Env.Base, "logs", name+".log"))
	if err != nil {
		return nil, err
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Setpgid = true
	cmd.SysProcAttr.Pdeathsig = syscall.SIGTERM
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, err
	}
	p := &proc{name: name, cmd: cmd, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		logf.Close()
		close(p.done)
	}()
	s.procs = append(s.procs, p)
	return p, nil
}

// waitReady polls check until it succeeds, the process exits, or 15 s pass.
func (s *Servers) waitReady(ctx context.Context, p *proc, check func() error) error {
	deadline := time.Now().Add(15 * time.Second)
	for {
		err := check()
		if err == nil {
			return nil
		}
		select {
		case <-p.done:
			log, _ := os.ReadFile(filepath.Join(s.Env.Base, "logs", p.name+".log"))
			return fmt.Errorf("%s exited (%v) before it was ready: %s", p.name, p.err, strings.TrimSpace(string(log)))
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s not ready after 15 s: %v", p.name, err)
		}
	}
}

// forget drops a process that failed to start (it has exited).
func (s *Servers) forget(p *proc) {
	for i, q := range s.procs {
		if q == p {
			s.procs = append(s.procs[:i], s.procs[i+1:]...)
			return
		}
	}
}

// startRetrying runs start with fresh ports until one works; a port taken by
// someone else between our probe and the server's bind must not fail the run.
func startRetrying(what string, start func() error) error {
	var err error
	for try := 0; try < 5; try++ {
		if err = start(); err == nil {
			return nil
		}
	}
	return fmt.Errorf("%s: %w", what, err)
}

// bannerCheck connects and expects the server's greeting to start with want.
func bannerCheck(addr, want string) func() error {
	return func() error {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err != nil {
			return err
		}
		defer c.Close()
		_ = c.SetDeadline(time.Now().Add(2 * time.Second))
		line, err := bufio.NewReader(c).ReadString('\n')
		if err != nil {
			return err
		}
		if !strings.HasPrefix(line, want) {
			return fmt.Errorf("unexpected greeting %q", line)
		}
		return nil
	}
}

func (s *Servers) writeCert() error {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	serial, _ := rand.Int(rand.Reader, big.NewInt(1<<62))
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: "ocsetup test FTP"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(30 * 24 * time.Hour),
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return err
	}
	kder, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return err
	}
	certPath := filepath.Join(s.Env.Base, "etc", "ftp-cert.pem")
	keyPath := filepath.Join(s.Env.Base, "etc", "ftp-key.pem")
	if err := os.WriteFile(certPath, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(keyPath, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kder}), 0o600); err != nil {
		return err
	}
	sum := sha256.Sum256(der)
	s.Env.TLS = TLS{CertPEM: certPath, CertSHA256: "SHA256:" + base64.RawStdEncoding.EncodeToString(sum[:])}
	return nil
}

type ftpVariant struct {
	site     string
	protocol string
	conf     string
}

func (s *Servers) startFTP(ctx context.Context, acc map[string]*account, home string) error {
	if err := s.writeCert(); err != nil {
		return err
	}
	// Per-user settings: the reader may not write.
	userDir := filepath.Join(s.Env.Base, "etc", "vsftpd-users")
	if err := os.MkdirAll(userDir, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(userDir, readerUser), []byte("write_enable=NO\n"), 0o644); err != nil {
		return err
	}
	// The solo account sees a folder of its own as "/", for the tests that
	// need a store at the very top of an FTP account.
	solo := filepath.Join(s.Env.Base, "solo")
	if err := os.MkdirAll(solo, 0o755); err != nil {
		return err
	}
	if err := os.Chown(solo, acc[soloUser].uid, acc[soloUser].gid); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(userDir, soloUser), []byte("local_root="+solo+"\n"), 0o644); err != nil {
		return err
	}
	variants := []ftpVariant{
		{FTP, "ftp", "ssl_enable=YES\nforce_local_logins_ssl=NO\nforce_local_data_ssl=NO\nrequire_ssl_reuse=NO\n"},
		{FTPSReuse, "ftps", "ssl_enable=YES\nforce_local_logins_ssl=YES\nforce_local_data_ssl=YES\nrequire_ssl_reuse=YES\n"},
		{FTPSImplicit, "ftps-implicit", "ssl_enable=YES\nimplicit_ssl=YES\nforce_local_logins_ssl=YES\nforce_local_data_ssl=YES\nrequire_ssl_reuse=NO\n"},
		{FTPNoTLS, "ftp", "ssl_enable=NO\n"},
		// One connection per address, like the shared hosts that answer 421.
		{FTPLimited, "ftp", "ssl_enable=NO\nmax_per_ip=1\n"},
		// Two per address: the connection budget is held at any moment.
		{FTPLimited2, "ftp", "ssl_enable=NO\nmax_per_ip=2\n"},
	}
	for _, v := range variants {
		v := v
		err := startRetrying(v.site, func() error {
			port, err := freePort()
			if err != nil {
				return err
			}
			pasv, err := freeRange(20)
			if err != nil {
				return err
			}
			limits := "max_per_ip=50\n"
			if strings.Contains(v.conf, "max_per_ip") {
				limits = ""
			}
			conf := fmt.Sprintf(`listen=YES
listen_ipv6=NO
listen_address=127.0.0.1
listen_port=%d
background=NO
anonymous_enable=NO
local_enable=YES
write_enable=YES
local_umask=022
chroot_local_user=YES
allow_writeable_chroot=YES
local_root=%s
user_config_dir=%s
secure_chroot_dir=%s
pasv_enable=YES
pasv_address=127.0.0.1
pasv_min_port=%d
pasv_max_port=%d
connect_from_port_20=NO
seccomp_sandbox=NO
isolate_network=NO
userlist_enable=NO
max_clients=200
xferlog_enable=NO
vsftpd_log_file=%s
rsa_cert_file=%s
rsa_private_key_file=%s
ssl_ciphers=HIGH
ssl_tlsv1=YES
ssl_sslv2=NO
ssl_sslv3=NO
%s%s`, port, home, userDir, filepath.Join(s.Env.Base, "empty"), pasv, pasv+19,
				filepath.Join(s.Env.Base, "logs", v.site+"-xfer.log"),
				s.Env.TLS.CertPEM, filepath.Join(s.Env.Base, "etc", "ftp-key.pem"), limits, v.conf)
			if !strings.Contains(v.conf, "ssl_enable=YES") {
				// With ssl_enable=NO the certificate lines are harmless, but
				// keep the TLS-less server free of any TLS setting.
				conf = strings.Join(filterLines(conf, "rsa_", "ssl_ciphers", "ssl_tlsv1", "ssl_sslv"), "\n") + "\n"
			}
			cfg := filepath.Join(s.Env.Base, "etc", "vsftpd-"+v.site+".conf")
			if err := os.WriteFile(cfg, []byte(conf), 0o600); err != nil {
				return err
			}
			p, err := s.spawn("vsftpd-"+v.site, exec.CommandContext(ctx, "/usr/sbin/vsftpd", cfg))
			if err != nil {
				return err
			}
			addr := fmt.Sprintf("127.0.0.1:%d", port)
			check := bannerCheck(addr, "220")
			if v.protocol == "ftps-implicit" {
				check = func() error { return tlsDialCheck(addr) }
			}
			if err := s.waitReady(ctx, p, check); err != nil {
				s.forget(p)
				return err
			}
			s.Env.Sites[v.site] = Site{Name: v.site, Protocol: v.protocol, Host: "127.0.0.1", Port: port,
				User: storeUser, Password: acc[storeUser].password, StartDir: "/", LocalRoot: home,
				UID: acc[storeUser].uid, GID: acc[storeUser].gid}
			return nil
		})
		if err != nil {
			return err
		}
	}
	ro := s.Env.Sites[FTP]
	ro.Name, ro.User, ro.Password, ro.ReadOnly = FTPReadOnly, readerUser, acc[readerUser].password, true
	s.Env.Sites[FTPReadOnly] = ro
	top := s.Env.Sites[FTP]
	top.Name, top.User, top.Password, top.LocalRoot = FTPSolo, soloUser, acc[soloUser].password, solo
	top.UID, top.GID = acc[soloUser].uid, acc[soloUser].gid
	s.Env.Sites[FTPSolo] = top
	return nil
}

func filterLines(conf string, prefixes ...string) []string {
	var out []string
	for _, l := range strings.Split(conf, "\n") {
		keep := true
		for _, p := range prefixes {
			if strings.HasPrefix(l, p) {
				keep = false
			}
		}
		if keep && l != "" {
			out = append(out, l)
		}
	}
	return out
}

func tlsDialCheck(addr string) error {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return err
	}
	defer c.Close()
	// A TLS ClientHello must get a TLS record back, not an FTP greeting.
	tc := tlsClient(c)
	_ = c.SetDeadline(time.Now().Add(2 * time.Second))
	if err := tc.Handshake(); err != nil {
		return err
	}
	line, err := bufio.NewReader(tc).ReadString('\n')
	if err != nil {
		return err
	}
	if !strings.HasPrefix(line, "220") {
		return fmt.Errorf("unexpected greeting %q", line)
	}
	return nil
}

func (s *Servers) startSSH(ctx context.Context, acc map[string]*account, home string) error {
	if err := os.MkdirAll("/run/sshd", 0o755); err != nil {
		return err
	}
	etc := filepath.Join(s.Env.Base, "etc")
	_, hostPriv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return err
	}
	hostKeyPath := filepath.Join(etc, "ssh_host_ed25519_key")
	if err := writeOpenSSHKey(hostKeyPath, hostPriv, ""); err != nil {
		return err
	}
	hostSigner, err := ssh.NewSignerFromKey(hostPriv)
	if err != nil {
		return err
	}
	clientPub, clientPriv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return err
	}
	s.Env.SSH.ClientKey = filepath.Join(etc, "client_ed25519")
	s.Env.SSH.ClientKeyPass = filepath.Join(etc, "client_ed25519_pass")
	s.Env.SSH.ClientKeyPhrase = "phrase " + RandomName(4)
	if err := writeOpenSSHKey(s.Env.SSH.ClientKey, clientPriv, ""); err != nil {
		return err
	}
	if err := writeOpenSSHKey(s.Env.SSH.ClientKeyPass, clientPriv, s.Env.SSH.ClientKeyPhrase); err != nil {
		return err
	}
	sshPub, err := ssh.NewPublicKey(clientPub)
	if err != nil {
		return err
	}
	authDir := filepath.Join(etc, "authorized_keys")
	if err := os.MkdirAll(authDir, 0o755); err != nil {
		return err
	}
	for _, u := range []string{storeUser, jailUser} {
		if err := os.WriteFile(filepath.Join(authDir, u), ssh.MarshalAuthorizedKey(sshPub), 0o644); err != nil {
			return err
		}
	}
	jail := filepath.Join(s.Env.Base, "jail")
	return startRetrying("sshd", func() error {
		port, err := freePort()
		if err != nil {
			return err
		}
		conf := fmt.Sprintf(`Port %d
ListenAddress 127.0.0.1
HostKey %s
PidFile %s
AuthorizedKeysFile %s/%%u
StrictModes no
PasswordAuthentication yes
KbdInteractiveAuthentication no
PubkeyAuthentication yes
UsePAM no
AllowUsers %s %s
MaxStartups 50:30:100
MaxSessions 20
Subsystem sftp internal-sftp -d %s
Match User %s
	ChrootDirectory %s
	ForceCommand internal-sftp -d /
`, port, hostKeyPath, filepath.Join(s.Env.Base, "run", "sshd.pid"), authDir,
			storeUser, jailUser, home, jailUser, jail)
		cfg := filepath.Join(etc, "sshd_config")
		if err := os.WriteFile(cfg, []byte(conf), 0o600); err != nil {
			return err
		}
		p, err := s.spawn("sshd", exec.CommandContext(ctx, "/usr/sbin/sshd", "-D", "-e", "-f", cfg))
		if err != nil {
			return err
		}
		addr := fmt.Sprintf("127.0.0.1:%d", port)
		if err := s.waitReady(ctx, p, bannerCheck(addr, "SSH-2.0-OpenSSH")); err != nil {
			s.forget(p)
			return err
		}
		known := filepath.Join(etc, "known_hosts")
		line := fmt.Sprintf("[127.0.0.1]:%d %s", port, ssh.MarshalAuthorizedKey(hostSigner.PublicKey()))
		if err := os.WriteFile(known, []byte(line), 0o644); err != nil {
			return err
		}
		s.Env.SSH.KnownHosts = known
		s.Env.SSH.HostKeySHA256 = ssh.FingerprintSHA256(hostSigner.PublicKey())
		s.Env.Sites[SFTP] = Site{Name: SFTP, Protocol: "sftp", Host: "127.0.0.1", Port: port,
			User: storeUser, Password: acc[storeUser].password, StartDir: home, LocalRoot: "/",
			UID: acc[storeUser].uid, GID: acc[storeUser].gid}
		s.Env.Sites[SFTPJail] = Site{Name: SFTPJail, Protocol: "sftp", Host: "127.0.0.1", Port: port,
			User: jailUser, Password: acc[jailUser].password, StartDir: "/", LocalRoot: jail,
			UID: acc[jailUser].uid, GID: acc[jailUser].gid}
		return nil
	})
}

func writeOpenSSHKey(path string, key ed25519.PrivateKey, phrase string) error {
	var block *pem.Block
	var err error
	if phrase == "" {
		block, err = ssh.MarshalPrivateKey(key, "ocsetup test")
	} else {
		block, err = ssh.MarshalPrivateKeyWithPassphrase(key, "ocsetup test", []byte(phrase))
	}
	if err != nil {
		return err
	}
	return os.WriteFile(path, pem.EncodeToMemory(block), 0o600)
}

// startMariaDB starts a MariaDB in Base/name. withTLS gives it the test
// certificate (the FTP servers' one, copied for the mysql user), so it
// offers TLS; the plain one does not, as before.
func (s *Servers) startMariaDB(ctx context.Context, name string, withTLS bool) (MySQL, error) {
	var started MySQL
	dir := filepath.Join(s.Env.Base, name)
	data := filepath.Join(dir, "data")
	if err := os.MkdirAll(data, 0o755); err != nil {
		return started, err
	}
	tlsConf := ""
	if withTLS {
		for _, f := range []string{"ftp-cert.pem", "ftp-key.pem"} {
			b, err := os.ReadFile(filepath.Join(s.Env.Base, "etc", f))
			if err != nil {
				return started, err
			}
			if err := os.WriteFile(filepath.Join(dir, f), b, 0o600); err != nil {
				return started, err
			}
		}
		tlsConf = fmt.Sprintf("ssl_cert=%s\nssl_key=%s\n", filepath.Join(dir, "ftp-cert.pem"), filepath.Join(dir, "ftp-key.pem"))
	}
	mysqlUser, err := user.Lookup("mysql")
	if err != nil {
		return started, err
	}
	uid, _ := strconv.Atoi(mysqlUser.Uid)
	gid, _ := strconv.Atoi(mysqlUser.Gid)
	if err := ChownTree(dir, uid, gid); err != nil {
		return started, err
	}
	password := "db:" + RandomName(6) + "@/'"
	socket := filepath.Join(dir, "mysqld.sock")
	err = startRetrying("mariadbd", func() error {
		port, err := freePort()
		if err != nil {
			return err
		}
		cnf := fmt.Sprintf(`[mysqld]
user=mysql
datadir=%s
socket=%s
pid-file=%s
port=%d
bind-address=127.0.0.1
skip-name-resolve
innodb-flush-log-at-trx-commit=2
innodb-doublewrite=0
innodb-buffer-pool-size=64M
max-connections=500
character-set-server=utf8mb4
collation-server=utf8mb4_general_ci
log-error=%s
%s`, data, socket, filepath.Join(dir, "mysqld.pid"), port, filepath.Join(s.Env.Base, "logs", strings.Replace(name, "mysql", "mariadb", 1)+"-error.log"), tlsConf)
		cfg := filepath.Join(dir, "my.cnf")
		if err := os.WriteFile(cfg, []byte(cnf), 0o644); err != nil {
			return err
		}
		if _, err := os.Stat(filepath.Join(data, "mysql")); err != nil {
			out, err := exec.CommandContext(ctx, "mariadb-install-db", "--defaults-file="+cfg,
				"--auth-root-authentication-method=normal", "--skip-test-db").CombinedOutput()
			if err != nil {
				return fmt.Errorf("mariadb-install-db: %v: %s", err, out)
			}
		}
		p, err := s.spawn("mariadbd", exec.CommandContext(ctx, "/usr/sbin/mariadbd", "--defaults-file="+cfg))
		if err != nil {
			return err
		}
		// root has no password and may log in over the socket only; make the
		// account the tests use, reachable over TCP, with a password full of
		// characters that break hand-built DSNs.
		var once bool
		check := func() error {
			if !once {
				cfg := mysql.NewConfig()
				cfg.User, cfg.Net, cfg.Addr = "root", "unix", socket
				db, err := sql.Open("mysql", cfg.FormatDSN())
				if err != nil {
					return err
				}
				defer db.Close()
				for _, q := range []string{
					"CREATE USER IF NOT EXISTS 'ocadmin'@'127.0.0.1' IDENTIFIED BY " + quoteSQL(password),
					"ALTER USER 'ocadmin'@'127.0.0.1' IDENTIFIED BY " + quoteSQL(password),
					"GRANT ALL PRIVILEGES ON *.* TO 'ocadmin'@'127.0.0.1' WITH GRANT OPTION",
				} {
					if _, err := db.ExecContext(ctx, q); err != nil {
						return err
					}
				}
				once = true
			}
			cfg := mysql.NewConfig()
			cfg.User, cfg.Passwd, cfg.Net, cfg.Addr = "ocadmin", password, "tcp", fmt.Sprintf("127.0.0.1:%d", port)
			db, err := sql.Open("mysql", cfg.FormatDSN())
			if err != nil {
				return err
			}
			defer db.Close()
			return db.PingContext(ctx)
		}
		if err := s.waitReady(ctx, p, check); err != nil {
			s.forget(p)
			return err
		}
		started = MySQL{Host: "127.0.0.1", Port: port, User: "ocadmin", Password: password, Socket: socket}
		if withTLS {
			started.CertSHA256 = s.Env.TLS.CertSHA256
		}
		return nil
	})
	return started, err
}

func quoteSQL(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

func (s *Servers) startPHP(ctx context.Context, owner *account) error {
	out, err := exec.CommandContext(ctx, "php", "-r", "echo PHP_VERSION;").Output()
	if err != nil {
		return fmt.Errorf("php -r: %w", err)
	}
	version := strings.TrimSpace(string(out))
	return startRetrying("php -S", func() error {
		port, err := freePort()
		if err != nil {
			return err
		}
		addr := fmt.Sprintf("127.0.0.1:%d", port)
		cmd := exec.CommandContext(ctx, "php", "-S", addr, "-t", s.Env.Base)
		// PHP runs as the account that owns the web tree, like PHP-FPM on
		// shared hosting; several workers so parallel tests do not queue.
		cmd.Env = append(os.Environ(), "PHP_CLI_SERVER_WORKERS=4")
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(owner.uid), Gid: uint32(owner.gid)}}
		cmd.Dir = s.Env.Base
		p, err := s.spawn("php", cmd)
		if err != nil {
			return err
		}
		url := "http://" + addr
		check := func() error {
			resp, err := http.Get(url + "/ready.txt")
			if err != nil {
				return err
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			if string(b) != filepath.Base(s.Env.Base) {
				return fmt.Errorf("someone else answers on %s", addr)
			}
			return nil
		}
		if err := s.waitReady(ctx, p, check); err != nil {
			s.forget(p)
			return err
		}
		s.Env.PHP = PHP{URL: url, DocRoot: s.Env.Base, Version: version}
		return nil
	})
}
