package demo

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path"
	"strings"

	"github.com/pkg/sftp"
)

// rootFS answers SFTP requests from one folder, the way a chrooted hosting
// account sees its home: "/" is the folder. Every path goes through
// os.Root, which refuses ".." and symbolic links that lead out of it, so
// the demo's password opens the demo folder and nothing else on this
// machine.
type rootFS struct{ root *os.Root }

// handlers serves every kind of request from fs.
func (fs *rootFS) handlers() sftp.Handlers {
	return sftp.Handlers{FileGet: fs, FilePut: fs, FileCmd: fs, FileList: fs}
}

// rel turns the client's absolute slash path into a path inside the root.
// The request server has already cleaned it against "/".
func rel(p string) string {
	p = strings.TrimPrefix(path.Clean("/"+p), "/")
	if p == "" {
		return "."
	}
	return p
}

func (fs *rootFS) Fileread(r *sftp.Request) (io.ReaderAt, error) {
	return fs.root.Open(rel(r.Filepath))
}

func (fs *rootFS) Filewrite(r *sftp.Request) (io.WriterAt, error) {
	return fs.open(r)
}

// OpenFile serves handles opened for reading and writing at once.
func (fs *rootFS) OpenFile(r *sftp.Request) (sftp.WriterAtReaderAt, error) {
	return fs.open(r)
}

func (fs *rootFS) open(r *sftp.Request) (*os.File, error) {
	pf := r.Pflags()
	flags := os.O_WRONLY
	if pf.Read {
		flags = os.O_RDWR
	}
	if pf.Creat {
		flags |= os.O_CREATE
	}
	if pf.Trunc {
		flags |= os.O_TRUNC
	}
	if pf.Excl {
		flags |= os.O_EXCL
	}
	// No O_APPEND even when asked: the server writes with WriteAt, which
	// O_APPEND forbids; clients that append send the offsets themselves.
	return fs.root.OpenFile(rel(r.Filepath), flags, 0o644)
}

func (fs *rootFS) Filecmd(r *sftp.Request) error {
	name := rel(r.Filepath)
	switch r.Method {
	case "Setstat":
		return fs.setstat(name, r)
	case "Rename":
		// Plain SFTP rename refuses to replace, as OpenSSH's does; clients
		// that want to replace use posix-rename (PosixRename below).
		if _, err := fs.root.Lstat(rel(r.Target)); err == nil {
			return os.ErrExist
		}
		return fs.root.Rename(name, rel(r.Target))
	case "Mkdir":
		return fs.root.Mkdir(name, 0o755)
	case "Rmdir":
		if fi, err := fs.root.Lstat(name); err != nil {
			return err
		} else if !fi.IsDir() {
			return &os.PathError{Op: "rmdir", Path: r.Filepath, Err: errors.New("not a folder")}
		}
		return fs.root.Remove(name)
	case "Remove":
		if fi, err := fs.root.Lstat(name); err != nil {
			return err
		} else if fi.IsDir() {
			return &os.PathError{Op: "remove", Path: r.Filepath, Err: errors.New("is a folder")}
		}
		return fs.root.Remove(name)
	}
	// Links could point out of the folder; a demo has no use for them.
	return sftp.ErrSSHFxOpUnsupported
}

// PosixRename replaces the target atomically, as OpenSSH's extension does.
func (fs *rootFS) PosixRename(r *sftp.Request) error {
	return fs.root.Rename(rel(r.Filepath), rel(r.Target))
}

func (fs *rootFS) setstat(name string, r *sftp.Request) error {
	flags, attrs := r.AttrFlags(), r.Attributes()
	if flags.Size {
		f, err := fs.root.OpenFile(name, os.O_WRONLY, 0)
		if err != nil {
			return err
		}
		err = f.Truncate(int64(attrs.Size))
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
	}
	if flags.Permissions {
		if err := fs.root.Chmod(name, attrs.FileMode().Perm()); err != nil {
			return err
		}
	}
	if flags.Acmodtime {
		if err := fs.root.Chtimes(name, attrs.AccessTime(), attrs.ModTime()); err != nil {
			return err
		}
	}
	// Owner changes are ignored, as a hosting account may not make them
	// either; the files stay the app user's own.
	return nil
}

func (fs *rootFS) Filelist(r *sftp.Request) (sftp.ListerAt, error) {
	name := rel(r.Filepath)
	switch r.Method {
	case "List":
		d, err := fs.root.Open(name)
		if err != nil {
			return nil, err
		}
		defer d.Close()
		list, err := d.Readdir(-1)
		if err != nil {
			return nil, err
		}
		return listerAt(list), nil
	case "Stat":
		fi, err := fs.root.Stat(name)
		if err != nil {
			return nil, err
		}
		return listerAt{fi}, nil
	}
	return nil, sftp.ErrSSHFxOpUnsupported
}

// Lstat does not follow a final symbolic link, as SFTP's lstat must not.
func (fs *rootFS) Lstat(r *sftp.Request) (sftp.ListerAt, error) {
	fi, err := fs.root.Lstat(rel(r.Filepath))
	if err != nil {
		return nil, err
	}
	return listerAt{fi}, nil
}

// listerAt hands out a fixed listing in the pieces the server asks for.
type listerAt []fs.FileInfo

func (l listerAt) ListAt(dst []fs.FileInfo, offset int64) (int, error) {
	if offset >= int64(len(l)) {
		return 0, io.EOF
	}
	n := copy(dst, l[offset:])
	if n < len(dst) {
		return n, io.EOF
	}
	return n, nil
}
