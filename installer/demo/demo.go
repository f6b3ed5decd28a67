package demo

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/ocsetup/ocsetup/installer/demoprog"
	"github.com/ocsetup/ocsetup/installer/remote"
	"github.com/ocsetup/ocsetup/installer/store"
	"github.com/ocsetup/ocsetup/internal/fixture"
)

// The demo's fixed names. Only the passwords are random.
const (
	// User is the SFTP account.
	User = "demo"
	// StoreFolder is where the store sits in the account, a hosting
	// panel's usual web folder, so that detection has to find it.
	StoreFolder = "public_html"
	// The store's database account and database, as config.php names
	// them. The database name has no "_": a database-level GRANT reads
	// "_" as a wildcard, which the demo database does not support.
	dbUser   = "ocdemo"
	dbName   = "ocdemo"
	dbPrefix = "oc_"
)

// Options choose the demo store.
type Options struct {
	// Line is the OpenCart line; "" means DefaultLine.
	Line store.Line
	// TempDir is where the demo's folder is made; "" means os.TempDir().
	TempDir string
	// Log receives the database engine's log; nil discards it.
	Log io.Writer
}

// Demo is a running demo store. Close it when done.
type Demo struct {
	line     store.Line
	version  string
	dir      string // the demo's folder: sftp/ (the account) and work/
	site     demoprog.Site
	storeURL string
	db       fixture.DB

	ssh     *sshServer
	data    *database
	storeDB *storeDB
	web     *webServer
	root    *os.Root // the account's folder, for SFTP
	store   *os.Root // the store's folder, for the web server

	closeOnce sync.Once
	closeErr  error
}

// Start starts a demo store: its folder, database and servers. If ctx ends
// before it is ready, everything made so far is removed.
func Start(ctx context.Context, opts Options) (d *Demo, err error) {
	line := opts.Line
	if line == "" {
		line = demoprog.DefaultLine
	}
	version, err := demoprog.VersionOf(line)
	if err != nil {
		return nil, err
	}
	log := opts.Log
	if log == nil {
		log = io.Discard
	}
	dir, err := os.MkdirTemp(opts.TempDir, "ocsetup-demo-")
	if err != nil {
		return nil, fmt.Errorf("make the demo store's folder: %w", err)
	}
	d = &Demo{line: line, version: version, dir: dir}
	defer func() {
		if err != nil {
			err = errors.Join(err, d.Close())
			d = nil
		}
	}()

	// The three ports first: config.php names the database's and the
	// store's, and the files are written before anything is served.
	lns, err := listenLoopback(3)
	if err != nil {
		return d, err
	}
	// Each server closes its listener; those not handed over yet when a
	// step fails are closed here (closing one twice is harmless).
	defer func() {
		if err != nil {
			closeAll(lns...)
		}
	}()
	sshLn, dbLn, webLn := lns[0], lns[1], lns[2]

	d.db = fixture.DB{Host: "127.0.0.1", Port: port(dbLn), User: dbUser, Password: rand.Text(), Name: dbName}
	adminPassword := rand.Text()
	d.data, err = startDatabase(dbLn, adminPassword, log)
	if err != nil {
		return d, err
	}

	d.storeURL = "http://" + webLn.Addr().String() + "/"
	// OpenCart's config.php holds the store's path with forward slashes on
	// every system (its installer turns Windows' backslashes round, and a
	// backslash would break the PHP), and Windows takes them as well.
	root := filepath.ToSlash(filepath.Join(d.AccountDir(), StoreFolder))
	fx := fixture.Options{Version: version, Root: root, URL: d.storeURL, Prefix: dbPrefix, DB: d.db}
	if err := fixture.WriteFiles(fx); err != nil {
		return d, fmt.Errorf("write the demo store's files: %w", err)
	}
	if err := d.data.createStore(ctx, adminPassword, fx); err != nil {
		return d, err
	}
	if err := os.MkdirAll(d.WorkDir(), 0o700); err != nil {
		return d, err
	}

	d.store, err = os.OpenRoot(fx.Root)
	if err != nil {
		return d, err
	}
	d.storeDB, err = openStoreDB(dbLn.Addr().String(), d.db.User, d.db.Password, d.db.Name, dbPrefix)
	if err != nil {
		return d, err
	}
	d.web = startWeb(webLn, &web{version: version, line: line, adminDir: fx.AdminFolder(), db: d.storeDB, files: d.store, now: time.Now})

	hostKey, err := newHostKey()
	if err != nil {
		return d, err
	}
	d.root, err = os.OpenRoot(d.AccountDir())
	if err != nil {
		return d, err
	}
	password := rand.Text()
	d.ssh = startSSH(sshLn, hostKey, User, password, d.root)
	d.site = demoprog.Site{
		URL:         (remote.Site{Protocol: remote.SFTP, Host: "127.0.0.1", Port: port(sshLn), User: User, Path: "/"}).String(),
		Host:        "127.0.0.1",
		Port:        port(sshLn),
		User:        User,
		Password:    password,
		Fingerprint: ssh.FingerprintSHA256(hostKey.PublicKey()),
	}
	return d, ctx.Err()
}

// listenLoopback opens n listeners on free ports of 127.0.0.1 only: the
// demo is for this machine, never for the network.
func listenLoopback(n int) ([]net.Listener, error) {
	var lns []net.Listener
	for range n {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			closeAll(lns...)
			return nil, fmt.Errorf("open a port on 127.0.0.1 for the demo store: %w", err)
		}
		lns = append(lns, ln)
	}
	return lns, nil
}

func closeAll(lns ...net.Listener) {
	for _, ln := range lns {
		_ = ln.Close()
	}
}

func port(ln net.Listener) int { return ln.Addr().(*net.TCPAddr).Port }

// Site is the hosting account: URL, user, password and host key.
func (d *Demo) Site() demoprog.Site { return d.site }

// StoreURL is the storefront's address, config.php's HTTP_SERVER.
func (d *Demo) StoreURL() string { return d.storeURL }

// Line and Version are the OpenCart line and release the store imitates.
func (d *Demo) Line() store.Line { return d.line }
func (d *Demo) Version() string  { return d.version }

// StoreRoot is the store's folder as the SFTP account shows it.
func (d *Demo) StoreRoot() string { return "/" + StoreFolder }

// Dir is the demo's folder on this machine; Close removes it.
func (d *Demo) Dir() string { return d.dir }

// AccountDir is the folder the SFTP account sees as "/".
func (d *Demo) AccountDir() string { return filepath.Join(d.dir, "sftp") }

// WorkDir is a folder for the caller's own files about this demo (a setup
// file, a sample package), outside the account; Close removes it.
func (d *Demo) WorkDir() string { return filepath.Join(d.dir, "work") }

// DBAddr is the database's host:port, as config.php names it.
func (d *Demo) DBAddr() string {
	return net.JoinHostPort(d.db.Host, strconv.Itoa(d.db.Port))
}

// Close stops the servers, ends their connections and removes the demo's
// folder. It is safe to call more than once.
func (d *Demo) Close() error {
	d.closeOnce.Do(func() {
		var errs []error
		// The servers first, so that nothing writes into the folder while
		// it is removed; the web server before the database it uses.
		if d.ssh != nil {
			errs = append(errs, d.ssh.Close())
		}
		if d.web != nil {
			errs = append(errs, d.web.Close())
		}
		if d.storeDB != nil {
			errs = append(errs, d.storeDB.Close())
		}
		if d.data != nil {
			errs = append(errs, d.data.Close())
		}
		for _, r := range []*os.Root{d.root, d.store} {
			if r != nil {
				errs = append(errs, r.Close())
			}
		}
		errs = append(errs, os.RemoveAll(d.dir))
		d.closeErr = errors.Join(errs...)
	})
	return d.closeErr
}
