package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// delayProxy forwards TCP connections from listen to target, holding every
// chunk for oneWay in each direction: a round trip gains 2×oneWay, and
// unlike a sleep per read the bandwidth stays (a delay line, as netem does).
// A close travels the same line: it reaches the other side oneWay after the
// proxy saw it, behind the data, as a half-close (the other direction goes
// on until its sender closes too).
//
// A new connection costs a round trip, as TCP's handshake does on a real
// link: the server sees it oneWay after the client connected (so its first
// words reach the client one round trip after the connect), and what the
// client sends first reaches the server one and a half round trips after.
//
// It counts the connections open at once (the most, since Reset) and, with
// countLines, the lines the clients sent (FTP commands).
type delayProxy struct {
	l          net.Listener
	target     string
	oneWay     time.Duration
	countLines bool
	wg         sync.WaitGroup

	open, peak, lines atomic.Int64

	// trace, when set, receives every line of a counted connection (FTP
	// control), both ways, with the time since Reset and the connection's
	// number: where the round trips go.
	trace   io.Writer
	traceMu sync.Mutex
	since   atomic.Int64 // Reset's time, UnixNano
	conns   atomic.Int64
}

func startDelayProxy(listen, target string, oneWay time.Duration, countLines bool) (*delayProxy, error) {
	l, err := net.Listen("tcp", listen)
	if err != nil {
		return nil, err
	}
	p := &delayProxy{l: l, target: target, oneWay: oneWay, countLines: countLines}
	p.wg.Add(1)
	go p.serve()
	return p, nil
}

func (p *delayProxy) Close() { _ = p.l.Close(); p.wg.Wait() }

// Reset starts counting anew (the connections open now stay counted).
func (p *delayProxy) Reset() {
	p.peak.Store(p.open.Load())
	p.lines.Store(0)
	p.since.Store(time.Now().UnixNano())
}

// Peak is the most connections open at once since Reset; Lines the lines
// clients sent.
func (p *delayProxy) Peak() int64  { return p.peak.Load() }
func (p *delayProxy) Lines() int64 { return p.lines.Load() }

func (p *delayProxy) serve() {
	defer p.wg.Done()
	for {
		c, err := p.l.Accept()
		if err != nil {
			return
		}
		n := p.open.Add(1)
		for old := p.peak.Load(); n > old && !p.peak.CompareAndSwap(old, n); old = p.peak.Load() {
		}
		go func() {
			defer p.open.Add(-1)
			time.Sleep(p.oneWay) // the SYN on its way
			s, err := net.Dial("tcp", p.target)
			if err != nil {
				_ = c.Close()
				return
			}
			done := make(chan struct{}, 2)
			id := p.conns.Add(1)
			go func() { p.pipe(c.(*net.TCPConn), s.(*net.TCPConn), false, id); done <- struct{}{} }()
			go func() {
				time.Sleep(p.oneWay) // the SYN-ACK on its way back
				p.pipe(s.(*net.TCPConn), c.(*net.TCPConn), p.countLines, id)
				done <- struct{}{}
			}()
			<-done
			<-done
			_ = c.Close()
			_ = s.Close()
		}()
	}
}

type chunk struct {
	due  time.Time
	data []byte
	end  bool  // src is done: io.EOF (a close) or a failure
	err  error // the failure; nil for a close
}

// pipe copies src to dst through the delay line. A close of src becomes a
// CloseWrite of dst, a failure of src a close of both.
func (p *delayProxy) pipe(dst, src *net.TCPConn, count bool, id int64) {
	traced := p.trace != nil && p.countLines
	dir := "<"
	if count {
		dir = ">"
	}
	line := make(chan chunk, 4096)
	go func() {
		defer close(line)
		for {
			buf := make([]byte, 32<<10)
			n, err := src.Read(buf)
			if n > 0 {
				if count {
					p.lines.Add(int64(bytes.Count(buf[:n], []byte("\n"))))
				}
				if traced {
					p.log(id, dir, buf[:n])
				}
				line <- chunk{due: time.Now().Add(p.oneWay), data: buf[:n]}
			}
			if err != nil {
				if errors.Is(err, io.EOF) {
					err = nil
				}
				line <- chunk{due: time.Now().Add(p.oneWay), end: true, err: err}
				return
			}
		}
	}()
	for ch := range line {
		time.Sleep(time.Until(ch.due))
		switch {
		case ch.end && ch.err == nil:
			_ = dst.CloseWrite()
		case ch.end:
			_ = dst.Close()
		default:
			if _, err := dst.Write(ch.data); err == nil {
				continue
			}
			_ = src.Close()
		}
		for range line {
		}
		return
	}
}

// log writes the lines of b, as the proxy read them, to the trace.
func (p *delayProxy) log(id int64, dir string, b []byte) {
	at := time.Since(time.Unix(0, p.since.Load())).Seconds()
	p.traceMu.Lock()
	defer p.traceMu.Unlock()
	for _, l := range bytes.Split(bytes.TrimRight(b, "\r\n"), []byte("\n")) {
		if bytes.HasPrefix(l, []byte("PASS ")) {
			l = []byte("PASS ****")
		}
		fmt.Fprintf(p.trace, "%8.3f %2d %s %s\n", at, id, dir, bytes.TrimRight(l, "\r"))
	}
}
