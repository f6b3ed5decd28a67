package remote_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ocsetup/ocsetup/installer/remote"
	"github.com/ocsetup/ocsetup/internal/testenv"
)

// slowFTP is a pipe to the plain-FTP test server through a proxy that
// carries the control and the passive data connections and adds oneWay in
// each direction.
type slowFTP struct {
	proxy        *testenv.Proxy
	site         remote.Site
	trust        *remote.Trust
	local, dir   string // the test folder, on disk and as the server shows it
	files        map[string][]byte
	names, temps []string
}

func newSlowFTP(t *testing.T, oneWay, timeout time.Duration, files int) *slowFTP {
	t.Helper()
	env := testenv.Get(t)
	ts := env.Site(t, testenv.FTPNoTLS)
	s := &slowFTP{proxy: testenv.StartFTPProxy(t, ts.Addr()), files: map[string][]byte{}}
	s.proxy.SetDelay(oneWay)
	s.site = siteOf(ts)
	s.site.Host, s.site.Port = "127.0.0.1", s.proxy.Port()
	s.site.AllowPlain, s.site.Timeout = true, timeout
	s.trust = remote.NewTrust(t.TempDir())
	s.local, s.dir = env.TempDir(t, ts)
	for i := range files {
		name := path.Join(s.dir, fmt.Sprintf("f%02d.php", i))
		s.names = append(s.names, name)
		s.temps = append(s.temps, path.Join(s.dir, fmt.Sprintf(".f%02d.php.part", i)))
		s.files[name] = bytes.Repeat([]byte(fmt.Sprintf("<?php // %d\n", i)), 200+300*i)
	}
	return s
}

// store runs StoreAtomic over the files on a fresh pipe and returns its
// how long it took, what done said for each file, and its error.
func (s *slowFTP) store(t *testing.T) (time.Duration, map[string]error, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	p, err := remote.DialFTPPipe(ctx, s.site, s.trust)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	results := map[string]error{}
	i := 0
	start := time.Now()
	err = p.StoreAtomic(ctx, func() (remote.PipeFile, bool) {
		if i == len(s.names) {
			return remote.PipeFile{}, false
		}
		name, temp := s.names[i], s.temps[i]
		i++
		b := s.files[name]
		return remote.PipeFile{Temp: temp, Final: name, Size: int64(len(b)),
			Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }}, true
	}, func(f remote.PipeFile, err error) {
		if _, dup := results[f.Final]; dup {
			t.Errorf("done called twice for %s", f.Final)
		}
		results[f.Final] = err
	})
	if ctx.Err() != nil {
		t.Fatalf("StoreAtomic still waiting after %v", time.Since(start))
	}
	return time.Since(start), results, err
}

// onDisk is what the test folder holds, by name.
func (s *slowFTP) onDisk(t *testing.T) map[string][]byte {
	t.Helper()
	ents, err := os.ReadDir(s.local)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, e := range ents {
		b, err := os.ReadFile(filepath.Join(s.local, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = b
	}
	return out
}

// TestFTPPipeSlowLink uploads through a proxy that delays the control and
// the data connections and passes each data connection's close on after
// its data, as a real link does: every file arrives whole under its final
// name.
func TestFTPPipeSlowLink(t *testing.T) {
	s := newSlowFTP(t, 25*time.Millisecond, 10*time.Second, 12)
	took, results, err := s.store(t)
	if err != nil {
		t.Fatalf("StoreAtomic: %v", err)
	}
	disk := s.onDisk(t)
	for _, name := range s.names {
		if results[name] != nil {
			t.Errorf("%s: %v", name, results[name])
		}
		if got := disk[path.Base(name)]; !bytes.Equal(got, s.files[name]) {
			t.Errorf("%s holds %d bytes, want %d", name, len(got), len(s.files[name]))
		}
	}
	if len(disk) != len(s.names) {
		t.Errorf("the folder holds %d files, want %d (temporary files left?)", len(disk), len(s.names))
	}
	t.Logf("%d files in %v at 50 ms round trip", len(s.names), took)
}

// TestFTPPipeDataCloseNeverArrives: a link that loses the close of a data
// connection leaves the server waiting for more data, and the 226 never
// comes. The pipe must not wait for it forever: within about the site's
// timeout it fails with a timeout, which is transient (the upload retries on
// a fresh connection), and no final path is written.
func TestFTPPipeDataCloseNeverArrives(t *testing.T) {
	const timeout = 2 * time.Second
	s := newSlowFTP(t, 25*time.Millisecond, timeout, 3)
	s.proxy.HoldDataClose(true)
	took, results, err := s.store(t)
	if remote.KindOf(err) != remote.KindTimeout || !remote.IsTransient(err) {
		t.Fatalf("StoreAtomic = %v (kind %v), want a transient timeout", err, remote.KindOf(err))
	}
	if took > 3*timeout {
		t.Errorf("the missing reply took %v to become an error (timeout %v)", took, timeout)
	}
	for name, ferr := range results {
		if ferr == nil {
			t.Errorf("%s reported placed", name)
		}
	}
	for name := range s.onDisk(t) {
		if !strings.HasSuffix(name, ".part") {
			t.Errorf("%s is at its final path", name)
		}
	}
}

// TestFTPPipeCutTransfer: a data connection that loses the tail of a file
// but passes the close makes the server store a short file and answer 226.
// The size check catches it: each file is reported failed (transient, so
// the caller may send it again), its final path stays untouched, the
// temporary files are removed, and the pipe goes on to the next file.
func TestFTPPipeCutTransfer(t *testing.T) {
	s := newSlowFTP(t, 25*time.Millisecond, 10*time.Second, 4)
	s.proxy.TruncateData(1000) // every file is larger
	_, results, err := s.store(t)
	if err != nil {
		t.Fatalf("StoreAtomic: %v", err)
	}
	for _, name := range s.names {
		ferr, ok := results[name]
		if !ok || ferr == nil || !remote.IsTransient(ferr) {
			t.Errorf("%s: done(%v), called %v; want a transient failure", name, ferr, ok)
		}
	}
	if disk := s.onDisk(t); len(disk) != 0 {
		t.Errorf("the folder holds %d files after every transfer was cut", len(disk))
	}
}

// TestFTPStalledListingTimesOut: the general FTP connection gives up on a
// listing whose reply never comes (the link went silent), within a few
// site timeouts, instead of waiting for ever; the pool's retry meets the
// same silence and the error says so.
func TestFTPStalledListingTimesOut(t *testing.T) {
	env := testenv.Get(t)
	ts := env.Site(t, testenv.FTPNoTLS)
	p := testenv.StartProxy(t, ts.Addr())
	site := remote.Site{Protocol: remote.FTP, Host: ts.Host, Port: p.Port(), User: ts.User, Password: ts.Password,
		AllowPlain: true, Timeout: time.Second}
	tr := remote.NewTrust(t.TempDir())
	tr.TrustNew = true
	pool, err := remote.Open(context.Background(), site, tr, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	pool.Retries, pool.Backoff = 1, 10*time.Millisecond
	_, dir := env.TempDir(t, ts)
	p.Stall(true)
	defer p.Stall(false)
	start := time.Now()
	_, err = pool.List(context.Background(), dir)
	if err == nil {
		t.Fatal("a listing over a silent link succeeded")
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Fatalf("gave up only after %v", d)
	}
	if remote.KindOf(err) != remote.KindTimeout {
		t.Fatalf("not a timeout: %v", err)
	}
}

// TestFTPPipeRefusedFiles: files whose STOR the server refuses (a folder
// the account cannot write), small and large, between files that go
// through: each refused file is reported with the server's reason, the
// others arrive whole, and the pipe neither hangs nor loses step.
func TestFTPPipeRefusedFiles(t *testing.T) {
	env := testenv.Get(t)
	for _, name := range []string{testenv.FTPNoTLS} {
		t.Run(name, func(t *testing.T) {
			ts := env.Site(t, name)
			site := siteOf(ts)
			site.AllowPlain, site.Timeout = name == testenv.FTPNoTLS, time.Minute
			local, dir := env.TempDir(t, ts)
			// Owned by root: the account may read it, not write in it.
			if err := os.Mkdir(filepath.Join(local, "locked"), 0o755); err != nil {
				t.Fatal(err)
			}
			type file struct {
				name string
				body []byte
				ok   bool
			}
			files := []file{
				{"a.php", []byte("<?php // a\n"), true},
				{"locked/b.php", []byte("<?php // b\n"), false},
				{"big.bin", bytes.Repeat([]byte("B"), 300<<10), true},
				{"c.php", bytes.Repeat([]byte("c"), 20<<10), true},
				{"locked/d.bin", bytes.Repeat([]byte("d"), 600<<10), false},
				{"e.bin", bytes.Repeat([]byte("e"), 300<<10), true},
				{"locked/f.php", []byte("<?php // f\n"), false},
				{"g.php", []byte("<?php // g\n"), true},
			}
			// A liveness bound, not a timing goal: a write that waited for a
			// server that never takes the data connection would run into it.
			ctx, cancel := context.WithTimeout(context.Background(), 40*time.Second)
			defer cancel()
			tr := remote.NewTrust(t.TempDir())
			tr.TrustNew = true
			p, err := remote.DialFTPPipe(ctx, site, tr)
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close()
			results := map[string]error{}
			i := 0
			err = p.StoreAtomic(ctx, func() (remote.PipeFile, bool) {
				if i == len(files) {
					return remote.PipeFile{}, false
				}
				f := files[i]
				i++
				final := path.Join(dir, f.name)
				return remote.PipeFile{Temp: final + ".part", Final: final, Size: int64(len(f.body)),
					Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(f.body)), nil }}, true
			}, func(f remote.PipeFile, err error) { results[f.Final] = err })
			if err != nil || ctx.Err() != nil {
				t.Fatalf("StoreAtomic: %v (context: %v)", err, ctx.Err())
			}
			for _, f := range files {
				err, reported := results[path.Join(dir, f.name)]
				got, readErr := os.ReadFile(filepath.Join(local, f.name))
				switch {
				case !reported:
					t.Errorf("%s: never reported", f.name)
				case f.ok && (err != nil || !bytes.Equal(got, f.body)):
					t.Errorf("%s: %v; %d bytes on the server, want %d", f.name, err, len(got), len(f.body))
				case !f.ok && (err == nil || readErr == nil):
					t.Errorf("%s: refused file reported %v, on the server: %v", f.name, err, readErr)
				}
			}
		})
	}
}
