package app

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/ocsetup/ocsetup/internal/testenv"
)

// A store without HTTPS (the test stores are served over http only) that
// is reached through the database bridge gets a warning on stderr and in
// --json, before anything secret goes through the bridge; reached by the
// direct MySQL route, the bridge is not warned of. The admin over http is
// warned of before its login either way.
func TestApplyWarnsOfBridgeOverPlainHTTP(t *testing.T) {
	env := testenv.Get(t)
	s := newRealShop(t, env, "3.0.3.9", testenv.FTP)
	body, _ := chequeSetup(s.rs.Line)
	for _, c := range []struct {
		routes string
		warn   bool
	}{{"bridge", true}, {"direct", false}} {
		env.Fresh(t, s.rs)
		file := s.setupFile(t, body+"db_routes: "+c.routes+"\n")
		code, out, errOut := runApplyCLI(t, s.vars, "apply", file, "--trust-new", "--json")
		if code != 0 {
			t.Fatalf("%s: exit %d\n%s\n%s", c.routes, code, out, errOut)
		}
		var res struct {
			DBRoute  string   `json:"db_route"`
			Warnings []string `json:"warnings"`
		}
		if err := json.Unmarshal([]byte(out), &res); err != nil {
			t.Fatalf("%s: --json output: %v\n%s", c.routes, err, out)
		}
		bridgeOnStderr := strings.Contains(errOut, "database bridge")
		var bridgeInJSON, adminInJSON bool
		for _, w := range res.Warnings {
			bridgeInJSON = bridgeInJSON || strings.Contains(w, "database bridge ("+s.rs.URL)
			adminInJSON = adminInJSON || strings.Contains(w, "admin ("+s.rs.URL)
		}
		if res.DBRoute != c.routes || bridgeOnStderr != c.warn || bridgeInJSON != c.warn {
			t.Fatalf("%s: route %q, bridge warned on stderr %v, in --json %v (%q); want the warning %v\nstderr:\n%s", c.routes, res.DBRoute, bridgeOnStderr, bridgeInJSON, res.Warnings, c.warn, errOut)
		}
		// The settings are saved through the admin, over http here: that
		// login carries a password, so it is warned of either way.
		if !adminInJSON || !strings.Contains(errOut, "logs in over plain HTTP") {
			t.Fatalf("%s: no warning about the admin over plain HTTP: %q\nstderr:\n%s", c.routes, res.Warnings, errOut)
		}
	}
}

// TestTestAndSyncWarnOfPlainHTTP: `test` and `sync` warn like apply
// before secrets cross plain HTTP: the database bridge over http (its
// queries carry settings, keys and password hashes) and, for test, the
// store API login and checkout over http (the API key). The warning names
// the address; over the direct MySQL route the bridge is not warned of.
func TestTestAndSyncWarnOfPlainHTTP(t *testing.T) {
	env := testenv.Get(t)
	s := newRealShop(t, env, "3.0.3.9", testenv.FTP)
	body, _ := chequeSetup(s.rs.Line)
	s.vars[SecretVar(APIKeyField)] = "k-0123456789abcdef0123456789abcdef"
	for _, c := range []struct {
		routes string
		bridge bool
	}{{"bridge", true}, {"direct", false}} {
		file := s.setupFile(t, body+"db_routes: "+c.routes+"\naccess:\n  api_user: Default\n")
		for _, args := range [][]string{{"test", file, "--trust-new"}, {"sync", file, "--trust-new", "--once"}} {
			code, out, errOut := runApplyCLI(t, s.vars, args...)
			if args[0] == "sync" && code != 0 {
				// Over the bridge its watching is limited to reads
				// without secret columns: every poll still works.
				t.Errorf("sync over %s: exit %d\nstdout:\n%s\nstderr:\n%s", c.routes, code, out, errOut)
			}
			bridgeWarned := strings.Contains(errOut, "warning:  The store has no working HTTPS, so the temporary database bridge ("+s.rs.URL)
			if bridgeWarned != c.bridge {
				t.Errorf("%s over %s: bridge warned %v, want %v\nstdout:\n%s\nstderr:\n%s", args[0], c.routes, bridgeWarned, c.bridge, out, errOut)
			}
			apiWarned := strings.Contains(errOut, "warning:  The store has no working HTTPS, so its API ("+s.rs.URL)
			if want := args[0] == "test"; apiWarned != want {
				t.Errorf("%s over %s: API login warned %v, want %v\nstderr:\n%s", args[0], c.routes, apiWarned, want, errOut)
			}
			if strings.Count(errOut, "database bridge (") > 1 {
				t.Errorf("%s over %s: the bridge warned of more than once:\n%s", args[0], c.routes, errOut)
			}
		}
	}
}
