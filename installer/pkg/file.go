package pkg

import (
	"crypto/sha256"
	"errors"
	"hash"
	"io"
	"io/fs"
)

// File is one file to install.
type File struct {
	// Path is relative to the files root, slash separated, e.g.
	// "admin/controller/extension/payment/foo.php".
	Path string
	// Size and SHA256 are taken from the bytes read by Open, not from the
	// zip header.
	Size   int64
	SHA256 [sha256.Size]byte
	// Mode holds the permission bits the archive or folder recorded.
	Mode fs.FileMode
	// Namespace is the PHP namespace a .php file declares near its top, or
	// "". OpenCart 4 classes live in Opencart\…\Extension\<Code>\….
	Namespace string

	open func() (io.ReadCloser, error)
}

// Open returns the file's content. The reader fails with ErrContentChanged
// if the bytes differ from what Open saw (the zip or folder was changed in
// between), so a caller never uploads something it did not check.
func (f File) Open() (io.ReadCloser, error) {
	if f.open == nil {
		return nil, errors.New("pkg: file " + f.Path + " has no content source")
	}
	rc, err := f.open()
	if err != nil {
		return nil, err
	}
	return &verifier{r: io.LimitReader(rc, f.Size+1), c: rc, h: sha256.New(), f: f}, nil
}

type verifier struct {
	r io.Reader
	c io.Closer
	h hash.Hash
	n int64
	f File
}

func (v *verifier) Read(p []byte) (int, error) {
	n, err := v.r.Read(p)
	v.h.Write(p[:n])
	v.n += int64(n)
	if v.n > v.f.Size {
		return n, ErrContentChanged
	}
	if err == io.EOF {
		var sum [sha256.Size]byte
		if v.n != v.f.Size || [sha256.Size]byte(v.h.Sum(sum[:0])) != v.f.SHA256 {
			return n, ErrContentChanged
		}
	}
	return n, err
}

func (v *verifier) Close() error { return v.c.Close() }
