// Package remote is the files channel: one interface to the store's hosting
// over SFTP, FTP with TLS (explicit or implicit) and plain FTP, a pool of
// connections with retries, and the trust decisions for host keys and
// certificates. Paths are always absolute slash paths as the server shows them.
package remote

import (
	"context"
	"io"
	"io/fs"
	"time"
)

// FileInfo describes one entry of a listing.
type FileInfo struct {
	Name    string      `json:"name"`
	Size    int64       `json:"size"`
	Mode    fs.FileMode `json:"mode"`
	ModTime time.Time   `json:"mod_time"`
	// Owner is the numeric or named owner where the server tells it ("" otherwise).
	Owner string `json:"owner,omitempty"`
}

// IsDir reports whether the entry is a folder.
func (f FileInfo) IsDir() bool { return f.Mode.IsDir() }

// Conn is one logged-in connection. It is not safe for concurrent use;
// Pool hands connections to one caller at a time.
type Conn interface {
	// Getwd is the folder the account starts in.
	Getwd(ctx context.Context) (string, error)
	List(ctx context.Context, dir string) ([]FileInfo, error)
	Stat(ctx context.Context, path string) (FileInfo, error)
	// Retrieve copies a file's content to w.
	Retrieve(ctx context.Context, path string, w io.Writer) error
	// Store writes r to path, replacing any file there. It is not atomic;
	// WriteAtomic builds on it.
	Store(ctx context.Context, path string, r io.Reader) error
	Mkdir(ctx context.Context, path string) error
	// Rename moves from to to, replacing a file at to (servers that refuse
	// to replace are handled by the implementation).
	Rename(ctx context.Context, from, to string) error
	Remove(ctx context.Context, path string) error
	RemoveDir(ctx context.Context, path string) error
	// Alive checks that the connection still answers (a NOOP or a stat of "/").
	Alive(ctx context.Context) error
	Close() error
}

// Protocol is how the files are reached.
type Protocol string

// Protocols, as they appear in site URLs.
const (
	SFTP         Protocol = "sftp"
	FTPS         Protocol = "ftps"          // explicit TLS (AUTH TLS), required
	FTPSImplicit Protocol = "ftps-implicit" // TLS from the first byte, usually port 990
	FTP          Protocol = "ftp"           // plain FTP, only when the user accepted it
)

// DefaultPort is the usual port of each protocol.
func (p Protocol) DefaultPort() int {
	switch p {
	case SFTP:
		return 22
	case FTPSImplicit:
		return 990
	default:
		return 21
	}
}
