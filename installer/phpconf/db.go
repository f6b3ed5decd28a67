package phpconf

import (
	"strconv"
	"strings"

	"github.com/ocsetup/ocsetup/installer/msg"
)

// DefaultMySQLPort is used when config.php names no port: OpenCart 1.5 and
// 2.0.0–2.0.2 never wrote DB_PORT, and every driver falls back to 3306.
const DefaultMySQLPort = 3306

// DB is the database connection a config.php describes.
type DB struct {
	Driver     string // DB_DRIVER in lower case; supported: "mysqli", "mysql", "mpdo", "pdo"
	Host       string // host name or IP address, without port, socket or "p:"
	Port       int    // from "host:port" in DB_HOSTNAME, else DB_PORT, else 3306
	Socket     string // Unix socket path from "localhost:/path/mysql.sock"
	Persistent bool   // DB_HOSTNAME had mysqli's "p:" persistent-connection prefix
	User       string
	Password   string
	Database   string
	Prefix     string // table prefix; "" is legal
	// SSLKey, SSLCert and SSLCA come from OpenCart 4.1's DB_SSL_* and hold
	// PEM text (OpenCart writes them to temporary files), not file names.
	SSLKey  string
	SSLCert string
	SSLCA   string
}

// ProblemCode is the machine-readable kind of a Problem.
type ProblemCode string

// Problem codes.
const (
	// ProblemMissing: a required DB_* constant is not defined at all.
	ProblemMissing ProblemCode = "missing"
	// ProblemComputed: the value is computed on the server (getenv(),
	// __DIR__, a variable...); read it with a server-side helper instead.
	ProblemComputed ProblemCode = "computed"
	// ProblemConditional: the constant is defined inside if/else (or
	// similar), so the value in use depends on the server.
	ProblemConditional ProblemCode = "conditional"
	// ProblemPostgres: DB_DRIVER is pgsql; only MySQL/MariaDB is supported.
	ProblemPostgres ProblemCode = "postgres"
	// ProblemDriver: DB_DRIVER is some other unsupported driver.
	ProblemDriver ProblemCode = "unsupported-driver"
	// ProblemPort: DB_PORT or the port in DB_HOSTNAME is not a port number.
	ProblemPort ProblemCode = "bad-port"
	// ProblemHost: DB_HOSTNAME cannot be a host name (or is empty).
	ProblemHost ProblemCode = "bad-host"
	// ProblemPortConflict (warning): DB_HOSTNAME has a port that differs
	// from DB_PORT; the one in DB_HOSTNAME is used.
	ProblemPortConflict ProblemCode = "port-conflict"
	// ProblemRedefined (warning): the constant is defined more than once;
	// PHP keeps the first definition, which is the one used.
	ProblemRedefined ProblemCode = "redefined"
	// ProblemPrefix (warning): DB_PREFIX has characters OpenCart's
	// installer never allows, so table names must be quoted carefully.
	ProblemPrefix ProblemCode = "unusual-prefix"
	// ProblemHTMLEscaped (warning): a DB value contains "&amp;"-style
	// escapes. The installers of 1.5 to 2.0.2 wrote the form input as
	// htmlspecialchars() left it, so a password typed with & " < > may be
	// stored escaped; the value is still used as read, since that is
	// what the store itself sends to MySQL.
	ProblemHTMLEscaped ProblemCode = "html-escaped"
)

// Problem is something found while reading the database settings.
type Problem struct {
	Code     ProblemCode
	Constant string // the constant concerned, such as "DB_PASSWORD"
	Message  string // plain-language explanation for the user
	// Msg is Message as a message, for the app to show in the user's
	// language.
	Msg msg.Msg
	// Blocking is true when the settings cannot be used as read: the
	// caller should fall back to a server-side route or ask the user.
	// Warnings have Blocking false.
	Blocking bool
}

func (p Problem) String() string { return p.Message }

// HasBlocking reports whether any problem is blocking.
func HasBlocking(problems []Problem) bool {
	for _, p := range problems {
		if p.Blocking {
			return true
		}
	}
	return false
}

// dbConstantNames describes the DB_* constants in words for messages.
var dbConstantNames = map[string]string{
	"DB_DRIVER":   "database driver",
	"DB_HOSTNAME": "database server",
	"DB_USERNAME": "database user name",
	"DB_PASSWORD": "database password",
	"DB_DATABASE": "database name",
	"DB_PORT":     "database port",
	"DB_PREFIX":   "table prefix",
	"DB_SSL_KEY":  "database SSL key",
	"DB_SSL_CERT": "database SSL certificate",
	"DB_SSL_CA":   "database SSL CA certificate",
}

// DBSettings reads DB_DRIVER, DB_HOSTNAME, DB_USERNAME, DB_PASSWORD,
// DB_DATABASE, DB_PORT, DB_PREFIX and DB_SSL_* from a parsed config.php.
// Fields it could read are filled in even when there are problems; a
// blocking problem means the result must not be used to connect as is.
func DBSettings(cfg *Config) (DB, []Problem) {
	r := dbReader{cfg: cfg}
	var db DB
	if driver, ok := r.get("DB_DRIVER", true); ok {
		db.Driver = strings.ToLower(driver)
		switch db.Driver {
		case "mysqli", "mysql", "mpdo", "pdo":
		case "pgsql", "postgre", "postgres", "postgresql":
			r.add(ProblemPostgres, "DB_DRIVER", true, msg.New("phpconf.problem.postgres", "Driver", quoteSingle(driver)))
		default:
			r.add(ProblemDriver, "DB_DRIVER", true, msg.New("phpconf.problem.driver", "Driver", quoteSingle(driver)))
		}
	}
	hostPort := 0
	if h, ok := r.get("DB_HOSTNAME", true); ok {
		hostPort = r.host(&db, h)
	}
	db.User, _ = r.get("DB_USERNAME", true)
	db.Password, _ = r.get("DB_PASSWORD", true)
	db.Database, _ = r.get("DB_DATABASE", true)
	for _, c := range []struct{ name, value string }{
		{"DB_USERNAME", db.User}, {"DB_PASSWORD", db.Password}, {"DB_DATABASE", db.Database},
	} {
		if looksHTMLEscaped(c.value) {
			r.add(ProblemHTMLEscaped, c.name, false, msg.New("phpconf.problem.html_escaped", "What", constantMsg(c.name), "Name", c.name))
		}
	}
	db.Prefix, _ = r.get("DB_PREFIX", true)
	if !validPrefix(db.Prefix) {
		r.add(ProblemPrefix, "DB_PREFIX", false, msg.New("phpconf.problem.prefix", "Prefix", quoteSingle(db.Prefix)))
	}
	db.Port = DefaultMySQLPort
	if p, ok := r.get("DB_PORT", false); ok {
		if n, set := r.port(p); set {
			db.Port = n
			if hostPort != 0 && hostPort != n {
				r.add(ProblemPortConflict, "DB_PORT", false, msg.New("phpconf.problem.port_conflict", "HostPort", hostPort, "Port", n))
			}
		}
	}
	if hostPort != 0 {
		db.Port = hostPort
	}
	db.SSLKey, _ = r.get("DB_SSL_KEY", false)
	db.SSLCert, _ = r.get("DB_SSL_CERT", false)
	db.SSLCA, _ = r.get("DB_SSL_CA", false)
	return db, r.problems
}

type dbReader struct {
	cfg      *Config
	problems []Problem
}

func (r *dbReader) add(code ProblemCode, constant string, blocking bool, m msg.Msg) {
	r.problems = append(r.problems, Problem{
		Code:     code,
		Constant: constant,
		Message:  m.English(),
		Msg:      m,
		Blocking: blocking,
	})
}

// constantMsg names a DB_* constant in words ("database password").
func constantMsg(name string) msg.Msg {
	return msg.Msg{Key: "phpconf.const." + strings.ToLower(name), Own: dbConstantNames[name]}
}

// get returns a constant's value when the file alone decides it, and
// records a problem otherwise (for a missing constant only if required).
func (r *dbReader) get(name string, required bool) (string, bool) {
	what := constantMsg(name)
	d, st := r.cfg.Resolve(name)
	all := r.cfg.Get(name)
	switch st {
	case StatusResolved:
		if len(all) > 1 {
			r.add(ProblemRedefined, name, false, msg.New("phpconf.problem.redefined", "Name", name, "Lines", lineList(all), "Line", d.Line))
		}
		return d.Value, true
	case StatusComputed:
		r.add(ProblemComputed, name, true, msg.New("phpconf.problem.computed", "What", what, "Name", name, "Reason", d.ReasonMsg))
	case StatusAmbiguous:
		if len(all) > 1 {
			r.add(ProblemConditional, name, true, msg.New("phpconf.problem.conditional_many", "What", what, "Name", name, "Lines", lineList(all)))
		} else {
			r.add(ProblemConditional, name, true, msg.New("phpconf.problem.conditional", "What", what, "Name", name, "Line", d.Line))
		}
	case StatusMissing:
		if !required {
			return "", false
		}
		if s := r.cfg.skipped; len(s) > 0 {
			// A define() whose name we could not read may be this one.
			r.add(ProblemComputed, name, true, msg.New("phpconf.problem.not_written", "What", what, "Name", name, "Line", s[0].Line))
		} else {
			r.add(ProblemMissing, name, true, msg.New("phpconf.problem.missing", "Name", name, "What", what))
		}
	}
	return "", false
}

// host splits DB_HOSTNAME into db's Host, Socket and Persistent and
// returns the port it names, or 0. Accepted shapes: "host", "host:port",
// "localhost:/path/to/mysql.sock", "[::1]:3307", a bare IPv6 address, each
// optionally prefixed with "p:" (mysqli persistent connection).
func (r *dbReader) host(db *DB, h string) int {
	raw := h
	if strings.HasPrefix(h, "p:") {
		db.Persistent = true
		h = h[2:]
	}
	if strings.ContainsFunc(h, func(c rune) bool { return c <= ' ' || c == 0x7f }) {
		r.add(ProblemHost, "DB_HOSTNAME", true, msg.New("phpconf.problem.host_chars", "Host", quoteSingle(raw)))
		return 0
	}
	if h == "" {
		db.Host = "localhost"
		r.add(ProblemHost, "DB_HOSTNAME", false, msg.New("phpconf.problem.host_empty"))
		return 0
	}
	name, rest := h, ""
	switch {
	case strings.HasPrefix(h, "["):
		end := strings.IndexByte(h, ']')
		if end < 0 {
			r.add(ProblemHost, "DB_HOSTNAME", true, msg.New("phpconf.problem.host_bracket", "Host", quoteSingle(raw)))
			return 0
		}
		name, rest = h[1:end], h[end+1:]
		if rest != "" && rest[0] != ':' {
			r.add(ProblemHost, "DB_HOSTNAME", true, msg.New("phpconf.problem.host_bad", "Host", quoteSingle(raw)))
			return 0
		}
	case strings.Count(h, ":") == 1:
		i := strings.IndexByte(h, ':')
		name, rest = h[:i], h[i:]
	}
	db.Host = name
	if rest == "" {
		return 0
	}
	rest = rest[1:]
	if strings.HasPrefix(rest, "/") {
		db.Socket = rest
		if db.Host == "" {
			db.Host = "localhost"
		}
		return 0
	}
	n, err := strconv.Atoi(rest)
	if err != nil || n < 1 || n > 65535 || rest[0] == '+' || rest[0] == '-' {
		r.add(ProblemPort, "DB_HOSTNAME", true, msg.New("phpconf.problem.host_port", "Host", quoteSingle(raw)))
		return 0
	}
	if db.Host == "" {
		db.Host = "localhost"
	}
	return n
}

// port reads DB_PORT. set is false when DB_PORT is empty or 0, which every
// OpenCart driver treats as "use 3306".
func (r *dbReader) port(v string) (n int, set bool) {
	s := strings.TrimSpace(v)
	if s == "" || s == "0" {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > 65535 || s[0] == '+' || s[0] == '-' {
		r.add(ProblemPort, "DB_PORT", true, msg.New("phpconf.problem.port", "Port", quoteSingle(v)))
		return 0, false
	}
	return n, true
}

// looksHTMLEscaped reports whether s contains an entity htmlspecialchars()
// produces.
func looksHTMLEscaped(s string) bool {
	for _, e := range []string{"&amp;", "&quot;", "&lt;", "&gt;", "&#039;", "&#39;"} {
		if strings.Contains(s, e) {
			return true
		}
	}
	return false
}

// validPrefix reports whether p only has characters OpenCart's installer
// accepts for a table prefix (it checks /[^a-z0-9_]/), upper case aside.
func validPrefix(p string) bool {
	for i := 0; i < len(p); i++ {
		c := p[i]
		if !(isDigit(c) || 'a' <= c|0x20 && c|0x20 <= 'z' || c == '_') {
			return false
		}
	}
	return true
}

func lineList(defs []Definition) string {
	parts := make([]string, len(defs))
	for i, d := range defs {
		parts[i] = strconv.Itoa(d.Line)
	}
	return strings.Join(parts, ", ")
}
