package remote_test

import (
	"bytes"
	"context"
	"errors"
	"net"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ocsetup/ocsetup/installer/remote"
	"github.com/ocsetup/ocsetup/internal/testenv"
)

// siteOf turns a test server login into a remote.Site.
func siteOf(s testenv.Site) remote.Site {
	return remote.Site{Protocol: remote.Protocol(s.Protocol), Host: s.Host, Port: s.Port,
		User: s.User, Password: s.Password, Timeout: 10 * time.Second}
}

// trusting returns a Trust that already knows the test servers' key and
// certificate, as after a first connection the user accepted.
func trusting(t *testing.T, env *testenv.Env, s testenv.Site) *remote.Trust {
	t.Helper()
	tr := remote.NewTrust(t.TempDir())
	kh, err := os.ReadFile(env.SSH.KnownHosts)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(tr.KnownHosts, kh, 0o600); err != nil {
		t.Fatal(err)
	}
	line := s.Addr() + " " + env.TLS.CertSHA256 + "\n"
	if err := os.WriteFile(tr.KnownCerts, []byte(line), 0o600); err != nil {
		t.Fatal(err)
	}
	return tr
}

// throughProxy is a test server's site reached through a proxy of its own
// (delays, stalls, counted connections), trusted as the server is.
func throughProxy(t *testing.T, env *testenv.Env, ts testenv.Site) (*testenv.Proxy, remote.Site, *remote.Trust) {
	t.Helper()
	proxy := testenv.StartProxy(t, ts.Addr())
	site := siteOf(ts)
	site.Port = proxy.Port()
	tr := trusting(t, env, ts)
	// The proxy's address is a new host:port for known_hosts and the
	// known certificates.
	if site.Protocol == remote.SFTP {
		tr.Accept = env.SSH.HostKeySHA256
	} else {
		tr.Accept = env.TLS.CertSHA256
	}
	return proxy, site, tr
}

var fileSites = []string{testenv.FTP, testenv.FTPSReuse, testenv.FTPSImplicit, testenv.SFTP, testenv.SFTPJail}

func TestLoginListAtomicWriteReadBack(t *testing.T) {
	env := testenv.Get(t)
	for _, name := range fileSites {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ts := env.Site(t, name)
			ctx := context.Background()
			pool, err := remote.Open(ctx, siteOf(ts), trusting(t, env, ts), 2)
			if err != nil {
				t.Fatal(err)
			}
			defer pool.Close()
			wd, err := pool.Getwd(ctx)
			if err != nil || wd != ts.StartDir {
				t.Fatalf("Getwd = %q, %v; want %q", wd, err, ts.StartDir)
			}
			local, dir := env.TempDir(t, ts)
			name := path.Join(dir, "config.php")
			data := bytes.Repeat([]byte("<?php define('X', 'y');\n"), 5000) // 120 KB: several data packets
			if err := pool.WriteAtomic(ctx, name, data); err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(filepath.Join(local, "config.php"))
			if err != nil || !bytes.Equal(got, data) {
				t.Fatalf("on disk: %d bytes, %v", len(got), err)
			}
			back, err := pool.ReadFile(ctx, name, 1<<20)
			if err != nil || !bytes.Equal(back, data) {
				t.Fatalf("read back: %d bytes, %v", len(back), err)
			}
			if _, err := pool.ReadFile(ctx, name, 1000); !errors.Is(err, remote.ErrTooLarge) {
				t.Fatalf("limit not enforced: %v", err)
			}
			// Replace it: the rename must overwrite.
			if err := pool.WriteAtomic(ctx, name, []byte("new")); err != nil {
				t.Fatal(err)
			}
			if err := pool.Mkdir(ctx, path.Join(dir, "admin")); err != nil {
				t.Fatal(err)
			}
			list, err := pool.List(ctx, dir)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, fi := range list {
				names = append(names, fi.Name)
				if fi.Name == "config.php" && (fi.Size != 3 || fi.IsDir()) {
					t.Errorf("config.php listed as %+v", fi)
				}
				if fi.Name == "admin" && !fi.IsDir() {
					t.Errorf("admin listed as %+v", fi)
				}
			}
			if strings.Join(names, ",") != "admin,config.php" && strings.Join(names, ",") != "config.php,admin" {
				t.Fatalf("listing %v (a temporary file left behind?)", names)
			}
			fi, err := pool.Stat(ctx, name)
			if err != nil || fi.Size != 3 {
				t.Fatalf("stat: %+v %v", fi, err)
			}
			if _, err := pool.Stat(ctx, path.Join(dir, "missing.php")); remote.KindOf(err) != remote.KindNotFound {
				t.Fatalf("stat of a missing file: %v", err)
			}
			if err := pool.Remove(ctx, name); err != nil {
				t.Fatal(err)
			}
			if err := pool.RemoveDir(ctx, path.Join(dir, "admin")); err != nil {
				t.Fatal(err)
			}
			if left, _ := os.ReadDir(local); len(left) != 0 {
				t.Fatalf("left behind: %v", left)
			}
		})
	}
}

// TestParallelTransfers uses both connections of the pool at once.
func TestParallelTransfers(t *testing.T) {
	env := testenv.Get(t)
	for _, name := range []string{testenv.FTPSReuse, testenv.SFTP} {
		t.Run(name, func(t *testing.T) {
			ts := env.Site(t, name)
			ctx := context.Background()
			pool, err := remote.Open(ctx, siteOf(ts), trusting(t, env, ts), 2)
			if err != nil {
				t.Fatal(err)
			}
			defer pool.Close()
			local, dir := env.TempDir(t, ts)
			errs := make(chan error, 20)
			for i := 0; i < 20; i++ {
				go func() {
					errs <- pool.WriteAtomic(ctx, path.Join(dir, string(rune('a'+i))+".php"), []byte{byte(i)})
				}()
			}
			for i := 0; i < 20; i++ {
				if err := <-errs; err != nil {
					t.Fatal(err)
				}
			}
			if got, _ := os.ReadDir(local); len(got) != 20 {
				t.Fatalf("%d files", len(got))
			}
		})
	}
}

func TestBadInputs(t *testing.T) {
	env := testenv.Get(t)
	ctx := context.Background()
	freePort := func() int {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		return l.Addr().(*net.TCPAddr).Port
	}
	silent, err := net.Listen("tcp", "127.0.0.1:0") // accepts, never speaks
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	go func() {
		for {
			c, err := silent.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	ftpSite := env.Site(t, testenv.FTPSReuse)
	sftpSite := env.Site(t, testenv.SFTP)
	cases := []struct {
		name   string
		ts     testenv.Site
		change func(*remote.Site, *remote.Trust)
		want   remote.Kind
	}{
		{"ftps wrong password", ftpSite, func(s *remote.Site, _ *remote.Trust) { s.Password = "wrong" }, remote.KindAuth},
		{"sftp wrong password", sftpSite, func(s *remote.Site, _ *remote.Trust) { s.Password = "wrong" }, remote.KindAuth},
		{"ftps wrong port", ftpSite, func(s *remote.Site, _ *remote.Trust) { s.Port = freePort() }, remote.KindRefused},
		{"sftp wrong port", sftpSite, func(s *remote.Site, _ *remote.Trust) { s.Port = freePort() }, remote.KindRefused},
		{"unknown host", sftpSite, func(s *remote.Site, _ *remote.Trust) { s.Host = "no-such-host.invalid" }, remote.KindUnknownHost},
		{"silent port", sftpSite, func(s *remote.Site, _ *remote.Trust) {
			s.Port = silent.Addr().(*net.TCPAddr).Port
			s.Timeout = 500 * time.Millisecond
		}, remote.KindTimeout},
		{"sftp on an FTP port", ftpSite, func(s *remote.Site, _ *remote.Trust) { s.Protocol = remote.SFTP }, remote.KindProtocol},
		{"TLS required, server has none", env.Site(t, testenv.FTPNoTLS), func(s *remote.Site, _ *remote.Trust) { s.Protocol = remote.FTPS }, remote.KindTLSNotOffered},
		{"TLS if offered, none offered, plain not accepted", env.Site(t, testenv.FTPNoTLS), nil, remote.KindTLSNotOffered},
		{"changed host key", sftpSite, func(s *remote.Site, tr *remote.Trust) {
			other := "[127.0.0.1]:" + itoa(s.Port) + " ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\n"
			must(t, os.WriteFile(tr.KnownHosts, []byte(other), 0o600))
		}, remote.KindChangedKey},
		{"changed certificate", ftpSite, func(s *remote.Site, tr *remote.Trust) {
			must(t, os.WriteFile(tr.KnownCerts, []byte(s.Addr()+" SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n"), 0o600))
		}, remote.KindChangedKey},
		{"changed certificate, even with --trust-new", ftpSite, func(s *remote.Site, tr *remote.Trust) {
			must(t, os.WriteFile(tr.KnownCerts, []byte(s.Addr()+" SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n"), 0o600))
			tr.TrustNew = true
		}, remote.KindChangedKey},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			site := siteOf(c.ts)
			tr := trusting(t, env, c.ts)
			if c.change != nil {
				c.change(&site, tr)
			}
			before := snapshot(t, tr)
			_, err := remote.Open(ctx, site, tr, 1)
			if remote.KindOf(err) != c.want {
				t.Fatalf("got %v (kind %d), want kind %d", err, remote.KindOf(err), c.want)
			}
			var re *remote.Error
			if !errors.As(err, &re) || re.Message() == "" {
				t.Fatalf("no plain-language message: %v", err)
			}
			if after := snapshot(t, tr); after != before {
				t.Fatalf("trust files changed on a failed login:\n%s\n---\n%s", before, after)
			}
		})
	}
}

func TestReadOnlyAccountWritesNothing(t *testing.T) {
	env := testenv.Get(t)
	ts := env.Site(t, testenv.FTPReadOnly)
	ctx := context.Background()
	pool, err := remote.Open(ctx, siteOf(ts), trusting(t, env, ts), 1)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	local, dir := env.TempDir(t, ts)
	err = pool.WriteAtomic(ctx, path.Join(dir, "x.php"), []byte("x"))
	if remote.KindOf(err) != remote.KindPermission {
		t.Fatalf("write on a read-only account: %v", err)
	}
	if left, _ := os.ReadDir(local); len(left) != 0 {
		t.Fatalf("written: %v", left)
	}
}

// TestTrustOnFirstUse: an unknown key is reported with its fingerprint and
// saved only after the user accepted it and the login succeeded.
func TestTrustOnFirstUse(t *testing.T) {
	env := testenv.Get(t)
	ctx := context.Background()
	for _, c := range []struct{ site, fp string }{
		{testenv.SFTP, env.SSH.HostKeySHA256},
		{testenv.FTPSReuse, env.TLS.CertSHA256},
	} {
		t.Run(c.site, func(t *testing.T) {
			ts := env.Site(t, c.site)
			tr := remote.NewTrust(t.TempDir())
			_, err := remote.Open(ctx, siteOf(ts), tr, 1)
			var re *remote.Error
			if !errors.As(err, &re) || re.Kind != remote.KindUnknownKey || re.Fingerprint != c.fp {
				t.Fatalf("first contact: %v; want unknown key %s", err, c.fp)
			}
			// Accepted, but the password is wrong: nothing is saved.
			tr.Accept = c.fp
			bad := siteOf(ts)
			bad.Password = "wrong"
			if _, err := remote.Open(ctx, bad, tr, 1); remote.KindOf(err) != remote.KindAuth {
				t.Fatalf("wrong password: %v", err)
			}
			if s := snapshot(t, tr); s != "|" {
				t.Fatalf("saved after a failed login: %q", s)
			}
			pool, err := remote.Open(ctx, siteOf(ts), tr, 1)
			if err != nil {
				t.Fatal(err)
			}
			pool.Close()
			// Known now: a fresh Trust on the same files connects without asking.
			again := remote.NewTrust(filepath.Dir(tr.KnownHosts))
			pool, err = remote.Open(ctx, siteOf(ts), again, 1)
			if err != nil {
				t.Fatalf("second contact: %v", err)
			}
			pool.Close()
		})
	}
}

func TestCancelSlowListing(t *testing.T) {
	env := testenv.Get(t)
	for _, name := range []string{testenv.FTP, testenv.SFTP} {
		t.Run(name, func(t *testing.T) {
			ts := env.Site(t, name)
			proxy, site, tr := throughProxy(t, env, ts)
			_, dir := env.TempDir(t, ts)
			goroutines := runtime.NumGoroutine()
			pool, err := remote.Open(context.Background(), site, tr, 2)
			if err != nil {
				t.Fatal(err)
			}
			proxy.Stall(true)
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() {
				_, err := pool.List(ctx, dir)
				done <- err
			}()
			time.Sleep(200 * time.Millisecond) // let the request reach the stalled proxy
			start := time.Now()
			cancel()
			select {
			case err := <-done:
				if remote.KindOf(err) != remote.KindCanceled {
					t.Fatalf("cancelled listing returned %v", err)
				}
				if d := time.Since(start); d > time.Second {
					t.Fatalf("cancel took %v", d)
				}
			case <-time.After(time.Second):
				t.Fatal("cancel did not return within 1 s")
			}
			proxy.Stall(false)
			pool.Close()
			deadline := time.Now().Add(3 * time.Second)
			for proxy.Open() > 0 || runtime.NumGoroutine() > goroutines {
				if time.Now().After(deadline) {
					t.Fatalf("leak: %d connections open, %d goroutines (was %d)", proxy.Open(), runtime.NumGoroutine(), goroutines)
				}
				time.Sleep(20 * time.Millisecond)
			}
		})
	}
}

func snapshot(t *testing.T, tr *remote.Trust) string {
	t.Helper()
	a, _ := os.ReadFile(tr.KnownHosts)
	b, _ := os.ReadFile(tr.KnownCerts)
	return string(a) + "|" + string(b)
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// TestTooManyConnections: a host that allows one connection answers 421
// to the second; the user is told so, after the pool's retries.
func TestTooManyConnections(t *testing.T) {
	env := testenv.Get(t)
	ts := env.Site(t, testenv.FTPLimited)
	site := siteOf(ts)
	site.AllowPlain = true
	ctx := context.Background()
	first, err := remote.Open(ctx, site, remote.NewTrust(t.TempDir()), 1)
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	_, err = remote.Open(ctx, site, remote.NewTrust(t.TempDir()), 1)
	if remote.KindOf(err) != remote.KindTooMany || !strings.Contains(err.Error(), "421") {
		t.Fatalf("second connection: %v", err)
	}
	// With the first one closed, the pool gets in.
	first.Close()
	var pool *remote.Pool
	for deadline := time.Now().Add(5 * time.Second); ; {
		if pool, err = remote.Open(ctx, site, remote.NewTrust(t.TempDir()), 1); err == nil || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond) // vsftpd counts the closed session until its process exits
	}
	if err != nil {
		t.Fatal(err)
	}
	pool.Close()
}
