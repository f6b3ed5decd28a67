package remote

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/ocsetup/ocsetup/installer/msg"
)

// Pool shares a few logged-in connections among concurrent callers.
// Shared hosts answer 421 above two connections per user, hence the default.
//
// Size is the budget for every connection to the host: callers borrow the
// pool's connections (FTP's pipelined uploads too, remote.FTPPipeOf) rather
// than open their own, so the host never sees more than Size at once.
type Pool struct {
	site Site
	dial func(context.Context) (Conn, error)
	// trust is what the connections were checked with (nil for OpenWith).
	trust *Trust

	tokens chan struct{} // one per connection that may exist
	mu     sync.Mutex
	idle   []idleConn
	closed bool
	// stopWarm ends Warm's logins when the pool closes, and warming
	// counts them, so that Close returns only once a login it ended (or
	// that finished meanwhile) is logged out again: nothing stays open.
	stopWarm context.CancelFunc
	warming  sync.WaitGroup

	// Retries is how often a transient failure is retried (421, 425, 426,
	// timeouts, resets); Backoff is the first wait, doubled each time.
	Retries int
	Backoff time.Duration
	// AliveAfter: a connection idle longer than this is checked (NOOP)
	// before it is reused, so a server-side idle timeout is no error.
	AliveAfter time.Duration
}

type idleConn struct {
	c     Conn
	since time.Time
}

// Connections bounds the pool size.
const (
	DefaultConnections = 2
	MaxConnections     = 8
)

// Open logs in once (so that a wrong password or an untrusted key is
// reported now, not on the first transfer) and returns a pool of up to n
// connections (0 means DefaultConnections).
func Open(ctx context.Context, site Site, trust *Trust, n int) (*Pool, error) {
	p, err := OpenWith(ctx, site, n, func(ctx context.Context) (Conn, error) { return Dial(ctx, site, trust) })
	if err != nil {
		return nil, err
	}
	p.trust = trust
	// Once trusted, a key is no longer "new" for the other connections.
	trust.TrustNew = false
	return p, nil
}

// OpenWith is Open over connections that dial makes: another Conn than
// FTP's and SFTP's, such as the in-memory one engine tests use
// (installer/remote/memconn). site names the place in errors and is what
// Site returns; dial is called once now and whenever the pool needs a
// connection.
func OpenWith(ctx context.Context, site Site, n int, dial func(context.Context) (Conn, error)) (*Pool, error) {
	if n == 0 {
		n = DefaultConnections
	}
	if n < 1 || n > MaxConnections {
		return nil, fmt.Errorf("connections must be 1 to %d, not %d", MaxConnections, n)
	}
	p := &Pool{site: site, tokens: make(chan struct{}, n), dial: dial,
		Retries: 3, Backoff: 300 * time.Millisecond, AliveAfter: 5 * time.Second}
	c, err := p.dial(ctx)
	if err != nil {
		return nil, err
	}
	p.put(c)
	return p, nil
}

// Site is the site this pool is connected to.
func (p *Pool) Site() Site { return p.site }

// Size is the number of connections the pool may open.
func (p *Pool) Size() int { return cap(p.tokens) }

func (p *Pool) put(c Conn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		_ = c.Close()
		return
	}
	p.idle = append(p.idle, idleConn{c: c, since: time.Now()})
}

// get returns a connection; the caller holds a token.
func (p *Pool) get(ctx context.Context) (Conn, error) {
	for {
		p.mu.Lock()
		if p.closed {
			p.mu.Unlock()
			return nil, errors.New("the connection pool is closed")
		}
		if len(p.idle) == 0 {
			p.mu.Unlock()
			return p.dial(ctx)
		}
		ic := p.idle[len(p.idle)-1]
		p.idle = p.idle[:len(p.idle)-1]
		p.mu.Unlock()
		if time.Since(ic.since) < p.AliveAfter || ic.c.Alive(ctx) == nil {
			return ic.c, nil
		}
		_ = ic.c.Close()
		if ctx.Err() != nil {
			return nil, &Error{Kind: KindCanceled, Op: "connect", Host: p.site.Addr(), Err: ctx.Err()}
		}
	}
}

// acquire takes a token: at most Size calls hold one, so at most Size
// connections exist (in use or idle).
func (p *Pool) acquire(ctx context.Context) error {
	select {
	case p.tokens <- struct{}{}:
		return nil
	case <-ctx.Done():
		return &Error{Kind: KindCanceled, Op: "wait for a connection", Host: p.site.Addr(), Err: ctx.Err()}
	}
}

func (p *Pool) release() { <-p.tokens }

// Do runs fn with a connection, retrying transient failures on a fresh
// connection with exponential backoff. Permanent failures (wrong login,
// permission, changed key) are returned at once.
func (p *Pool) Do(ctx context.Context, fn func(Conn) error) error {
	if err := p.acquire(ctx); err != nil {
		return err
	}
	defer p.release()
	wait := p.Backoff
	for attempt := 0; ; attempt++ {
		c, err := p.get(ctx)
		if err == nil {
			err = fn(c)
			if k := KindOf(err); err == nil || k == KindPermission || k == KindNotFound {
				// The server answered; the connection is fine.
				p.put(c)
				return err
			}
			_ = c.Close()
		}
		if !IsTransient(err) || attempt >= p.Retries {
			return err
		}
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return &Error{Kind: KindCanceled, Op: "retry", Host: p.site.Addr(), Err: ctx.Err()}
		}
		wait *= 2
	}
}

// Warm logs in the pool's other connections in the background, so that
// the first callers that work in parallel (discovery's listings, the plan,
// the upload) find them ready instead of each waiting for a login: over a
// slow link a login is 5 to 10 round trips. It stays within the budget:
// each login holds a token like any caller, and starts only while the
// connections that exist or are being made leave room for it. A failed
// login is dropped; a caller that needs the connection dials again and
// reports the failure.
func (p *Pool) Warm(ctx context.Context) {
	p.mu.Lock()
	if p.closed || p.stopWarm != nil {
		p.mu.Unlock()
		return
	}
	ctx, p.stopWarm = context.WithCancel(context.WithoutCancel(ctx))
	p.warming.Add(p.Size() - 1)
	p.mu.Unlock()
	for range p.Size() - 1 {
		go func() {
			defer p.warming.Done()
			p.warmOne(ctx)
		}()
	}
}

func (p *Pool) warmOne(ctx context.Context) {
	if err := p.acquire(ctx); err != nil {
		return
	}
	defer p.release()
	// Every connection is idle or held by a token holder (each holds at
	// most one, or is making it), so idle + tokens held bounds the
	// connections, this login included.
	p.mu.Lock()
	room := !p.closed && len(p.idle)+len(p.tokens) <= cap(p.tokens)
	p.mu.Unlock()
	if !room {
		return
	}
	c, err := p.dial(ctx)
	if err != nil {
		return
	}
	p.put(c)
}

// Close logs out every idle connection; connections in use are closed when
// they are returned.
func (p *Pool) Close() error {
	p.mu.Lock()
	idle := p.idle
	p.idle = nil
	p.closed = true
	if p.stopWarm != nil {
		p.stopWarm()
	}
	p.mu.Unlock()
	// A warming login still under way ends (its context is cancelled) or
	// finishes and is handed to the closed pool, which logs it out.
	p.warming.Wait()
	errs := make([]error, len(idle))
	var wg sync.WaitGroup
	for i, ic := range idle {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = ic.c.Close()
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// Getwd is the account's start folder.
func (p *Pool) Getwd(ctx context.Context) (dir string, err error) {
	err = p.Do(ctx, func(c Conn) (err error) {
		dir, err = c.Getwd(ctx)
		return err
	})
	return dir, err
}

// List lists a folder.
func (p *Pool) List(ctx context.Context, dir string) (list []FileInfo, err error) {
	err = p.Do(ctx, func(c Conn) (err error) {
		list, err = c.List(ctx, dir)
		return err
	})
	return list, err
}

// ListMany lists several folders on one connection (remote.ListMany: over
// FTP pipelined STAT on the control connection, over SFTP all requests in
// flight together), for about one listing's round trips. lists[i] and
// errs[i] belong to dirs[i]; over FTP a missing folder may list as empty.
// A failed connection is retried on a fresh one, as Do does.
func (p *Pool) ListMany(ctx context.Context, dirs []string) (lists [][]FileInfo, errs []error) {
	err := p.Do(ctx, func(c Conn) error {
		lists, errs = ListMany(ctx, c, dirs)
		for _, e := range errs {
			if e != nil && IsTransient(e) {
				return e
			}
		}
		return nil
	})
	if err != nil {
		lists, errs = make([][]FileInfo, len(dirs)), make([]error, len(dirs))
		for i := range errs {
			errs[i] = err
		}
	}
	return lists, errs
}

// ReadAndList reads a small file (as ReadFile) and lists folders (as
// ListMany) on one connection: over SFTP the requests travel together,
// over FTP the listings go as pipelined STAT and the file after them. On a
// slow link that saves the round trips of one step after the other
// (discovery's first look at a folder that may be a store).
func (p *Pool) ReadAndList(ctx context.Context, name string, limit int64, dirs []string) (data []byte, lists [][]FileInfo, errs []error, readErr error) {
	var buf bytes.Buffer
	err := p.Do(ctx, func(c Conn) error {
		buf.Reset()
		read := func() error { return c.Retrieve(ctx, name, &limitWriter{w: &buf, left: limit}) }
		if _, ok := c.(*sftpConn); ok {
			done := make(chan struct{})
			go func() { defer close(done); readErr = read() }()
			lists, errs = ListMany(ctx, c, dirs)
			<-done
		} else {
			lists, errs = ListMany(ctx, c, dirs)
			readErr = read()
		}
		// Any failure but the server's "no" may leave the connection out
		// of step (a download cut at its limit): the pool drops it.
		for _, e := range append([]error{readErr}, errs...) {
			if k := KindOf(e); e != nil && k != KindNotFound && k != KindPermission {
				return e
			}
		}
		return nil
	})
	if err != nil {
		readErr, lists, errs = err, make([][]FileInfo, len(dirs)), make([]error, len(dirs))
		for i := range errs {
			errs[i] = err
		}
		return nil, lists, errs, readErr
	}
	if errors.Is(readErr, ErrTooLarge) {
		readErr = tooLarge(name, limit)
	}
	if readErr != nil {
		return nil, lists, errs, readErr
	}
	return buf.Bytes(), lists, errs, nil
}

// Stat describes one path.
func (p *Pool) Stat(ctx context.Context, name string) (fi FileInfo, err error) {
	err = p.Do(ctx, func(c Conn) (err error) {
		fi, err = c.Stat(ctx, name)
		return err
	})
	return fi, err
}

// ErrTooLarge is returned by ReadFile when a file exceeds its limit.
var ErrTooLarge error = msg.NewError("error.remote.too_large")

// tooLarge is ErrTooLarge naming the file and its limit.
func tooLarge(name string, limit int64) error {
	return msg.Wrap(ErrTooLarge, "error.remote.too_large_file", "Name", name, "Limit", limit)
}

// ReadFile downloads a small file, refusing more than limit bytes.
func (p *Pool) ReadFile(ctx context.Context, name string, limit int64) ([]byte, error) {
	var buf bytes.Buffer
	err := p.Do(ctx, func(c Conn) error {
		buf.Reset()
		return c.Retrieve(ctx, name, &limitWriter{w: &buf, left: limit})
	})
	if errors.Is(err, ErrTooLarge) {
		return nil, tooLarge(name, limit)
	}
	return buf.Bytes(), err
}

// ReadFiles reads small files (as ReadFile) at once. Over SFTP they go
// together on one connection: its requests travel side by side, so two
// files take the round trips of one and need no second login (on a slow
// link a login is 5 to 10 round trips, docs/connections.md). Over FTP a
// connection carries one transfer at a time, so each file takes a
// connection of its own, as many at once as the pool allows.
func (p *Pool) ReadFiles(ctx context.Context, names []string, limit int64) (data [][]byte, errs []error) {
	data, errs = make([][]byte, len(names)), make([]error, len(names))
	if p.site.Protocol != SFTP {
		var wg sync.WaitGroup
		for i, name := range names {
			wg.Add(1)
			go func() {
				defer wg.Done()
				data[i], errs[i] = p.ReadFile(ctx, name, limit)
			}()
		}
		wg.Wait()
		return data, errs
	}
	bufs := make([]bytes.Buffer, len(names))
	err := p.Do(ctx, func(c Conn) error {
		var wg sync.WaitGroup
		for i, name := range names {
			wg.Add(1)
			go func() {
				defer wg.Done()
				bufs[i].Reset()
				errs[i] = c.Retrieve(ctx, name, &limitWriter{w: &bufs[i], left: limit})
			}()
		}
		wg.Wait()
		// A file's own failure (not there, not allowed, too large) leaves
		// an SFTP connection in step: each request has its own answer. Any
		// other fails every file, and the pool drops the connection (and
		// retries them all on a new one if the failure was transient).
		for _, e := range errs {
			if k := KindOf(e); e != nil && k != KindNotFound && k != KindPermission && !errors.Is(e, ErrTooLarge) {
				return e
			}
		}
		return nil
	})
	for i, name := range names {
		switch {
		case err != nil:
			data[i], errs[i] = nil, err
		case errors.Is(errs[i], ErrTooLarge):
			errs[i] = tooLarge(name, limit)
		case errs[i] == nil:
			data[i] = bufs[i].Bytes()
		}
	}
	return data, errs
}

type limitWriter struct {
	w    io.Writer
	left int64
}

func (l *limitWriter) Write(b []byte) (int, error) {
	if int64(len(b)) > l.left {
		return 0, ErrTooLarge
	}
	l.left -= int64(len(b))
	return l.w.Write(b)
}

// TempName is the name a file is uploaded under before it is renamed into
// place: in the same folder (a rename across folders may copy), hidden, and
// recognisable so that a crash leaves files a later run can find and remove.
// A PHP file keeps ".php" at the end (".ocsetup-<hex>.tmp.php"): its
// temporary copy in the web root is then run by PHP if requested, not
// handed out as text, and PHP files carry secrets (the database bridge's
// key, a connector's API key).
func TempName(final string) string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	ext := ".tmp"
	if strings.EqualFold(path.Ext(final), ".php") {
		ext = ".tmp.php"
	}
	return path.Join(path.Dir(final), ".ocsetup-"+hex.EncodeToString(b)+ext)
}

// IsTempName reports whether a file name is one of TempName's.
func IsTempName(name string) bool {
	base := path.Base(name)
	rest, ok := strings.CutPrefix(base, ".ocsetup-")
	if !ok || len(rest) < 12 {
		return false
	}
	if _, err := hex.DecodeString(rest[:12]); err != nil {
		return false
	}
	return rest[12:] == ".tmp" || rest[12:] == ".tmp.php"
}

// WriteAtomic uploads data under a temporary name in the target folder and
// renames it into place, so the live store never serves a half-written file.
func (p *Pool) WriteAtomic(ctx context.Context, name string, data []byte) error {
	var tried []string
	err := p.Do(ctx, func(c Conn) error {
		tmp := TempName(name)
		tried = append(tried, tmp)
		return writeVia(ctx, c, tmp, name, bytes.NewReader(data))
	})
	// A failed attempt may leave its temporary file when the connection
	// broke (the cleanup on that connection cannot run): remove them over
	// a working one. Only files of our own making are touched.
	if n := len(tried); err != nil || n > 1 {
		leftover := tried
		if err == nil {
			leftover = tried[:n-1]
		}
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		for _, tmp := range leftover {
			_ = p.Do(cctx, func(c Conn) error {
				if err := c.Remove(cctx, tmp); err != nil && KindOf(err) != KindNotFound {
					return err
				}
				return nil
			})
		}
	}
	return err
}

// WriteAtomic is the single-connection form of Pool.WriteAtomic. The reader
// is read once; on a retry the pool calls it again with a fresh reader.
func WriteAtomic(ctx context.Context, c Conn, name string, r io.Reader) error {
	return writeVia(ctx, c, TempName(name), name, r)
}

// WriteAtomicAs is WriteAtomic through a temporary name of the caller's
// (from TempName), for a caller that must know it.
func WriteAtomicAs(ctx context.Context, c Conn, tmp, name string, r io.Reader) error {
	if path.Dir(tmp) != path.Dir(name) || !IsTempName(tmp) {
		return fmt.Errorf("remote: %s is not a temporary name beside %s", tmp, name)
	}
	return writeVia(ctx, c, tmp, name, r)
}

func writeVia(ctx context.Context, c Conn, tmp, name string, r io.Reader) error {
	if err := c.Store(ctx, tmp, r); err != nil {
		cleanup(c, tmp)
		return err
	}
	if err := c.Rename(ctx, tmp, name); err != nil {
		cleanup(c, tmp)
		return err
	}
	return nil
}

// cleanup removes a temporary file after a failure, with its own short
// deadline: the caller's context may be the reason for the failure.
func cleanup(c Conn, tmp string) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = c.Remove(ctx, tmp)
}

// Mkdir creates one folder.
func (p *Pool) Mkdir(ctx context.Context, name string) error {
	return p.Do(ctx, func(c Conn) error { return c.Mkdir(ctx, name) })
}

// Remove deletes one file.
func (p *Pool) Remove(ctx context.Context, name string) error {
	return p.Do(ctx, func(c Conn) error { return c.Remove(ctx, name) })
}

// RemoveDir deletes one empty folder.
func (p *Pool) RemoveDir(ctx context.Context, name string) error {
	return p.Do(ctx, func(c Conn) error { return c.RemoveDir(ctx, name) })
}

// Rename moves a file, replacing the target.
func (p *Pool) Rename(ctx context.Context, from, to string) error {
	return p.Do(ctx, func(c Conn) error { return c.Rename(ctx, from, to) })
}

// Trust is the trust store the pool's connections were checked with; the
// database's direct route pins its MySQL certificate there too.
func (p *Pool) Trust() *Trust { return p.trust }
