package deploy

import (
	"context"
	"io"
	"time"

	"github.com/ocsetup/ocsetup/installer/remote"
)

// ftpTransport uploads over pipelined FTP connections of its own
// (remote.FTPPipe): two round trips per file instead of six, folders in one
// batch. It opens as many as the pool may (Files.Size).
type ftpTransport struct {
	files   Files
	trust   *remote.Trust
	retries int
	backoff time.Duration
}

func (t *ftpTransport) close() {}

// withPipe runs fn on a fresh pipe, reconnecting after transient failures
// with exponential backoff. fn must be safe to run again.
func (t *ftpTransport) withPipe(ctx context.Context, fn func(*remote.FTPPipe) error) error {
	wait := t.backoff
	for attempt := 0; ; attempt++ {
		p, err := remote.DialFTPPipe(ctx, t.files.Site(), t.trust)
		if err == nil {
			err = fn(p)
			_ = p.Close()
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
	done = q.serial(done)
	err := workers(t.files.Size(), func() error {
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
