package app

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ocsetup/ocsetup/internal/fixture"
	"github.com/ocsetup/ocsetup/internal/testenv"
)

// runDeploy runs the CLI with the deploy commands.
func runDeploy(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var o, e bytes.Buffer
	cli := NewCLI()
	cli.addDeploy()
	code := cli.Run(context.Background(), args, IO{In: strings.NewReader(""), Out: &o, Err: &e,
		Getenv: func(k string) string { return env[k] }})
	return code, o.String(), e.String()
}

// TestDeployCommands: plan, upload (verified, PHP probe), a second upload
// that sends nothing, manifests and rollback, through the command line.
func TestDeployCommands(t *testing.T) {
	env := testenv.Get(t)
	ts := env.Site(t, testenv.SFTP)
	st := fixture.New(t, env, ts, fixture.Options{Version: "3.0.3.8"})
	before := readTree(t, st.Local)
	pkgDir := filepath.Join(t.TempDir(), "xpay")
	files := map[string]string{
		"upload/admin/controller/extension/payment/xpay.php":   "<?php class ControllerExtensionPaymentXpay {}\n",
		"upload/catalog/controller/extension/payment/xpay.php": "<?php class ControllerExtensionPaymentXpay {}\n",
		"upload/catalog/view/javascript/xpay/a/b/c/xpay.js":    "console.log('xpay');\n",
	}
	for p, b := range files {
		full := filepath.Join(pkgDir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(b), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	vars := map[string]string{PasswordVar: ts.Password, DataDirVar: t.TempDir()}
	url := siteURL(ts, st.Remote)

	code, out, errOut := runDeploy(t, vars, "plan", url, pkgDir, "--json", "--trust-new")
	if code != 0 {
		t.Fatalf("plan: exit %d: %s", code, errOut)
	}
	var plan struct {
		Plan struct {
			Counts  map[string]int `json:"counts"`
			Folders []string       `json:"folders"`
		} `json:"plan"`
	}
	if err := json.Unmarshal([]byte(out), &plan); err != nil || plan.Plan.Counts["new"] != 3 || len(plan.Plan.Folders) < 4 {
		t.Fatalf("plan: %v %s", err, out)
	}
	if _, err := os.Stat(filepath.Join(st.Local, "catalog/view/javascript/xpay")); err == nil {
		t.Fatal("plan changed the store")
	}

	code, out, errOut = runDeploy(t, vars, "upload", url, pkgDir, "--store-url", st.URL)
	if code != 0 || !strings.Contains(out, "php:      runs in") || !strings.Contains(out, "3 created") {
		t.Fatalf("upload: exit %d\n%s\n%s", code, out, errOut)
	}
	// PHP runs as the site's account here: the fast path placed the files.
	if !strings.Contains(errOut, "fast path: 3 files sent as one archive and unpacked on the server") {
		t.Fatalf("upload did not take the fast path:\n%s", errOut)
	}
	code, out, errOut = runDeploy(t, vars, "upload", url, pkgDir, "--json")
	if code != 0 || !strings.Contains(out, `"identical": 3`) {
		t.Fatalf("second upload: exit %d\n%s\n%s", code, out, errOut)
	}
	code, out, errOut = runDeploy(t, vars, "manifests", url, "--json")
	var ms []map[string]any
	if code != 0 || json.Unmarshal([]byte(out), &ms) != nil || len(ms) != 2 {
		t.Fatalf("manifests: exit %d\n%s\n%s", code, out, errOut)
	}
	for range 2 {
		if code, out, errOut = runDeploy(t, vars, "rollback", url); code != 0 {
			t.Fatalf("rollback: exit %d\n%s\n%s", code, out, errOut)
		}
	}
	if code, _, errOut = runDeploy(t, vars, "rollback", url); code != 1 || !strings.Contains(errOut, "no upload to roll back") {
		t.Fatalf("third rollback: exit %d, %s", code, errOut)
	}
	after := readTree(t, st.Local)
	if len(after) != len(before) {
		t.Fatalf("after rollback: %d entries, before %d", len(after), len(before))
	}
	for p, b := range before {
		if after[p] != b {
			t.Errorf("%s differs after the rollback", p)
		}
	}
}

func readTree(t *testing.T, root string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			out[p+"/"] = ""
			return nil
		}
		b, err := os.ReadFile(p)
		out[p] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
