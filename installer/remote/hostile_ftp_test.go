package remote_test

import (
	"bytes"
	"context"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ocsetup/ocsetup/installer/remote"
	"github.com/ocsetup/ocsetup/internal/testenv"
)

// TestPASVAddressIgnored: a server that announces another address in its
// PASV reply does not get the data connection there; it goes to the
// control connection's address, for Conn and for FTPPipe.
func TestPASVAddressIgnored(t *testing.T) {
	env := testenv.Get(t)
	ts := env.Site(t, testenv.FTPNoTLS)
	local, dir := env.TempDir(t, ts)
	ctx := context.Background()
	body := bytes.Repeat([]byte("<?php // data\n"), 500)

	t.Run("conn", func(t *testing.T) {
		h := startHostileFTP(t, ts.Addr(), false, true)
		site := siteOf(ts)
		site.Host, site.Port, site.AllowPlain = "127.0.0.1", h.port(), true
		c, err := remote.Dial(ctx, site, remote.NewTrust(t.TempDir()))
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if err := c.Store(ctx, path.Join(dir, "conn.php"), bytes.NewReader(body)); err != nil {
			t.Fatal(err)
		}
		checkDataRoute(t, h, local, "conn.php", body)
	})
	t.Run("pipe", func(t *testing.T) {
		h := startHostileFTP(t, ts.Addr(), false, true)
		site := siteOf(ts)
		site.Host, site.Port, site.AllowPlain = "127.0.0.1", h.port(), true
		p, err := remote.DialFTPPipe(ctx, site, remote.NewTrust(t.TempDir()))
		if err != nil {
			t.Fatal(err)
		}
		defer p.Close()
		sent := false
		err = p.StoreAtomic(ctx, func() (remote.PipeFile, bool) {
			if sent {
				return remote.PipeFile{}, false
			}
			sent = true
			return remote.PipeFile{Temp: path.Join(dir, ".pipe.part"), Final: path.Join(dir, "pipe.php"), Size: int64(len(body)),
				Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }}, true
		}, func(f remote.PipeFile, err error) {
			if err != nil {
				t.Errorf("%s: %v", f.Final, err)
			}
		})
		if err != nil {
			t.Fatal(err)
		}
		checkDataRoute(t, h, local, "pipe.php", body)
	})
}

func checkDataRoute(t *testing.T, h *hostileFTP, local, name string, body []byte) {
	t.Helper()
	honest, diverted := h.counts()
	if diverted != 0 || honest == 0 {
		t.Errorf("data connections: %d to the control address, %d to the address the server announced; want all to the control address", honest, diverted)
	}
	got, err := os.ReadFile(local + "/" + name)
	if err != nil || !bytes.Equal(got, body) {
		t.Errorf("%s on the server: %d bytes, %v; want %d bytes", name, len(got), err, len(body))
	}
}

// TestPinnedFTPSNeverFallsBackToPlain: a host whose certificate is pinned
// and that now answers 500 to AUTH TLS (a TLS-stripping attacker) is a hard
// stop even when plain FTP is allowed: the password is never sent.
func TestPinnedFTPSNeverFallsBackToPlain(t *testing.T) {
	env := testenv.Get(t)
	ts := env.Site(t, testenv.FTP)
	ctx := context.Background()
	for _, pipe := range []bool{false, true} {
		name := map[bool]string{false: "conn", true: "pipe"}[pipe]
		t.Run(name, func(t *testing.T) {
			h := startHostileFTP(t, ts.Addr(), true, false)
			site := siteOf(ts)
			site.Host, site.Port, site.AllowPlain = "127.0.0.1", h.port(), true
			tr := remote.NewTrust(t.TempDir())
			if err := os.WriteFile(tr.KnownCerts, []byte(site.Addr()+" "+env.TLS.CertSHA256+"\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			var err error
			if pipe {
				var p *remote.FTPPipe
				if p, err = remote.DialFTPPipe(ctx, site, tr); err == nil {
					p.Close()
				}
			} else {
				var c remote.Conn
				if c, err = remote.Dial(ctx, site, tr); err == nil {
					c.Close()
				}
			}
			if remote.KindOf(err) != remote.KindTLSStripped {
				t.Fatalf("err = %v (kind %v); want KindTLSStripped", err, remote.KindOf(err))
			}
			if !strings.Contains(err.Error(), env.TLS.CertSHA256) {
				t.Errorf("the message does not name the pinned certificate: %v", err)
			}
			if h.sent("USER") || h.sent("PASS") {
				t.Error("the login was sent over plain FTP to a host whose certificate is pinned")
			}
		})
	}
}

// TestCorruptKnownHostsNamed: a known_hosts file with a broken line gives
// an error naming the file and the line, not a protocol failure.
func TestCorruptKnownHostsNamed(t *testing.T) {
	env := testenv.Get(t)
	ts := env.Site(t, testenv.SFTP)
	tr := trusting(t, env, ts)
	kh, err := os.ReadFile(tr.KnownHosts)
	if err != nil {
		t.Fatal(err)
	}
	bad := "127.0.0.9 ssh-ed25519 AAAA-not-base64!!\n"
	if err := os.WriteFile(tr.KnownHosts, append([]byte(bad), kh...), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := remote.Dial(context.Background(), siteOf(ts), tr)
	if err == nil {
		c.Close()
		t.Fatal("connected despite a corrupt known_hosts")
	}
	msg := err.Error()
	if !strings.Contains(msg, tr.KnownHosts) || !strings.Contains(msg, "line 1") {
		t.Errorf("err = %v; want the file %s and line 1 named", err, tr.KnownHosts)
	}
	if k := remote.KindOf(err); k == remote.KindProtocol || k == remote.KindUnknownKey {
		t.Errorf("kind %v: misleading", k)
	}
}

// TestListWithoutDashA: a server that refuses "LIST -a" (which shows hidden
// entries on vsftpd, ProFTPD and Pure-FTPd) is asked once more without the
// option, and never again with it on that connection; the connection stays
// usable.
func TestListWithoutDashA(t *testing.T) {
	env := testenv.Get(t)
	ts := env.Site(t, testenv.FTPNoTLS)
	h := startHostileFTP(t, ts.Addr(), false, false)
	h.refuseListA = true
	site := siteOf(ts)
	site.Host, site.Port, site.AllowPlain = "127.0.0.1", h.port(), true
	ctx := context.Background()
	c, err := remote.Dial(ctx, site, remote.NewTrust(t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	local, dir := env.TempDir(t, ts)
	for _, name := range []string{"a.php", "b.php"} {
		if err := os.WriteFile(filepath.Join(local, name), []byte(name), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for range 2 {
		list, err := c.List(ctx, dir)
		if err != nil || len(list) != 2 {
			t.Fatalf("list: %+v, %v", list, err)
		}
	}
	if fi, err := c.Stat(ctx, path.Join(dir, "b.php")); err != nil || fi.Size != 5 {
		t.Fatalf("stat after the fallback: %+v, %v", fi, err)
	}
	n := 0
	h.mu.Lock()
	for _, cmd := range h.commands {
		if strings.HasPrefix(strings.ToUpper(cmd), "LIST -A") {
			n++
		}
	}
	h.mu.Unlock()
	if n != 1 {
		t.Errorf("LIST -a sent %d times, want once", n)
	}
}
