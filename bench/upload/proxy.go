package main

import (
	"errors"
	"io"
	"net"
	"sync"
	"time"
)

// delayProxy forwards TCP connections from listen to target, holding every
// chunk for oneWay in each direction: a round trip gains 2×oneWay, and
// unlike a sleep per read the bandwidth stays (a delay line, as netem does).
// A close travels the same line: it reaches the other side oneWay after the
// proxy saw it, behind the data, as a half-close (the other direction goes
// on until its sender closes too).
type delayProxy struct {
	l      net.Listener
	target string
	oneWay time.Duration
	wg     sync.WaitGroup
}

func startDelayProxy(listen, target string, oneWay time.Duration) (*delayProxy, error) {
	l, err := net.Listen("tcp", listen)
	if err != nil {
		return nil, err
	}
	p := &delayProxy{l: l, target: target, oneWay: oneWay}
	p.wg.Add(1)
	go p.serve()
	return p, nil
}

func (p *delayProxy) Close() { _ = p.l.Close(); p.wg.Wait() }

func (p *delayProxy) serve() {
	defer p.wg.Done()
	for {
		c, err := p.l.Accept()
		if err != nil {
			return
		}
		go func() {
			s, err := net.Dial("tcp", p.target)
			if err != nil {
				_ = c.Close()
				return
			}
			done := make(chan struct{}, 2)
			go func() { p.pipe(s.(*net.TCPConn), c.(*net.TCPConn)); done <- struct{}{} }()
			go func() { p.pipe(c.(*net.TCPConn), s.(*net.TCPConn)); done <- struct{}{} }()
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
func (p *delayProxy) pipe(dst, src *net.TCPConn) {
	line := make(chan chunk, 4096)
	go func() {
		defer close(line)
		for {
			buf := make([]byte, 32<<10)
			n, err := src.Read(buf)
			if n > 0 {
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
