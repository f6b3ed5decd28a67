// Package remotetest is the conformance suite of remote.Conn: every
// implementation (FTP, FTPS, SFTP, the demo's SFTP server, the in-memory
// Conn) runs it, so the engine can rely on one behaviour whatever the
// channel. The contract it checks is in remote.Conn's comment and
// docs/remote.md. It imports testing and is only for tests: it must never
// be linked into the ocsetup binary.
package remotetest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ocsetup/ocsetup/installer/remote"
)

// Target is one server the suite runs against.
type Target struct {
	// Dial opens a new logged-in connection.
	Dial func(ctx context.Context) (remote.Conn, error)
	// Dir is an existing, empty folder the suite may fill, as the server
	// shows it. Each test works in a folder of its own inside it.
	Dir string
	// Local, if set, is Dir on this machine's disk: the suite then also
	// checks that what it wrote is what landed there.
	Local string
	// Start is what Getwd must return ("" checks only that it is a folder).
	Start string
	// Large is the size in bytes of the large-file test (0 means 4 MiB).
	Large int
}

// Run runs every test of the suite as a subtest of t.
func Run(t *testing.T, tg Target) {
	t.Helper()
	if tg.Dial == nil || !path.IsAbs(tg.Dir) {
		t.Fatalf("remotetest: a Target needs Dial and an absolute Dir (have %q)", tg.Dir)
	}
	s := &suite{Target: tg}
	for _, tc := range []struct {
		name string
		fn   func(*testing.T)
	}{
		{"Getwd", s.testGetwd},
		{"StoreRetrieve", s.testStoreRetrieve},
		{"Overwrite", s.testOverwrite},
		{"ListSizesModes", s.testList},
		{"Names", s.testNames},
		{"ListMany", s.testListMany},
		{"Missing", s.testMissing},
		{"Rename", s.testRename},
		{"Mkdir", s.testMkdir},
		{"Remove", s.testRemove},
		{"RemoveDir", s.testRemoveDir},
		{"WriteAtomic", s.testWriteAtomic},
		{"FTPPipe", s.testFTPPipe},
		{"ReaderWriterErrors", s.testReaderWriterErrors},
		{"Concurrent", s.testConcurrent},
		{"CancelledBefore", s.testCancelledBefore},
		{"CancelledDuring", s.testCancelledDuring},
		{"Close", s.testClose},
	} {
		t.Run(tc.name, tc.fn)
	}
}

type suite struct{ Target }

// ctx bounds every test: a call that hangs fails the test instead of
// the whole run.
func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return c
}

// conn dials a connection that is closed when the test ends.
func (s *suite) conn(t *testing.T) remote.Conn {
	t.Helper()
	c, err := s.Dial(ctx(t))
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// dir makes the test's own folder, named after the test, and returns it.
func (s *suite) dir(t *testing.T, c remote.Conn) string {
	t.Helper()
	d := path.Join(s.Dir, path.Base(t.Name()))
	if err := c.Mkdir(ctx(t), d); err != nil {
		t.Fatalf("create the test folder %s: %v", d, err)
	}
	return d
}

// local is the disk path of a remote path under Dir ("" without Local).
func (s *suite) local(p string) string {
	if s.Local == "" {
		return ""
	}
	rel := strings.TrimPrefix(strings.TrimPrefix(p, s.Dir), "/")
	return filepath.Join(s.Local, filepath.FromSlash(rel))
}

func store(t *testing.T, c remote.Conn, p string, data []byte) {
	t.Helper()
	if err := c.Store(ctx(t), p, bytes.NewReader(data)); err != nil {
		t.Fatalf("store %s: %v", p, err)
	}
}

func retrieve(t *testing.T, c remote.Conn, p string) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := c.Retrieve(ctx(t), p, &buf); err != nil {
		t.Fatalf("retrieve %s: %v", p, err)
	}
	return buf.Bytes()
}

func stat(t *testing.T, c remote.Conn, p string) remote.FileInfo {
	t.Helper()
	fi, err := c.Stat(ctx(t), p)
	if err != nil {
		t.Fatalf("stat %s: %v", p, err)
	}
	return fi
}

// gone checks that nothing is at p.
func gone(t *testing.T, c remote.Conn, p string) {
	t.Helper()
	if fi, err := c.Stat(ctx(t), p); remote.KindOf(err) != remote.KindNotFound {
		t.Errorf("%s should not exist: stat gave %+v, %v", p, fi, err)
	}
}

// sameContent compares without printing megabytes.
func sameContent(t *testing.T, what string, got, want []byte) {
	t.Helper()
	if !bytes.Equal(got, want) {
		t.Errorf("%s: %d bytes (sha256 %x), want %d bytes (sha256 %x)", what, len(got), sha256.Sum256(got), len(want), sha256.Sum256(want))
	}
}

func kindIs(t *testing.T, what string, err error, want remote.Kind) {
	t.Helper()
	if err == nil || remote.KindOf(err) != want {
		t.Errorf("%s: %v (kind %d), want an error of kind %d", what, err, remote.KindOf(err), want)
	}
}

func (s *suite) testGetwd(t *testing.T) {
	c := s.conn(t)
	wd, err := c.Getwd(ctx(t))
	if err != nil || !path.IsAbs(wd) {
		t.Fatalf("Getwd = %q, %v; want an absolute path", wd, err)
	}
	if s.Start != "" && wd != s.Start {
		t.Errorf("Getwd = %q, want %q", wd, s.Start)
	}
	if fi := stat(t, c, wd); !fi.IsDir() {
		t.Errorf("the start folder %s is not a folder: %+v", wd, fi)
	}
	if fi := stat(t, c, "/"); !fi.IsDir() {
		t.Errorf("/ is not a folder: %+v", fi)
	}
	if err := c.Alive(ctx(t)); err != nil {
		t.Errorf("Alive on a fresh connection: %v", err)
	}
}

// binary is every byte value, CR and LF among them: an ASCII-mode
// transfer or a text conversion would change it.
func binary() []byte {
	b := make([]byte, 0, 512+4)
	for i := range 512 {
		b = append(b, byte(i))
	}
	return append(b, "\r\n\n\r"...)
}

func random(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	b := make([]byte, n)
	for i := 0; i < n; i += 8 {
		v := r.Uint64()
		for j := 0; j < 8 && i+j < n; j++ {
			b[i+j] = byte(v >> (8 * j))
		}
	}
	return b
}

func (s *suite) large() int {
	if s.Large > 0 {
		return s.Large
	}
	return 4 << 20
}

func (s *suite) testStoreRetrieve(t *testing.T) {
	c := s.conn(t)
	d := s.dir(t, c)
	files := map[string][]byte{
		"text.php":   []byte("<?php echo 'x';\n"),
		"empty.txt":  {},
		"binary.bin": binary(),
		"large.zip":  random(s.large(), 1),
	}
	for name, data := range files {
		store(t, c, path.Join(d, name), data)
	}
	for name, data := range files {
		p := path.Join(d, name)
		sameContent(t, "retrieve "+name, retrieve(t, c, p), data)
		if fi := stat(t, c, p); fi.Size != int64(len(data)) || !fi.Mode.IsRegular() || fi.Name != name {
			t.Errorf("stat %s: %+v, want a regular file of %d bytes", name, fi, len(data))
		}
		if l := s.local(p); l != "" {
			b, err := os.ReadFile(l)
			if err != nil {
				t.Errorf("on disk: %v", err)
			}
			sameContent(t, "on disk "+name, b, data)
		}
	}
}

func (s *suite) testOverwrite(t *testing.T) {
	c := s.conn(t)
	d := s.dir(t, c)
	p := path.Join(d, "config.php")
	store(t, c, p, bytes.Repeat([]byte("long line\n"), 1000))
	store(t, c, p, []byte("short"))
	sameContent(t, "after a shorter file replaced a longer one", retrieve(t, c, p), []byte("short"))
	if fi := stat(t, c, p); fi.Size != 5 {
		t.Errorf("size after overwrite: %d, want 5", fi.Size)
	}
	store(t, c, p, nil)
	if b := retrieve(t, c, p); len(b) != 0 {
		t.Errorf("after an empty file replaced it: %d bytes", len(b))
	}
}

func (s *suite) testList(t *testing.T) {
	c := s.conn(t)
	d := s.dir(t, c)
	if l, err := c.List(ctx(t), d); err != nil || len(l) != 0 {
		t.Fatalf("a new folder lists %+v, %v; want nothing", l, err)
	}
	want := map[string]int64{"a.php": 3, "empty": 0, ".htaccess": 7, ".ocsetup-0123456789ab.tmp": 1}
	for name, size := range want {
		store(t, c, path.Join(d, name), bytes.Repeat([]byte("x"), int(size)))
	}
	for _, sub := range []string{"sub", ".hidden-dir"} {
		if err := c.Mkdir(ctx(t), path.Join(d, sub)); err != nil {
			t.Fatal(err)
		}
		store(t, c, path.Join(d, sub, "inner.txt"), []byte("inner"))
	}
	start := time.Now()
	list, err := c.List(ctx(t), d)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, fi := range list {
		names = append(names, fi.Name)
		switch size, isFile := want[fi.Name]; {
		case fi.Name == "sub" || fi.Name == ".hidden-dir":
			if !fi.IsDir() || fi.Size != 0 {
				t.Errorf("%s listed as %+v, want a folder of size 0", fi.Name, fi)
			}
		case isFile:
			if fi.IsDir() || !fi.Mode.IsRegular() || fi.Size != size {
				t.Errorf("%s listed as %+v, want a regular file of %d bytes", fi.Name, fi, size)
			}
		}
		// Servers give minutes (FTP) or seconds; the clocks are the same
		// machine's, FTP listings may be in UTC: allow a day.
		if fi.ModTime.IsZero() || fi.ModTime.Sub(start).Abs() > 25*time.Hour {
			t.Errorf("%s: modification time %v, now is %v", fi.Name, fi.ModTime, start)
		}
	}
	sort.Strings(names)
	wantNames := []string{".hidden-dir", ".htaccess", ".ocsetup-0123456789ab.tmp", "a.php", "empty", "sub"}
	if !slices.Equal(names, wantNames) {
		t.Errorf("listing %q, want %q (hidden entries included, no . or ..)", names, wantNames)
	}
	if fi := stat(t, c, path.Join(d, "sub")); !fi.IsDir() || fi.Name != "sub" {
		t.Errorf("stat of a folder: %+v", fi)
	}
	if fi := stat(t, c, path.Join(d, ".htaccess")); fi.IsDir() || fi.Size != 7 || fi.Name != ".htaccess" {
		t.Errorf("stat of a hidden file: %+v", fi)
	}
}

// testListMany: remote.ListMany, which bypasses List on FTP (pipelined
// STAT on the control connection) and runs many requests at once on SFTP,
// lists what List lists, hidden entries included. A missing folder is
// KindNotFound or, over FTP's STAT, empty (documented in ListMany).
func (s *suite) testListMany(t *testing.T) {
	c := s.conn(t)
	d := s.dir(t, c)
	for _, sub := range []string{"a", "a/sub", "b", "empty"} {
		if err := c.Mkdir(ctx(t), path.Join(d, sub)); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []string{"a/x.php", "a/.htaccess", "a/with space.txt", "a/sub/y.js", "b/.ocsetup-0123456789ab.tmp.php", "b/z.css"} {
		store(t, c, path.Join(d, f), []byte(f+f))
	}
	dirs := []string{d, path.Join(d, "a"), path.Join(d, "a/sub"), path.Join(d, "b"), path.Join(d, "empty"), path.Join(d, "missing")}
	lists, errs := remote.ListMany(ctx(t), c, dirs)
	if len(lists) != len(dirs) || len(errs) != len(dirs) {
		t.Fatalf("ListMany gave %d listings and %d errors for %d folders", len(lists), len(errs), len(dirs))
	}
	last := len(dirs) - 1
	for i, dir := range dirs[:last] {
		if errs[i] != nil {
			t.Errorf("ListMany %s: %v", dir, errs[i])
			continue
		}
		want, err := c.List(ctx(t), dir)
		if err != nil {
			t.Fatal(err)
		}
		if g, w := describe(lists[i]), describe(want); !slices.Equal(g, w) {
			t.Errorf("ListMany %s: %q; List gives %q", dir, g, w)
		}
	}
	if len(lists[last]) != 0 || errs[last] != nil && remote.KindOf(errs[last]) != remote.KindNotFound {
		t.Errorf("ListMany of a missing folder: %+v, %v", lists[last], errs[last])
	}
	// The connection is still in step.
	if l, err := c.List(ctx(t), path.Join(d, "a/sub")); err != nil || len(l) != 1 || l[0].Name != "y.js" {
		t.Errorf("List after ListMany: %+v, %v", l, err)
	}
}

// describe is a listing as sorted "name size kind" lines.
func describe(list []remote.FileInfo) []string {
	out := make([]string, 0, len(list))
	for _, fi := range list {
		kind := "file"
		if fi.IsDir() {
			kind = "dir"
		}
		out = append(out, fmt.Sprintf("%s %d %s", fi.Name, fi.Size, kind))
	}
	sort.Strings(out)
	return out
}

// testNames: spaces, non-ASCII letters and shell characters in names
// travel unchanged, in every operation.
func (s *suite) testNames(t *testing.T) {
	c := s.conn(t)
	d := s.dir(t, c)
	for _, name := range []string{"with space.php", "  leading", "ünïcødé-файл-名前.txt", "it's & (x) $y;#.php", "-dash"} {
		t.Run(name, func(t *testing.T) {
			folder := path.Join(d, "folder "+name)
			if err := c.Mkdir(ctx(t), folder); err != nil {
				t.Fatalf("mkdir %q: %v", folder, err)
			}
			p := path.Join(folder, name)
			store(t, c, p, []byte(name))
			list, err := c.List(ctx(t), folder)
			if err != nil || len(list) != 1 || list[0].Name != name || list[0].Size != int64(len(name)) {
				t.Fatalf("list of %q: %+v, %v", folder, list, err)
			}
			if fi := stat(t, c, p); fi.Name != name || fi.Size != int64(len(name)) {
				t.Errorf("stat %q: %+v", p, fi)
			}
			sameContent(t, "retrieve", retrieve(t, c, p), []byte(name))
			if l := s.local(p); l != "" {
				if b, err := os.ReadFile(l); err != nil || string(b) != name {
					t.Errorf("on disk %q: %q, %v", l, b, err)
				}
			}
			moved := path.Join(folder, "moved "+name)
			if err := c.Rename(ctx(t), p, moved); err != nil {
				t.Fatal(err)
			}
			if err := c.Remove(ctx(t), moved); err != nil {
				t.Fatal(err)
			}
			if err := c.RemoveDir(ctx(t), folder); err != nil {
				t.Fatal(err)
			}
			gone(t, c, folder)
		})
	}
}

// testMissing: a missing path is KindNotFound wherever the engine asks
// (it tells "already gone" from a failure by it), and a failed call
// changes nothing.
func (s *suite) testMissing(t *testing.T) {
	c := s.conn(t)
	d := s.dir(t, c)
	missing := path.Join(d, "missing.php")
	noDir := path.Join(d, "no-such-folder")
	target := path.Join(d, "target.php")
	store(t, c, target, []byte("keep me"))

	_, err := c.Stat(ctx(t), missing)
	kindIs(t, "stat of a missing file", err, remote.KindNotFound)
	_, err = c.Stat(ctx(t), path.Join(noDir, "x.php"))
	kindIs(t, "stat in a missing folder", err, remote.KindNotFound)
	_, err = c.List(ctx(t), noDir)
	kindIs(t, "list of a missing folder", err, remote.KindNotFound)
	var w bytes.Buffer
	kindIs(t, "retrieve of a missing file", c.Retrieve(ctx(t), missing, &w), remote.KindNotFound)
	if w.Len() != 0 {
		t.Errorf("retrieve of a missing file wrote %q", w.Bytes())
	}
	kindIs(t, "remove of a missing file", c.Remove(ctx(t), missing), remote.KindNotFound)
	kindIs(t, "remove folder of a missing folder", c.RemoveDir(ctx(t), noDir), remote.KindNotFound)
	kindIs(t, "rename of a missing file onto an existing one", c.Rename(ctx(t), missing, target), remote.KindNotFound)
	sameContent(t, "the target of a failed rename", retrieve(t, c, target), []byte("keep me"))
	kindIs(t, "store into a missing folder", c.Store(ctx(t), path.Join(noDir, "x.php"), strings.NewReader("x")), remote.KindNotFound)
	kindIs(t, "mkdir in a missing folder", c.Mkdir(ctx(t), path.Join(noDir, "sub")), remote.KindNotFound)
	kindIs(t, "rename into a missing folder", c.Rename(ctx(t), target, path.Join(noDir, "t.php")), remote.KindNotFound)
	gone(t, c, noDir)
	gone(t, c, missing)
	sameContent(t, "the source of a failed rename", retrieve(t, c, target), []byte("keep me"))
	// The connection is still usable after the refusals.
	if err := c.Alive(ctx(t)); err != nil {
		t.Errorf("alive after not-found errors: %v", err)
	}
}

func (s *suite) testRename(t *testing.T) {
	c := s.conn(t)
	d := s.dir(t, c)
	a, b := path.Join(d, "a.php"), path.Join(d, "b.php")
	store(t, c, a, []byte("A"))
	if err := c.Rename(ctx(t), a, b); err != nil {
		t.Fatalf("rename to a new name: %v", err)
	}
	gone(t, c, a)
	sameContent(t, "renamed", retrieve(t, c, b), []byte("A"))

	// Onto an existing file: replaced, as WriteAtomic needs.
	store(t, c, a, []byte("newer content"))
	if err := c.Rename(ctx(t), a, b); err != nil {
		t.Fatalf("rename onto an existing file: %v", err)
	}
	gone(t, c, a)
	sameContent(t, "replaced by rename", retrieve(t, c, b), []byte("newer content"))

	// Into another folder.
	sub := path.Join(d, "sub")
	if err := c.Mkdir(ctx(t), sub); err != nil {
		t.Fatal(err)
	}
	if err := c.Rename(ctx(t), b, path.Join(sub, "b.php")); err != nil {
		t.Fatalf("rename into another folder: %v", err)
	}
	gone(t, c, b)
	sameContent(t, "moved across folders", retrieve(t, c, path.Join(sub, "b.php")), []byte("newer content"))

	// A folder with its content (backups move folders aside).
	moved := path.Join(d, "moved")
	if err := c.Rename(ctx(t), sub, moved); err != nil {
		t.Fatalf("rename a folder: %v", err)
	}
	gone(t, c, sub)
	sameContent(t, "inside a renamed folder", retrieve(t, c, path.Join(moved, "b.php")), []byte("newer content"))
	if fi := stat(t, c, moved); !fi.IsDir() {
		t.Errorf("renamed folder: %+v", fi)
	}
}

func (s *suite) testMkdir(t *testing.T) {
	c := s.conn(t)
	d := s.dir(t, c)
	deep := d
	for _, part := range []string{"admin", "controller", "extension", "payment"} {
		deep = path.Join(deep, part)
		if err := c.Mkdir(ctx(t), deep); err != nil {
			t.Fatalf("mkdir %s: %v", deep, err)
		}
		if fi := stat(t, c, deep); !fi.IsDir() || fi.Name != part {
			t.Fatalf("stat %s: %+v", deep, fi)
		}
	}
	store(t, c, path.Join(deep, "x.php"), []byte("x"))
	// An existing folder is an error (callers Stat to tell "exists"), and
	// nothing in it changes.
	if err := c.Mkdir(ctx(t), deep); err == nil {
		t.Error("mkdir of an existing folder succeeded")
	}
	sameContent(t, "a file in a folder created again", retrieve(t, c, path.Join(deep, "x.php")), []byte("x"))
	if err := c.Mkdir(ctx(t), path.Join(deep, "x.php")); err == nil {
		t.Error("mkdir over an existing file succeeded")
	}
	if fi := stat(t, c, path.Join(deep, "x.php")); fi.IsDir() || fi.Size != 1 {
		t.Errorf("the file mkdir was refused over: %+v", fi)
	}
	if err := c.Alive(ctx(t)); err != nil {
		t.Errorf("alive after a refused mkdir: %v", err)
	}
}

func (s *suite) testRemove(t *testing.T) {
	c := s.conn(t)
	d := s.dir(t, c)
	p := path.Join(d, "x.php")
	store(t, c, p, []byte("x"))
	if err := c.Remove(ctx(t), p); err != nil {
		t.Fatal(err)
	}
	gone(t, c, p)
	sub := path.Join(d, "sub")
	if err := c.Mkdir(ctx(t), sub); err != nil {
		t.Fatal(err)
	}
	if err := c.Remove(ctx(t), sub); err == nil {
		t.Error("remove of a folder succeeded")
	}
	if fi := stat(t, c, sub); !fi.IsDir() {
		t.Errorf("the folder remove was refused on: %+v", fi)
	}
}

func (s *suite) testRemoveDir(t *testing.T) {
	c := s.conn(t)
	d := s.dir(t, c)
	empty, full := path.Join(d, "empty"), path.Join(d, "full")
	for _, p := range []string{empty, full} {
		if err := c.Mkdir(ctx(t), p); err != nil {
			t.Fatal(err)
		}
	}
	store(t, c, path.Join(full, "x.php"), []byte("x"))
	if err := c.RemoveDir(ctx(t), empty); err != nil {
		t.Fatal(err)
	}
	gone(t, c, empty)
	if err := c.RemoveDir(ctx(t), full); err == nil {
		t.Error("remove folder of a folder with a file in it succeeded")
	}
	sameContent(t, "a file in a folder whose removal was refused", retrieve(t, c, path.Join(full, "x.php")), []byte("x"))
	if err := c.RemoveDir(ctx(t), path.Join(full, "x.php")); err == nil {
		t.Error("remove folder of a file succeeded")
	}
	sameContent(t, "a file remove folder was refused on", retrieve(t, c, path.Join(full, "x.php")), []byte("x"))
}

func (s *suite) testWriteAtomic(t *testing.T) {
	c := s.conn(t)
	d := s.dir(t, c)
	p := path.Join(d, "config.php")
	for _, body := range []string{"<?php // first\n", "<?php // second, longer than the first\n", ""} {
		if err := remote.WriteAtomic(ctx(t), c, p, strings.NewReader(body)); err != nil {
			t.Fatal(err)
		}
		sameContent(t, "after WriteAtomic", retrieve(t, c, p), []byte(body))
	}
	list, err := c.List(ctx(t), d)
	if err != nil || len(list) != 1 || list[0].Name != "config.php" {
		t.Errorf("listing %+v, %v; want config.php alone (a temporary file left?)", list, err)
	}
}

// testFTPPipe checks the FTP upload's fast path, which bypasses Conn:
// the pipe lent by remote.FTPPipeOf creates folders and stores files
// atomically, with the same results as Conn would give (large, empty and
// binary files, hidden names, spaces, a replaced file), and gives the
// connection back in step. Other channels have no pipe: skipped.
func (s *suite) testFTPPipe(t *testing.T) {
	c := s.conn(t)
	d := s.dir(t, c)
	if p, ok := remote.FTPPipeOf(c); !ok {
		t.Skip("not an FTP connection: no pipelined upload")
	} else {
		_ = p.Close()
	}
	existing := path.Join(d, "a", "existing.php")
	if err := c.Mkdir(ctx(t), path.Join(d, "a")); err != nil {
		t.Fatal(err)
	}
	store(t, c, existing, []byte("old content, longer than the new"))
	files := map[string][]byte{
		existing:                              []byte("new"),
		path.Join(d, "a", "x.php"):            []byte("<?php\n"),
		path.Join(d, "a", ".htaccess"):        []byte("Deny from all\n"),
		path.Join(d, "a", "empty"):            {},
		path.Join(d, "a", "binary.bin"):       binary(),
		path.Join(d, "a", "large.zip"):        random(s.large(), 4),
		path.Join(d, "a", "b c", "ünï c.txt"): []byte("spaces"),
	}
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	p, _ := remote.FTPPipeOf(c)
	// Parents first; an existing folder is no error.
	if err := p.Mkdirs(ctx(t), []string{path.Join(d, "a"), path.Join(d, "a", "b c")}); err != nil {
		t.Fatalf("Mkdirs: %v", err)
	}
	next := 0
	stored := map[string]error{}
	err := p.StoreAtomic(ctx(t), func() (remote.PipeFile, bool) {
		if next == len(names) {
			return remote.PipeFile{}, false
		}
		n := names[next]
		next++
		data := files[n]
		return remote.PipeFile{Temp: remote.TempName(n), Final: n, Size: int64(len(data)),
			Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }}, true
	}, func(f remote.PipeFile, err error) { stored[f.Final] = err })
	if err == nil {
		err = p.Delete(ctx(t), []string{path.Join(d, "a", "x.php"), path.Join(d, "a", "missing.php")})
	}
	if cerr := p.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatalf("the pipe failed: %v", err)
	}
	delete(files, path.Join(d, "a", "x.php"))
	for n, data := range files {
		if err, ok := stored[n]; !ok || err != nil {
			t.Errorf("%s: stored %v, %v", n, ok, err)
			continue
		}
		sameContent(t, "after the pipe "+n, retrieve(t, c, n), data)
	}
	gone(t, c, path.Join(d, "a", "x.php"))
	list, err := c.List(ctx(t), path.Join(d, "a"))
	if err != nil {
		t.Fatal(err)
	}
	for _, fi := range list {
		if remote.IsTempName(fi.Name) {
			t.Errorf("a temporary file is left: %s", fi.Name)
		}
	}
	if len(list) != 6 {
		t.Errorf("after the pipe the folder lists %q", describe(list))
	}
}

type failingReader struct {
	n   int
	err error
}

func (r *failingReader) Read(b []byte) (int, error) {
	if r.n <= 0 {
		return 0, r.err
	}
	k := min(len(b), r.n)
	for i := range k {
		b[i] = 'x'
	}
	r.n -= k
	return k, nil
}

type failingWriter struct{ err error }

func (w failingWriter) Write([]byte) (int, error) { return 0, w.err }

// testReaderWriterErrors: a failing local side is reported as itself
// (errors.Is finds it), not as a server failure.
func (s *suite) testReaderWriterErrors(t *testing.T) {
	c := s.conn(t)
	d := s.dir(t, c)
	readErr := errors.New("the local disk failed")
	p := path.Join(d, "partial.bin")
	err := c.Store(ctx(t), p, &failingReader{n: 100 << 10, err: readErr})
	if !errors.Is(err, readErr) {
		t.Errorf("store with a failing reader: %v, want the reader's error", err)
	}
	// The connection may be spent; a new one must see a consistent state:
	// the file is either absent or partial, never more than was read.
	c2 := s.conn(t)
	if fi, err := c2.Stat(ctx(t), p); err == nil && fi.Size > 100<<10 {
		t.Errorf("after a failed store: %+v", fi)
	}
	store(t, c2, path.Join(d, "big.bin"), random(1<<20, 2))
	writeErr := errors.New("the local file is full")
	err = c2.Retrieve(ctx(t), path.Join(d, "big.bin"), failingWriter{writeErr})
	if !errors.Is(err, writeErr) {
		t.Errorf("retrieve with a failing writer: %v, want the writer's error", err)
	}
	c3 := s.conn(t)
	var w bytes.Buffer
	if err := c3.Retrieve(ctx(t), d, &w); err == nil {
		t.Error("retrieve of a folder succeeded")
	}
}

// testConcurrent: several connections to one account work in one folder
// at once (the pool's connections do); each connection is used by one
// goroutine, as the contract requires.
func (s *suite) testConcurrent(t *testing.T) {
	c := s.conn(t)
	d := s.dir(t, c)
	const conns, files = 3, 8
	var wg sync.WaitGroup
	errs := make(chan error, conns)
	for i := range conns {
		cc := s.conn(t)
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- func() error {
				for j := range files {
					name := path.Join(d, fmt.Sprintf("c%d-f%d.php", i, j))
					data := random(10<<10+i*j, uint64(i*100+j))
					tmp := name + ".tmp"
					if err := cc.Store(ctx(t), tmp, bytes.NewReader(data)); err != nil {
						return err
					}
					if err := cc.Rename(ctx(t), tmp, name); err != nil {
						return err
					}
					var buf bytes.Buffer
					if err := cc.Retrieve(ctx(t), name, &buf); err != nil {
						return err
					}
					if !bytes.Equal(buf.Bytes(), data) {
						return fmt.Errorf("%s came back different", name)
					}
					if _, err := cc.List(ctx(t), d); err != nil {
						return err
					}
				}
				return nil
			}()
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	list, err := c.List(ctx(t), d)
	if err != nil || len(list) != conns*files {
		t.Errorf("after the parallel uploads: %d entries, %v; want %d", len(list), err, conns*files)
	}
}

// testCancelledBefore: a call whose context is already done does nothing
// and says KindCanceled; the connection stays usable.
func (s *suite) testCancelledBefore(t *testing.T) {
	c := s.conn(t)
	d := s.dir(t, c)
	existing := path.Join(d, "existing.php")
	store(t, c, existing, []byte("keep"))
	done, cancel := context.WithCancel(context.Background())
	cancel()
	p := path.Join(d, "new.php")
	var w bytes.Buffer
	calls := map[string]error{
		"store":     c.Store(done, p, strings.NewReader("x")),
		"mkdir":     c.Mkdir(done, path.Join(d, "new")),
		"rename":    c.Rename(done, existing, p),
		"remove":    c.Remove(done, existing),
		"removedir": c.RemoveDir(done, d),
		"retrieve":  c.Retrieve(done, existing, &w),
		"alive":     c.Alive(done),
	}
	_, calls["stat"] = c.Stat(done, existing)
	_, calls["list"] = c.List(done, d)
	_, calls["getwd"] = c.Getwd(done)
	for op, err := range calls {
		kindIs(t, op+" with a cancelled context", err, remote.KindCanceled)
	}
	if w.Len() != 0 {
		t.Errorf("a cancelled retrieve wrote %d bytes", w.Len())
	}
	list, err := c.List(ctx(t), d)
	if err != nil || len(list) != 1 || list[0].Name != "existing.php" {
		t.Errorf("after cancelled calls the folder lists %+v, %v; want existing.php alone", list, err)
	}
	sameContent(t, "after cancelled calls", retrieve(t, c, existing), []byte("keep"))
}

// cancelWriter cancels its context at the first write.
type cancelWriter struct {
	cancel context.CancelFunc
	n      int
}

func (w *cancelWriter) Write(b []byte) (int, error) {
	w.cancel()
	w.n += len(b)
	return len(b), nil
}

// cancellingReader hands out some data, then cancels its context and
// waits for it to end, like a local source that stalls until the user
// gives up.
type cancellingReader struct {
	ctx    context.Context
	cancel context.CancelFunc
	sent   bool
}

func (r *cancellingReader) Read(b []byte) (int, error) {
	if !r.sent {
		r.sent = true
		return copy(b, "partial"), nil
	}
	r.cancel()
	<-r.ctx.Done()
	return 0, r.ctx.Err()
}

// testCancelledDuring: a cancel midway ends a transfer promptly with
// KindCanceled (the libraries take no context; the connection is closed
// under them), and the connection can still be closed.
func (s *suite) testCancelledDuring(t *testing.T) {
	setup := s.conn(t)
	d := s.dir(t, setup)
	big := path.Join(d, "big.bin")
	store(t, setup, big, random(s.large(), 3))

	c := s.conn(t)
	cctx, cancel := context.WithCancel(ctx(t))
	w := &cancelWriter{cancel: cancel}
	err := c.Retrieve(cctx, big, w)
	kindIs(t, "retrieve cancelled midway", err, remote.KindCanceled)
	if w.n >= s.large() {
		t.Logf("the whole file arrived before the cancel took effect (%d bytes)", w.n)
	}
	_ = c.Close()

	c = s.conn(t)
	cctx, cancel = context.WithCancel(ctx(t))
	err = c.Store(cctx, path.Join(d, "slow.bin"), &cancellingReader{ctx: cctx, cancel: cancel})
	kindIs(t, "store cancelled midway", err, remote.KindCanceled)
	_ = c.Close()

	// The account is fine for a new connection.
	fresh := s.conn(t)
	if fi := stat(t, fresh, big); fi.Size != int64(s.large()) {
		t.Errorf("the file read during the cancel: %+v", fi)
	}
}

func (s *suite) testClose(t *testing.T) {
	c, err := s.Dial(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Close(); err != nil {
		t.Errorf("close: %v", err)
	}
	if err := c.Alive(ctx(t)); err == nil {
		t.Error("alive after close")
	}
	if _, err := c.List(ctx(t), s.Dir); err == nil {
		t.Error("list after close")
	}
	if err := c.Store(ctx(t), path.Join(s.Dir, "after-close.php"), strings.NewReader("x")); err == nil {
		t.Error("store after close")
	}
	_ = c.Close() // a second close may fail, but must not hang or panic
	gone(t, s.conn(t), path.Join(s.Dir, "after-close.php"))
}
