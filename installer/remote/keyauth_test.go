package remote_test

import (
	"context"
	"crypto/ed25519"
	"encoding/pem"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"

	"github.com/ocsetup/ocsetup/installer/remote"
	"github.com/ocsetup/ocsetup/internal/testenv"
)

func TestSFTPKeyLogins(t *testing.T) {
	env := testenv.Get(t)
	ts := env.Site(t, testenv.SFTP)
	ctx := context.Background()
	keyOnly := func() remote.Site {
		s := siteOf(ts)
		s.Password = ""
		return s
	}
	t.Run("key", func(t *testing.T) {
		s := keyOnly()
		s.KeyFile = env.SSH.ClientKey
		pool, err := remote.Open(ctx, s, trusting(t, env, ts), 1)
		if err != nil {
			t.Fatal(err)
		}
		pool.Close()
	})
	t.Run("key with passphrase", func(t *testing.T) {
		s := keyOnly()
		s.KeyFile, s.KeyPassphrase = env.SSH.ClientKeyPass, env.SSH.ClientKeyPhrase
		pool, err := remote.Open(ctx, s, trusting(t, env, ts), 1)
		if err != nil {
			t.Fatal(err)
		}
		pool.Close()
	})
	t.Run("missing passphrase", func(t *testing.T) {
		s := keyOnly()
		s.KeyFile = env.SSH.ClientKeyPass
		_, err := remote.Open(ctx, s, trusting(t, env, ts), 1)
		if err == nil || !strings.Contains(err.Error(), "passphrase") {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("wrong passphrase", func(t *testing.T) {
		s := keyOnly()
		s.KeyFile, s.KeyPassphrase = env.SSH.ClientKeyPass, "wrong"
		_, err := remote.Open(ctx, s, trusting(t, env, ts), 1)
		if err == nil || !strings.Contains(err.Error(), "passphrase of the private key is wrong") {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("key the server does not know", func(t *testing.T) {
		_, priv, _ := ed25519.GenerateKey(nil)
		block, err := ssh.MarshalPrivateKey(priv, "")
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(t.TempDir(), "other")
		if err := os.WriteFile(p, pemEncode(block), 0o600); err != nil {
			t.Fatal(err)
		}
		s := keyOnly()
		s.KeyFile = p
		if _, err := remote.Open(ctx, s, trusting(t, env, ts), 1); remote.KindOf(err) != remote.KindAuth {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("ssh-agent", func(t *testing.T) {
		b, err := os.ReadFile(env.SSH.ClientKey)
		if err != nil {
			t.Fatal(err)
		}
		raw, err := ssh.ParseRawPrivateKey(b)
		if err != nil {
			t.Fatal(err)
		}
		keyring := agent.NewKeyring()
		if err := keyring.Add(agent.AddedKey{PrivateKey: raw}); err != nil {
			t.Fatal(err)
		}
		sock := filepath.Join(t.TempDir(), "agent.sock")
		l, err := net.Listen("unix", sock)
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		go func() {
			for {
				c, err := l.Accept()
				if err != nil {
					return
				}
				go func() { _ = agent.ServeAgent(keyring, c); c.Close() }()
			}
		}()
		t.Setenv("SSH_AUTH_SOCK", sock)
		s := keyOnly()
		s.Agent = true
		pool, err := remote.Open(ctx, s, trusting(t, env, ts), 1)
		if err != nil {
			t.Fatal(err)
		}
		pool.Close()
	})
}

func pemEncode(b *pem.Block) []byte { return pem.EncodeToMemory(b) }
