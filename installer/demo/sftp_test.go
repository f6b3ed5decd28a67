package demo_test

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/pkg/sftp"
	"golang.org/x/crypto/ssh"

	"github.com/ocsetup/ocsetup/installer/demo"
	"github.com/ocsetup/ocsetup/installer/remote"
	"github.com/ocsetup/ocsetup/installer/remote/remotetest"
)

// TestFilesRoundTrip: the operations an upload makes (folders, an atomic
// write, a replacing rename, removal) work and land in the store's folder.
func TestFilesRoundTrip(t *testing.T) {
	ctx := context.Background()
	d := start(t, "")
	pool := open(t, d)
	dir := d.StoreRoot() + "/catalog/ocsetup_demo"
	if err := pool.Mkdir(ctx, dir); err != nil {
		t.Fatal(err)
	}
	if err := pool.WriteAtomic(ctx, dir+"/a.php", []byte("<?php // one\n")); err != nil {
		t.Fatal(err)
	}
	if err := pool.WriteAtomic(ctx, dir+"/b.php", []byte("<?php // two\n")); err != nil {
		t.Fatal(err)
	}
	if err := pool.Rename(ctx, dir+"/b.php", dir+"/a.php"); err != nil {
		t.Fatalf("replacing rename: %v", err)
	}
	local := filepath.Join(d.AccountDir(), "public_html", "catalog", "ocsetup_demo", "a.php")
	if b, err := os.ReadFile(local); err != nil || string(b) != "<?php // two\n" {
		t.Fatalf("on disk: %q %v", b, err)
	}
	list, err := pool.List(ctx, dir)
	if err != nil || len(list) != 1 || list[0].Name != "a.php" {
		t.Fatalf("list: %+v %v", list, err)
	}
	if err := pool.Remove(ctx, dir+"/a.php"); err != nil {
		t.Fatal(err)
	}
	if err := pool.RemoveDir(ctx, dir); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Dir(local)); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("folder still there: %v", err)
	}
}

// TestFilesStayInside: no request reaches outside the account's folder,
// neither by ".." nor through a symbolic link that points out. Each
// request is sent on its own (no stat before a read, as clients do), so
// that every handler is checked.
func TestFilesStayInside(t *testing.T) {
	d := start(t, "")
	outside := t.TempDir()
	secret := filepath.Join(outside, "secret.txt")
	if err := os.WriteFile(secret, []byte("outside"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(d.AccountDir(), "escape")); err != nil {
		t.Fatal(err)
	}
	c := sftpClient(t, d)
	up, err := filepath.Rel(d.AccountDir(), secret) // "../../…/secret.txt"
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"/" + filepath.ToSlash(up), "/escape/secret.txt", secret} {
		if f, err := c.Open(p); err == nil {
			b, err := io.ReadAll(f)
			f.Close()
			if err == nil {
				t.Errorf("read %s from outside the account: %q", p, b)
			}
		}
		if _, err := c.Stat(p); err == nil {
			t.Errorf("stat %s outside the account", p)
		}
	}
	attempts := map[string]func() error{
		"list": func() error { _, err := c.ReadDir("/escape"); return err },
		"create": func() error {
			f, err := c.Create("/escape/new.txt")
			if err == nil {
				f.Close()
			}
			return err
		},
		"mkdir":  func() error { return c.Mkdir("/escape/new") },
		"remove": func() error { return c.Remove("/escape/secret.txt") },
		"rename": func() error { return c.PosixRename("/escape/secret.txt", "/stolen.txt") },
		"chmod":  func() error { return c.Chmod("/escape/secret.txt", 0o666) },
		"link":   func() error { return c.Symlink("/etc", "/etc-link") },
	}
	for name, try := range attempts {
		if err := try(); err == nil {
			t.Errorf("%s outside the account worked", name)
		}
	}
	left, err := os.ReadDir(outside)
	if err != nil || len(left) != 1 {
		t.Errorf("the folder outside changed: %v %v", left, err)
	}
	if fi, err := os.Stat(secret); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("the file outside changed: %v %v", fi, err)
	}
}

// sftpClient is a bare SFTP client logged in to the demo.
func sftpClient(t *testing.T, d *demo.Demo) *sftp.Client {
	t.Helper()
	c := sshClient(t, d)
	s, err := sftp.NewClient(c)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// sshClient logs in to the demo, checking its host key.
func sshClient(t *testing.T, d *demo.Demo) *ssh.Client {
	t.Helper()
	s := d.Site()
	cfg := &ssh.ClientConfig{User: s.User, Auth: []ssh.AuthMethod{ssh.Password(s.Password)},
		HostKeyCallback: func(_ string, _ net.Addr, k ssh.PublicKey) error {
			if ssh.FingerprintSHA256(k) != s.Fingerprint {
				return errors.New("unexpected host key")
			}
			return nil
		}, Timeout: 10 * time.Second}
	c, err := ssh.Dial("tcp", net.JoinHostPort(s.Host, strconv.Itoa(s.Port)), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// TestWrongPassword is refused as a login error, and no key is trusted.
func TestWrongPassword(t *testing.T) {
	d := start(t, "")
	home := t.TempDir()
	trust := remote.NewTrust(home)
	trust.Accept = d.Site().Fingerprint
	site := d.Site().Remote()
	site.Password += "x"
	site.Timeout = 10 * time.Second
	_, err := remote.Open(context.Background(), site, trust, 1)
	var re *remote.Error
	if !errors.As(err, &re) || re.Kind != remote.KindAuth {
		t.Fatalf("wrong password: %v", err)
	}
	if _, err := os.Stat(trust.KnownHosts); err == nil {
		t.Fatal("the host key was saved after a failed login")
	}
}

// TestSFTPOnly: like a hosting account without shell access, the server
// runs no commands and opens no tunnels; the app falls back for both.
func TestSFTPOnly(t *testing.T) {
	d := start(t, "")
	c := sshClient(t, d)
	sess, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	if out, err := sess.CombinedOutput("id"); err == nil {
		t.Fatalf("a command ran: %q", out)
	}
	if tc, err := c.Dial("tcp", d.DBAddr()); err == nil {
		tc.Close()
		t.Fatal("a tunnel to the database was opened")
	}
}

// TestConformance runs remote.Conn's conformance suite against the demo's
// SFTP server (pkg/sftp's request server over the account's folder), as
// installer/remote runs it against OpenSSH and vsftpd.
func TestConformance(t *testing.T) {
	d := start(t, "")
	trust := remote.NewTrust(t.TempDir())
	trust.Accept = d.Site().Fingerprint
	site := d.Site().Remote()
	site.Timeout = 10 * time.Second
	dir := "/conformance"
	if err := os.Mkdir(filepath.Join(d.AccountDir(), "conformance"), 0o755); err != nil {
		t.Fatal(err)
	}
	remotetest.Run(t, remotetest.Target{
		Dial:  func(ctx context.Context) (remote.Conn, error) { return remote.Dial(ctx, site, trust) },
		Dir:   dir,
		Local: filepath.Join(d.AccountDir(), "conformance"),
		Start: "/",
	})
}
