package deploy

import (
	"bytes"
	"context"
	"errors"
	"os"
	"sort"
	"sync"

	"github.com/pkg/sftp"

	"github.com/ocsetup/ocsetup/installer/remote"
)

// sftpTransport keeps many files in flight on each connection. A file costs
// OPEN, WRITE, CLOSE and RENAME, each waiting for its reply; with inFlight
// files at once on one SFTP session those waits overlap
// (docs/upload.md: ~3 s instead of ~30 s for 300 files at
// 50 ms). pkg/sftp's Client is safe for concurrent use; each connection of
// the pool gets a session of its own, opened on the pool's SSH connection.
type sftpTransport struct {
	files    Files
	inFlight int
}

func (t *sftpTransport) close() {}

// session runs fn with the connection's SFTP session (opened at login: a
// new one would cost a channel's round trips), or else a session of its own
// on the connection's SSH transport. When ctx is cancelled the session is
// closed, the connection's own by closing the connection (the pool then
// drops it), so that waiting calls return.
func (t *sftpTransport) session(ctx context.Context, c remote.Conn, fn func(*sftp.Client) error) error {
	if sc, ok := remote.SFTPClient(c); ok {
		stop := context.AfterFunc(ctx, func() { _ = c.Close() })
		err := fn(sc)
		stop()
		if ctx.Err() != nil {
			return &remote.Error{Kind: remote.KindCanceled, Op: "upload", Err: ctx.Err()}
		}
		return err
	}
	client, ok := remote.SSHClient(c)
	if !ok {
		return errors.New("deploy: an SFTP site gave a connection without SSH")
	}
	sc, err := sftp.NewClient(client, sftp.UseConcurrentWrites(true))
	if err != nil {
		return sftpErr("start SFTP", c, err)
	}
	stop := context.AfterFunc(ctx, func() { _ = sc.Close() })
	defer stop()
	defer sc.Close()
	err = fn(sc)
	if ctx.Err() != nil {
		return &remote.Error{Kind: remote.KindCanceled, Op: "upload", Err: ctx.Err()}
	}
	return err
}

// mkdirs creates the folders all at once, parents first (sftp-server
// handles a session's requests in the order they arrive, so usually every
// one succeeds in one round trip); those refused (a parent's request
// overtaken by its child's, or a folder that exists) are then created
// level by level, each level in parallel.
func (t *sftpTransport) mkdirs(ctx context.Context, dirs []string) error {
	return t.files.Do(ctx, func(c remote.Conn) error {
		return t.session(ctx, c, func(sc *sftp.Client) error {
			refused := make([]bool, len(dirs))
			_ = parallel(ctx, len(dirs), t.inFlight, func(i int) error {
				refused[i] = sc.Mkdir(dirs[i]) != nil
				return nil
			})
			levels := map[int][]string{}
			for i, d := range dirs {
				if refused[i] {
					levels[depth(d)] = append(levels[depth(d)], d)
				}
			}
			keys := make([]int, 0, len(levels))
			for k := range levels {
				keys = append(keys, k)
			}
			sort.Ints(keys)
			for _, k := range keys {
				level := levels[k]
				err := parallel(ctx, len(level), t.inFlight, func(i int) error {
					d := level[i]
					if err := sc.Mkdir(d); err != nil {
						// OpenSSH answers a plain failure for "exists".
						if fi, serr := sc.Stat(d); serr == nil && fi.IsDir() {
							return nil
						}
						return sftpErr("create folder "+d, c, err)
					}
					return nil
				})
				if err != nil {
					return err
				}
			}
			return nil
		})
	})
}

// remove deletes files, many in flight; missing ones are fine.
func (t *sftpTransport) remove(ctx context.Context, names []string) error {
	if len(names) == 0 {
		return nil
	}
	return t.files.Do(ctx, func(c remote.Conn) error {
		return t.session(ctx, c, func(sc *sftp.Client) error {
			return parallel(ctx, len(names), t.inFlight, func(i int) error {
				if err := sc.Remove(names[i]); err != nil && !errors.Is(err, os.ErrNotExist) {
					return sftpErr("delete "+names[i], c, err)
				}
				return nil
			})
		})
	})
}

func (t *sftpTransport) put(ctx context.Context, q *queue, done func(*task)) error {
	if q.empty() {
		return nil // no session to open
	}
	done = q.serial(done)
	err := workers(t.files.Size(), func() error {
		return t.files.Do(ctx, func(c remote.Conn) error {
			return t.session(ctx, c, func(sc *sftp.Client) error {
				_, posix := sc.HasExtension("posix-rename@openssh.com")
				var (
					mu    sync.Mutex
					first error
				)
				// A failed connection stops this session's goroutines;
				// their tasks go back to the queue for the retry.
				stopped := func() bool {
					mu.Lock()
					defer mu.Unlock()
					return first != nil
				}
				workers(t.inFlight, func() error {
					for !stopped() {
						tk, ok := q.next()
						if !ok {
							return nil
						}
						if err := putSFTP(sc, tk, posix); err != nil {
							err = sftpErr("upload "+tk.abs, c, err)
							if remote.IsTransient(err) {
								q.requeue(tk)
							} else {
								q.fail(err)
							}
							mu.Lock()
							if first == nil {
								first = err
							}
							mu.Unlock()
							return err
						}
						done(tk)
					}
					return nil
				})
				return first
			})
		})
	})
	return q.result(err)
}

// putSFTP writes one file under its temporary name and renames it into
// place. The rename happens only after every write and the close were
// acknowledged, so the final path never holds a partial file.
func putSFTP(sc *sftp.Client, tk *task, posix bool) error {
	data, err := readContent(tk)
	if err != nil {
		return err
	}
	f, err := sc.OpenFile(tk.temp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC)
	if err != nil {
		return err
	}
	_, err = f.ReadFrom(bytes.NewReader(data))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = sc.Remove(tk.temp)
		return err
	}
	if posix {
		err = sc.PosixRename(tk.temp, tk.abs)
	} else if err = sc.Rename(tk.temp, tk.abs); err != nil {
		// Plain SFTP rename refuses to replace: remove, then rename.
		if rerr := sc.Remove(tk.abs); rerr == nil || errors.Is(rerr, os.ErrNotExist) {
			err = sc.Rename(tk.temp, tk.abs)
		}
	}
	if err != nil {
		_ = sc.Remove(tk.temp)
	}
	return err
}

// sftpErr classifies a pkg/sftp failure: a server reply is permanent, any
// other failure is the connection's and worth a retry.
func sftpErr(op string, c remote.Conn, err error) error {
	var re *remote.Error
	if errors.As(err, &re) {
		return err
	}
	host := ""
	if client, ok := remote.SSHClient(c); ok {
		host = client.RemoteAddr().String()
	}
	var se *sftp.StatusError
	switch {
	case errors.Is(err, os.ErrNotExist):
		return &remote.Error{Kind: remote.KindNotFound, Op: op, Host: host, Err: err}
	case errors.Is(err, os.ErrPermission):
		return &remote.Error{Kind: remote.KindPermission, Op: op, Host: host, Err: err}
	case errors.As(err, &se):
		return &remote.Error{Kind: remote.KindOther, Op: op, Host: host, Reply: se.Error(), Err: err}
	case isLocal(err):
		return err
	}
	return &remote.Error{Kind: remote.KindReset, Op: op, Host: host, Err: err}
}
