package app

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path"
	"path/filepath"
	"sort"

	"github.com/ocsetup/ocsetup/installer/msg"
	"github.com/ocsetup/ocsetup/installer/remote"
)

// modCacheDir is where 2.x and 3.x keep the files their modification
// refresh writes (DIR_MODIFICATION in the default layout).
const modCacheDir = "system/storage/modification"

// ModCache is the store's modification cache as it was before a setup
// registered an OCMOD modification: a refresh rewrites the whole folder,
// so putting it back file by file is what makes an uninstall leave the
// store's files exactly as they were. The files' content is kept in the
// data folder (Backup), by SHA-256.
type ModCache struct {
	Dir    string            `json:"dir"`
	Files  map[string]string `json:"files"` // path under Dir → SHA-256
	Dirs   []string          `json:"dirs"`
	Backup string            `json:"backup"`
}

// snapshotModCache copies the modification cache folder of the store.
func snapshotModCache(ctx context.Context, pool *remote.Pool, root, backup string) (*ModCache, error) {
	mc := &ModCache{Dir: path.Join(root, modCacheDir), Files: map[string]string{}, Backup: backup}
	if err := os.MkdirAll(backup, 0o700); err != nil {
		return nil, err
	}
	files, dirs, err := walkRemote(ctx, pool, mc.Dir)
	if err != nil {
		return nil, msg.Wrap(err, "error.cli.modcache.read", "Dir", mc.Dir)
	}
	mc.Dirs = dirs
	for _, f := range files {
		data, err := pool.ReadFile(ctx, path.Join(mc.Dir, f), 32<<20)
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(data)
		h := hex.EncodeToString(sum[:])
		if err := os.WriteFile(filepath.Join(backup, h), data, 0o600); err != nil {
			return nil, err
		}
		mc.Files[f] = h
	}
	return mc, nil
}

// restore puts the folder back as the snapshot found it: files it did
// not have are removed, changed and missing ones written back, folders it
// did not have removed.
func (mc *ModCache) restore(ctx context.Context, pool *remote.Pool) error {
	files, dirs, err := walkRemote(ctx, pool, mc.Dir)
	if err != nil {
		return err
	}
	for _, f := range files {
		want, ok := mc.Files[f]
		if ok {
			data, err := pool.ReadFile(ctx, path.Join(mc.Dir, f), 32<<20)
			if err != nil {
				return err
			}
			sum := sha256.Sum256(data)
			if hex.EncodeToString(sum[:]) == want {
				continue
			}
		}
		if err := pool.Remove(ctx, path.Join(mc.Dir, f)); err != nil {
			return err
		}
	}
	had := map[string]bool{}
	for _, d := range mc.Dirs {
		had[d] = true
	}
	for _, d := range mc.Dirs {
		_ = pool.Mkdir(ctx, path.Join(mc.Dir, d))
	}
	for f, h := range mc.Files {
		data, err := os.ReadFile(filepath.Join(mc.Backup, h))
		if err != nil {
			return err
		}
		cur, err := pool.ReadFile(ctx, path.Join(mc.Dir, f), 32<<20)
		if err == nil && bytes.Equal(cur, data) {
			continue
		}
		if err := pool.WriteAtomic(ctx, path.Join(mc.Dir, f), data); err != nil {
			return err
		}
	}
	sort.Sort(sort.Reverse(sort.StringSlice(dirs))) // deepest first
	for _, d := range dirs {
		if !had[d] {
			if err := pool.RemoveDir(ctx, path.Join(mc.Dir, d)); err != nil {
				return err
			}
		}
	}
	return nil
}

// walkRemote lists a remote folder recursively: files and folders,
// relative to dir.
func walkRemote(ctx context.Context, pool *remote.Pool, dir string) (files, dirs []string, err error) {
	var walk func(rel string, depth int) error
	walk = func(rel string, depth int) error {
		if depth > 16 {
			return msg.NewError("error.cli.modcache.deep", "Dir", path.Join(dir, rel))
		}
		list, err := pool.List(ctx, path.Join(dir, rel))
		if err != nil {
			return err
		}
		for _, fi := range list {
			child := path.Join(rel, fi.Name)
			if fi.IsDir() {
				dirs = append(dirs, child)
				if err := walk(child, depth+1); err != nil {
					return err
				}
			} else {
				files = append(files, child)
			}
		}
		return nil
	}
	err = walk("", 0)
	sort.Strings(files)
	sort.Strings(dirs)
	return files, dirs, err
}
