package demo_test

import (
	"context"
	"errors"
	"net"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ocsetup/ocsetup/installer/access"
	"github.com/ocsetup/ocsetup/installer/db"
	"github.com/ocsetup/ocsetup/installer/demo"
	"github.com/ocsetup/ocsetup/installer/demoprog"
	"github.com/ocsetup/ocsetup/installer/keygen"
	"github.com/ocsetup/ocsetup/installer/remote"
	"github.com/ocsetup/ocsetup/installer/store"
	"github.com/ocsetup/ocsetup/installer/storefront"
)

// start runs a demo store for the test; it is closed when the test ends.
func start(t *testing.T, line store.Line) *demo.Demo {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	d, err := demo.Start(ctx, demo.Options{Line: line, TempDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := d.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return d
}

// open connects to the demo's account the way the app does, trusting the
// fingerprint the demo shows (and nothing else).
func open(t *testing.T, d *demo.Demo) *remote.Pool {
	t.Helper()
	trust := remote.NewTrust(t.TempDir())
	trust.Accept = d.Site().Fingerprint
	site := d.Site().Remote()
	site.Timeout = 10 * time.Second
	pool, err := remote.Open(context.Background(), site, trust, 2)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pool.Close() })
	return pool
}

// TestEveryLine finds the store, reaches its database by the direct route
// and logs in to its API, each with the app's own code, on every line.
func TestEveryLine(t *testing.T) {
	for _, line := range demoprog.Lines() {
		t.Run(string(line), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			d := start(t, line)
			pool := open(t, d)

			stores, err := store.Discover(ctx, pool, "/")
			if err != nil {
				t.Fatal(err)
			}
			if len(stores) != 1 || stores[0].Root != d.StoreRoot() || stores[0].Version != d.Version() || stores[0].Line != line {
				t.Fatalf("found %+v, want %s %s at %s", stores, line, d.Version(), d.StoreRoot())
			}

			creds, err := db.Read(ctx, pool, stores[0])
			if err != nil {
				t.Fatal(err)
			}
			if creds.Host != "127.0.0.1" || net.JoinHostPort(creds.Host, strconv.Itoa(creds.Port)) != d.DBAddr() || len(creds.Problems) != 0 {
				t.Fatalf("config.php: %+v", creds)
			}
			conn, _, err := db.Connect(ctx, pool, creds, db.Options{Routes: []db.Route{db.RouteDirect}})
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			sc, err := conn.Schema(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if sc.Line() != line || len(sc.Check(d.Version())) != 0 {
				t.Fatalf("schema line %q, warnings %v", sc.Line(), sc.Check(d.Version()))
			}

			sf := storefront.New(d.StoreURL())
			home, err := sf.Home(ctx)
			if err != nil || home.Status != 200 || !strings.Contains(home.Body, "Powered By OpenCart "+d.Version()) {
				t.Fatalf("home: %+v %v", home, err)
			}
			apiLogin(t, conn, sc, sf, line)
		})
	}
}

// apiLogin creates an API user first without this machine's address, then
// with it, and logs in with the right and a wrong key.
func apiLogin(t *testing.T, conn db.DB, sc *db.Schema, sf *storefront.Client, line store.Line) {
	t.Helper()
	ctx := context.Background()
	key, err := keygen.Generate(64)
	if err != nil {
		t.Fatal(err)
	}
	u := access.APIUser{Name: "ocsetup", Key: key, IPs: []string{"203.0.113.7"}, ReplaceKey: true}
	if line.In(store.Line21, store.Line22, store.Line23) {
		u.Name = "Default"
	}
	if _, err := access.EnsureAPIUser(ctx, conn, sc, line, u); err != nil {
		t.Fatal(err)
	}
	_, err = sf.APILogin(ctx, line, u.Name, key)
	var le *storefront.LoginError
	switch {
	case line.In(store.Line15, store.Line20): // no allow-list on these lines
		if err != nil {
			t.Fatalf("login: %v", err)
		}
	case !errors.As(err, &le) || !le.IPNotAllowed:
		t.Fatalf("login from an address not allowed: %v", err)
	case line != store.Line41 && le.IP != "127.0.0.1":
		t.Fatalf("the store's IP is not reported: %+v", le)
	}
	u.IPs = append(u.IPs, "127.0.0.1")
	if _, err := access.EnsureAPIUser(ctx, conn, sc, line, u); err != nil {
		t.Fatal(err)
	}
	login, err := sf.APILogin(ctx, line, u.Name, key)
	if err != nil {
		t.Fatalf("login: %v", err)
	}
	want := map[store.Line]string{store.Line15: "key", store.Line20: "cookie", store.Line21: "token", store.Line22: "token",
		store.Line23: "token", store.Line30: "api_token", store.Line40: "api_token", store.Line41: "signature"}[line]
	if login.Field != want {
		t.Fatalf("token field %q, want %q", login.Field, want)
	}
	if _, err := sf.APILogin(ctx, line, u.Name, key+"x"); !errors.As(err, &le) || !le.BadKey {
		t.Fatalf("wrong key: %v", err)
	}
}

// TestCloseLeavesNothing: after Close no port answers and the folder is
// gone; a second Close is harmless.
func TestCloseLeavesNothing(t *testing.T) {
	parent := t.TempDir()
	d, err := demo.Start(context.Background(), demo.Options{TempDir: parent})
	if err != nil {
		t.Fatal(err)
	}
	open(t, d) // a connection is open while the demo closes
	addrs := []string{d.Site().URL, d.DBAddr(), strings.TrimSuffix(strings.TrimPrefix(d.StoreURL(), "http://"), "/")}
	addrs[0] = net.JoinHostPort(d.Site().Host, strconv.Itoa(d.Site().Port))
	for _, a := range addrs {
		c, err := net.DialTimeout("tcp", a, 5*time.Second)
		if err != nil {
			t.Fatalf("%s does not answer while the demo runs: %v", a, err)
		}
		c.Close()
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	if err := d.Close(); err != nil {
		t.Fatalf("second close: %v", err)
	}
	for _, a := range addrs {
		if c, err := net.DialTimeout("tcp", a, 5*time.Second); err == nil {
			c.Close()
			t.Errorf("%s still answers after Close", a)
		}
	}
	if left, _ := os.ReadDir(parent); len(left) != 0 {
		t.Errorf("left behind: %v", left)
	}
	waitNoServerGoroutines(t)
}

// waitNoServerGoroutines waits until no goroutine runs demo server code:
// the in-process demo must not leave work behind in the app. Goroutines
// that were told to stop take a moment to return, hence the deadline.
func waitNoServerGoroutines(t *testing.T) {
	t.Helper()
	// Frames of code that only runs while a demo serves.
	serverFrames := []string{"installer/demo.", "go-mysql-server", "dolthub/vitess", "pkg/sftp.(*RequestServer)", "net/http.(*conn)"}
	deadline := time.Now().Add(5 * time.Second)
	for {
		buf := make([]byte, 1<<20)
		stacks := string(buf[:runtime.Stack(buf, true)])
		var left []string
		for _, g := range strings.Split(stacks, "\n\n") {
			if strings.Contains(g, "waitNoServerGoroutines") {
				continue
			}
			for _, f := range serverFrames {
				if strings.Contains(g, f) {
					left = append(left, g)
					break
				}
			}
		}
		if len(left) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d goroutines of the demo still run after Close:\n%s", len(left), strings.Join(left, "\n\n"))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestStartCancelled: a start given up half-way leaves nothing behind.
func TestStartCancelled(t *testing.T) {
	parent := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if d, err := demo.Start(ctx, demo.Options{TempDir: parent}); err == nil {
		d.Close()
		t.Fatal("a cancelled start succeeded")
	}
	if left, _ := os.ReadDir(parent); len(left) != 0 {
		t.Errorf("left behind: %v", left)
	}
}

func TestUnknownLine(t *testing.T) {
	_, err := demo.Start(context.Background(), demo.Options{Line: "5.0", TempDir: t.TempDir()})
	if err == nil || !strings.Contains(err.Error(), "3.0") {
		t.Fatalf("line 5.0: %v", err)
	}
}
