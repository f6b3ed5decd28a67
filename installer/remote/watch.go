package remote

import (
	"context"
	"io"
)

// watch closes c when ctx is cancelled, so that a blocked network call (the
// FTP and SFTP libraries take no context) returns at once. The returned stop
// function must be called when the call is over; it reports whether the
// connection was closed because of ctx.
func watch(ctx context.Context, c io.Closer) (stop func() bool) {
	if ctx.Done() == nil {
		return func() bool { return false }
	}
	done := make(chan struct{})
	fired := make(chan bool, 1)
	go func() {
		select {
		case <-ctx.Done():
			_ = c.Close()
			fired <- true
		case <-done:
			fired <- false
		}
	}()
	return func() bool {
		close(done)
		return <-fired
	}
}
