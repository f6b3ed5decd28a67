package remote_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// hostileFTP sits between the client and a real FTP server on loopback and
// plays an active attacker: it can answer 500 to AUTH TLS (stripping TLS),
// refuse EPSV so the client must use PASV, and rewrite PASV replies to send
// the data connection to another address (127.0.0.2), where it listens too.
type hostileFTP struct {
	Addr     string
	target   string
	stripTLS bool
	// redirectPASV announces 127.0.0.2 in every 227 reply.
	redirectPASV bool
	// refuseListA answers 501 to "LIST -a", as a server without LIST
	// options may.
	refuseListA bool

	mu       sync.Mutex
	commands []string // every command line the client sent
	diverted int      // data connections that went to the announced address
	honest   int      // data connections that went to the control connection's address
}

func startHostileFTP(t *testing.T, target string, stripTLS, redirectPASV bool) *hostileFTP {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	h := &hostileFTP{Addr: l.Addr().String(), target: target, stripTLS: stripTLS, redirectPASV: redirectPASV}
	t.Cleanup(func() { _ = l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go h.serve(t, c)
		}
	}()
	return h
}

func (h *hostileFTP) port() int {
	_, p, _ := net.SplitHostPort(h.Addr)
	n, _ := strconv.Atoi(p)
	return n
}

// sent reports whether the client sent a command starting with prefix.
func (h *hostileFTP) sent(prefix string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, c := range h.commands {
		if strings.HasPrefix(strings.ToUpper(c), prefix) {
			return true
		}
	}
	return false
}

func (h *hostileFTP) counts() (honest, diverted int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.honest, h.diverted
}

func (h *hostileFTP) serve(t *testing.T, c net.Conn) {
	defer c.Close()
	s, err := net.Dial("tcp", h.target)
	if err != nil {
		return
	}
	defer s.Close()
	var wmu sync.Mutex
	toClient := func(line string) {
		wmu.Lock()
		defer wmu.Unlock()
		_, _ = io.WriteString(c, line)
	}
	go func() {
		r := bufio.NewReader(s)
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				_ = c.Close()
				return
			}
			if h.redirectPASV && strings.HasPrefix(line, "227 ") {
				line = h.divert(t, line)
			}
			toClient(line)
		}
	}()
	r := bufio.NewReader(c)
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		cmd := strings.TrimRight(line, "\r\n")
		h.mu.Lock()
		h.commands = append(h.commands, cmd)
		h.mu.Unlock()
		up := strings.ToUpper(cmd)
		switch {
		case h.stripTLS && strings.HasPrefix(up, "AUTH "):
			toClient("500 AUTH not understood.\r\n")
			continue
		case h.redirectPASV && strings.HasPrefix(up, "EPSV"):
			toClient("500 EPSV not understood.\r\n")
			continue
		case h.refuseListA && strings.HasPrefix(up, "LIST -A"):
			toClient("501 Unknown option.\r\n")
			continue
		}
		if _, err := io.WriteString(s, line); err != nil {
			return
		}
	}
}

// divert rewrites a 227 reply to announce 127.0.0.2 and a port that listens
// on both 127.0.0.1 (where the control connection goes) and 127.0.0.2, each
// forwarding to the real data port, counting which one the client used.
func (h *hostileFTP) divert(t *testing.T, line string) string {
	i, j := strings.Index(line, "("), strings.LastIndex(line, ")")
	f := strings.Split(line[i+1:j], ",")
	var n [6]int
	for k, v := range f {
		n[k], _ = strconv.Atoi(strings.TrimSpace(v))
	}
	real := fmt.Sprintf("%d.%d.%d.%d:%d", n[0], n[1], n[2], n[3], n[4]<<8|n[5])
	for range 50 {
		honest, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Error(err)
			return line
		}
		port := honest.Addr().(*net.TCPAddr).Port
		evil, err := net.Listen("tcp", net.JoinHostPort("127.0.0.2", strconv.Itoa(port)))
		if err != nil {
			_ = honest.Close()
			continue
		}
		h.relayOnce(honest, real, &h.honest, evil)
		h.relayOnce(evil, real, &h.diverted, honest)
		return fmt.Sprintf("227 Entering Passive Mode (127,0,0,2,%d,%d).\r\n", port>>8, port&0xff)
	}
	t.Error("no free port on both 127.0.0.1 and 127.0.0.2")
	return line
}

// relayOnce accepts one connection on l, counts it, closes other and
// forwards the connection to target.
func (h *hostileFTP) relayOnce(l net.Listener, target string, count *int, other net.Listener) {
	go func() {
		defer l.Close()
		c, err := l.Accept()
		if err != nil {
			return
		}
		_ = other.Close()
		h.mu.Lock()
		*count++
		h.mu.Unlock()
		s, err := net.Dial("tcp", target)
		if err != nil {
			_ = c.Close()
			return
		}
		go func() {
			_, _ = io.Copy(s, c)
			if tc, ok := s.(*net.TCPConn); ok {
				_ = tc.CloseWrite()
			}
		}()
		_, _ = io.Copy(c, s)
		_ = c.Close()
		_ = s.Close()
	}()
}
