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
// direct MySQL route, nothing crosses plain HTTP and there is no warning.
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
		warned := strings.Contains(errOut, "plain HTTP")
		inJSON := len(res.Warnings) == 1 && strings.Contains(res.Warnings[0], "plain HTTP") && strings.Contains(res.Warnings[0], s.rs.URL)
		if res.DBRoute != c.routes || warned != c.warn || inJSON != c.warn {
			t.Fatalf("%s: route %q, warned on stderr %v, in --json %v (%q); want the warning %v\nstderr:\n%s", c.routes, res.DBRoute, warned, inJSON, res.Warnings, c.warn, errOut)
		}
	}
}
