package deploy

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"sync"

	"github.com/ocsetup/ocsetup/installer/msg"
	"github.com/ocsetup/ocsetup/installer/pkg"
	"github.com/ocsetup/ocsetup/installer/remote"
)

// task is one file to place.
type task struct {
	index     int    // in Manifest.Entries
	rel       string // store-relative
	abs, temp string // as the server shows them
	size      int64
	// open gives the content, failing if it is not what was recorded.
	open  func() (io.ReadCloser, error)
	from  string // where the content comes from, for messages
	tries int    // failed sends of this file (guarded by queue.mu)
}

// packageTask places a package file.
func packageTask(i int, rel, abs, temp string, f pkg.File) *task {
	return &task{index: i, rel: rel, abs: abs, temp: temp, size: f.Size, open: f.Open, from: "the package's " + f.Path}
}

// queue hands tasks to the connections. A task whose connection failed goes
// back in; a permanent failure stops the handing out.
type queue struct {
	mu     sync.Mutex
	tasks  []*task
	failed error
	doneMu sync.Mutex
	// maxTries bounds how often one file is sent after transient
	// failures of its own (retry); 0 means 4.
	maxTries int
}

func (q *queue) next() (*task, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.failed != nil || len(q.tasks) == 0 {
		return nil, false
	}
	t := q.tasks[0]
	q.tasks = q.tasks[1:]
	return t, true
}

func (q *queue) len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.tasks)
}

func (q *queue) empty() bool { return q.len() == 0 }

func (q *queue) requeue(ts ...*task) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.tasks = append(ts, q.tasks...)
}

// retry takes back a task that failed on its own with a transient error
// (the connection still works: a cut transfer, a 426). It goes to the back,
// so the other files move on; after maxTries failures the upload stops with
// its error, instead of sending a file that never arrives forever.
func (q *queue) retry(tk *task, err error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	tk.tries++
	limit := q.maxTries
	if limit <= 0 {
		limit = 4
	}
	if tk.tries >= limit {
		if q.failed == nil {
			q.failed = msg.Wrap(err, "error.deploy.failed_times", "Path", tk.rel, "Count", tk.tries)
		}
		return
	}
	q.tasks = append(q.tasks, tk)
}

func (q *queue) fail(err error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.failed == nil {
		q.failed = err
	}
}

// result is the outcome once every worker stopped: the permanent failure,
// else the last worker error if tasks are left, else nil.
func (q *queue) result(workerErr error) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	switch {
	case q.failed != nil:
		return q.failed
	case len(q.tasks) > 0 && workerErr != nil:
		return workerErr
	case len(q.tasks) > 0:
		return errors.New("deploy: files were left unsent")
	}
	return nil
}

// serial makes done safe to call from many goroutines.
func (q *queue) serial(done func(*task)) func(*task) {
	return func(t *task) {
		q.doneMu.Lock()
		defer q.doneMu.Unlock()
		done(t)
	}
}

// workers runs fn on n goroutines and returns the last error seen.
func workers(n int, fn func() error) error {
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		last error
	)
	for range max(n, 1) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := fn(); err != nil {
				mu.Lock()
				last = err
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return last
}

// readContent reads a task's content whole, checked against its hash.
func readContent(tk *task) ([]byte, error) {
	rc, err := tk.open()
	if err != nil {
		return nil, &localError{msg.Wrap(err, "error.deploy.read_local", "Path", tk.from)}
	}
	defer rc.Close()
	buf := bytes.NewBuffer(make([]byte, 0, tk.size))
	if _, err := io.Copy(buf, rc); err != nil {
		return nil, &localError{msg.Wrap(err, "error.deploy.read_local", "Path", tk.from)}
	}
	return buf.Bytes(), nil
}

// backupTask restores a backup file, checked against the recorded content.
func backupTask(i int, rel, abs, local string, old *Content) *task {
	return &task{index: i, rel: rel, abs: abs, temp: remote.TempName(abs), size: old.Size, from: "the backup " + local,
		open: func() (io.ReadCloser, error) {
			b, err := os.ReadFile(local)
			if err != nil {
				return nil, err
			}
			sum := sha256.Sum256(b)
			if int64(len(b)) != old.Size || old.SHA256 != "" && hex.EncodeToString(sum[:]) != old.SHA256 {
				return nil, msg.NewError("error.deploy.backup_changed", "Size", len(b), "Recorded", old.Size)
			}
			return io.NopCloser(bytes.NewReader(b)), nil
		}}
}

// localError is a failure on this machine (reading the package, writing a
// backup). Retrying on another connection cannot help.
type localError struct{ err error }

func (e *localError) Error() string { return e.err.Error() }
func (e *localError) Unwrap() error { return e.err }

func isLocal(err error) bool {
	var le *localError
	return errors.As(err, &le)
}

// connTransport works through remote.Conn alone: one file at a time per
// connection, each written under its temporary name and renamed. It serves
// any channel; FTP without a Trust for pipes ends up here.
type connTransport struct{ files Files }

func (t *connTransport) close() {}

func (t *connTransport) mkdirs(ctx context.Context, dirs []string) error {
	return t.files.Do(ctx, func(c remote.Conn) error {
		for _, d := range dirs {
			if err := c.Mkdir(ctx, d); err != nil {
				if fi, serr := c.Stat(ctx, d); serr != nil || !fi.IsDir() {
					return err
				}
			}
		}
		return nil
	})
}

func (t *connTransport) remove(ctx context.Context, names []string) error {
	return parallel(ctx, len(names), t.files.Size(), func(i int) error {
		err := t.files.Do(ctx, func(c remote.Conn) error { return c.Remove(ctx, names[i]) })
		if remote.KindOf(err) == remote.KindNotFound {
			return nil
		}
		return err
	})
}

func (t *connTransport) put(ctx context.Context, q *queue, done func(*task)) error {
	done = q.serial(done)
	err := workers(t.files.Size(), func() error {
		return t.files.Do(ctx, func(c remote.Conn) error {
			for {
				tk, ok := q.next()
				if !ok {
					return nil
				}
				if err := putConn(ctx, c, tk); err != nil {
					if remote.IsTransient(err) {
						q.requeue(tk)
					} else {
						q.fail(err)
					}
					return err
				}
				done(tk)
			}
		})
	})
	return q.result(err)
}

func putConn(ctx context.Context, c remote.Conn, tk *task) error {
	data, err := readContent(tk)
	if err != nil {
		return err
	}
	if err := c.Store(ctx, tk.temp, bytes.NewReader(data)); err != nil {
		removeQuiet(c, tk.temp)
		return err
	}
	if err := c.Rename(ctx, tk.temp, tk.abs); err != nil {
		removeQuiet(c, tk.temp)
		return err
	}
	return nil
}

// removeQuiet removes a temporary file after a failure, with its own short
// deadline: the caller's context may be why it failed.
func removeQuiet(c remote.Conn, name string) {
	ctx, cancel := context.WithTimeout(context.Background(), 5e9)
	defer cancel()
	_ = c.Remove(ctx, name)
}
