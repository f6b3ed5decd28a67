package demo

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"fmt"
	"net"
	"os"
	"sync"
	"time"

	"github.com/pkg/sftp"
	"golang.org/x/crypto/ssh"
)

// handshakeTimeout bounds a client's login, so that a connection that
// never finishes the handshake does not hold a goroutine forever.
const handshakeTimeout = 20 * time.Second

// sshServer is an SFTP-only SSH server for one account. Like many hosting
// accounts, it has no shell: exec and shell requests are refused, so the
// app takes the paths it takes on such hosts (no remote hashing, no
// crontab, no tunnel to the database).
type sshServer struct {
	ln     net.Listener
	config *ssh.ServerConfig
	fs     *rootFS
	conns  *tracker
	wg     sync.WaitGroup
}

// newHostKey makes a fresh Ed25519 host key: every demo is a new server,
// whose fingerprint the user trusts like any other.
func newHostKey() (ssh.Signer, error) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	return ssh.NewSignerFromKey(priv)
}

// startSSH serves SFTP over root on ln for user and password.
func startSSH(ln net.Listener, hostKey ssh.Signer, user, password string, root *os.Root) *sshServer {
	cfg := &ssh.ServerConfig{
		// Both compared in constant time, so that timing tells nothing.
		PasswordCallback: func(c ssh.ConnMetadata, pw []byte) (*ssh.Permissions, error) {
			userOK := subtle.ConstantTimeCompare([]byte(c.User()), []byte(user))
			pwOK := subtle.ConstantTimeCompare(pw, []byte(password))
			if userOK&pwOK == 1 {
				return nil, nil
			}
			return nil, errors.New("wrong user name or password")
		},
		ServerVersion: "SSH-2.0-ocsetup-demo",
	}
	cfg.AddHostKey(hostKey)
	s := &sshServer{ln: ln, config: cfg, fs: &rootFS{root: root}, conns: newTracker()}
	s.wg.Add(1)
	go s.serve()
	return s
}

func (s *sshServer) serve() {
	defer s.wg.Done()
	tl := trackedListener{Listener: s.ln, t: s.conns}
	for {
		c, err := tl.Accept()
		if err != nil {
			return // the listener was closed
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			defer c.Close()
			s.handle(c)
		}()
	}
}

func (s *sshServer) handle(nc net.Conn) {
	_ = nc.SetDeadline(time.Now().Add(handshakeTimeout))
	conn, chans, reqs, err := ssh.NewServerConn(nc, s.config)
	if err != nil {
		return
	}
	defer conn.Close()
	_ = nc.SetDeadline(time.Time{})
	go ssh.DiscardRequests(reqs)
	var chanWG sync.WaitGroup
	defer chanWG.Wait()
	for nch := range chans {
		if nch.ChannelType() != "session" {
			_ = nch.Reject(ssh.Prohibited, fmt.Sprintf("the demo store offers SFTP only, not %q", nch.ChannelType()))
			continue
		}
		ch, chReqs, err := nch.Accept()
		if err != nil {
			continue
		}
		chanWG.Add(1)
		go func() {
			defer chanWG.Done()
			defer ch.Close()
			s.session(ch, chReqs)
		}()
	}
}

// session waits for the "sftp" subsystem request and serves it; anything
// else (a shell, a command, a terminal) is refused.
func (s *sshServer) session(ch ssh.Channel, reqs <-chan *ssh.Request) {
	for req := range reqs {
		if req.Type != "subsystem" || !isSFTP(req.Payload) {
			_ = req.Reply(false, nil)
			continue
		}
		_ = req.Reply(true, nil)
		go ssh.DiscardRequests(reqs)
		srv := sftp.NewRequestServer(ch, s.fs.handlers())
		_ = srv.Serve() // ends when the client closes the channel
		_ = srv.Close()
		return
	}
}

// isSFTP reads the subsystem name, an SSH string (length-prefixed).
func isSFTP(payload []byte) bool {
	var p struct{ Name string }
	return ssh.Unmarshal(payload, &p) == nil && p.Name == "sftp"
}

// Close stops accepting, ends every connection and waits for them.
func (s *sshServer) Close() error {
	err := s.ln.Close()
	s.conns.closeAll()
	s.wg.Wait()
	if errors.Is(err, net.ErrClosed) {
		err = nil
	}
	return err
}
