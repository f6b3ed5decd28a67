package app

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ocsetup/ocsetup/installer/db"
	"github.com/ocsetup/ocsetup/installer/remote"
	"github.com/ocsetup/ocsetup/installer/store"
	"github.com/ocsetup/ocsetup/internal/fixture"
	"github.com/ocsetup/ocsetup/internal/testenv"
)

// runCredentials runs the CLI like run does, registering the credentials
// command when NewCLI does not (yet).
func runCredentials(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	cli := NewCLI()
	if _, ok := cli.commands["credentials"]; !ok {
		cli.addCredentials()
	}
	var o, e bytes.Buffer
	code := cli.Run(context.Background(), append([]string{"credentials"}, args...), IO{In: strings.NewReader(""), Out: &o, Err: &e,
		Getenv: func(k string) string { return env[k] }})
	return code, o.String(), e.String()
}

func bridgeFiles(t *testing.T, dir string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, "ocsetup-bridge-*"))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestCredentialsJSON(t *testing.T) {
	env := testenv.Get(t)
	ts := env.Site(t, testenv.SFTP)
	st := fixture.New(t, env, ts, fixture.Options{Version: "3.0.3.8"})
	vars := map[string]string{PasswordVar: ts.Password, DataDirVar: t.TempDir()}
	code, out, errOut := runCredentials(t, vars, siteURL(ts, st.Remote), "--json", "--trust-new")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if strings.Contains(out+errOut, st.DB.Password) {
		t.Fatal("the database password was printed")
	}
	var got struct {
		Reached     bool   `json:"reached"`
		Route       string `json:"route"`
		Credentials struct {
			User, Password, Database, Prefix, Host string
			Port                                   int
			Store                                  store.Store
		} `json:"credentials"`
		Attempts []struct{ Route, Result string } `json:"attempts"`
		Schema   struct{ Line string }            `json:"schema"`
		Warnings []store.Warning                  `json:"warnings"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	c := got.Credentials
	if !got.Reached || got.Route != "direct" || c.User != st.DB.User || c.Password != "********" || c.Database != st.DB.Name ||
		c.Prefix != "oc_" || c.Host != st.DB.Host || c.Port != st.DB.Port || c.Store.Root != st.Remote ||
		len(got.Attempts) != 1 || got.Attempts[0].Result != "ok" || got.Schema.Line != "3.0" || len(got.Warnings) != 0 {
		t.Errorf("result: %s", out)
	}
}

// TestCredentialsBridge: with only the bridge route, the text output
// names it, and nothing is left on the store or in the data folder.
func TestCredentialsBridge(t *testing.T) {
	env := testenv.Get(t)
	ts := env.Site(t, testenv.FTPSReuse)
	st := fixture.New(t, env, ts, fixture.Options{Version: "1.5.6.4"})
	home := t.TempDir()
	vars := map[string]string{PasswordVar: ts.Password, DataDirVar: home}
	code, out, errOut := runCredentials(t, vars, siteURL(ts, st.Remote), "--routes", "bridge", "--trust-new")
	if code != 0 {
		t.Fatalf("exit %d: %s%s", code, out, errOut)
	}
	t.Log(out + errOut)
	for _, want := range []string{"routes:    bridge: ok", "reached:   through a temporary bridge", "password:  ********", "OpenCart 1.5 line", "user:      " + st.DB.User} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out+errOut, st.DB.Password) {
		t.Fatal("the database password was printed")
	}
	if left := bridgeFiles(t, st.Local); len(left) != 0 {
		t.Errorf("left on the store: %v", left)
	}
	if recs, _ := db.Leftovers(home); len(recs) != 0 {
		t.Errorf("records left: %v", recs)
	}
}

// TestCredentialsRemovesLeftovers: a bridge an earlier run left behind
// (uploaded, never closed) is removed when the command connects.
func TestCredentialsRemovesLeftovers(t *testing.T) {
	env := testenv.Get(t)
	ts := env.Site(t, testenv.SFTP)
	st := fixture.New(t, env, ts, fixture.Options{Version: "2.1.0.2"})
	home := t.TempDir()

	tr := remote.NewTrust(t.TempDir())
	tr.TrustNew = true
	pool, err := remote.Open(context.Background(), remote.Site{Protocol: remote.SFTP, Host: ts.Host, Port: ts.Port,
		User: ts.User, Password: ts.Password, Timeout: 10 * time.Second}, tr, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	line, _ := store.LineOf(st.Version)
	creds, err := db.Read(context.Background(), pool, store.Store{Root: st.Remote, Version: st.Version, Line: line, AdminDir: "admin"})
	if err != nil {
		t.Fatal(err)
	}
	// Connected and never closed: the earlier run "crashed".
	if _, _, err := db.Connect(context.Background(), pool, creds, db.Options{Routes: []db.Route{db.RouteBridge}, DataDir: home}); err != nil {
		t.Fatal(err)
	}
	if len(bridgeFiles(t, st.Local)) == 0 {
		t.Fatal("no bridge was uploaded")
	}

	vars := map[string]string{PasswordVar: ts.Password, DataDirVar: home}
	code, _, errOut := runCredentials(t, vars, siteURL(ts, st.Remote), "--routes", "direct", "--trust-new")
	if code != 0 || !strings.Contains(errOut, "Removed a database bridge an earlier run left") {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if left := bridgeFiles(t, st.Local); len(left) != 0 {
		t.Errorf("left on the store: %v", left)
	}
	if recs, _ := db.Leftovers(home); len(recs) != 0 {
		t.Errorf("records left: %v", recs)
	}
}

// TestCredentialsNotReached: when no route works the command still
// prints what it read and each attempt, and exits 1.
func TestCredentialsNotReached(t *testing.T) {
	env := testenv.Get(t)
	ts := env.Site(t, testenv.SFTP)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	st := fixture.New(t, env, ts, fixture.Options{Version: "4.1.0.4", DB: fixture.DB{Port: port}})
	vars := map[string]string{PasswordVar: ts.Password, DataDirVar: t.TempDir()}
	code, out, errOut := runCredentials(t, vars, siteURL(ts, st.Remote), "--routes", "direct,ssh", "--trust-new")
	t.Log(out + errOut)
	if code != 1 || !strings.Contains(errOut, "could not be reached") {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"routes:    direct: refused (host blocks remote MySQL) → SSH: refused", "Remote MySQL", "database:  not reached"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if code, _, errOut := runCredentials(t, vars, siteURL(ts, st.Remote), "--routes", "carrier-pigeon"); code != 2 || !strings.Contains(errOut, "unknown route") {
		t.Errorf("bad --routes: exit %d, %s", code, errOut)
	}
}
