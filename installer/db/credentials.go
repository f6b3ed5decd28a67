package db

import (
	"context"
	"fmt"
	"net"
	"path"
	"strconv"
	"strings"

	"github.com/ocsetup/ocsetup/installer/msg"
	"github.com/ocsetup/ocsetup/installer/phpconf"
	"github.com/ocsetup/ocsetup/installer/remote"
	"github.com/ocsetup/ocsetup/installer/store"
)

// configLimit bounds a config.php download; real ones are a few KB.
const configLimit = 256 << 10

// FileReader is what Read needs of the files channel (*remote.Pool has
// it): small files read at once, each with its own error.
type FileReader interface {
	ReadFiles(ctx context.Context, names []string, limit int64) ([][]byte, []error)
}

// URLs are the addresses a config.php names. The catalog file has
// HTTP_SERVER (and HTTPS_SERVER up to 3.x); the admin file has the admin's
// own HTTP(S)_SERVER and the catalog's HTTP(S)_CATALOG.
type URLs struct {
	HTTPServer   string `json:"http_server,omitempty"`
	HTTPSServer  string `json:"https_server,omitempty"`
	HTTPCatalog  string `json:"http_catalog,omitempty"`
	HTTPSCatalog string `json:"https_catalog,omitempty"`
}

// Problem is something found while reading the settings, in plain language.
type Problem struct {
	File     string `json:"file"` // remote path of the config file
	Constant string `json:"constant,omitempty"`
	Code     string `json:"code"` // phpconf.ProblemCode, or "admin-differs", "admin-unreadable"
	Message  string `json:"message"`
	// Msg is Message as a message, for the app to show in the user's
	// language.
	Msg msg.Msg `json:"-"`
	// Blocking: the database settings cannot be used as read, so only the
	// bridge (which lets PHP compute them) can reach the database.
	Blocking bool `json:"blocking"`
}

// Computed is a constant whose value only PHP on the server knows.
type Computed struct {
	File     string `json:"file"`
	Constant string `json:"constant"`
	// Reason says why ("it calls getenv()"); it never quotes the file, whose
	// literals may be a password.
	Reason string `json:"reason"`
	// ReasonMsg is Reason as a message, for the user's language.
	ReasonMsg msg.Msg `json:"-"`
	// ServerValue is the value PHP computed on the server, filled in by
	// Connect when the bridge route ran config.php (never for DB_PASSWORD).
	ServerValue string `json:"server_value,omitempty"`
}

// Credentials are the database settings and addresses of one store, read
// from its config.php and admin config.php. The password is a Secret:
// String, fmt and JSON mask it.
type Credentials struct {
	Store       store.Store `json:"store"`
	CatalogFile string      `json:"catalog_file"`
	AdminFile   string      `json:"admin_file"`

	Driver   string `json:"driver"`
	Host     string `json:"host"`
	Port     int    `json:"port"`
	Socket   string `json:"socket,omitempty"`
	User     string `json:"user"`
	Password Secret `json:"password"`
	Database string `json:"database"`
	Prefix   string `json:"prefix"`

	Catalog URLs `json:"catalog"`
	Admin   URLs `json:"admin"`

	Computed []Computed `json:"computed,omitempty"`
	Problems []Problem  `json:"problems,omitempty"`
}

// urlConstants and dbConstants are reported when computed on the server.
var (
	urlConstants = []string{"HTTP_SERVER", "HTTPS_SERVER", "HTTP_CATALOG", "HTTPS_CATALOG"}
	dbConstants  = []string{"DB_DRIVER", "DB_HOSTNAME", "DB_PORT", "DB_USERNAME", "DB_PASSWORD", "DB_DATABASE", "DB_PREFIX"}
)

// Read downloads <root>/config.php and <root>/<admin>/config.php and reads
// the database settings and addresses from them. The catalog file is the
// one the storefront (and the bridge) uses, so its settings count; the
// admin file only adds its addresses and a warning when it names another
// database. An error means the catalog file could not be read or is not
// PHP; everything else is reported in Problems and Computed.
func Read(ctx context.Context, files FileReader, st store.Store) (*Credentials, error) {
	admin := st.AdminDir
	if admin == "" {
		admin = "admin"
	}
	c := &Credentials{
		Store:       st,
		CatalogFile: path.Join(st.Root, "config.php"),
		AdminFile:   path.Join(st.Root, admin, "config.php"),
	}
	// The two files are read at once: on a slow link that saves the round
	// trips of one reading (docs/connections.md).
	src, errs := files.ReadFiles(ctx, []string{c.CatalogFile, c.AdminFile}, configLimit)
	cat, err := parseConfig(src[0], errs[0], c.CatalogFile)
	if err != nil {
		return nil, err
	}
	settings, problems := phpconf.DBSettings(cat)
	c.Driver, c.Host, c.Port, c.Socket = settings.Driver, settings.Host, settings.Port, settings.Socket
	c.User, c.Password, c.Database, c.Prefix = settings.User, NewSecret(settings.Password), settings.Database, settings.Prefix
	ObserveSecret(ctx, settings.Password)
	for _, p := range problems {
		c.Problems = append(c.Problems, Problem{File: c.CatalogFile, Constant: p.Constant, Code: string(p.Code), Message: p.Message, Msg: p.Msg, Blocking: p.Blocking})
	}
	c.Catalog = readURLs(cat)
	c.noteComputed(cat, c.CatalogFile)

	adm, err := parseConfig(src[1], errs[1], c.AdminFile)
	if err != nil {
		m := msg.New("creds.problem.admin_unreadable", "Cause", msg.CauseArg(err))
		c.Problems = append(c.Problems, Problem{File: c.AdminFile, Code: "admin-unreadable", Message: m.English(), Msg: m})
		return c, nil
	}
	c.Admin = readURLs(adm)
	c.noteComputed(adm, c.AdminFile)
	adminDB, adminProblems := phpconf.DBSettings(adm)
	ObserveSecret(ctx, adminDB.Password)
	if !phpconf.HasBlocking(adminProblems) && !phpconf.HasBlocking(problems) {
		if diff := differences(settings, adminDB); len(diff) > 0 {
			m := msg.New("creds.problem.admin_differs", "Diff", strings.Join(diff, ", "))
			c.Problems = append(c.Problems, Problem{File: c.AdminFile, Code: "admin-differs", Message: m.English(), Msg: m})
		}
	}
	return c, nil
}

// parseConfig parses a config.php as it was read (src, or the reading's
// error).
func parseConfig(src []byte, err error, name string) (*phpconf.Config, error) {
	if err != nil {
		if remote.KindOf(err) == remote.KindNotFound {
			return nil, msg.Wrap(err, "error.db.config_missing", "File", name)
		}
		return nil, msg.Wrap(err, "error.db.config_read", "File", name)
	}
	cfg, err := phpconf.Parse(src)
	if err != nil {
		return nil, msg.Wrap(err, "error.db.config_not_php", "File", name)
	}
	return cfg, nil
}

func readURLs(cfg *phpconf.Config) URLs {
	var u URLs
	u.HTTPServer, _ = cfg.Value("HTTP_SERVER")
	u.HTTPSServer, _ = cfg.Value("HTTPS_SERVER")
	u.HTTPCatalog, _ = cfg.Value("HTTP_CATALOG")
	u.HTTPSCatalog, _ = cfg.Value("HTTPS_CATALOG")
	return u
}

// noteComputed lists the constants of interest that only the server can
// evaluate.
func (c *Credentials) noteComputed(cfg *phpconf.Config, file string) {
	for _, name := range append(append([]string(nil), dbConstants...), urlConstants...) {
		d, st := cfg.Resolve(name)
		switch st {
		case phpconf.StatusComputed:
			m := msg.New("db.computed.reason", "Reason", d.ReasonMsg)
			c.Computed = append(c.Computed, Computed{File: file, Constant: name, Reason: m.English(), ReasonMsg: m})
		case phpconf.StatusAmbiguous:
			m := msg.New("db.computed.conditional")
			c.Computed = append(c.Computed, Computed{File: file, Constant: name, Reason: m.English(), ReasonMsg: m})
		}
	}
}

// differences names the settings in which two files disagree, without
// their values (one of them is a password).
func differences(a, b phpconf.DB) []string {
	var d []string
	if a.Host != b.Host || a.Port != b.Port || a.Socket != b.Socket {
		d = append(d, "server")
	}
	if a.User != b.User {
		d = append(d, "user")
	}
	if a.Password != b.Password {
		d = append(d, "password")
	}
	if a.Database != b.Database {
		d = append(d, "database name")
	}
	if a.Prefix != b.Prefix {
		d = append(d, "table prefix")
	}
	return d
}

// Usable reports whether the database settings are all known from the
// files. When they are not (computed on the server, inside if/else, a
// PostgreSQL store...), only the bridge can reach the database, because
// it lets PHP evaluate config.php.
func (c *Credentials) Usable() bool {
	for _, p := range c.Problems {
		if p.Blocking && p.File == c.CatalogFile {
			return false
		}
	}
	return true
}

// blockingReason is the first blocking problem, for "skipped" attempts:
// its message, or its English when it has none.
func (c *Credentials) blockingReason() any {
	for _, p := range c.Problems {
		if p.Blocking && p.File == c.CatalogFile {
			if !p.Msg.IsZero() {
				return p.Msg
			}
			return p.Message
		}
	}
	return ""
}

// Server is where config.php points: "host:port" or "host:/path.sock".
func (c *Credentials) Server() string {
	if c.Socket != "" {
		return c.Host + ":" + c.Socket
	}
	if c.Host == "" {
		return ""
	}
	return net.JoinHostPort(c.Host, strconv.Itoa(c.Port))
}

// StoreURLs are the storefront's base addresses, each ending in "/",
// where the store root's files are served, best first: https addresses
// before http ones, the catalog's own constants before the admin's
// HTTP(S)_CATALOG. Empty when config.php computes them on the server.
func (c *Credentials) StoreURLs() []string {
	var out []string
	seen := map[string]bool{}
	for _, scheme := range []string{"https://", "http://"} {
		for _, u := range []string{c.Catalog.HTTPSServer, c.Catalog.HTTPServer, c.Admin.HTTPSCatalog, c.Admin.HTTPCatalog} {
			if strings.HasPrefix(strings.ToLower(u), scheme) && !seen[withSlash(u)] {
				seen[withSlash(u)] = true
				out = append(out, withSlash(u))
			}
		}
	}
	return out
}

func withSlash(u string) string {
	if strings.HasSuffix(u, "/") {
		return u
	}
	return u + "/"
}

// String is a one-line summary with the password masked.
func (c *Credentials) String() string {
	return fmt.Sprintf("%s user %s password %s database %s prefix %q (driver %s)",
		c.Server(), c.User, c.Password, c.Database, c.Prefix, c.Driver)
}
