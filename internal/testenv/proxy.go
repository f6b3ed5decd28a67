package testenv

import (
	"io"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Proxy is a TCP proxy on 127.0.0.1 in front of a test server. Tests use it
// to make the network misbehave: stall, delay, or cut after some bytes.
type Proxy struct {
	Addr   string
	target string
	l      net.Listener

	mu      sync.Mutex
	conns   map[net.Conn]struct{}
	stalled bool
	wake    chan struct{}
	// delay is added to every chunk forwarded in each direction.
	delay atomic.Int64
	// cutAfter closes a connection after that many bytes from the server
	// (0: never).
	cutAfter atomic.Int64
	wg       sync.WaitGroup
}

// StartProxy listens on a free port and forwards to target until the test ends.
func StartProxy(t testing.TB, target string) *Proxy {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &Proxy{Addr: l.Addr().String(), target: target, l: l, conns: map[net.Conn]struct{}{}, wake: make(chan struct{})}
	p.wg.Add(1)
	go p.serve()
	t.Cleanup(p.Close)
	return p
}

// Port is the proxy's port.
func (p *Proxy) Port() int { return p.l.Addr().(*net.TCPAddr).Port }

// Stall stops (true) or resumes (false) forwarding data in both directions.
func (p *Proxy) Stall(on bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stalled && !on {
		close(p.wake)
		p.wake = make(chan struct{})
	}
	p.stalled = on
}

// SetDelay adds d before each chunk is forwarded.
func (p *Proxy) SetDelay(d time.Duration) { p.delay.Store(int64(d)) }

// CutAfter makes each new connection drop after n bytes from the server.
func (p *Proxy) CutAfter(n int64) { p.cutAfter.Store(n) }

// Open is the number of client connections still open through the proxy.
func (p *Proxy) Open() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.conns) / 2
}

// Close stops the proxy and drops every connection.
func (p *Proxy) Close() {
	_ = p.l.Close()
	p.mu.Lock()
	for c := range p.conns {
		_ = c.Close()
	}
	if p.stalled {
		close(p.wake)
		p.stalled = false
		p.wake = make(chan struct{})
	}
	p.mu.Unlock()
	p.wg.Wait()
}

func (p *Proxy) serve() {
	defer p.wg.Done()
	for {
		c, err := p.l.Accept()
		if err != nil {
			return
		}
		s, err := net.Dial("tcp", p.target)
		if err != nil {
			_ = c.Close()
			continue
		}
		p.mu.Lock()
		p.conns[c], p.conns[s] = struct{}{}, struct{}{}
		p.mu.Unlock()
		limit := p.cutAfter.Load()
		var once sync.Once
		closeBoth := func() {
			once.Do(func() {
				_ = c.Close()
				_ = s.Close()
				p.mu.Lock()
				delete(p.conns, c)
				delete(p.conns, s)
				p.mu.Unlock()
			})
		}
		p.wg.Add(2)
		go func() { defer p.wg.Done(); p.pipe(s, c, 0); closeBoth() }()
		go func() { defer p.wg.Done(); p.pipe(c, s, limit); closeBoth() }()
	}
}

// pipe copies src to dst, honouring stall, delay and the byte limit.
func (p *Proxy) pipe(dst io.Writer, src io.Reader, limit int64) {
	buf := make([]byte, 32*1024)
	var sent int64
	for {
		n, err := src.Read(buf)
		if n > 0 {
			for {
				p.mu.Lock()
				stalled, wake := p.stalled, p.wake
				p.mu.Unlock()
				if !stalled {
					break
				}
				<-wake
			}
			if d := time.Duration(p.delay.Load()); d > 0 {
				time.Sleep(d)
			}
			chunk := buf[:n]
			if limit > 0 && sent+int64(n) > limit {
				chunk = buf[:limit-sent]
			}
			if _, werr := dst.Write(chunk); werr != nil {
				return
			}
			sent += int64(len(chunk))
			if limit > 0 && sent >= limit {
				return
			}
		}
		if err != nil {
			return
		}
	}
}
