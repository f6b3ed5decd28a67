package check_test

import (
	"context"
	"crypto/tls"
	"database/sql"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ocsetup/ocsetup/installer/access"
	"github.com/ocsetup/ocsetup/installer/check"
	"github.com/ocsetup/ocsetup/installer/db"
	"github.com/ocsetup/ocsetup/installer/keygen"
	"github.com/ocsetup/ocsetup/installer/remote"
	"github.com/ocsetup/ocsetup/installer/store"
	"github.com/ocsetup/ocsetup/internal/fixture"
	"github.com/ocsetup/ocsetup/internal/testenv"
)

// scene is a fixture store set up as after a good ocsetup run: an API user
// with this machine and a provider allowed, and an installed, enabled
// payment extension.
type scene struct {
	st    *fixture.Store
	sql   *sql.DB
	setup *check.Setup
	key   string
	line  store.Line
}

const provider = "203.0.113.7"

func newScene(t testing.TB, env *testenv.Env, version string) *scene {
	t.Helper()
	ctx := context.Background()
	ts := env.Site(t, testenv.SFTP)
	st := fixture.New(t, env, ts, fixture.Options{Version: version})
	tr := remote.NewTrust(t.TempDir())
	tr.TrustNew = true
	pool, err := remote.Open(ctx, remote.Site{Protocol: remote.SFTP, Host: ts.Host, Port: ts.Port, User: ts.User,
		Password: ts.Password, Timeout: 10 * time.Second}, tr, 2)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pool.Close() })
	line, _ := store.LineOf(version)
	info := store.Store{Root: st.Remote, Version: version, Line: line, AdminDir: "admin"}
	dataDir := t.TempDir()
	connect := func(ctx context.Context, creds *db.Credentials) (db.DB, error) {
		d, _, err := db.Connect(ctx, pool, creds, db.Options{Routes: []db.Route{db.RouteDirect}, DataDir: dataDir})
		return d, err
	}
	creds, err := db.Read(ctx, pool, info)
	if err != nil {
		t.Fatal(err)
	}
	d, err := connect(ctx, creds)
	if err != nil {
		t.Fatal(err)
	}
	sc, err := d.Schema(ctx)
	if err != nil {
		t.Fatal(err)
	}
	key, _ := keygen.Generate(64)
	if _, err := access.EnsureAPIUser(ctx, d, sc, line, access.APIUser{Name: "ocsetup", Key: key, IPs: []string{"127.0.0.1", provider}}); err != nil {
		t.Fatal(err)
	}
	d.Close()
	q := st.StoreDB(t)
	installExtension(t, q, st, line)
	s := &check.Setup{Files: pool, Store: info, Connect: connect, StoreURL: st.URL, APIUser: "ocsetup", APIKey: key,
		ProviderIPs: []string{provider}, Extension: &check.Extension{Type: "payment", Code: "ocsetup_test", Folder: "ocsetup_test"},
		Leftovers: func(context.Context) ([]string, error) {
			recs, err := db.Leftovers(dataDir)
			var out []string
			for _, r := range recs {
				out = append(out, "bridge "+r.Path)
			}
			return out, err
		}}
	return &scene{st: st, sql: q, setup: s, key: key, line: line}
}

// installExtension writes what OpenCart's Extensions > Install and the
// module's save leave behind (docs/opencart.md §4).
func installExtension(t testing.TB, q *sql.DB, st *fixture.Store, line store.Line) {
	t.Helper()
	exec := func(query string, args ...any) {
		t.Helper()
		if _, err := q.Exec(query, args...); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
	}
	ext, setting := st.Table("extension"), st.Table("setting")
	code, key, group := "ocsetup_test", "ocsetup_test_status", "code"
	if line.AtLeast(store.Line30) {
		code, key = "payment_ocsetup_test", "payment_ocsetup_test_status"
	}
	if line == store.Line15 {
		group = "group"
	}
	if line.AtLeast(store.Line40) {
		exec("INSERT INTO " + ext + " (extension, type, code) VALUES ('ocsetup_test', 'payment', 'ocsetup_test')")
		desc := ""
		if line == store.Line41 {
			desc = ", description = ''"
		}
		exec("INSERT INTO " + st.Table("extension_install") + " SET extension_id = 0, extension_download_id = 0, name = 'ocsetup test', code = 'ocsetup_test', version = '1.0', author = 'ocsetup', link = '', status = 1, date_added = NOW()" + desc)
		exec("INSERT INTO " + st.Table("extension_path") + " (extension_install_id, path) VALUES (LAST_INSERT_ID(), 'ocsetup_test/admin/controller/payment/ocsetup_test.php')")
	} else {
		exec("INSERT INTO " + ext + " (type, code) VALUES ('payment', 'ocsetup_test')")
	}
	exec(fmt.Sprintf("INSERT INTO %s (store_id, `%s`, `key`, value, serialized) VALUES (0, ?, ?, '1', 0)", setting, group), code, key)
}

func run(t *testing.T, s *check.Setup) map[string]check.Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := check.RunSuite(ctx, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]check.Result{}
	for _, r := range out.Results {
		got[r.ID] = r
	}
	return got
}

// TestHealthySetupPassesEveryLine: every check passes on every line (the
// fixture stores are plain HTTP, so the certificate check only warns).
func TestHealthySetupPassesEveryLine(t *testing.T) {
	env := testenv.Get(t)
	for _, v := range fixture.Versions {
		t.Run(v, func(t *testing.T) {
			t.Parallel()
			sc := newScene(t, env, v)
			ctx := context.Background()
			out, err := check.RunSuite(ctx, sc.setup, nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(out.Results) != 14 {
				t.Fatalf("%d checks", len(out.Results))
			}
			for _, r := range out.Results {
				want := check.Pass
				if r.ID == "https" {
					want = check.Warn
				}
				if r.Status != want {
					t.Errorf("%s: %s — %s %s", r.ID, r.Status, r.Cause, r.Detail)
				}
			}
			if !strings.Contains(out.ProductURL, "route=product/product&product_id=") || out.PHPVersion == "" {
				t.Errorf("product link %q, PHP %q", out.ProductURL, out.PHPVersion)
			}
		})
	}
}

// TestEachCheckCatchesItsFault: for every check, one broken store makes
// exactly that check fail, with a fix to tell the user.
func TestEachCheckCatchesItsFault(t *testing.T) {
	env := testenv.Get(t)
	cases := []struct {
		check   string
		version string
		breakIt func(t *testing.T, sc *scene)
	}{
		{"files-login", "3.0.3.8", func(t *testing.T, sc *scene) {
			sc.setup.Files = nil
			sc.setup.FilesErr = &remote.Error{Kind: remote.KindAuth, Op: "login", Reply: "530 Login incorrect."}
		}},
		{"store-root", "3.0.3.8", func(t *testing.T, sc *scene) { must(t, os.RemoveAll(filepath.Join(sc.st.Local, "system"))) }},
		{"config", "3.0.3.8", func(t *testing.T, sc *scene) {
			editFile(t, filepath.Join(sc.st.Local, "config.php"), "define('DB_DRIVER', 'mysqli');", "define('DB_DRIVER', 'pgsql');")
		}},
		{"db-route", "3.0.3.8", func(t *testing.T, sc *scene) {
			sc.setup.Connect = func(ctx context.Context, creds *db.Credentials) (db.DB, error) {
				// The host blocks remote MySQL and there is no other route.
				blocked := *creds
				blocked.Port = closedPort(t)
				d, _, err := db.Connect(ctx, nil, &blocked, db.Options{Routes: []db.Route{db.RouteDirect}, DataDir: t.TempDir()})
				return d, err
			}
		}},
		{"db-schema", "3.0.3.8", func(t *testing.T, sc *scene) {
			// Files of 3.0, tables still of 2.3: an upgrade left half done.
			sc.setup.APIKey = ""
			exec(t, sc.sql, "ALTER TABLE "+sc.st.Table("api")+" CHANGE username name varchar(64) NOT NULL")
		}},
		{"php-probe", "3.0.3.8", func(t *testing.T, sc *scene) {
			must(t, os.Chmod(sc.st.Local, 0o555))
			t.Cleanup(func() { _ = os.Chmod(sc.st.Local, 0o755) })
		}},
		{"storefront", "3.0.3.8", func(t *testing.T, sc *scene) {
			editFile(t, filepath.Join(sc.st.Local, "index.php"), "$route = isset(", "echo $undefined_by_a_module;\n$route = isset(")
		}},
		{"admin-login", "3.0.3.8", func(t *testing.T, sc *scene) { must(t, os.Remove(filepath.Join(sc.st.Local, "admin", "index.php"))) }},
		{"https", "3.0.3.8", func(t *testing.T, sc *scene) {
			// HTTPS with a certificate no authority signed.
			target, _ := url.Parse(strings.TrimSuffix(sc.st.URL, "/"))
			srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				p := httputil.NewSingleHostReverseProxy(&url.URL{Scheme: "http", Host: target.Host})
				p.ServeHTTP(w, r)
			}))
			t.Cleanup(srv.Close)
			sc.setup.StoreURL = srv.URL + target.Path + "/"
			sc.setup.HTTP = &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}} //nolint:gosec // the test's own server
		}},
		{"api-login", "3.0.3.8", func(t *testing.T, sc *scene) {
			exec(t, sc.sql, "UPDATE "+sc.st.Table("api")+" SET status = 0 WHERE username = 'ocsetup'")
		}},
		{"allow-list", "3.0.3.8", func(t *testing.T, sc *scene) { sc.setup.ProviderIPs = []string{provider, "198.51.100.9"} }},
		// An empty list is no address allowed, not every address.
		{"allow-list", "2.3.0.2", func(t *testing.T, sc *scene) { sc.setup.ProviderIPs = nil }},
		{"extension", "3.0.3.8", func(t *testing.T, sc *scene) {
			exec(t, sc.sql, "DELETE FROM "+sc.st.Table("extension")+" WHERE code = 'ocsetup_test'")
		}},
		{"extension", "4.0.2.3", func(t *testing.T, sc *scene) {
			// The 4.0 trap: an extension row without extension_path rows.
			exec(t, sc.sql, "DELETE FROM "+sc.st.Table("extension_path"))
		}},
		{"enabled", "2.3.0.2", func(t *testing.T, sc *scene) {
			exec(t, sc.sql, "UPDATE "+sc.st.Table("setting")+" SET value = '0' WHERE `key` = 'ocsetup_test_status'")
		}},
		{"leftovers", "3.0.3.8", func(t *testing.T, sc *scene) {
			sc.setup.Leftovers = func(context.Context) ([]string, error) {
				return []string{"a temporary admin account ocsetup_tmp_1"}, nil
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.check+"/"+c.version, func(t *testing.T) {
			t.Parallel()
			sc := newScene(t, env, c.version)
			c.breakIt(t, sc)
			got := run(t, sc.setup)
			for id, r := range got {
				switch {
				case id == c.check && r.Status != check.Fail:
					t.Errorf("%s did not fail: %s — %s", id, r.Status, r.Cause)
				case id == c.check && (r.Fix == "" || r.Cause == ""):
					t.Errorf("%s failed without cause or fix", id)
				case id != c.check && r.Status == check.Fail:
					t.Errorf("%s failed too: %s %s", id, r.Cause, r.Detail)
				}
			}
		})
	}
}

func exec(t *testing.T, q *sql.DB, query string) {
	t.Helper()
	if _, err := q.Exec(query); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

func editFile(t *testing.T, p, old, new string) {
	t.Helper()
	b, err := os.ReadFile(p)
	must(t, err)
	if !strings.Contains(string(b), old) {
		t.Fatalf("%s has no %q", p, old)
	}
	must(t, os.WriteFile(p, []byte(strings.Replace(string(b), old, new, 1)), 0o644))
}

func closedPort(t *testing.T) int {
	l, err := (&net.ListenConfig{}).Listen(context.Background(), "tcp", "127.0.0.1:0")
	must(t, err)
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// BenchmarkTestIntegration is the wall time of a whole "Test integration"
// run on loopback (target: under 3 s). Run with:
// go test -run '^$' -bench TestIntegration ./installer/check/
func BenchmarkTestIntegration(b *testing.B) {
	env := testenv.Get(b)
	sc := newScene(b, env, "3.0.3.8")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		out, err := check.RunSuite(context.Background(), sc.setup, nil)
		if err != nil || check.Worst(out.Results) == check.Fail {
			b.Fatalf("%v %+v", err, out)
		}
	}
}
