package app

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ocsetup/ocsetup/installer/admin"
	"github.com/ocsetup/ocsetup/installer/check"
	"github.com/ocsetup/ocsetup/installer/remote"
	"github.com/ocsetup/ocsetup/internal/testenv"
)

// TestApplyThenTestProvesCheckout: on a real 3.0 store, a temporary API
// user an earlier, killed test left behind is removed by the next apply;
// the apply installs and enables Cheque / Money Order through the admin;
// and `test` proves the checkout offers it, leaving no API user behind.
func TestApplyThenTestProvesCheckout(t *testing.T) {
	env := testenv.Get(t)
	s := newRealShop(t, env, "3.0.3.9", testenv.SFTP)
	body, _ := chequeSetup(s.rs.Line)
	file := s.setupFile(t, body+"payment_method: cheque\n")

	// What a killed checkout check leaves: its user, its address, its record.
	if _, err := s.sql.Exec("INSERT INTO oc_api (username, `key`, status, date_added, date_modified) VALUES ('ocsetup_check_5ca1ab1e', 'k', 1, NOW(), NOW())"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.sql.Exec("INSERT INTO oc_api_ip (api_id, ip) SELECT api_id, '127.0.0.1' FROM oc_api WHERE username = 'ocsetup_check_5ca1ab1e'"); err != nil {
		t.Fatal(err)
	}
	site, err := remote.ParseURL(siteURL(s.site, s.rs.RemoteRoot(s.site)))
	if err != nil {
		t.Fatal(err)
	}
	rec, _ := json.Marshal(check.APIUserRecord{Place: admin.RecordPlace{Site: site, Root: s.rs.RemoteRoot(s.site), Database: s.rs.Database, Prefix: "oc_"},
		Username: "ocsetup_check_5ca1ab1e", Created: time.Now()})
	dir := filepath.Join(s.vars[DataDirVar], "api-users")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "ocsetup_check_5ca1ab1e.json"), rec, 0o600); err != nil {
		t.Fatal(err)
	}

	code, out, errOut := runApplyCLI(t, s.vars, "apply", file, "--trust-new")
	if code != 0 {
		t.Fatalf("apply: exit %d\n%s\n%s", code, out, errOut)
	}
	if !strings.Contains(out, "temporary API user ocsetup_check_5ca1ab1e (left by an earlier run)") {
		t.Fatalf("apply does not report the leftover API user:\n%s", out)
	}
	if n := s.value(t, "SELECT COUNT(*) FROM oc_api WHERE username LIKE 'ocsetup\\_check\\_%'"); n != "0" {
		t.Fatalf("%s temporary API users after apply", n)
	}
	if n := s.value(t, "SELECT COUNT(*) FROM oc_api_ip i WHERE NOT EXISTS (SELECT 1 FROM oc_api a WHERE a.api_id = i.api_id)"); n != "0" {
		t.Fatalf("%s addresses of removed API users after apply", n)
	}
	if recs, _ := check.APILeftovers(s.vars[DataDirVar]); len(recs) != 0 {
		t.Fatalf("records after apply: %+v", recs)
	}

	code, out, errOut = run(t, s.vars, "test", file, "--trust-new", "--json")
	var rep check.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("test: exit %d %v\n%s\n%s", code, err, out, errOut)
	}
	var got *check.Result
	for i, r := range rep.Results {
		if r.ID == "checkout" {
			got = &rep.Results[i]
		}
	}
	if got == nil || got.Status != check.Pass || !strings.Contains(got.Cause, "(cheque)") {
		t.Fatalf("the checkout check: %+v\n%s", got, out)
	}
	if n := s.value(t, "SELECT COUNT(*) FROM oc_api WHERE username LIKE 'ocsetup\\_check\\_%'"); n != "0" {
		t.Fatalf("%s temporary API users after test", n)
	}
}
