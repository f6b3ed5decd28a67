package app

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/ocsetup/ocsetup/internal/fixture"
	"github.com/ocsetup/ocsetup/internal/testenv"
)

// TestEveryConnectingCommandTakesEveryConnectionFlag: a command that
// connects to a site (its arguments name a URL or a setup file) accepts
// every connection flag apply takes, with a value where the flag needs one.
func TestEveryConnectingCommandTakesEveryConnectionFlag(t *testing.T) {
	var cf connectFlags
	conn := flag.NewFlagSet("connection", flag.ContinueOnError)
	cf.define(conn)
	values := map[string]string{"fingerprint": "SHA256:abc", "key": "/nonexistent/id_ed25519", "connections": "2"}
	var connFlags []string
	conn.VisitAll(func(f *flag.Flag) { connFlags = append(connFlags, f.Name) })
	sort.Strings(connFlags)

	cli := NewCLI()
	var connecting []string
	for name, cmd := range cli.commands {
		if strings.Contains(cmd.args, "URL") || strings.Contains(cmd.args, "SETUP_FILE") {
			connecting = append(connecting, name)
		}
	}
	sort.Strings(connecting)
	for _, must := range []string{"apply", "test", "sync", "detect", "credentials", "plan", "upload", "rollback", "manifests"} {
		if !strings.Contains(" "+strings.Join(connecting, " ")+" ", " "+must+" ") {
			t.Errorf("%s is not found as a command that connects (%v)", must, connecting)
		}
	}
	if _, ok := cli.commands["uninstall"]; ok && !strings.Contains(strings.Join(connecting, " "), "uninstall") {
		t.Error("uninstall connects but is not checked")
	}
	for _, cmd := range connecting {
		for _, name := range connFlags {
			t.Run(cmd+"/--"+name, func(t *testing.T) {
				fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
				fs.SetOutput(io.Discard)
				if def := cli.flagSets[cmd]; def != nil {
					def(fs)
				}
				args := []string{"--" + name}
				if v, ok := values[name]; ok {
					args = append(args, v)
				}
				if err := fs.Parse(args); err != nil {
					t.Fatalf("%s does not take --%s: %v", cmd, name, err)
				}
			})
		}
	}
}

// TestTestAllowPlain: `test --allow-plain` connects to an ftp:// site whose
// server offers no TLS (the login check passes); without it, the login
// check fails and says to add --allow-plain.
func TestTestAllowPlain(t *testing.T) {
	env := testenv.Get(t)
	ts := env.Site(t, testenv.FTPNoTLS)
	st := fixture.New(t, env, ts, fixture.Options{Version: "3.0.3.8"})
	setup := filepath.Join(t.TempDir(), "setup.yaml")
	body := fmt.Sprintf("site: %s\nintegration: despatch_cloud\n", siteURL(ts, st.Remote))
	if err := os.WriteFile(setup, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{PasswordVar: ts.Password, DataDirVar: t.TempDir(), SecretVar(APIKeyField): testKey}
	_, out, errOut := run(t, vars, "test", setup, "--allow-plain", "--connections", "1")
	if strings.Contains(errOut, "not defined") || !strings.Contains(out, "PASS     Log in to the hosting") || !strings.Contains(out, "PASS     Find the store") {
		t.Fatalf("with --allow-plain:\n%s%s", out, errOut)
	}
	_, out, errOut = run(t, vars, "test", setup)
	if !strings.Contains(out, "FAIL     Log in to the hosting") || !strings.Contains(out+errOut, "--allow-plain") {
		t.Fatalf("without --allow-plain:\n%s%s", out, errOut)
	}
}
