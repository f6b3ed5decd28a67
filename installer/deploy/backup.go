package deploy

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"

	"github.com/ocsetup/ocsetup/installer/msg"
	"github.com/ocsetup/ocsetup/installer/remote"
)

// backup downloads every file the manifest replaces or removes into the
// manifest's backup folder, before anything on the server changes. A
// backup file is complete once it exists (it is written under a temporary
// name and renamed), so the next run skips it, and its presence is also
// the proof for a rollback that the server file may have been changed.
func (e *Engine) backup(ctx context.Context, m *Manifest) error {
	var todo []int
	var bytes int64
	for i, en := range m.Entries {
		if en.Action != ActReplace && en.Action != ActRemove {
			continue
		}
		local := filepath.Join(m.dir, filepath.FromSlash(en.Backup))
		_, err := os.Stat(local)
		switch {
		case err == nil:
		case !errors.Is(err, os.ErrNotExist):
			return &localError{err}
		case en.Done:
			return msg.NewError("error.deploy.backup_missing", "ID", m.ID, "Path", en.Path, "Backup", local)
		default:
			todo = append(todo, i)
			bytes += en.Old.Size
		}
	}
	if len(todo) == 0 {
		return nil
	}
	tr := newTracker(e.Progress, PhaseBackup, len(todo), bytes)
	err := parallel(ctx, len(todo), e.Files.Size(), func(k int) error {
		i := todo[k]
		m.mu.Lock()
		en := m.Entries[i]
		m.mu.Unlock()
		sum, size, err := e.download(ctx, e.Store.abs(en.Path), filepath.Join(m.dir, filepath.FromSlash(en.Backup)), en.Old)
		if err != nil {
			return err
		}
		m.mu.Lock()
		m.Entries[i].Old = &Content{Size: size, SHA256: sum}
		m.mu.Unlock()
		tr.done(en.Path, size)
		return nil
	})
	if serr := m.save(); err == nil && serr != nil {
		err = msg.Wrap(serr, "error.deploy.save_manifest")
	}
	return err
}

// download copies a server file to local, through a temporary file, and
// checks it against want (the plan's size, and hash when known): a file
// that changed since the plan is not silently replaced.
func (e *Engine) download(ctx context.Context, abs, local string, want *Content) (sum string, size int64, err error) {
	if err := os.MkdirAll(filepath.Dir(local), 0o700); err != nil {
		return "", 0, &localError{err}
	}
	err = e.Files.Do(ctx, func(c remote.Conn) error {
		f, err := os.CreateTemp(filepath.Dir(local), ".part-*")
		if err != nil {
			return &localError{err}
		}
		defer os.Remove(f.Name())
		h := sha256.New()
		cw := &countWriter{}
		rerr := c.Retrieve(ctx, abs, io.MultiWriter(f, h, cw))
		if rerr == nil {
			rerr = f.Sync()
		}
		if cerr := f.Close(); rerr == nil && cerr != nil {
			rerr = &localError{cerr}
		}
		if rerr != nil {
			return rerr
		}
		sum, size = hex.EncodeToString(h.Sum(nil)), cw.n
		if want != nil && (want.Size != size || want.SHA256 != "" && want.SHA256 != sum) {
			return msg.Wrap(ErrStale, "error.deploy.stale_changed", "Path", abs, "Size", size, "Planned", want.Size)
		}
		if err := os.Rename(f.Name(), local); err != nil {
			return &localError{err}
		}
		return nil
	})
	return sum, size, err
}

type countWriter struct{ n int64 }

func (c *countWriter) Write(b []byte) (int, error) {
	c.n += int64(len(b))
	return len(b), nil
}

// removeForFix removes the files and folders a fix takes away; their
// backups were made first.
func (e *Engine) removeForFix(ctx context.Context, m *Manifest) error {
	var todo []int
	for i, en := range m.Entries {
		if en.Action == ActRemove && !en.Done {
			todo = append(todo, i)
		}
	}
	if len(todo) == 0 && len(m.RemovedFolders) == 0 {
		return nil
	}
	tr := newTracker(e.Progress, PhaseRemove, len(todo)+len(m.RemovedFolders), 0)
	err := parallel(ctx, len(todo), e.Files.Size(), func(k int) error {
		en := m.Entries[todo[k]]
		err := e.Files.Do(ctx, func(c remote.Conn) error { return c.Remove(ctx, e.Store.abs(en.Path)) })
		if err != nil && remote.KindOf(err) != remote.KindNotFound {
			return err
		}
		tr.done(en.Path, 0)
		return m.markDone(todo[k])
	})
	if err != nil {
		return err
	}
	// Deepest first: each folder is empty by the time it is removed.
	err = e.Files.Do(ctx, func(c remote.Conn) error {
		for _, d := range m.RemovedFolders {
			if err := c.RemoveDir(ctx, e.Store.abs(d)); err != nil && remote.KindOf(err) != remote.KindNotFound {
				if _, serr := c.Stat(ctx, e.Store.abs(d)); serr != nil && remote.KindOf(serr) == remote.KindNotFound {
					continue
				}
				return msg.Wrap(err, "error.deploy.remove_folder", "Path", e.Store.abs(d))
			}
			tr.done(d, 0)
		}
		return nil
	})
	if serr := m.save(); err == nil && serr != nil {
		err = serr
	}
	return err
}
