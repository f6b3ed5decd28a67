package sync

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/pkg/sftp"
	"golang.org/x/crypto/ssh"

	"github.com/ocsetup/ocsetup/installer/remote"
)

// ftpTailLimit bounds a tail read over FTP: remote.Conn has no ranged
// download, so over FTP the whole file streams by and only its end is
// kept. Bigger logs are refused rather than downloaded every poll.
const ftpTailLimit = 1 << 20

// PoolLog reads log tails over the files channel. Over SFTP it reads only
// the tail (a second SFTP session on the pool's SSH connection, which can
// seek); over FTP it streams files up to ftpTailLimit.
type PoolLog struct{ Pool *remote.Pool }

// Stat describes the file.
func (p PoolLog) Stat(ctx context.Context, path string) (remote.FileInfo, error) {
	return p.Pool.Stat(ctx, path)
}

// ReadTail returns the last n bytes of a file of the given size.
func (p PoolLog) ReadTail(ctx context.Context, path string, size, n int64) ([]byte, error) {
	var out []byte
	err := p.Pool.Do(ctx, func(c remote.Conn) (err error) {
		if client, ok := remote.SSHClient(c); ok {
			out, err = sftpTail(ctx, client, path, size, n)
			return err
		}
		if size > ftpTailLimit {
			return fmt.Errorf("%s is %d bytes; over FTP ocsetup reads logs up to %d bytes (connect over SFTP to follow bigger logs)", path, size, ftpTailLimit)
		}
		t := &tailWriter{keep: int(n), limit: ftpTailLimit}
		if err := c.Retrieve(ctx, path, t); err != nil {
			return err
		}
		out = t.buf
		return nil
	})
	return out, err
}

func sftpTail(ctx context.Context, conn *ssh.Client, path string, size, n int64) ([]byte, error) {
	client, err := sftp.NewClient(conn)
	if err != nil {
		return nil, fmt.Errorf("sftp session for %s: %w", path, err)
	}
	done := make(chan struct{})
	defer close(done)
	go func() {
		select {
		case <-ctx.Done():
			_ = client.Close() // unblocks the read below
		case <-done:
		}
	}()
	defer client.Close()
	f, err := client.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	buf := make([]byte, n)
	got, err := f.ReadAt(buf, size-n)
	if errors.Is(err, io.EOF) {
		err = nil // the file shrank since Stat; keep what there is
	}
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	return buf[:got], err
}

// tailWriter keeps the last keep bytes of what streams through it and
// refuses more than limit bytes in all.
type tailWriter struct {
	buf   []byte
	keep  int
	limit int64
	seen  int64
}

func (t *tailWriter) Write(b []byte) (int, error) {
	t.seen += int64(len(b))
	if t.seen > t.limit {
		return 0, fmt.Errorf("the log is larger than %d bytes", t.limit)
	}
	t.buf = append(t.buf, b...)
	if len(t.buf) > t.keep {
		t.buf = append(t.buf[:0], t.buf[len(t.buf)-t.keep:]...)
	}
	return len(b), nil
}
