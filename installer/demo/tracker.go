package demo

import (
	"errors"
	"net"
	"sync"
)

// tracker remembers the connections a listener accepted, so that Close can
// end them too: closing a listener alone leaves accepted connections (and
// the goroutines serving them) running, and the demo must leave nothing
// behind when the app quits.
type tracker struct {
	mu     sync.Mutex
	conns  map[net.Conn]struct{}
	closed bool
}

func newTracker() *tracker { return &tracker{conns: map[net.Conn]struct{}{}} }

// add records c; it reports false (and closes c) once the tracker is closed.
func (t *tracker) add(c net.Conn) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		_ = c.Close()
		return false
	}
	t.conns[c] = struct{}{}
	return true
}

func (t *tracker) remove(c net.Conn) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.conns, c)
}

// closeAll closes every connection and refuses later ones.
func (t *tracker) closeAll() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.closed = true
	for c := range t.conns {
		_ = c.Close()
	}
	clear(t.conns)
}

// trackedListener is a listener whose accepted connections a tracker holds.
type trackedListener struct {
	net.Listener
	t *tracker
}

func (l trackedListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	if !l.t.add(c) {
		// The tracker closed meanwhile: the listener is being shut down too.
		return nil, net.ErrClosed
	}
	return &trackedConn{Conn: c, t: l.t}, nil
}

// trackedConn forgets itself when closed.
type trackedConn struct {
	net.Conn
	t    *tracker
	once sync.Once
}

func (c *trackedConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(func() { c.t.remove(c.Conn) })
	if errors.Is(err, net.ErrClosed) {
		return nil // closeAll got there first
	}
	return err
}
