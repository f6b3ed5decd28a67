package admin_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/ocsetup/ocsetup/installer/admin"
	"github.com/ocsetup/ocsetup/installer/db"
	"github.com/ocsetup/ocsetup/installer/remote"
	"github.com/ocsetup/ocsetup/installer/store"
	"github.com/ocsetup/ocsetup/internal/adminfixture"
	"github.com/ocsetup/ocsetup/internal/fixture"
	"github.com/ocsetup/ocsetup/internal/testenv"
)

// testStore is a fixture store with the fixture admin.
type testStore struct {
	*fixture.Store
	site    testenv.Site
	admin   *adminfixture.Admin
	dialect admin.Dialect
	ext     admin.Extension
}

// fixtureExt is the extension every test store can install.
var fixtureExt = adminfixture.Extension{Type: "payment", Code: "ocsfix", Folder: "ocsfix", Form: adminfixture.EveryKind()}

func newStore(t *testing.T, env *testenv.Env, version string, o adminfixture.Options, fo fixture.Options) *testStore {
	t.Helper()
	ts := env.Site(t, testenv.SFTP)
	fo.Version = version
	st := fixture.New(t, env, ts, fo)
	if o.Extensions == nil {
		o.Extensions = []adminfixture.Extension{fixtureExt}
	}
	a := adminfixture.Install(t, ts, st, o)
	line, _ := store.LineOf(version)
	d, err := admin.DialectFor(line, version)
	if err != nil {
		t.Fatal(err)
	}
	return &testStore{Store: st, site: ts, admin: a, dialect: d,
		ext: admin.Extension{Type: fixtureExt.Type, Code: fixtureExt.Code, Folder: fixtureExt.Folder}}
}

func ctxT(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// storeDB reaches the store's database the way the app does: config.php
// over SFTP, then the direct route.
func (s *testStore) storeDB(t *testing.T) (db.DB, *db.Schema) {
	t.Helper()
	return connectStore(t, s.site, s.Remote, s.Version, s.AdminFolder())
}

func connectStore(t *testing.T, site testenv.Site, root, version, adminFolder string) (db.DB, *db.Schema) {
	t.Helper()
	tr := remote.NewTrust(t.TempDir())
	tr.TrustNew = true
	ctx := ctxT(t)
	pool, err := remote.Open(ctx, remote.Site{Protocol: remote.SFTP, Host: site.Host, Port: site.Port, User: site.User,
		Password: site.Password, Timeout: 10 * time.Second}, tr, 1)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pool.Close() })
	line, _ := store.LineOf(version)
	creds, err := db.Read(ctx, pool, store.Store{Root: root, Version: version, Line: line, AdminDir: adminFolder})
	if err != nil {
		t.Fatal(err)
	}
	d, attempts, err := db.Connect(ctx, pool, creds, db.Options{Routes: []db.Route{db.RouteDirect}, DataDir: t.TempDir()})
	if err != nil {
		t.Fatalf("%v (%s)", err, attempts)
	}
	t.Cleanup(func() { d.Close() })
	sc, err := d.Schema(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return d, sc
}

func queryInt(t *testing.T, q *sql.DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := q.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// settings reads the store-0 settings of a code (group on 1.5).
func settings(t *testing.T, s *testStore, code string) map[string]string {
	t.Helper()
	col := "`code`"
	if s.dialect.Line == store.Line15 {
		col = "`group`"
	}
	rows, err := s.StoreDB(t).Query("SELECT `key`, `value`, `serialized` FROM "+s.Table("setting")+" WHERE store_id = 0 AND "+col+" = ?", code)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var k, v string
		var ser int
		if err := rows.Scan(&k, &v, &ser); err != nil {
			t.Fatal(err)
		}
		if ser == 1 {
			v = "serialized:" + v
		}
		out[k] = v
	}
	return out
}
