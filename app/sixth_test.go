package app

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ocsetup/ocsetup/installer/admin"
	"github.com/ocsetup/ocsetup/installer/check"
	"github.com/ocsetup/ocsetup/installer/integrations"
	"github.com/ocsetup/ocsetup/installer/msg"
	ocsync "github.com/ocsetup/ocsetup/installer/sync"
	"github.com/ocsetup/ocsetup/internal/testenv"
)

// parcelbird is a sixth integration that exists only in this file: a
// parcel tracker whose module keeps an API key and a region, with a check
// of its own, a job and a log. Everything ocsetup knows about it is here.
type parcelbird struct{}

func parcelbirdProfile() integrations.Profile {
	return integrations.Profile{ID: "parcelbird", Name: "Parcelbird", Summary: "Parcel tracking (a test integration).", Impl: parcelbird{}}
}

func (parcelbird) Fields(integrations.Target) []integrations.Field {
	return []integrations.Field{
		{Key: "api_key", Label: "API key", Kind: integrations.Secret, Required: true},
		{Key: "region", Label: "Region", Kind: integrations.Text, Default: "eu"},
	}
}

func (parcelbird) Plan(t integrations.Target, v integrations.Values) (*integrations.Plan, error) {
	if v["api_key"] == "" {
		return nil, &integrations.InputError{Profile: "Parcelbird", Problems: []integrations.Problem{{Field: "api_key", Label: "API key", Message: "is missing"}}}
	}
	region := v["region"]
	if region == "" {
		region = "eu"
	}
	ext := admin.Extension{Type: "module", Code: "parcelbird", Folder: "parcelbird"}
	code := ext.SettingCode(t.Line)
	post := integrations.Post{
		{Name: code + "_status", Values: []string{"1"}},
		{Name: code + "_api_key", Field: "api_key", Values: []string{v["api_key"]}, Secret: true},
		{Name: code + "_region", Field: "region", Values: []string{region}},
	}
	plan := &integrations.Plan{Profile: "parcelbird", Extension: ext, Post: post}
	plan.SaveWith(func(p integrations.Post) []integrations.SettingGroup {
		return []integrations.SettingGroup{integrations.EditSetting(t.Line, code, p)}
	})
	plan.Groups = plan.SaveGroups(post)
	plan.Show = []integrations.Info{{Label: "Tracking URL", Value: t.StoreURL + "index.php", Required: true}}
	return plan, nil
}

func (parcelbird) Extension() *check.Extension {
	return &check.Extension{Type: "module", Code: "parcelbird", Folder: "parcelbird"}
}

func (parcelbird) Needs() integrations.Needs { return integrations.Needs{Sync: true} }

func (parcelbird) Checks(c integrations.CheckContext) []check.ProfileCheck {
	return []check.ProfileCheck{
		{ID: "parcelbird-tracking", Title: "Tracking URL answers", NeedsDB: true, Run: func(ctx context.Context, env *check.Env) check.Result {
			pl, err := c.Plan(ctx, env)
			if err != nil {
				return check.FailedMsg(msg.Msg{Key: "check.parcelbird-tracking.plan", Own: "No plan."}, msg.Msg{}, err.Error())
			}
			return check.URLAnswers(ctx, env, pl.Show[0].Value)
		}},
		{ID: "parcelbird-schedule", Title: "Parcelbird's job runs", Run: func(context.Context, *check.Env) check.Result {
			if c.Cron != "app" {
				return check.FailedMsg(msg.Msg{Key: "check.parcelbird-schedule.cron", Own: "cron is " + c.Cron}, msg.Msg{}, "")
			}
			return check.PassedMsg(msg.Msg{Key: "check.parcelbird-schedule.pass", Own: "ocsetup runs it."})
		}},
	}
}

func (parcelbird) Sync(c integrations.SyncContext) integrations.SyncSpec {
	return integrations.SyncSpec{Log: ocsync.PoolLog{Pool: c.Files}, LogPath: path.Join(c.Store.Root, "catalog/parcelbird/log.txt"),
		Jobs: []ocsync.Job{{Name: "parcelbird-ping", Title: "Parcelbird ping", Period: time.Hour,
			Run: ocsync.HTTPJob(c.HTTP, strings.TrimRight(c.StoreURL, "/")+"/index.php")}}}
}

// runRegistry runs the CLI with a registry of its own.
func runRegistry(t *testing.T, reg *integrations.Registry, vars map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var o, e bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	code := NewCLI(WithIntegrations(reg)).Run(ctx, args, IO{In: strings.NewReader(""), Out: &o, Err: &e, Getenv: func(k string) string { return vars[k] }})
	return code, o.String(), e.String()
}

// TestASixthIntegration: an integration declared in a test's own file is
// set up by apply, tested by test (its extension, settings and own checks)
// and watched by sync (its log and its job), with no change elsewhere. The
// built-in registry does not know it.
func TestASixthIntegration(t *testing.T) {
	env := testenv.Get(t)
	reg, err := integrations.Builtin().With(parcelbirdProfile())
	if err != nil {
		t.Fatal(err)
	}
	s := newRealApplyShop(t, env, "3.0.3.9")
	file := s.setupFile(t, "integration: parcelbird\nsettings:\n  region: au\naccess:\n  cron: app\n")

	// The built-in registry refuses the file before connecting.
	if code, _, errOut := runRegistry(t, integrations.Builtin(), s.vars, "apply", file, "--trust-new"); code == 0 || !strings.Contains(errOut, `integration "parcelbird" is not one of amazon_ps`) {
		t.Fatalf("built-in registry: exit %d: %s", code, errOut)
	}
	// The profile's own refusal stops apply before anything changes.
	before := s.fingerprint(t)
	if code, out, errOut := runRegistry(t, reg, s.vars, "apply", file, "--trust-new", "--settings-via", "database"); code == 0 || !strings.Contains(out+errOut, "API key") {
		t.Fatalf("no key: exit %d: %s%s", code, out, errOut)
	}
	if s.fingerprint(t) != before {
		t.Fatal("a refused apply changed the store")
	}

	s.vars[SecretVar("api_key")] = testKey
	if code, out, errOut := runRegistry(t, reg, s.vars, "apply", file, "--trust-new", "--settings-via", "database"); code != 0 {
		t.Fatalf("apply: exit %d: %s%s", code, out, errOut)
	}
	if n := s.count(t, "SELECT COUNT(*) FROM "+s.Table("setting")+" WHERE `key` = 'module_parcelbird_api_key' AND value = ?", testKey); n != 1 {
		t.Fatal("the key was not saved")
	}
	if n := s.count(t, "SELECT COUNT(*) FROM "+s.Table("extension")+" WHERE type = 'module' AND code = 'parcelbird'"); n != 1 {
		t.Fatal("the module was not registered")
	}

	code, out, errOut := runRegistry(t, reg, s.vars, "test", file, "--trust-new", "--json")
	var rep check.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("test: exit %d: %v: %s%s", code, err, out, errOut)
	}
	got := map[string]check.Result{}
	for _, r := range rep.Results {
		got[r.ID] = r
	}
	for _, id := range []string{"extension", "enabled", "settings", "parcelbird-tracking", "parcelbird-schedule"} {
		if r, ok := got[id]; !ok || r.Status != check.Pass {
			t.Errorf("test: check %s: %+v (present %v)", id, r, ok)
		}
	}
	if rep.Integration != "Parcelbird" {
		t.Errorf("report names %q", rep.Integration)
	}
	// The settings check compares with the store: a changed region fails it.
	db := s.StoreDB(t)
	if _, err := db.Exec("UPDATE " + s.Table("setting") + " SET value = 'us' WHERE `key` = 'module_parcelbird_region'"); err != nil {
		t.Fatal(err)
	}
	_, out, _ = runRegistry(t, reg, s.vars, "test", file, "--json")
	rep = check.Report{}
	must(t, json.Unmarshal([]byte(out), &rep))
	for _, r := range rep.Results {
		if r.ID == "settings" && (r.Status != check.Fail || !strings.Contains(r.Detail, "module_parcelbird_region")) {
			t.Errorf("changed region: %+v", r)
		}
	}

	// The connector's log and job, as the profile declares them.
	logFile := filepath.Join(s.Local, "catalog", "parcelbird", "log.txt")
	must(t, os.MkdirAll(filepath.Dir(logFile), 0o755))
	must(t, os.WriteFile(logFile, []byte("3 parcels sent\n"), 0o644))
	must(t, testenv.ChownTree(s.Local, s.site.UID, s.site.GID))
	code, out, errOut = runRegistry(t, reg, s.vars, "sync", file, "--once", "--json", "--trust-new")
	if code != 0 {
		t.Fatalf("sync: exit %d: %s%s", code, out, errOut)
	}
	var logLines []string
	var job *ocsync.JobRun
	lines := bufio.NewScanner(strings.NewReader(out))
	for lines.Scan() {
		var l struct {
			Poll *struct {
				Log *ocsync.LogTail `json:"log"`
			} `json:"poll"`
			JobRun *ocsync.JobRun `json:"job_run"`
		}
		must(t, json.Unmarshal(lines.Bytes(), &l))
		if l.Poll != nil && l.Poll.Log != nil {
			logLines = l.Poll.Log.Lines
		}
		if l.JobRun != nil && l.JobRun.Job == "parcelbird-ping" {
			job = l.JobRun
		}
	}
	if len(logLines) != 1 || logLines[0] != "3 parcels sent" {
		t.Errorf("sync log lines %q:\n%s", logLines, out)
	}
	if job == nil || !job.OK {
		t.Errorf("sync job %+v:\n%s", job, out)
	}
}

// TestNoSwitchOnProfileIDs: outside the integrations package, the app and
// the GUI name no built-in integration (the demo's choice aside, once),
// and find profiles through the registry they are given.
func TestNoSwitchOnProfileIDs(t *testing.T) {
	var ids []string
	for _, id := range integrations.Builtin().IDs() {
		ids = append(ids, regexp.QuoteMeta(id))
	}
	literal := regexp.MustCompile(`"(` + strings.Join(ids, "|") + `)"`)
	shortcut := regexp.MustCompile(`integrations\.(ByID|All)\(`)
	demo := 0
	for _, dir := range []string{".", "../ui"} {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		must(t, err)
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			b, err := os.ReadFile(f)
			must(t, err)
			for i, line := range strings.Split(string(b), "\n") {
				if strings.HasPrefix(strings.TrimSpace(line), "//") {
					continue
				}
				if literal.MatchString(line) {
					if filepath.Base(f) == "demo.go" && strings.HasPrefix(line, "const DemoIntegration = ") {
						demo++
						continue
					}
					t.Errorf("%s:%d names an integration: %s", f, i+1, strings.TrimSpace(line))
				}
				if shortcut.MatchString(line) {
					t.Errorf("%s:%d uses the built-ins instead of its registry: %s", f, i+1, strings.TrimSpace(line))
				}
			}
		}
	}
	if demo != 1 {
		t.Errorf("the demo's integration is named %d times, want once (DemoIntegration)", demo)
	}
}
