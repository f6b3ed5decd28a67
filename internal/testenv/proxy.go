package testenv

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Proxy is a TCP proxy on 127.0.0.1 in front of a test server. Tests use it
// to make the network misbehave: stall, delay, or cut after some bytes.
//
// A close is passed on as a close of the writing side only (a half-close,
// as TCP does): when the client has said all it will say, the server still
// answers, and the connection ends when both sides closed theirs.
type Proxy struct {
	Addr   string
	target string
	l      net.Listener
	// ftp: the proxy reads the server's FTP replies and carries the
	// passive data connections too (StartFTPProxy).
	ftp bool

	mu      sync.Mutex
	conns   map[net.Conn]struct{}
	stalled bool
	wake    chan struct{}
	closed  bool
	// data are the listeners for passive data connections, by the
	// server address they forward to.
	data map[string]net.Listener
	// delay is added to every chunk forwarded in each direction.
	delay atomic.Int64
	// cutAfter closes a connection after that many bytes from the server
	// (0: never).
	cutAfter atomic.Int64
	// truncData: FTP data connections pass only that many bytes from the
	// client, then the close (0: all).
	truncData atomic.Int64
	// holdDataClose: the client's close of an FTP data connection is not
	// passed on.
	holdDataClose atomic.Bool
	wg            sync.WaitGroup
	// links and peak count client connections to the proxy's own port
	// (FTP data connections not included): now open, and most at once.
	links, peak atomic.Int64
	// replies421 counts the FTP servers' "421" replies (StartFTPProxy).
	replies421 atomic.Int64
}

// StartProxy listens on a free port and forwards to target until the test ends.
func StartProxy(t testing.TB, target string) *Proxy {
	t.Helper()
	return startProxy(t, target, false)
}

// StartFTPProxy is StartProxy for a plain (not TLS) FTP server: it also
// carries the passive data connections. It rewrites the server's PASV (227)
// and EPSV (229) replies to ports of its own that forward to the announced
// ones, so delay, stall and cuts apply to the data connections as well, as
// they would on a slow link.
func StartFTPProxy(t testing.TB, target string) *Proxy {
	t.Helper()
	return startProxy(t, target, true)
}

func startProxy(t testing.TB, target string, ftp bool) *Proxy {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &Proxy{Addr: l.Addr().String(), target: target, l: l, ftp: ftp,
		conns: map[net.Conn]struct{}{}, wake: make(chan struct{}), data: map[string]net.Listener{}}
	p.wg.Add(1)
	go p.serve(l, target, false)
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

// SetDelay makes every chunk arrive d after the proxy read it, in each
// direction, closes included: a round trip gains 2×d. It is a delay line,
// as a long link is: chunks in flight overlap, so the bandwidth stays.
func (p *Proxy) SetDelay(d time.Duration) { p.delay.Store(int64(d)) }

// CutAfter makes each new connection drop after n bytes from the server.
func (p *Proxy) CutAfter(n int64) { p.cutAfter.Store(n) }

// TruncateData makes each new FTP data connection pass only the first n
// bytes the client sends and then the client's close, dropping the rest: the
// server sees a clean but short transfer (0: off). StartFTPProxy only.
func (p *Proxy) TruncateData(n int64) { p.truncData.Store(n) }

// HoldDataClose (true) keeps the client's close of each new FTP data
// connection from the server, as a broken middlebox might: the server waits
// for more data and never confirms the transfer. StartFTPProxy only.
func (p *Proxy) HoldDataClose(on bool) { p.holdDataClose.Store(on) }

// Open is the number of client connections still open through the proxy.
func (p *Proxy) Open() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.conns) / 2
}

// Peak is the most client connections that were open at once through the
// proxy's own port (for FTP: control connections; data ones not counted).
// A connection counts until the server ended it, as the server's own
// limit sees it.
func (p *Proxy) Peak() int { return int(p.peak.Load()) }

// Replies421 is how many "421" replies (too many connections, or closing)
// the FTP server sent through the proxy (StartFTPProxy only).
func (p *Proxy) Replies421() int { return int(p.replies421.Load()) }

// Close stops the proxy and drops every connection.
func (p *Proxy) Close() {
	_ = p.l.Close()
	p.mu.Lock()
	p.closed = true
	for _, l := range p.data {
		_ = l.Close()
	}
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

func (p *Proxy) serve(l net.Listener, target string, data bool) {
	defer p.wg.Done()
	for {
		c, err := l.Accept()
		if err != nil {
			return
		}
		s, err := net.Dial("tcp", target)
		if err != nil {
			_ = c.Close()
			continue
		}
		p.mu.Lock()
		if p.closed {
			p.mu.Unlock()
			_ = c.Close()
			_ = s.Close()
			return
		}
		p.conns[c], p.conns[s] = struct{}{}, struct{}{}
		p.mu.Unlock()
		if !data {
			n := p.links.Add(1)
			for old := p.peak.Load(); n > old && !p.peak.CompareAndSwap(old, n); old = p.peak.Load() {
			}
		}
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			p.link(c, s, data)
		}()
	}
}

// link forwards between the client c and the server s until both closed
// their side, or one direction failed or was cut.
func (p *Proxy) link(c, s net.Conn, data bool) {
	// A connection stops counting once the server ended it (its close
	// reaches the client later).
	var uncount sync.Once
	ended := func() {
		if !data {
			uncount.Do(func() { p.links.Add(-1) })
		}
	}
	var once sync.Once
	closeBoth := func() {
		once.Do(func() {
			_ = c.Close()
			_ = s.Close()
			p.mu.Lock()
			delete(p.conns, c)
			delete(p.conns, s)
			p.mu.Unlock()
			ended()
		})
	}
	up := pipeOpts{}
	if data {
		up.truncate = p.truncData.Load()
		up.holdClose = p.holdDataClose.Load()
	}
	down := pipeOpts{limit: p.cutAfter.Load(), ended: ended}
	if p.ftp && !data {
		down.rewrite = func(line []byte) []byte {
			if strings.HasPrefix(string(line), "421") {
				p.replies421.Add(1)
			}
			return p.rewritePassive(line)
		}
	}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		if !p.pipe(s, c, up) {
			closeBoth()
		}
	}()
	go func() {
		defer wg.Done()
		if !p.pipe(c, s, down) {
			closeBoth()
		}
	}()
	wg.Wait()
	closeBoth()
}

type pipeOpts struct {
	limit     int64 // drop the connection after this many bytes (0: never)
	truncate  int64 // pass this many bytes, then the close (0: all)
	holdClose bool  // do not pass the close on
	// rewrite changes each line (FTP replies) before it is forwarded.
	rewrite func(line []byte) []byte
	// ended is called when src stopped sending (closed or failed).
	ended func()
}

type chunk struct {
	due  time.Time
	data []byte
	eof  bool // src closed its side cleanly
}

// pipe copies src to dst through the delay line, honouring stall and the
// options. It reports whether it ended cleanly: src closed its side and the
// close was passed on (or held), so the other direction may go on.
func (p *Proxy) pipe(dst, src net.Conn, o pipeOpts) bool {
	line := make(chan chunk, 1024)
	stop := make(chan struct{})
	defer close(stop)
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		p.read(src, o, line, stop)
	}()
	var sent int64
	for ch := range line {
		if !p.wait(ch.due, stop) {
			return false
		}
		if ch.eof {
			if o.holdClose {
				return true
			}
			if tc, ok := dst.(*net.TCPConn); ok {
				return tc.CloseWrite() == nil
			}
			return false
		}
		b := ch.data
		if o.limit > 0 && sent+int64(len(b)) > o.limit {
			b = b[:o.limit-sent]
		}
		if _, err := dst.Write(b); err != nil {
			return false
		}
		sent += int64(len(b))
		if o.limit > 0 && sent >= o.limit {
			return false
		}
	}
	// src failed (reset, or closed by Close or the other direction).
	return false
}

// read feeds the delay line from src; a clean EOF ends it with an eof
// chunk, an error without one.
func (p *Proxy) read(src net.Conn, o pipeOpts, line chan<- chunk, stop <-chan struct{}) {
	defer close(line)
	if o.ended != nil {
		defer o.ended()
	}
	push := func(ch chunk) bool {
		ch.due = time.Now().Add(time.Duration(p.delay.Load()))
		select {
		case line <- ch:
			return true
		case <-stop:
			return false
		}
	}
	var passed int64
	var br *bufio.Reader
	if o.rewrite != nil {
		br = bufio.NewReaderSize(src, 32*1024)
	}
	for {
		var b []byte
		var err error
		if br != nil {
			b, err = br.ReadBytes('\n')
			if len(b) > 0 && err == nil {
				b = o.rewrite(b)
			}
		} else {
			buf := make([]byte, 32*1024)
			var n int
			n, err = src.Read(buf)
			b = buf[:n]
		}
		if o.truncate > 0 {
			// Pass the first bytes, drop the rest (the client still
			// sees every write accepted).
			b = b[:min(int64(len(b)), max(o.truncate-passed, 0))]
		}
		passed += int64(len(b))
		if len(b) > 0 && !push(chunk{data: b}) {
			return
		}
		if err != nil {
			if errors.Is(err, io.EOF) {
				push(chunk{eof: true})
			}
			return
		}
	}
}

// wait sleeps until due and while the proxy is stalled.
func (p *Proxy) wait(due time.Time, stop <-chan struct{}) bool {
	if d := time.Until(due); d > 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-t.C:
		case <-stop:
			return false
		}
	}
	for {
		p.mu.Lock()
		stalled, wake := p.stalled, p.wake
		p.mu.Unlock()
		if !stalled {
			return true
		}
		<-wake
	}
}

// rewritePassive turns a PASV or EPSV reply into one that names a port of
// the proxy forwarding to the announced one.
func (p *Proxy) rewritePassive(line []byte) []byte {
	s := string(line)
	switch {
	case strings.HasPrefix(s, "227 "):
		i, j := strings.Index(s, "("), strings.LastIndex(s, ")")
		if i < 0 || j < i {
			return line
		}
		f := strings.Split(s[i+1:j], ",")
		if len(f) != 6 {
			return line
		}
		var n [6]int
		for k, v := range f {
			x, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil {
				return line
			}
			n[k] = x
		}
		target := fmt.Sprintf("%d.%d.%d.%d:%d", n[0], n[1], n[2], n[3], n[4]<<8|n[5])
		port, ok := p.dataPort(target)
		if !ok {
			return line
		}
		return fmt.Appendf(nil, "%s127,0,0,1,%d,%d%s", s[:i+1], port>>8, port&0xff, s[j:])
	case strings.HasPrefix(s, "229 "):
		i, j := strings.Index(s, "(|||"), strings.LastIndex(s, "|)")
		if i < 0 || j < i+4 {
			return line
		}
		host, _, err := net.SplitHostPort(p.target)
		if err != nil {
			return line
		}
		port, ok := p.dataPort(net.JoinHostPort(host, s[i+4:j]))
		if !ok {
			return line
		}
		return fmt.Appendf(nil, "%s(|||%d|)%s", s[:i], port, s[j+2:])
	}
	return line
}

// dataPort returns the port of the proxy's listener for a passive data
// address, starting one on first use.
func (p *Proxy) dataPort(target string) (int, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return 0, false
	}
	l, ok := p.data[target]
	if !ok {
		var err error
		if l, err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
			return 0, false
		}
		p.data[target] = l
		p.wg.Add(1)
		go p.serve(l, target, true)
	}
	return l.Addr().(*net.TCPAddr).Port, true
}
