// Package testenv hands tests the endpoints of the real servers that the
// test command (scripts/test) starts on loopback: vsftpd in several TLS
// variants, OpenSSH's sshd for SFTP, a throwaway MariaDB and PHP's built-in
// web server. Nothing here is a mock; tests talk to those processes.
//
// The servers are started once per test run by internal/testenv/cmd/testservers,
// which writes the endpoints to a JSON file named by $OCSETUP_TESTENV. Under
// the test command ($OCSETUP_TESTENV_REQUIRED=1) a missing environment fails
// the test; outside it, such tests skip and name the command to use.
package testenv

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// Variable names shared with scripts/test.
const (
	EnvFileVar  = "OCSETUP_TESTENV"
	RequiredVar = "OCSETUP_TESTENV_REQUIRED"
	TestCommand = "scripts/test"
)

// Site names; each is one way a hosting account can be reached.
const (
	FTP          = "ftp"           // plain FTP, explicit TLS offered but not required
	FTPSReuse    = "ftps-reuse"    // explicit TLS required on control and data, session reuse required
	FTPSImplicit = "ftps-implicit" // implicit TLS (port answers TLS at once)
	FTPNoTLS     = "ftp-notls"     // a server that offers no TLS at all
	FTPLimited   = "ftp-limited"   // plain FTP allowing one connection per address (421 beyond)
	FTPLimited2  = "ftp-limited2"  // plain FTP allowing two connections per address, as many shared hosts do
	FTPReadOnly  = "ftp-readonly"  // same tree as FTP, but the account may not write
	FTPSolo      = "ftp-solo"      // plain FTP, an account whose "/" only one test at a time may use (Lock)
	SFTP         = "sftp"          // OpenSSH, not chrooted: store under an absolute home path; the account has a shell
	SFTPJail     = "sftp-jail"     // OpenSSH, chrooted: the account sees "/"
)

// usersHome is the accounts' home in /etc/passwd. vsftpd changes into the
// home before it applies local_root, so it must exist; the servers' real
// starting folders are set in their own configs, per run.
const usersHome = "/var/lib/ocsetup-testenv"

// Site is one login on one of the file servers.
type Site struct {
	Name     string `json:"name"`
	Protocol string `json:"protocol"` // ftp, ftps, ftps-implicit, sftp
	Host     string `json:"host"`
	Port     int    `json:"port"`
	User     string `json:"user"`
	Password string `json:"password"`
	// StartDir is the remote folder the account starts in.
	StartDir string `json:"start_dir"`
	// LocalRoot is the local folder that the remote "/" maps to ("/" when
	// the account is not chrooted).
	LocalRoot string `json:"local_root"`
	UID       int    `json:"uid"`
	GID       int    `json:"gid"`
	// ReadOnly accounts may list and read but not write.
	ReadOnly bool `json:"read_only,omitempty"`
}

// LocalPath maps a remote path of the site to the local file system.
func (s Site) LocalPath(remote string) string {
	return filepath.Join(s.LocalRoot, filepath.FromSlash(path.Clean("/"+remote)))
}

// Addr is host:port.
func (s Site) Addr() string { return fmt.Sprintf("%s:%d", s.Host, s.Port) }

// SSH holds what an SFTP client needs besides the site login.
type SSH struct {
	KnownHosts      string `json:"known_hosts"`     // known_hosts file with the server's key
	HostKeySHA256   string `json:"host_key_sha256"` // "SHA256:…" as ssh-keygen -l prints it
	ClientKey       string `json:"client_key"`      // unencrypted ed25519 private key, authorised for every SSH user
	ClientKeyPass   string `json:"client_key_pass"` // the same key, encrypted with ClientKeyPhrase
	ClientKeyPhrase string `json:"client_key_phrase"`
}

// TLS holds the FTP servers' certificate.
type TLS struct {
	CertPEM    string `json:"cert_pem"`    // path of the self-signed certificate
	CertSHA256 string `json:"cert_sha256"` // "SHA256:" + unpadded base64 of the DER hash, as OpenSSH prints fingerprints
}

// MySQL is the throwaway MariaDB.
type MySQL struct {
	Host     string `json:"host"`
	Port     int    `json:"port"`
	User     string `json:"user"` // may create databases and users
	Password string `json:"password"`
	Socket   string `json:"socket"`
	// CertSHA256 is the fingerprint of the TLS certificate the server
	// offers (MySQLTLS only; the plain MariaDB offers no TLS).
	CertSHA256 string `json:"cert_sha256,omitempty"`
}

// Addr is host:port.
func (m MySQL) Addr() string { return fmt.Sprintf("%s:%d", m.Host, m.Port) }

// PHP is PHP's built-in web server with Base as its document root.
type PHP struct {
	URL     string `json:"url"`      // http://127.0.0.1:port
	DocRoot string `json:"doc_root"` // local folder served at URL + "/"
	Version string `json:"version"`
}

// URLFor returns the URL that serves a local file or folder under DocRoot.
func (p PHP) URLFor(local string) (string, error) {
	rel, err := filepath.Rel(p.DocRoot, local)
	if err != nil || strings.HasPrefix(rel, "..") {
		return "", fmt.Errorf("testenv: %s is not under the PHP document root %s", local, p.DocRoot)
	}
	return p.URL + "/" + filepath.ToSlash(rel), nil
}

// Env is everything the test command started.
type Env struct {
	Base  string          `json:"base"`
	Sites map[string]Site `json:"sites"`
	SSH   SSH             `json:"ssh"`
	TLS   TLS             `json:"tls"`
	MySQL MySQL           `json:"mysql"`
	// MySQLTLS is a second, small MariaDB that offers TLS with the test
	// certificate (TLS.CertSHA256), for the tests of certificate pinning.
	MySQLTLS MySQL `json:"mysql_tls"`
	PHP      PHP   `json:"php"`
	// Stores are the real OpenCart stores by version; RealStoresMissing
	// says why there are none.
	Stores            map[string]RealStore `json:"stores,omitempty"`
	RealStoresMissing string               `json:"real_stores_missing,omitempty"`
}

// Site returns the named site or fails the test.
func (e *Env) Site(t testing.TB, name string) Site {
	t.Helper()
	s, ok := e.Sites[name]
	if !ok {
		t.Fatalf("testenv: no site %q", name)
	}
	return s
}

var (
	loadOnce sync.Once
	loaded   *Env
	loadErr  error
)

// Load reads the environment file named by $OCSETUP_TESTENV.
func Load() (*Env, error) {
	loadOnce.Do(func() {
		p := os.Getenv(EnvFileVar)
		if p == "" {
			loadErr = fmt.Errorf("$%s is not set: run the tests with %s, which starts the servers", EnvFileVar, TestCommand)
			return
		}
		b, err := os.ReadFile(p)
		if err != nil {
			loadErr = fmt.Errorf("read test environment: %w (run the tests with %s)", err, TestCommand)
			return
		}
		var e Env
		if err := json.Unmarshal(b, &e); err != nil {
			loadErr = fmt.Errorf("parse %s: %w", p, err)
			return
		}
		loaded = &e
	})
	return loaded, loadErr
}

// Get returns the environment, or skips the test outside the test command
// and fails it inside.
func Get(t testing.TB) *Env {
	t.Helper()
	e, err := Load()
	if err != nil {
		if os.Getenv(RequiredVar) == "1" {
			t.Fatalf("real test servers required: %v", err)
		}
		t.Skipf("needs the real test servers: %v", err)
	}
	return e
}

// TempDir makes a fresh folder under the site's start folder, owned by the
// site's user, and removes it when the test ends. It returns the local path
// and the remote path as the site's account sees it.
func (e *Env) TempDir(t testing.TB, site Site) (local, remote string) {
	t.Helper()
	remote = path.Join(site.StartDir, "t-"+RandomName(6))
	local = site.LocalPath(remote)
	if err := os.Mkdir(local, 0o755); err != nil {
		t.Fatalf("testenv: %v", err)
	}
	if err := os.Lchown(local, site.UID, site.GID); err != nil {
		t.Fatalf("testenv: %v", err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(local) })
	return local, remote
}

// ChownTree gives a local tree to the site's user, as if the user wrote it.
// It refuses any folder outside the test servers' own folder: a wrong path
// here would hand system folders to a test account.
func ChownTree(root string, uid, gid int) error {
	abs, err := filepath.Abs(root)
	if err != nil {
		return err
	}
	if rel, err := filepath.Rel(usersHome, abs); err != nil || rel == "." || strings.HasPrefix(rel, "..") {
		return fmt.Errorf("testenv: refusing to change the owner of %s: it is not inside %s", abs, usersHome)
	}
	return filepath.WalkDir(root, func(p string, _ os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, uid, gid)
	})
}

// RandomName returns n random bytes in hex, for unique names.
func RandomName(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

// RealStore is an unmodified OpenCart release installed by its own CLI
// installer into the test servers: files under the store account's home
// (reachable over SFTP, FTP and FTPS like any store), its own database and
// database user, its own PHP built-in server running as the account.
type RealStore struct {
	Version  string `json:"version"`   // "3.0.3.9"
	Line     string `json:"line"`      // "3.0"
	Root     string `json:"root"`      // local document root
	URL      string `json:"url"`       // HTTP_SERVER, ending in "/"
	AdminDir string `json:"admin_dir"` // "admin"
	Database string `json:"database"`
	DBUser   string `json:"db_user"`
	// DBPassword is the store's own database password (in its config.php).
	DBPassword    string `json:"db_password"`
	AdminUser     string `json:"admin_user"`
	AdminPassword string `json:"admin_password"`
	// Snapshot holds files/ and db.sql as the install left them.
	Snapshot string `json:"snapshot"`
	Owner    int    `json:"owner"`
	Group    int    `json:"group"`
}

// RemoteRoot is the store's folder as the site's account sees it.
func (rs RealStore) RemoteRoot(site Site) string {
	rel, err := filepath.Rel(site.LocalRoot, rs.Root)
	if err != nil || strings.HasPrefix(rel, "..") {
		return ""
	}
	return path.Join("/", filepath.ToSlash(rel))
}
