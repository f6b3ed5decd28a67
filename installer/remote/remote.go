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

// Conn is one logged-in connection to a hosting account's files. Every
// implementation keeps this contract; installer/remote/remotetest checks
// it on FTP, FTPS, SFTP, chrooted SFTP, the demo's server and the
// in-memory Conn (docs/remote.md).
//
//   - Paths are absolute slash paths as the server shows them.
//   - A missing path is KindNotFound: Stat, List, Retrieve, Remove,
//     RemoveDir and Rename's source; Store, Mkdir and Rename when the
//     folder to write in is missing. The engine reads it as "already
//     gone". A failed call changes nothing (a failed Store may leave a
//     partial file, see Store).
//   - After KindNotFound or KindPermission the Conn is still usable. After
//     another failure it may not be: Pool closes it and dials again.
//   - A call whose context is already done returns KindCanceled, sends
//     nothing and leaves the Conn usable. A call cancelled midway returns
//     KindCanceled promptly; the Conn may be unusable then (close it).
//   - Errors of the local reader (Store) or writer (Retrieve) are
//     returned so that errors.Is finds them.
//   - After Close every call fails; a second Close may fail. Neither hangs.
//
// A Conn is not safe for concurrent use: Pool hands connections to one
// caller at a time. Several Conns to one account may work at once, in the
// same folder too.
type Conn interface {
	// Getwd is the folder the account starts in.
	Getwd(ctx context.Context) (string, error)
	// List returns a folder's entries in no particular order, hidden ones
	// (".htaccess") included, "." and ".." left out; a folder's Size is
	// 0. Listing a file is not defined.
	List(ctx context.Context, dir string) ([]FileInfo, error)
	// Stat describes one path; its Name is the path's last element.
	Stat(ctx context.Context, path string) (FileInfo, error)
	// Retrieve copies a file's content to w. A folder is an error.
	Retrieve(ctx context.Context, path string, w io.Writer) error
	// Store writes r to path, creating the file or truncating the one
	// there. It is not atomic (a failure may leave a partial file);
	// WriteAtomic builds on it.
	Store(ctx context.Context, path string, r io.Reader) error
	// Mkdir creates one folder; its parent must exist. An existing path
	// is an error of no particular kind: callers that accept an existing
	// folder Stat it.
	Mkdir(ctx context.Context, path string) error
	// Rename moves a file or folder, to a new name or another folder, and
	// replaces a file at to (servers that refuse to replace are handled
	// by the implementation). A missing source leaves to alone.
	Rename(ctx context.Context, from, to string) error
	// Remove deletes a file; a folder is an error and stays.
	Remove(ctx context.Context, path string) error
	// RemoveDir deletes an empty folder; a folder with entries, or a
	// file, is an error and stays.
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
