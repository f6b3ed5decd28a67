package deploy

import (
	"context"
	"errors"
	"io"
	"time"

	"github.com/ocsetup/ocsetup/installer/remote"
)

// ftpTransport uploads with pipelined FTP commands (remote.FTPPipe): two
// round trips per file instead of six, folders in one batch. The pipes are
// the pool's own connections, borrowed (remote.FTPPipeOf): no extra login,
// and never more connections than the pool's budget, which hosts that
// allow two per address enforce with 421.
type ftpTransport struct {
	files   Files
	retries int
	backoff time.Duration
}

func (t *ftpTransport) close() {}

// pipeFailed carries a failure out of Files.Do without its retry: the
// transport retries itself, with the engine's settings.
type pipeFailed struct{ err error }

func (e *pipeFailed) Error() string { return e.err.Error() }

// withPipe runs fn on a borrowed pipe, again on a fresh connection after a
// transient failure, with exponential backoff. fn must be safe to run again.
func (t *ftpTransport) withPipe(ctx context.Context, fn func(*remote.FTPPipe) error) error {
	wait := t.backoff
	for attempt := 0; ; attempt++ {
		err := t.files.Do(ctx, func(c remote.Conn) error {
			p, ok := remote.FTPPipeOf(c)
			if !ok {
				return errors.New("deploy: an FTP site gave a connection without FTP")
			}
			err := fn(p)
			_ = p.Close() // gives the connection back, or marks it broken
			if err != nil {
				return &pipeFailed{err}
			}
			return nil
		})
		var pf *pipeFailed
		if errors.As(err, &pf) {
			err = pf.err
		}
		if err == nil || !remote.IsTransient(err) || attempt >= t.retries || ctx.Err() != nil {
			return err
		}
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return &remote.Error{Kind: remote.KindCanceled, Op: "retry", Err: ctx.Err()}
		}
		wait *= 2
	}
}

func (t *ftpTransport) mkdirs(ctx context.Context, dirs []string) error {
	return t.withPipe(ctx, func(p *remote.FTPPipe) error { return p.Mkdirs(ctx, dirs) })
}

// remove deletes files with pipelined DELE commands. FTP answers 550 both
// for "missing" and "not allowed", so the replies are not judged here; the
// caller lists the folders afterwards.
func (t *ftpTransport) remove(ctx context.Context, names []string) error {
	if len(names) == 0 {
		return nil
	}
	return t.withPipe(ctx, func(p *remote.FTPPipe) error { return p.Delete(ctx, names) })
}

func (t *ftpTransport) put(ctx context.Context, q *queue, done func(*task)) error {
	if q.empty() {
		return nil
	}
	done = q.serial(done)
	err := workers(min(t.files.Size(), q.len()), func() error {
		return t.withPipe(ctx, func(p *remote.FTPPipe) error {
			inflight := map[string]*task{}
			err := p.StoreAtomic(ctx,
				func() (remote.PipeFile, bool) {
					tk, ok := q.next()
					if !ok {
						return remote.PipeFile{}, false
					}
					inflight[tk.temp] = tk
					return remote.PipeFile{Temp: tk.temp, Final: tk.abs, Size: tk.size,
						Open: func() (io.ReadCloser, error) {
							rc, err := tk.open()
							if err != nil {
								return nil, &localError{err}
							}
							return rc, nil
						}}, true
				},
				func(pf remote.PipeFile, ferr error) {
					tk := inflight[pf.Temp]
					delete(inflight, pf.Temp)
					switch {
					case ferr == nil:
						done(tk)
					case remote.IsTransient(ferr):
						q.retry(tk, ferr)
					default:
						q.fail(ferr)
					}
				})
			for _, tk := range inflight {
				q.requeue(tk)
			}
			if err != nil && !remote.IsTransient(err) {
				q.fail(err)
			}
			return err
		})
	})
	return q.result(err)
}
