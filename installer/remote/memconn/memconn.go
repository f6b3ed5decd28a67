// Package memconn is an in-memory hosting account behind remote.Conn: a
// tree of folders and files that every connection of one Server shares.
// It follows the contract that installer/remote/remotetest checks on the
// real servers (docs/remote.md), so engine tests whose subject is not the
// protocol (plans, manifests, core-file rules, backups) can run on it
// without root or servers. Tests of a protocol stay on the real servers.
//
// It is not linked into the ocsetup binary.
package memconn

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/ocsetup/ocsetup/installer/remote"
)

// host is what errors and Site name.
const host = "memory"

// Server is one in-memory account. Its methods and its connections are
// safe for concurrent use.
type Server struct {
	mu    sync.Mutex
	nodes map[string]*node // clean absolute paths; "/" is always a folder
	start string
	dials int
	open  int

	// Fault, if set, is asked before each operation of a connection (op is
	// "getwd", "list", "stat", "retrieve", "store", "mkdir", "rename",
	// "remove", "removedir" or "alive"; p the path, for rename the
	// source); an error it returns is the operation's, and nothing
	// changes. Tests inject failures with it.
	Fault func(op, p string) error
}

type node struct {
	dir  bool
	data []byte
	mod  time.Time
}

// New returns an empty account whose connections start in start ("" is
// "/"); the start folder and its parents are created.
func New(start string) *Server {
	s := &Server{nodes: map[string]*node{"/": {dir: true, mod: time.Now()}}, start: "/"}
	if start != "" {
		s.start = path.Clean("/" + start)
		if err := s.MkdirAll(s.start); err != nil {
			panic(err) // only "/" exists: cannot fail
		}
	}
	return s
}

// Site is the site the connections report: protocol "memory", which the
// deploy engine moves files through remote.Conn alone for.
func (s *Server) Site() remote.Site {
	return remote.Site{Protocol: "memory", Host: host, User: "test"}
}

// Dial opens a connection.
func (s *Server) Dial(ctx context.Context) (remote.Conn, error) {
	if err := ctx.Err(); err != nil {
		return nil, &remote.Error{Kind: remote.KindCanceled, Op: "connect", Host: host, Err: err}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dials++
	s.open++
	return &conn{s: s}, nil
}

// Pool opens a pool of up to n connections, as remote.Open does for a site.
func (s *Server) Pool(ctx context.Context, n int) (*remote.Pool, error) {
	return remote.OpenWith(ctx, s.Site(), n, s.Dial)
}

// Dials is how many connections were opened; Open how many are not closed.
func (s *Server) Dials() (dials, open int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.dials, s.open
}

// MkdirAll creates a folder and its parents, as a test's setup does on
// the server's disk.
func (s *Server) MkdirAll(p string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.mkdirAll(clean(p))
}

func (s *Server) mkdirAll(p string) error {
	if n, ok := s.nodes[p]; ok {
		if !n.dir {
			return fmt.Errorf("memconn: %s is a file", p)
		}
		return nil
	}
	if err := s.mkdirAll(path.Dir(p)); err != nil {
		return err
	}
	s.nodes[p] = &node{dir: true, mod: time.Now()}
	return nil
}

// WriteFile writes a file, creating its folders.
func (s *Server) WriteFile(p string, data []byte) error {
	p = clean(p)
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.mkdirAll(path.Dir(p)); err != nil {
		return err
	}
	if n, ok := s.nodes[p]; ok && n.dir {
		return fmt.Errorf("memconn: %s is a folder", p)
	}
	s.nodes[p] = &node{data: bytes.Clone(data), mod: time.Now()}
	return nil
}

// ReadFile returns a file's content; an error wrapping fs.ErrNotExist
// when there is no such file.
func (s *Server) ReadFile(p string) ([]byte, error) {
	p = clean(p)
	s.mu.Lock()
	defer s.mu.Unlock()
	n, ok := s.nodes[p]
	if !ok || n.dir {
		return nil, fmt.Errorf("memconn: %s: %w", p, fs.ErrNotExist)
	}
	return bytes.Clone(n.data), nil
}

// Exists reports whether something is at p.
func (s *Server) Exists(p string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.nodes[clean(p)]
	return ok
}

// Tree describes everything under root: each path relative to root maps
// to "dir" or the SHA-256 of the file's content, so two trees compare with
// maps.Equal.
func (s *Server) Tree(root string) map[string]string {
	root = clean(root)
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]string{}
	for p, n := range s.nodes {
		rel, ok := within(root, p)
		if !ok || rel == "" {
			continue
		}
		if n.dir {
			out[rel] = "dir"
		} else {
			sum := sha256.Sum256(n.data)
			out[rel] = hex.EncodeToString(sum[:])
		}
	}
	return out
}

// CopyIn copies a local folder's tree into the account at remoteDir
// (created), as a fixture store on disk would be seen over a real server.
func (s *Server) CopyIn(localDir, remoteDir string) error {
	remoteDir = clean(remoteDir)
	if err := s.MkdirAll(remoteDir); err != nil {
		return err
	}
	return filepath.WalkDir(localDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(localDir, p)
		if err != nil || rel == "." {
			return err
		}
		target := path.Join(remoteDir, filepath.ToSlash(rel))
		switch {
		case d.IsDir():
			return s.MkdirAll(target)
		case d.Type().IsRegular():
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			return s.WriteFile(target, b)
		}
		return nil // links and devices are not copied
	})
}

// within returns p relative to root ("" for root itself).
func within(root, p string) (string, bool) {
	if p == root {
		return "", true
	}
	prefix := root
	if prefix != "/" {
		prefix += "/"
	}
	rel, ok := strings.CutPrefix(p, prefix)
	return rel, ok
}

func clean(p string) string { return path.Clean("/" + p) }

// conn is one connection. Like the real ones it is meant for one caller
// at a time; the lock is the server's.
type conn struct {
	s      *Server
	closed bool
}

// chunk is how much Retrieve and Store move between checks of the context,
// so a cancel midway takes effect as it does on a network connection.
const chunk = 32 << 10

func fail(kind remote.Kind, op, p, reply string) error {
	return &remote.Error{Kind: kind, Op: op + " " + p, Host: host, Reply: reply}
}

// begin checks what every call checks first: the context, the connection
// and the injected fault. The caller holds s.mu.
func (c *conn) begin(ctx context.Context, op, p string) error {
	if err := ctx.Err(); err != nil {
		return &remote.Error{Kind: remote.KindCanceled, Op: op + " " + p, Host: host, Err: err}
	}
	if c.closed {
		return &remote.Error{Kind: remote.KindReset, Op: op + " " + p, Host: host, Err: errClosed}
	}
	if c.s.Fault != nil {
		if err := c.s.Fault(op, p); err != nil {
			return err
		}
	}
	return nil
}

var errClosed = errors.New("the connection is closed")

func (c *conn) lock(ctx context.Context, op, p string) error {
	c.s.mu.Lock()
	if err := c.begin(ctx, op, p); err != nil {
		c.s.mu.Unlock()
		return err
	}
	return nil
}

func (c *conn) Getwd(ctx context.Context) (string, error) {
	if err := c.lock(ctx, "getwd", ""); err != nil {
		return "", err
	}
	defer c.s.mu.Unlock()
	return c.s.start, nil
}

func info(name string, n *node) remote.FileInfo {
	fi := remote.FileInfo{Name: name, Mode: 0o644, Size: int64(len(n.data)), ModTime: n.mod}
	if n.dir {
		fi.Mode, fi.Size = fs.ModeDir|0o755, 0
	}
	return fi
}

func (c *conn) List(ctx context.Context, dir string) ([]remote.FileInfo, error) {
	dir = clean(dir)
	if err := c.lock(ctx, "list", dir); err != nil {
		return nil, err
	}
	defer c.s.mu.Unlock()
	d, ok := c.s.nodes[dir]
	switch {
	case !ok:
		return nil, fail(remote.KindNotFound, "list", dir, "no such folder")
	case !d.dir:
		return nil, fail(remote.KindOther, "list", dir, "not a folder")
	}
	out := []remote.FileInfo{}
	for p, n := range c.s.nodes {
		if p != dir && path.Dir(p) == dir {
			out = append(out, info(path.Base(p), n))
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

func (c *conn) Stat(ctx context.Context, p string) (remote.FileInfo, error) {
	p = clean(p)
	if err := c.lock(ctx, "stat", p); err != nil {
		return remote.FileInfo{}, err
	}
	defer c.s.mu.Unlock()
	n, ok := c.s.nodes[p]
	if !ok {
		return remote.FileInfo{}, fail(remote.KindNotFound, "stat", p, "no such file or folder")
	}
	return info(path.Base(p), n), nil
}

func (c *conn) Retrieve(ctx context.Context, p string, w io.Writer) error {
	p = clean(p)
	if err := c.lock(ctx, "retrieve", p); err != nil {
		return err
	}
	n, ok := c.s.nodes[p]
	var data []byte
	if ok {
		data = n.data // never changed in place: Store makes a new slice
	}
	c.s.mu.Unlock()
	switch {
	case !ok:
		return fail(remote.KindNotFound, "download", p, "no such file")
	case n.dir:
		return fail(remote.KindOther, "download", p, "is a folder")
	}
	for len(data) > 0 {
		if err := ctx.Err(); err != nil {
			return &remote.Error{Kind: remote.KindCanceled, Op: "download " + p, Host: host, Err: err}
		}
		k := min(chunk, len(data))
		if _, err := w.Write(data[:k]); err != nil {
			return &remote.Error{Kind: remote.KindOther, Op: "download " + p, Host: host, Err: err}
		}
		data = data[k:]
	}
	return nil
}

func (c *conn) Store(ctx context.Context, p string, r io.Reader) error {
	p = clean(p)
	if err := c.lock(ctx, "store", p); err != nil {
		return err
	}
	parent, ok := c.s.nodes[path.Dir(p)]
	cur, exists := c.s.nodes[p]
	switch {
	case !ok || !parent.dir:
		c.s.mu.Unlock()
		return fail(remote.KindNotFound, "upload", p, "no such folder")
	case exists && cur.dir:
		c.s.mu.Unlock()
		return fail(remote.KindOther, "upload", p, "is a folder")
	}
	// Like a server, the file is truncated first and grows as data
	// arrives: a failed upload leaves a partial file.
	f := &node{mod: time.Now()}
	c.s.nodes[p] = f
	c.s.mu.Unlock()
	buf := make([]byte, chunk)
	var data []byte
	for {
		if err := ctx.Err(); err != nil {
			return &remote.Error{Kind: remote.KindCanceled, Op: "upload " + p, Host: host, Err: err}
		}
		k, err := r.Read(buf)
		if k > 0 {
			data = append(data, buf[:k]...)
			c.s.mu.Lock()
			// Capped: a Retrieve holding this slice never sees the
			// bytes appended later, and nobody appends to it.
			f.data = data[:len(data):len(data)]
			f.mod = time.Now()
			c.s.mu.Unlock()
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			if ctx.Err() != nil {
				return &remote.Error{Kind: remote.KindCanceled, Op: "upload " + p, Host: host, Err: ctx.Err()}
			}
			return &remote.Error{Kind: remote.KindOther, Op: "upload " + p, Host: host, Err: err}
		}
	}
}

func (c *conn) Mkdir(ctx context.Context, p string) error {
	p = clean(p)
	if err := c.lock(ctx, "mkdir", p); err != nil {
		return err
	}
	defer c.s.mu.Unlock()
	if _, ok := c.s.nodes[p]; ok {
		return fail(remote.KindOther, "create folder", p, "already exists")
	}
	if parent, ok := c.s.nodes[path.Dir(p)]; !ok || !parent.dir {
		return fail(remote.KindNotFound, "create folder", p, "no such parent folder")
	}
	c.s.nodes[p] = &node{dir: true, mod: time.Now()}
	return nil
}

func (c *conn) Rename(ctx context.Context, from, to string) error {
	from, to = clean(from), clean(to)
	if err := c.lock(ctx, "rename", from); err != nil {
		return err
	}
	defer c.s.mu.Unlock()
	src, ok := c.s.nodes[from]
	if !ok {
		return fail(remote.KindNotFound, "rename", from, "no such file or folder")
	}
	if parent, ok := c.s.nodes[path.Dir(to)]; !ok || !parent.dir {
		return fail(remote.KindNotFound, "rename", from, "no such target folder "+path.Dir(to))
	}
	if from == to {
		return nil
	}
	if dst, ok := c.s.nodes[to]; ok && (dst.dir || src.dir) {
		return fail(remote.KindOther, "rename", from, "the target "+to+" exists")
	}
	if _, inside := within(from, to); inside && src.dir {
		return fail(remote.KindOther, "rename", from, "a folder cannot move into itself")
	}
	moved := map[string]*node{}
	for p, n := range c.s.nodes {
		if rel, ok := within(from, p); ok {
			moved[path.Join(to, rel)] = n
			delete(c.s.nodes, p)
		}
	}
	for p, n := range moved {
		c.s.nodes[p] = n
	}
	return nil
}

func (c *conn) Remove(ctx context.Context, p string) error {
	p = clean(p)
	if err := c.lock(ctx, "remove", p); err != nil {
		return err
	}
	defer c.s.mu.Unlock()
	n, ok := c.s.nodes[p]
	switch {
	case !ok:
		return fail(remote.KindNotFound, "delete", p, "no such file")
	case n.dir:
		return fail(remote.KindOther, "delete", p, "is a folder")
	}
	delete(c.s.nodes, p)
	return nil
}

func (c *conn) RemoveDir(ctx context.Context, p string) error {
	p = clean(p)
	if err := c.lock(ctx, "removedir", p); err != nil {
		return err
	}
	defer c.s.mu.Unlock()
	n, ok := c.s.nodes[p]
	switch {
	case !ok:
		return fail(remote.KindNotFound, "remove folder", p, "no such folder")
	case !n.dir:
		return fail(remote.KindOther, "remove folder", p, "not a folder")
	case p == "/":
		return fail(remote.KindPermission, "remove folder", p, "the root")
	}
	for q := range c.s.nodes {
		if q != p && path.Dir(q) == p {
			return fail(remote.KindOther, "remove folder", p, "not empty")
		}
	}
	delete(c.s.nodes, p)
	return nil
}

func (c *conn) Alive(ctx context.Context) error {
	if err := c.lock(ctx, "alive", ""); err != nil {
		return err
	}
	c.s.mu.Unlock()
	return nil
}

func (c *conn) Close() error {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	if !c.closed {
		c.closed = true
		c.s.open--
	}
	return nil
}
