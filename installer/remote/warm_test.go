package remote_test

import (
	"context"
	"sync"
	"testing"

	"github.com/ocsetup/ocsetup/installer/remote"
	"github.com/ocsetup/ocsetup/installer/remote/memconn"
)

// countingConn tells the test when the pool closes a connection.
type countingConn struct {
	remote.Conn
	closed func()
}

func (c *countingConn) Close() error { c.closed(); return c.Conn.Close() }

// budget counts the connections of a pool: how many were made, how many
// are open, and the most open at once.
type budget struct {
	mu                sync.Mutex
	dials, open, peak int
	dialed            chan struct{}
	srv               *memconn.Server
}

func (b *budget) dial(ctx context.Context) (remote.Conn, error) {
	c, err := b.srv.Dial(ctx)
	if err != nil {
		return nil, err
	}
	b.mu.Lock()
	b.dials++
	b.open++
	b.peak = max(b.peak, b.open)
	b.mu.Unlock()
	b.dialed <- struct{}{}
	var once sync.Once
	return &countingConn{Conn: c, closed: func() {
		once.Do(func() { b.mu.Lock(); b.open--; b.mu.Unlock() })
	}}, nil
}

// TestPoolWarm: Warm logs in the pool's other connections ahead; the
// callers that then work in parallel use them (no login of their own), and
// the pool never holds more connections than its size, even when Warm runs
// while every connection is busy.
func TestPoolWarm(t *testing.T) {
	srv := memconn.New("/")
	if err := srv.WriteFile("/a.txt", []byte("a")); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	b := &budget{srv: srv, dialed: make(chan struct{}, 16)}
	pool, err := remote.OpenWith(ctx, srv.Site(), 3, b.dial)
	if err != nil {
		t.Fatal(err)
	}
	<-b.dialed
	pool.Warm(ctx)
	<-b.dialed
	<-b.dialed
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := pool.List(ctx, "/"); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	pool.Close()
	if b.dials != 3 || b.peak > 3 || b.open != 0 {
		t.Errorf("%d logins, %d connections at once, %d left open; want 3 logins, at most 3 at once, none open", b.dials, b.peak, b.open)
	}

	// Every connection busy when Warm is asked: it must not add one.
	b = &budget{srv: srv, dialed: make(chan struct{}, 16)}
	pool, err = remote.OpenWith(ctx, srv.Site(), 2, b.dial)
	if err != nil {
		t.Fatal(err)
	}
	<-b.dialed
	hold, busy := make(chan struct{}), make(chan struct{})
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = pool.Do(ctx, func(remote.Conn) error { busy <- struct{}{}; <-hold; return nil })
		}()
	}
	<-busy
	<-busy
	<-b.dialed // the second caller logged in itself
	pool.Warm(ctx)
	close(hold)
	wg.Wait()
	// Warm's login, if it wrongly made one, is counted before the pool's
	// callers below can get a token after it.
	for range 10 {
		if _, err := pool.List(ctx, "/"); err != nil {
			t.Fatal(err)
		}
	}
	pool.Close()
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.dials != 2 || b.peak > 2 {
		t.Errorf("%d logins, %d connections at once; the pool's size is 2", b.dials, b.peak)
	}
}
