package remote

import (
	"context"
	"sync"
)

// ListMany lists several folders on one connection. Over SFTP the requests
// travel together (pkg/sftp keeps many in flight on one session), so the
// folders cost about one listing's round trips instead of one each; other
// channels list one after the other. lists[i] and errs[i] belong to
// dirs[i]; a missing folder is an error of KindNotFound.
func ListMany(ctx context.Context, c Conn, dirs []string) (lists [][]FileInfo, errs []error) {
	lists, errs = make([][]FileInfo, len(dirs)), make([]error, len(dirs))
	s, ok := c.(*sftpConn)
	if !ok {
		for i, d := range dirs {
			lists[i], errs[i] = c.List(ctx, d)
		}
		return lists, errs
	}
	const inFlight = 32
	var wg sync.WaitGroup
	next := make(chan int)
	for range min(inFlight, len(dirs)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				lists[i], errs[i] = s.List(ctx, dirs[i])
			}
		}()
	}
	for i := range dirs {
		next <- i
	}
	close(next)
	wg.Wait()
	return lists, errs
}
