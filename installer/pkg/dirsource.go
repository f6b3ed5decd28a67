package pkg

import (
	"errors"
	"io"
	"io/fs"
	"os"
)

// openDir walks a folder package through an os.Root, which refuses to
// follow anything out of the folder even if a link appears after the walk.
func openDir(path, name string, lim Limits) (*Package, error) {
	root, err := os.OpenRoot(path)
	if err != nil {
		return nil, err
	}
	p, err := walkDir(root, name, lim)
	if err != nil {
		root.Close()
		return nil, err
	}
	return p, nil
}

func walkDir(root *os.Root, name string, lim Limits) (*Package, error) {
	fsys := root.FS()
	var entries []entry
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p == "." {
			return nil
		}
		if len(entries) == lim.MaxEntries {
			return refuse(ReasonTooManyEntries, "", "more than %d files and folders", lim.MaxEntries)
		}
		raw := p
		if d.IsDir() {
			raw += "/"
		}
		clean, rerr := checkName(raw)
		if rerr != nil {
			return rerr
		}
		// d.Type comes from lstat: links are seen, not followed.
		switch t := d.Type(); {
		case t&fs.ModeSymlink != 0:
			return refuse(ReasonSymlink, raw, "")
		case t&^fs.ModeDir != 0:
			return refuse(ReasonSpecialFile, raw, "file type %v", t)
		}
		e := entry{raw: raw, name: clean, dir: d.IsDir(), junk: isJunk(clean), csize: -1}
		if !e.dir {
			info, err := d.Info()
			if err != nil {
				return err
			}
			e.size, e.mode = info.Size(), info.Mode().Perm()
			e.open = func() (io.ReadCloser, error) { return openRegular(root, p) }
		}
		entries = append(entries, e)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return build(name, SourceDir, entries, lim, root)
}

// openRegular opens a file of the folder package and makes sure it is still
// a regular file (it may have been replaced since the walk).
func openRegular(root *os.Root, p string) (io.ReadCloser, error) {
	f, err := root.Open(p)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if !st.Mode().IsRegular() {
		f.Close()
		return nil, errors.New(p + " is no longer a regular file")
	}
	return f, nil
}
