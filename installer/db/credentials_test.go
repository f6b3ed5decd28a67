package db

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/ocsetup/ocsetup/installer/remote/memconn"
	"github.com/ocsetup/ocsetup/installer/store"
	"github.com/ocsetup/ocsetup/internal/fixture"
	"github.com/ocsetup/ocsetup/internal/testenv"
)

// TestReadEveryLine reads the config files of a fixture store of every
// line over SFTP and over FTPS, compares them with what the fixture wrote
// (a password with ' \ @ : /), then reaches the database directly and
// checks the schema's line against the files' VERSION.
func TestReadEveryLine(t *testing.T) {
	env := testenv.Get(t)
	for _, name := range []string{testenv.SFTP, testenv.FTPSReuse} {
		for _, version := range fixture.Versions {
			t.Run(name+"/"+version, func(t *testing.T) {
				t.Parallel()
				ts := env.Site(t, name)
				st := fixture.New(t, env, ts, fixture.Options{Version: version})
				pool := openPool(t, ts)
				c := readCreds(t, pool, st)

				checkCreds(t, c, st)
				want := store.Line(version[:3])
				d, attempts := connect(t, pool, c, Options{Routes: []Route{RouteDirect}})
				if d.Route() != RouteDirect || attempts.String() != "direct: ok" {
					t.Fatalf("route %s, attempts %s", d.Route(), attempts)
				}
				s, err := d.Schema(ctxT(t))
				if err != nil {
					t.Fatal(err)
				}
				if got := s.Line(); got != want {
					t.Errorf("schema line %q, want %q (columns %v)", got, want, s.Columns)
				}
				if w := s.Check(version); len(w) != 0 {
					t.Errorf("warnings: %v", w)
				}
				if s.Database != st.DB.Name || s.Prefix != "oc_" || !s.Has("setting") || !s.Has("product") || s.Has("oc_setting") {
					t.Errorf("schema %+v", s)
				}
				checkFingerprints(t, s, want)
			})
		}
	}
}

func checkCreds(t *testing.T, c *Credentials, st *fixture.Store) {
	t.Helper()
	admin := st.AdminDir
	if admin == "" {
		admin = "admin"
	}
	got := map[string]any{"driver": c.Driver, "host": c.Host, "port": c.Port, "socket": c.Socket, "user": c.User,
		"password": c.Password.Reveal(), "database": c.Database, "prefix": c.Prefix,
		"catalog HTTP_SERVER": c.Catalog.HTTPServer, "admin HTTP_SERVER": c.Admin.HTTPServer, "admin HTTP_CATALOG": c.Admin.HTTPCatalog}
	want := map[string]any{"driver": "mysqli", "host": st.DB.Host, "port": st.DB.Port, "socket": "", "user": st.DB.User,
		"password": st.DB.Password, "database": st.DB.Name, "prefix": st.Prefix,
		"catalog HTTP_SERVER": st.URL, "admin HTTP_SERVER": st.URL + admin + "/", "admin HTTP_CATALOG": st.URL}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s = %q, want %q", k, got[k], w)
		}
	}
	if !strings.ContainsAny(st.DB.Password, `'\@:/`) {
		t.Fatalf("the fixture password %q lacks the characters this test is about", st.DB.Password)
	}
	if !c.Usable() || len(c.Computed) != 0 {
		t.Errorf("usable %v, computed %v, problems %v", c.Usable(), c.Computed, c.Problems)
	}
	for _, p := range c.Problems {
		t.Errorf("unexpected problem: %+v", p)
	}
	if u := c.StoreURLs(); len(u) != 1 || u[0] != st.URL {
		t.Errorf("store URLs %v, want [%s]", u, st.URL)
	}
	// The password never shows in String, fmt or JSON.
	js, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{c.String(), fmt.Sprintf("%v %+v %#v %s", c, *c, *c, c.Password), string(js)} {
		if strings.Contains(s, st.DB.Password) || strings.Contains(s, strings.ReplaceAll(st.DB.Password, `\`, `\\`)) {
			t.Errorf("the password shows in %s", s)
		}
	}
	if !strings.Contains(string(js), `"password":"********"`) {
		t.Errorf("JSON does not mask the password: %s", js)
	}
}

// checkFingerprints checks the line-specific columns of §1/§3.
func checkFingerprints(t *testing.T, s *Schema, l store.Line) {
	t.Helper()
	type fp struct {
		group, apiName, apiSecret string
		apiIP, extExtension       bool
		extInstall, modification  bool
		apiSession, apiHistory    bool
	}
	want := map[store.Line]fp{
		store.Line15: {group: "group"},
		store.Line20: {group: "code", apiName: "username", apiSecret: "password", modification: true},
		store.Line21: {group: "code", apiName: "name", apiSecret: "key", apiIP: true, modification: true, apiSession: true},
		store.Line22: {group: "code", apiName: "name", apiSecret: "key", apiIP: true, modification: true, apiSession: true},
		store.Line23: {group: "code", apiName: "name", apiSecret: "key", apiIP: true, modification: true, apiSession: true},
		store.Line30: {group: "code", apiName: "username", apiSecret: "key", apiIP: true, extInstall: true, modification: true, apiSession: true},
		store.Line40: {group: "code", apiName: "username", apiSecret: "key", apiIP: true, extExtension: true, extInstall: true, apiSession: true},
		store.Line41: {group: "code", apiName: "username", apiSecret: "key", apiIP: true, extExtension: true, extInstall: true, modification: true, apiHistory: true},
	}[l]
	got := fp{s.SettingGroupColumn(), s.APINameColumn(), s.APISecretColumn(), s.Has("api_ip"), s.HasColumn("extension", "extension"),
		s.Has("extension_install") && s.Has("extension_path"), s.Has("modification"), s.Has("api_session"), s.Has("api_history")}
	if got != want {
		t.Errorf("fingerprints of %s:\n got %+v\nwant %+v", l, got, want)
	}
}

// TestReadComputed: a config.php in the shapes seen on live shops
// (getenv() for DB_HOSTNAME, DB_PREFIX in if/else) is read as far as the
// file allows, and what only the server knows is reported, not guessed.
// The subject is the reading of the files, not the protocol: the store is
// in an in-memory account (TestReadEveryLine reads over SFTP and FTPS).
func TestReadComputed(t *testing.T) {
	srv, st := fixture.InMemory(t, fixture.Options{Version: "3.0.3.8", Wild: true})
	c := readCreds(t, memPool(t, srv), st)
	if c.Usable() {
		t.Fatalf("usable, problems %v", c.Problems)
	}
	computed := map[string]bool{}
	for _, x := range c.Computed {
		if x.File == c.CatalogFile {
			computed[x.Constant] = true
		}
		if strings.Contains(x.Reason, st.DB.Password) {
			t.Errorf("reason quotes the password: %s", x.Reason)
		}
	}
	if !computed["DB_HOSTNAME"] || !computed["DB_PREFIX"] || computed["DB_PASSWORD"] {
		t.Errorf("computed %v", c.Computed)
	}
	if c.Host != "" || c.User != st.DB.User || c.Password.Reveal() != st.DB.Password || c.Database != st.DB.Name {
		t.Errorf("read %s", c)
	}
}

// TestReadMissing: a folder without config.php is an error that says so.
// It rests on the files channel's KindNotFound for a missing file, which
// remote's conformance suite checks on every server; here the folder is in
// an in-memory account.
func TestReadMissing(t *testing.T) {
	srv := memconn.New("/home/test")
	if err := srv.MkdirAll("/home/test/public_html"); err != nil {
		t.Fatal(err)
	}
	_, err := Read(ctxT(t), memPool(t, srv), store.Store{Root: "/home/test/public_html", AdminDir: "admin"})
	if err == nil || !strings.Contains(err.Error(), "config.php does not exist") {
		t.Fatalf("err = %v", err)
	}
}
