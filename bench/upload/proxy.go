package main

import (
	"net"
	"sync"
	"time"
)

// delayProxy forwards TCP connections from listen to target, holding every
// chunk for oneWay in each direction: a round trip gains 2×oneWay, and
// unlike a sleep per read the bandwidth stays (a delay line, as netem does).
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
			go func() { p.pipe(s, c); done <- struct{}{} }()
			go func() { p.pipe(c, s); done <- struct{}{} }()
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
}

// pipe copies src to dst through the delay line; EOF is delayed too, so a
// closed connection arrives after the data.
func (p *delayProxy) pipe(dst, src net.Conn) {
	line := make(chan chunk, 4096)
	go func() {
		defer close(line)
		for {
			buf := make([]byte, 32<<10)
			n, err := src.Read(buf)
			if n > 0 {
				line <- chunk{time.Now().Add(p.oneWay), buf[:n]}
			}
			if err != nil {
				return
			}
		}
	}()
	var last time.Time
	for ch := range line {
		time.Sleep(time.Until(ch.due))
		last = ch.due
		if _, err := dst.Write(ch.data); err != nil {
			_ = src.Close()
			for range line {
			}
			return
		}
	}
	time.Sleep(time.Until(last.Add(p.oneWay)))
	if tc, ok := dst.(*net.TCPConn); ok {
		_ = tc.CloseWrite()
	} else {
		_ = dst.Close()
	}
}
