package phpconf

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

const (
	root = "/home/shop/public_html/"
	site = "https://shop.example.com/"
)

// configCases covers the config.php shape of every OpenCart line, as its
// installer writes it (testdata/config/ocNNNN_*.php), and the shapes seen
// in the wild (testdata/config/wild_*.php).
var configCases = []struct {
	file     string
	values   map[string]string // constants that must resolve to exactly this
	statuses map[string]Status // constants that must have this status
	db       DB
	problems []ProblemCode // in order
}{
	{
		file: "oc1564_catalog.php",
		values: map[string]string{
			"HTTP_SERVER": site, "HTTPS_SERVER": site, "DIR_APPLICATION": root + "catalog/",
			"DIR_SYSTEM": root + "system/", "DIR_DATABASE": root + "system/database/",
			"DIR_CACHE": root + "system/cache/", "DIR_DOWNLOAD": root + "download/",
		},
		statuses: map[string]Status{"DB_PORT": StatusMissing, "DIR_STORAGE": StatusMissing},
		db:       DB{Driver: "mysql", Host: "localhost", Port: 3306, User: "shopuser", Password: `p'a\ss`, Database: "shop", Prefix: "oc_"},
	},
	{
		file: "oc1564_admin.php",
		values: map[string]string{
			"HTTP_SERVER": site + "admin/", "HTTP_CATALOG": site, "HTTPS_CATALOG": site,
			"DIR_APPLICATION": root + "admin/", "DIR_CATALOG": root + "catalog/",
			"DIR_TEMPLATE": root + "admin/view/template/",
		},
		db: DB{Driver: "mysql", Host: "localhost", Port: 3306, User: "shopuser", Password: `p'a\ss`, Database: "shop", Prefix: "oc_"},
	},
	{
		// 2.0.0–2.0.2 wrote no DB_PORT, and the catalog password as
		// htmlspecialchars() left it.
		file:     "oc2011_catalog.php",
		values:   map[string]string{"DIR_UPLOAD": root + "system/upload/", "DIR_MODIFICATION": root + "system/modification/"},
		statuses: map[string]Status{"DB_PORT": StatusMissing},
		db:       DB{Driver: "mysqli", Host: "localhost", Port: 3306, User: "shopuser", Password: "s3cr3t&quot;&amp;x", Database: "shop", Prefix: "oc_"},
		problems: []ProblemCode{ProblemHTMLEscaped},
	},
	{
		// The admin password was decoded, then addslashes() turned " into
		// \", which a single-quoted PHP string keeps as two characters.
		file: "oc2011_admin.php",
		db:   DB{Driver: "mysqli", Host: "localhost", Port: 3306, User: "shopuser", Password: `s3cr3t\"&x`, Database: "shop", Prefix: "oc_"},
	},
	{
		file:   "oc2031_admin.php",
		values: map[string]string{"DB_PORT": "3306", "HTTPS_SERVER": site + "admin/"},
		db:     DB{Driver: "mysqli", Host: "db.example.net", Port: 3306, User: "shopuser", Password: "Tr0ub4dor&3", Database: "shop", Prefix: "oc_"},
	},
	{
		file:   "oc2102_catalog.php",
		values: map[string]string{"DIR_CACHE": root + "system/storage/cache/", "DIR_UPLOAD": root + "system/storage/upload/"},
		db:     DB{Driver: "mpdo", Host: "127.0.0.1", Port: 3307, User: "shop", Password: "pw", Database: "shop", Prefix: "oc21_"},
	},
	{
		file:   "oc2200_catalog.php",
		values: map[string]string{"DIR_IMAGE": root + "image/", "DIR_LOGS": root + "system/storage/logs/"},
		db:     DB{Driver: "mysqli", Host: "localhost", Port: 3306, User: "shop", Password: "pw", Database: "shop", Prefix: "oc_"},
	},
	{
		file:   "oc2302_admin.php",
		values: map[string]string{"DIR_CATALOG": root + "catalog/", "HTTP_CATALOG": site},
		db:     DB{Driver: "mysqli", Host: "localhost", Port: 3306, User: "shop", Password: "pw", Database: "shop", Prefix: "oc_"},
	},
	{
		// CLI installer: HTTP_ADMIN, DIR_DATABASE, DB_PORT last, "?>".
		file:   "oc2302_cli_catalog.php",
		values: map[string]string{"HTTP_ADMIN": site + "admin/", "DIR_DATABASE": root + "system/database/"},
		db:     DB{Driver: "mysqli", Host: "localhost", Port: 3306, User: "shop", Password: "pw", Database: "shop", Prefix: "oc_"},
	},
	{
		file: "oc3038_catalog.php",
		values: map[string]string{
			"DIR_STORAGE": root + "system/storage/", "DIR_CACHE": root + "system/storage/cache/",
			"DIR_SESSION": root + "system/storage/session/", "DIR_LANGUAGE": root + "catalog/language/",
			"DIR_TEMPLATE": root + "catalog/view/theme/", "DIR_CONFIG": root + "system/config/",
		},
		db: DB{Driver: "mysqli", Host: "localhost", Port: 3306, User: "shop_3", Password: `a\b'c\"d`, Database: "shop3", Prefix: "oc_"},
	},
	{
		file: "oc3038_admin.php",
		values: map[string]string{
			"OPENCART_SERVER": "https://www.opencart.com/", "DIR_CATALOG": root + "catalog/",
			"DIR_TEMPLATE": root + "admin/view/template/", "HTTPS_CATALOG": site,
		},
		db: DB{Driver: "mysqli", Host: "localhost", Port: 3306, User: "shop_3", Password: `a\b'c\"d`, Database: "shop3", Prefix: "oc_"},
	},
	{
		file: "oc3041_catalog_windows.php",
		values: map[string]string{
			"DIR_APPLICATION": "C:/xampp/htdocs/shop/catalog/",
			"DIR_SESSION":     "C:/xampp/htdocs/shop/system/storage/session/",
			"DB_PREFIX":       "",
		},
		db: DB{Driver: "pdo", Host: "localhost", Port: 3306, User: "shop_3", Password: "plain", Database: "shop3", Prefix: ""},
	},
	{
		file: "oc4023_catalog.php",
		values: map[string]string{
			"APPLICATION": "Catalog", "DIR_OPENCART": root, "DIR_APPLICATION": root + "catalog/",
			"DIR_EXTENSION": root + "extension/", "DIR_STORAGE": root + "system/storage/",
			"DIR_UPLOAD": root + "system/storage/upload/", "DIR_TEMPLATE": root + "catalog/view/template/",
		},
		statuses: map[string]Status{"HTTPS_SERVER": StatusMissing},
		db:       DB{Driver: "mysqli", Host: "localhost", Port: 3306, User: "oc4", Password: "it's", Database: "oc4", Prefix: "oc_"},
	},
	{
		file: "oc4023_admin.php",
		values: map[string]string{
			"APPLICATION": "Admin", "HTTP_SERVER": site + "admin/", "HTTP_CATALOG": site,
			"DIR_CATALOG": root + "catalog/", "DIR_APPLICATION": root + "admin/",
			"OPENCART_SERVER": "https://www.opencart.com/",
		},
		db: DB{Driver: "mysqli", Host: "localhost", Port: 3306, User: "oc4", Password: "it's", Database: "oc4", Prefix: "oc_"},
	},
	{
		// Renamed admin folder and storage moved by 4.0's security tool.
		file: "oc4023_admin123.php",
		values: map[string]string{
			"HTTP_SERVER": site + "admin123/", "DIR_APPLICATION": root + "admin123/",
			"DIR_LANGUAGE": root + "admin123/language/", "DIR_STORAGE": "/home/shop/storage/",
			"DIR_CACHE": "/home/shop/storage/cache/",
		},
		db: DB{Driver: "mysqli", Host: "localhost", Port: 3306, User: "oc4", Password: "it's", Database: "oc4", Prefix: "oc_"},
	},
	{
		file:   "oc4104_catalog.php",
		values: map[string]string{"DB_SSL_KEY": "", "DB_SSL_CERT": "", "DB_SSL_CA": ""},
		db:     DB{Driver: "mysqli", Host: "mysql.internal", Port: 3310, User: "oc4", Password: "it's", Database: "oc4", Prefix: "oc_"},
	},
	{
		file:   "oc4104_admin.php",
		values: map[string]string{"OPENCART_SERVER": "https://www.opencart.com/", "DIR_CATALOG": root + "catalog/"},
		db:     DB{Driver: "mysqli", Host: "mysql.internal", Port: 3310, User: "oc4", Password: "it's", Database: "oc4", Prefix: "oc_"},
	},
	{
		// CLI installer of 4.1.0.4: PEM text in DB_SSL_CA, commented-out
		// CACHE_* defines.
		file:     "oc4104_cli_catalog.php",
		values:   map[string]string{"CACHE_ENGINE": "file"},
		statuses: map[string]Status{"CACHE_HOSTNAME": StatusMissing, "CACHE_PASSWORD": StatusMissing, "DB_SSL_KEY": StatusMissing},
		db: DB{Driver: "pdo", Host: "mysql.internal", Port: 3310, User: "oc4", Password: "it's", Database: "oc4", Prefix: "oc_",
			SSLCA: "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUexample\n-----END CERTIFICATE-----\n"},
	},
	{
		file:   "wild_double_quotes.php",
		values: map[string]string{"DIR_STORAGE": "/var/www/shop/system/storage/"},
		db: DB{Driver: "mysqli", Host: "localhost", Port: 3306, User: "root",
			Password: "q\"w\\e$rAA\u263a\t\x1b\\q{x}", Database: "shop", Prefix: "oc_"},
	},
	{
		file: "wild_escaped_password.php",
		db:   DB{Driver: "mysqli", Host: "localhost", Port: 3306, User: "o'brien", Password: `p'a\ss\"x\n\`, Database: "shop", Prefix: "oc_"},
	},
	{
		file:     "wild_getenv.php",
		statuses: map[string]Status{"HTTP_SERVER": StatusComputed, "DIR_SYSTEM": StatusResolved},
		db:       DB{Driver: "mysqli", Port: 3306, Prefix: "oc_"},
		problems: []ProblemCode{ProblemComputed, ProblemComputed, ProblemComputed, ProblemComputed, ProblemComputed},
	},
	{
		file:     "wild_ifelse_prefix.php",
		statuses: map[string]Status{"DB_PREFIX": StatusAmbiguous},
		db:       DB{Driver: "mysqli", Host: "db", Port: 3306, User: "opencart", Password: "opencart", Database: "opencart"},
		problems: []ProblemCode{ProblemConditional},
	},
	{
		file:     "wild_dirname.php",
		values:   map[string]string{"HTTP_IMAGE": "http://www.example.org/image/", "HTTP_ADMIN": "http://www.example.org/admin/"},
		statuses: map[string]Status{"DIR_APPLICATION": StatusComputed, "DIR_DATABASE": StatusComputed, "DIR_IMAGE": StatusComputed},
		db:       DB{Driver: "mysql", Host: "localhost", Port: 3306, User: "web", Password: "web", Database: "web_shop", Prefix: ""},
	},
	{
		file: "wild_commented.php",
		values: map[string]string{
			"HTTP_SERVER": "http://localhost/test-work/", "DIR_APPLICATION": "C:/OpenServer/domains/test-work/catalog/",
			"DIR_IMAGE": `C:\OpenServer\domains\test-work\image/`, "DB_PREFIX": "oc_",
		},
		statuses: map[string]Status{"CACHE_HOSTNAME": StatusMissing},
		db:       DB{Driver: "mysqli", Host: "localhost", Port: 3306, User: "root", Password: "", Database: "test_work", Prefix: "oc_"},
	},
	{
		file: "wild_extra_constants.php",
		values: map[string]string{
			"DIR_STORAGE": "/var/www/storage/", "DIR_CACHE": "/var/www/storage/cache/", "SESSION_ENGINE": "redis",
			"REDIS_PORT": "6379", "REDIS_TIMEOUT": "2.5", "DEBUG": "", "MAINTENANCE": "", "NOTHING": "",
		},
		statuses: map[string]Status{"CACHE_EXPIRE": StatusComputed},
		db:       DB{Driver: "mysqli", Host: "localhost", Port: 3306, User: "site", Password: "Xy9#kL2@pQ", Database: "site_db", Prefix: "oc_"},
	},
	{
		file: "wild_mpdo.php",
		db:   DB{Driver: "mpdo", Host: "mysql", Port: 3306, User: "webshop", Password: "webshop", Database: "webshop", Prefix: "oc_"},
	},
	{
		file: "wild_socket.php",
		db:   DB{Driver: "mysql", Host: "localhost", Port: 3306, Socket: "/tmp/mysql.sock", User: "u", Password: "p", Database: "d", Prefix: "oc_"},
	},
	{
		file:     "wild_port_in_host.php",
		db:       DB{Driver: "mysqli", Host: "127.0.0.1", Port: 3307, User: "u", Password: "p", Database: "d", Prefix: "oc_"},
		problems: []ProblemCode{ProblemPortConflict},
	},
	{
		file:     "wild_pgsql.php",
		db:       DB{Driver: "pgsql", Host: "localhost", Port: 5432, User: "postgres", Password: "postgres", Database: "opencart", Prefix: "oc_"},
		problems: []ProblemCode{ProblemPostgres},
	},
	{
		file: "wild_persistent.php",
		db:   DB{Driver: "mysqli", Host: "db.example.com", Port: 3306, Persistent: true, User: "u", Password: "p", Database: "d", Prefix: "oc_"},
	},
	{
		file:     "wild_interpolation.php",
		values:   map[string]string{"DIR_CONFIG": "/srv/shop/system/config/"},
		statuses: map[string]Status{"DIR_APPLICATION": StatusComputed, "DIR_IMAGE": StatusComputed, "DIR_LOGS": StatusComputed},
		db:       DB{Driver: "mysqli", Host: "localhost", Port: 3306, User: "u", Database: "d", Prefix: "oc_"},
		problems: []ProblemCode{ProblemComputed},
	},
	{
		file:     "wild_redefined.php",
		db:       DB{Driver: "mysqli", Host: "first.example.com", Port: 3306, User: "u", Password: "p", Database: "d", Prefix: "oc_"},
		problems: []ProblemCode{ProblemRedefined},
	},
	{
		file: "wild_guarded.php",
		values: map[string]string{
			"SILENCED": "s", "QUALIFIED": "q", "UPPER": "u", "SPACED": "vw", "TRAILING": "t", "TOP_CONST": "coc_",
		},
		statuses: map[string]Status{
			"DB_DRIVER": StatusAmbiguous, "DB_HOSTNAME": StatusAmbiguous, "DB_USERNAME": StatusAmbiguous,
			"DB_PASSWORD": StatusAmbiguous, "X1": StatusAmbiguous, "X2": StatusAmbiguous,
			"IN_FUNCTION": StatusAmbiguous, "AFTER_RETURN": StatusAmbiguous,
		},
		db:       DB{Port: 3306, Database: "d", Prefix: "oc_"},
		problems: []ProblemCode{ProblemConditional, ProblemConditional, ProblemConditional, ProblemConditional},
	},
}

func TestConfigShapes(t *testing.T) {
	for _, tc := range configCases {
		t.Run(tc.file, func(t *testing.T) {
			src, err := os.ReadFile(filepath.Join("testdata/config", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			cfg, err := Parse(src)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			for name, want := range tc.values {
				if got, ok := cfg.Value(name); !ok || got != want {
					d, st := cfg.Resolve(name)
					t.Errorf("%s = %q (%v, %s), want %q", name, got, st, d.Reason, want)
				}
			}
			for name, want := range tc.statuses {
				if _, st := cfg.Resolve(name); st != want {
					t.Errorf("Resolve(%s) status %v, want %v", name, st, want)
				}
			}
			db, problems := DBSettings(cfg)
			if !reflect.DeepEqual(db, tc.db) {
				t.Errorf("DBSettings:\n got %+v\nwant %+v", db, tc.db)
			}
			var codes []ProblemCode
			for _, p := range problems {
				codes = append(codes, p.Code)
				if p.Message == "" || p.Constant == "" {
					t.Errorf("problem without message or constant: %+v", p)
				}
			}
			if !reflect.DeepEqual(codes, tc.problems) {
				t.Errorf("problems %v, want %v", problems, tc.problems)
			}
			if files, _ := filepath.Glob("testdata/config/" + tc.file); len(files) != 1 {
				t.Errorf("missing testdata")
			}
		})
	}
}

// TestConfigCasesCoverTestdata keeps the table and the directory in step.
func TestConfigCasesCoverTestdata(t *testing.T) {
	files, _ := filepath.Glob("testdata/config/*.php")
	listed := map[string]bool{}
	for _, tc := range configCases {
		listed[tc.file] = true
	}
	for _, f := range files {
		if !listed[filepath.Base(f)] {
			t.Errorf("%s has no entry in configCases", f)
		}
	}
}

func TestProblemMessages(t *testing.T) {
	tests := []struct {
		src      string
		code     ProblemCode
		constant string
		blocking bool
		contains []string
	}{
		{`<?php define('DB_DRIVER', 'pgsql');`, ProblemPostgres, "DB_DRIVER", true, []string{"PostgreSQL stores are not supported"}},
		{`<?php define('DB_DRIVER', 'postgre');`, ProblemPostgres, "DB_DRIVER", true, []string{"PostgreSQL"}},
		{`<?php define('DB_DRIVER', 'mssql');`, ProblemDriver, "DB_DRIVER", true, []string{"'mssql'"}},
		{`<?php define('DB_PASSWORD', getenv('DB_PASSWORD'));`, ProblemComputed, "DB_PASSWORD", true,
			[]string{"database password (DB_PASSWORD)", "computed on the server", "calls getenv()"}},
		{`<?php define('DB_PASSWORD', "x{$secret}y");`, ProblemComputed, "DB_PASSWORD", true,
			[]string{"double-quoted string"}},
		{`<?php define('DB_PORT', 'abc');`, ProblemPort, "DB_PORT", true, []string{"'abc'"}},
		{`<?php define('DB_PORT', '70000');`, ProblemPort, "DB_PORT", true, []string{"port number"}},
		{`<?php define('DB_HOSTNAME', 'db:notaport');`, ProblemPort, "DB_HOSTNAME", true, []string{"neither a port"}},
		{`<?php define('DB_HOSTNAME', 'my host');`, ProblemHost, "DB_HOSTNAME", true, []string{"spaces"}},
		{`<?php define('DB_HOSTNAME', '');`, ProblemHost, "DB_HOSTNAME", false, []string{"localhost"}},
		{`<?php define('DB_PREFIX', 'Oc-');`, ProblemPrefix, "DB_PREFIX", false, []string{"'Oc-'"}},
		{`<?php foreach ($env as $k => $v) { define($k, $v); }`, ProblemComputed, "DB_DRIVER", true, []string{"line 1"}},
		{`<?php `, ProblemMissing, "DB_DRIVER", true, []string{"does not define DB_DRIVER"}},
	}
	for _, tc := range tests {
		cfg, err := Parse([]byte(tc.src))
		if err != nil {
			t.Fatalf("%s: %v", tc.src, err)
		}
		_, problems := DBSettings(cfg)
		var found *Problem
		for i := range problems {
			if problems[i].Code == tc.code && problems[i].Constant == tc.constant {
				found = &problems[i]
				break
			}
		}
		if found == nil {
			t.Errorf("%s: no %s problem for %s in %v", tc.src, tc.code, tc.constant, problems)
			continue
		}
		if found.Blocking != tc.blocking {
			t.Errorf("%s: blocking = %v, want %v", tc.src, found.Blocking, tc.blocking)
		}
		for _, s := range tc.contains {
			if !strings.Contains(found.Message, s) {
				t.Errorf("%s: message %q lacks %q", tc.src, found.Message, s)
			}
		}
		if tc.blocking != HasBlocking([]Problem{*found}) {
			t.Errorf("HasBlocking disagrees with Blocking")
		}
	}
}

func TestHostShapes(t *testing.T) {
	tests := []struct {
		host       string
		wantHost   string
		wantPort   int
		wantSocket string
		persistent bool
		bad        bool
	}{
		{"localhost", "localhost", 3306, "", false, false},
		{"db.example.com", "db.example.com", 3306, "", false, false},
		{"127.0.0.1:3307", "127.0.0.1", 3307, "", false, false},
		{"localhost:/tmp/mysql.sock", "localhost", 3306, "/tmp/mysql.sock", false, false},
		{":/var/run/mysqld/mysqld.sock", "localhost", 3306, "/var/run/mysqld/mysqld.sock", false, false},
		{"p:localhost", "localhost", 3306, "", true, false},
		{"p:10.0.0.5:3310", "10.0.0.5", 3310, "", true, false},
		{"[::1]:3308", "::1", 3308, "", false, false},
		{"[::1]", "::1", 3306, "", false, false},
		{"::1", "::1", 3306, "", false, false},
		{"fe80::1:2", "fe80::1:2", 3306, "", false, false},
		{"db:0", "db", 3306, "", false, true},
		{"db:-1", "db", 3306, "", false, true},
		{"db:", "db", 3306, "", false, true},
		{"[::1", "", 3306, "", false, true},
		{"[::1]x", "", 3306, "", false, true},
	}
	for _, tc := range tests {
		cfg, err := Parse([]byte("<?php define('DB_HOSTNAME', " + quoteSingle(tc.host) + ");"))
		if err != nil {
			t.Fatal(err)
		}
		db, problems := DBSettings(cfg)
		bad := false
		for _, p := range problems {
			if p.Constant == "DB_HOSTNAME" && p.Blocking {
				bad = true
			}
		}
		if bad != tc.bad {
			t.Errorf("%q: bad = %v, want %v (%v)", tc.host, bad, tc.bad, problems)
		}
		if tc.bad {
			continue
		}
		if db.Host != tc.wantHost || db.Port != tc.wantPort || db.Socket != tc.wantSocket || db.Persistent != tc.persistent {
			t.Errorf("%q: got host %q port %d socket %q persistent %v", tc.host, db.Host, db.Port, db.Socket, db.Persistent)
		}
	}
}
