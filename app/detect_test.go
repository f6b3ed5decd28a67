package app

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ocsetup/ocsetup/internal/fixture"
	"github.com/ocsetup/ocsetup/internal/testenv"
)

// run runs the CLI with a given environment and no terminal.
func run(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var o, e bytes.Buffer
	code := NewCLI().Run(context.Background(), args, IO{In: strings.NewReader(""), Out: &o, Err: &e,
		Getenv: func(k string) string { return env[k] }})
	return code, o.String(), e.String()
}

func siteURL(s testenv.Site, dir string) string {
	return fmt.Sprintf("%s://%s@%s%s", s.Protocol, s.User, s.Addr(), dir)
}

func TestDetectJSON(t *testing.T) {
	env := testenv.Get(t)
	for _, name := range []string{testenv.FTPSReuse, testenv.SFTP} {
		t.Run(name, func(t *testing.T) {
			ts := env.Site(t, name)
			st := fixture.New(t, env, ts, fixture.Options{Version: "4.0.2.3", AdminDir: "backoffice"})
			vars := map[string]string{PasswordVar: ts.Password, DataDirVar: t.TempDir()}
			code, out, errOut := run(t, vars, "detect", siteURL(ts, st.Remote), "--json", "--trust-new")
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			var got map[string]any
			if err := json.Unmarshal([]byte(out), &got); err != nil {
				t.Fatalf("%v: %s", err, out)
			}
			want := map[string]any{"root": st.Remote, "version": "4.0.2.3", "line": "4.0", "admin_dir": "backoffice", "protocol": ts.Protocol}
			for k, v := range want {
				if got[k] != v {
					t.Errorf("%s = %v, want %v", k, got[k], v)
				}
			}
		})
	}
}

// TestDetectTrust: without a terminal an unknown key is refused unless
// pinned or --trust-new; a wrong pin is refused; nothing is saved then.
func TestDetectTrust(t *testing.T) {
	env := testenv.Get(t)
	ts := env.Site(t, testenv.SFTP)
	st := fixture.New(t, env, ts, fixture.Options{Version: "3.0.3.8"})
	home := t.TempDir()
	vars := map[string]string{PasswordVar: ts.Password, DataDirVar: home}
	url := siteURL(ts, st.Remote)

	code, _, errOut := run(t, vars, "detect", url)
	if code != 1 || !strings.Contains(errOut, env.SSH.HostKeySHA256) || !strings.Contains(errOut, "--fingerprint") {
		t.Fatalf("unknown key without a terminal: exit %d, %s", code, errOut)
	}
	code, _, errOut = run(t, vars, "detect", url, "--fingerprint", "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
	if code != 1 || !strings.Contains(errOut, env.SSH.HostKeySHA256) {
		t.Fatalf("wrong pin: exit %d, %s", code, errOut)
	}
	if _, err := os.Stat(filepath.Join(home, "known_hosts")); err == nil {
		t.Fatal("a key was saved although none was trusted")
	}
	code, out, errOut := run(t, vars, "detect", "--fingerprint", env.SSH.HostKeySHA256, url)
	if code != 0 || !strings.Contains(out, "3.0.3.8") {
		t.Fatalf("pinned: exit %d, %s%s", code, out, errOut)
	}
	code, _, errOut = run(t, vars, "detect", url)
	if code != 0 {
		t.Fatalf("second contact: exit %d, %s", code, errOut)
	}
}

func TestDetectBadInputs(t *testing.T) {
	env := testenv.Get(t)
	ts := env.Site(t, testenv.FTP)
	home := t.TempDir()
	cases := []struct {
		name string
		vars map[string]string
		args []string
		code int
		want string
	}{
		{"password in URL", nil, []string{"detect", "ftp://u:secret@127.0.0.1/"}, 2, "OCSETUP_PASSWORD"},
		{"no password, no terminal", map[string]string{DataDirVar: home}, []string{"detect", siteURL(ts, "/")}, 1, "OCSETUP_PASSWORD"},
		{"unknown scheme", nil, []string{"detect", "http://u@127.0.0.1/"}, 2, "unknown protocol"},
		{"wrong password", map[string]string{PasswordVar: "nope", DataDirVar: home},
			[]string{"detect", siteURL(env.Site(t, testenv.FTPNoTLS), "/"), "--allow-plain"}, 1, "did not accept the user name or password"},
		{"plain FTP not accepted", map[string]string{PasswordVar: ts.Password, DataDirVar: home},
			[]string{"detect", siteURL(env.Site(t, testenv.FTPNoTLS), "/")}, 1, "--allow-plain"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, _, errOut := run(t, c.vars, c.args...)
			if code != c.code || !strings.Contains(errOut, c.want) {
				t.Fatalf("exit %d (want %d), stderr %q (want %q)", code, c.code, errOut, c.want)
			}
		})
	}
}

func TestDetectNoStore(t *testing.T) {
	env := testenv.Get(t)
	ts := env.Site(t, testenv.FTPSReuse)
	_, dir := env.TempDir(t, ts)
	vars := map[string]string{PasswordVar: ts.Password, DataDirVar: t.TempDir()}
	code, _, errOut := run(t, vars, "detect", siteURL(ts, dir), "--trust-new")
	if code != 1 || !strings.Contains(errOut, "No OpenCart store was found") {
		t.Fatalf("exit %d: %s", code, errOut)
	}
}
