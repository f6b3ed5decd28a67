package storefront_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/ocsetup/ocsetup/installer/access"
	"github.com/ocsetup/ocsetup/installer/db"
	"github.com/ocsetup/ocsetup/installer/keygen"
	"github.com/ocsetup/ocsetup/installer/remote"
	"github.com/ocsetup/ocsetup/installer/store"
	"github.com/ocsetup/ocsetup/installer/storefront"
	"github.com/ocsetup/ocsetup/internal/fixture"
	"github.com/ocsetup/ocsetup/internal/testenv"
)

func TestHomeAndAPILoginEveryLine(t *testing.T) {
	env := testenv.Get(t)
	ts := env.Site(t, testenv.SFTP)
	for _, v := range fixture.Versions {
		t.Run(v, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			st := fixture.New(t, env, ts, fixture.Options{Version: v})
			c := storefront.New(st.URL)
			home, err := c.Home(ctx)
			if err != nil || home.Status != 200 || len(home.PHPErrors) != 0 {
				t.Fatalf("home: %+v %v", home, err)
			}
			line, _ := store.LineOf(v)
			key, _ := keygen.Generate(64)
			d, sc := connect(t, ts, st, line)
			// The API user without this machine's address first.
			u := access.APIUser{Name: "Default", Key: key, IPs: []string{"203.0.113.7"}, ReplaceKey: true}
			if line == store.Line30 || line == store.Line40 || line == store.Line41 {
				u.Name = "ocsetup"
			}
			if _, err := access.EnsureAPIUser(ctx, d, sc, line, u); err != nil {
				t.Fatal(err)
			}
			_, err = c.APILogin(ctx, line, u.Name, key)
			var le *storefront.LoginError
			switch {
			case line == store.Line15 || line == store.Line20:
				// no allow-list on these lines: the key alone works
				if err != nil {
					t.Fatalf("login: %v", err)
				}
			case !errors.As(err, &le) || !le.IPNotAllowed:
				t.Fatalf("login from an address not allowed: %v", err)
			case line != store.Line41 && le.IP != "127.0.0.1":
				t.Fatalf("the store's IP is not reported: %+v", le)
			}
			u.IPs = append(u.IPs, "127.0.0.1")
			if _, err := access.EnsureAPIUser(ctx, d, sc, line, u); err != nil {
				t.Fatal(err)
			}
			login, err := c.APILogin(ctx, line, u.Name, key)
			if err != nil {
				t.Fatalf("login: %v", err)
			}
			want := map[store.Line]string{store.Line15: "key", store.Line20: "cookie", store.Line21: "token", store.Line22: "token",
				store.Line23: "token", store.Line30: "api_token", store.Line40: "api_token", store.Line41: "signature"}[line]
			if login.Field != want {
				t.Fatalf("token field %q, want %q", login.Field, want)
			}
			if _, err := c.APILogin(ctx, line, u.Name, key+"x"); !errors.As(err, &le) || !le.BadKey {
				t.Fatalf("wrong key: %v", err)
			}
		})
	}
}

func connect(t *testing.T, ts testenv.Site, st *fixture.Store, line store.Line) (db.DB, *db.Schema) {
	t.Helper()
	ctx := context.Background()
	tr := remote.NewTrust(t.TempDir())
	tr.TrustNew = true
	pool, err := remote.Open(ctx, remote.Site{Protocol: remote.SFTP, Host: ts.Host, Port: ts.Port, User: ts.User,
		Password: ts.Password, Timeout: 10 * time.Second}, tr, 1)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pool.Close() })
	creds, err := db.Read(ctx, pool, store.Store{Root: st.Remote, Version: st.Version, Line: line, AdminDir: "admin"})
	if err != nil {
		t.Fatal(err)
	}
	d, _, err := db.Connect(ctx, pool, creds, db.Options{Routes: []db.Route{db.RouteDirect}, DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	sc, err := d.Schema(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return d, sc
}
