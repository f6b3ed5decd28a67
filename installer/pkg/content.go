package pkg

import (
	"bytes"
	"crypto/sha256"
	"io"

	"github.com/ocsetup/ocsetup/installer/msg"
)

// WithContent returns a copy of the package in which the file at path has
// the given bytes: how a connector's config file (OneBox's cron.php with
// its host and key filled in) travels the same atomic, manifest-recorded
// upload path as the rest of the package. The original is not changed.
func (p *Package) WithContent(path string, data []byte) (*Package, error) {
	i := -1
	for j, f := range p.Files {
		if f.Path == path {
			i = j
		}
	}
	if i < 0 {
		return nil, msg.NewError("error.pkg.no_file", "Path", path)
	}
	cp := *p
	cp.Files = append([]File(nil), p.Files...)
	f := cp.Files[i]
	f.Size = int64(len(data))
	f.SHA256 = sha256.Sum256(data)
	owned := append([]byte(nil), data...)
	f.open = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(owned)), nil }
	cp.Files[i] = f
	return &cp, nil
}
