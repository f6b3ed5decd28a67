package deploy

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/ocsetup/ocsetup/installer/msg"
	"github.com/ocsetup/ocsetup/installer/pkg"
	"github.com/ocsetup/ocsetup/installer/remote"
)

// Files is the files channel as deploy uses it; *remote.Pool has it. Do
// lends one connection at a time and retries transient failures on a fresh
// one; Size is how many may be open at once. Deploy opens no connection of
// its own: the host sees at most Size.
type Files interface {
	Do(ctx context.Context, fn func(remote.Conn) error) error
	Size() int
	Site() remote.Site
}

// Engine installs packages onto one store.
type Engine struct {
	Files Files
	// Store is where the package goes.
	Store Store
	// DataDir is the app's data folder; manifests and backups live in its
	// deploy/ folder.
	DataDir string
	// Trust is no longer used: FTP uploads pipeline their commands on the
	// pool's own connections (remote.FTPPipeOf). Kept for callers.
	Trust *remote.Trust
	// Progress, if set, is called from one goroutine at a time.
	Progress func(Progress)
	// InFlight is how many files travel at once on one SFTP connection
	// (default 32).
	InFlight int
	// Retries and Backoff govern reconnecting FTP pipes after a transient
	// failure (defaults 3 and 300 ms, like remote.Pool's; Retries < 0: none).
	Retries int
	Backoff time.Duration
	// HTTP fetches the PHP probe; nil means a client with a 20 s timeout.
	HTTP *http.Client
	// AllowCoreFiles is the user's explicit consent to a plan that
	// replaces core files (config.php, index.php, .htaccess…); without it
	// Upload refuses such a plan with a *CoreFilesError.
	AllowCoreFiles bool
	// FastPath asks for the one-archive fast path (fastpath.go): the
	// files go up as one archive that a temporary signed PHP extractor,
	// fetched at StoreURL, unpacks. Where that cannot work (no zip in PHP,
	// PHP writing as another owner, no web access, an HTTP error) the
	// per-file upload runs instead, and Fast says why.
	FastPath bool
	// StoreURL is the store's web address (http(s)://…/), for the fast path.
	StoreURL string
	// Fast is what the fast path did in the last Upload or Resume.
	Fast FastPath
}

// Store identifies the store: the site (its URL without a password) and
// the root folder as the files channel shows it.
type Store struct {
	Site     string `json:"site"`
	Root     string `json:"root"`
	Version  string `json:"version"`
	AdminDir string `json:"admin_dir,omitempty"`
}

// same reports whether two descriptions name the same store.
func (s Store) same(o Store) bool {
	return s.Site == o.Site && path.Clean(s.Root) == path.Clean(o.Root)
}

// abs turns a store-relative path into the path the server shows.
func (s Store) abs(rel string) string {
	if rel == "" {
		return path.Clean(s.Root)
	}
	return path.Join(s.Root, rel)
}

// PackageInfo identifies a package by its content, so a zip and the same
// files in a folder are the same package.
type PackageInfo struct {
	Name   string `json:"name"`
	SHA256 string `json:"sha256"`
	Files  int    `json:"files"`
	Layout string `json:"layout"`
	// LayoutMsg is Layout as a message, for the user's language.
	LayoutMsg msg.Msg `json:"-"`
}

// Describe identifies p.
func Describe(p *pkg.Package) PackageInfo {
	h := sha256.New()
	for _, f := range p.Files {
		fmt.Fprintf(h, "%s\x00%d\x00%x\n", f.Path, f.Size, f.SHA256)
	}
	return PackageInfo{Name: p.Name, SHA256: hex.EncodeToString(h.Sum(nil)), Files: len(p.Files), Layout: p.Layout.String(), LayoutMsg: p.Layout.Msg()}
}

// Content is a file's size and SHA-256 (hex; "" when not known).
type Content struct {
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256,omitempty"`
}

func contentOf(f pkg.File) *Content {
	return &Content{Size: f.Size, SHA256: hex.EncodeToString(f.SHA256[:])}
}

func (e *Engine) inFlight() int {
	if e.InFlight > 0 {
		return e.InFlight
	}
	return 32
}

func (e *Engine) retries() (int, time.Duration) {
	r, b := e.Retries, e.Backoff
	switch {
	case r == 0:
		r = 3
	case r < 0:
		r = 0
	}
	if b == 0 {
		b = 300 * time.Millisecond
	}
	return r, b
}

func (e *Engine) check() error {
	if e.Files == nil || e.Store.Root == "" || e.DataDir == "" {
		return fmt.Errorf("deploy: the engine needs Files, Store.Root and DataDir")
	}
	if e.Store.Site == "" {
		e.Store.Site = e.Files.Site().String()
	}
	return nil
}

// parents returns the folders above a store-relative path, outermost
// first, without "".
func parents(rel string) []string {
	var out []string
	for d := path.Dir(rel); d != "." && d != "/" && d != ""; d = path.Dir(d) {
		out = append(out, d)
	}
	slices.Reverse(out)
	return out
}

// depth is the number of segments of a store-relative path.
func depth(rel string) int { return strings.Count(rel, "/") + 1 }
