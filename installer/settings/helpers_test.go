package settings_test

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ocsetup/ocsetup/installer/admin"
	"github.com/ocsetup/ocsetup/installer/db"
	"github.com/ocsetup/ocsetup/installer/integrations"
	"github.com/ocsetup/ocsetup/installer/remote"
	"github.com/ocsetup/ocsetup/installer/settings"
	"github.com/ocsetup/ocsetup/installer/store"
	"github.com/ocsetup/ocsetup/internal/fixture"
	"github.com/ocsetup/ocsetup/internal/testenv"
)

// shop is a fixture store reached like the app reaches it.
type shop struct {
	*fixture.Store
	site testenv.Site
	line store.Line
	d    db.DB
	sc   *db.Schema
	q    *sql.DB
	// adminLogin is a real store's own administrator.
	adminLogin admin.Login
	// real is the real store of the test environment, when it is one.
	real testenv.RealStore
}

func newShop(t *testing.T, env *testenv.Env, version string) *shop {
	t.Helper()
	ts := env.Site(t, testenv.SFTP)
	st := fixture.New(t, env, ts, fixture.Options{Version: version})
	line, _ := store.LineOf(version)
	s := &shop{Store: st, site: ts, line: line, q: st.StoreDB(t)}
	s.connect(t)
	return s
}

// newRealShop is a real store of the test environment (restored to its
// snapshot and locked for the test) reached like the app reaches it; its
// admin is the store's own, at adminURL.
func newRealShop(t *testing.T, env *testenv.Env, version string) (s *shop, adminURL string) {
	t.Helper()
	ts := env.Site(t, testenv.SFTP)
	rs := env.Store(t, version)
	st := &fixture.Store{Options: fixture.Options{Version: version, Root: rs.Root, URL: rs.URL, Prefix: "oc_", AdminDir: rs.AdminDir,
		DB: fixture.DB{Host: env.MySQL.Host, Port: env.MySQL.Port, User: rs.DBUser, Password: rs.DBPassword, Name: rs.Database}},
		Remote: rs.RemoteRoot(ts), Local: rs.Root}
	line, _ := store.LineOf(version)
	s = &shop{Store: st, site: ts, line: line, q: st.StoreDB(t), adminLogin: admin.Login{Username: rs.AdminUser, Password: rs.AdminPassword}, real: rs}
	s.connect(t)
	return s, rs.URL + rs.AdminDir + "/"
}

func (s *shop) connect(t *testing.T) {
	t.Helper()
	tr := remote.NewTrust(t.TempDir())
	tr.TrustNew = true
	ctx := ctxT(t)
	pool, err := remote.Open(ctx, remote.Site{Protocol: remote.SFTP, Host: s.site.Host, Port: s.site.Port, User: s.site.User,
		Password: s.site.Password, Timeout: 10 * time.Second}, tr, 1)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pool.Close() })
	creds, err := db.Read(ctx, pool, store.Store{Root: s.Remote, Version: s.Version, Line: s.line, AdminDir: s.AdminFolder()})
	if err != nil {
		t.Fatal(err)
	}
	d, attempts, err := db.Connect(ctx, pool, creds, db.Options{Routes: []db.Route{db.RouteDirect}, DataDir: t.TempDir()})
	if err != nil {
		t.Fatalf("%v (%s)", err, attempts)
	}
	t.Cleanup(func() { d.Close() })
	s.d = d
	s.refresh(t)
}

// refresh re-reads the schema (after tables were added).
func (s *shop) refresh(t *testing.T) {
	t.Helper()
	sc, err := s.d.Schema(ctxT(t))
	if err != nil {
		t.Fatal(err)
	}
	s.sc = sc
}

func (s *shop) target(t *testing.T) integrations.Target {
	t.Helper()
	tg, err := settings.ReadTarget(ctxT(t), s.d, s.sc, s.line, s.Version, s.URL)
	if err != nil {
		t.Fatal(err)
	}
	return tg
}

func (s *shop) exec(t *testing.T, query string, args ...any) {
	t.Helper()
	if _, err := s.q.Exec(query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

func (s *shop) codeCol() string {
	if s.line == store.Line15 {
		return "`group`"
	}
	return "`code`"
}

// rows reads a setting code as key → value ("[…]" marks serialized).
func (s *shop) rows(t *testing.T, code string) map[string]string {
	t.Helper()
	r, err := s.q.Query("SELECT `key`, `value`, serialized FROM "+s.Table("setting")+" WHERE store_id = 0 AND "+s.codeCol()+" = ?", code)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	out := map[string]string{}
	for r.Next() {
		var k, v string
		var ser int
		if err := r.Scan(&k, &v, &ser); err != nil {
			t.Fatal(err)
		}
		if ser == 1 {
			v = "ser:" + v
		}
		out[k] = v
	}
	return out
}

func (s *shop) count(t *testing.T, query string, args ...any) int {
	t.Helper()
	var n int
	if err := s.q.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func (s *shop) permission(t *testing.T) string {
	t.Helper()
	var p string
	if err := s.q.QueryRow("SELECT permission FROM " + s.Table("user_group") + " WHERE user_group_id = 1").Scan(&p); err != nil {
		t.Fatal(err)
	}
	return p
}

// snapshot is every row of the tables a change may touch, as text, to
// tell "nothing changed" and "all put back".
func (s *shop) snapshot(t *testing.T) string { return s.dump(t, nil) }

// rowsOnly is snapshot without the ids editSetting() renews on each save
// and the time events are added (2.3 stamps them).
func (s *shop) rowsOnly(t *testing.T) string {
	return s.dump(t, map[string]bool{"setting_id": true, "event_id": true, "date_added": true})
}

func (s *shop) dump(t *testing.T, skip map[string]bool) string {
	t.Helper()
	var b strings.Builder
	for _, table := range []string{"setting", "extension", "user_group", "event", "order_status", "extension_install", "extension_path"} {
		if !s.sc.Has(table) {
			continue
		}
		r, err := s.q.Query("SELECT * FROM " + s.Table(table))
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := r.Columns()
		var lines []string
		for r.Next() {
			vals := make([]sql.NullString, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := r.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			var parts []string
			for i, v := range vals {
				if !skip[cols[i]] {
					parts = append(parts, fmt.Sprintf("%s=%q", cols[i], v.String))
				}
			}
			lines = append(lines, strings.Join(parts, " "))
		}
		r.Close()
		slices.Sort(lines)
		b.WriteString(table + ":\n" + strings.Join(lines, "\n") + "\n")
	}
	return b.String()
}

func ctxT(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
