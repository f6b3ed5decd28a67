package app

import (
	"bytes"
	"context"
	"os"
	"regexp"
	"strings"
	"testing"
)

func runCLI(t *testing.T, args ...string) (code int, out, errOut string) {
	t.Helper()
	var o, e bytes.Buffer
	code = NewCLI().Run(context.Background(), args, IO{In: strings.NewReader(""), Out: &o, Err: &e, Getenv: func(string) string { return "" }})
	return code, o.String(), e.String()
}

func TestVersion(t *testing.T) {
	code, out, _ := runCLI(t, "version")
	if code != 0 || out != Name+" "+Version+"\n" {
		t.Fatalf("version: code %d, %q", code, out)
	}
}

func TestHelpListsEveryCommand(t *testing.T) {
	code, out, _ := runCLI(t, "help")
	if code != 0 {
		t.Fatalf("help exit %d", code)
	}
	for name := range NewCLI().commands {
		if !strings.Contains(out, "  "+name) {
			t.Errorf("help does not list %q:\n%s", name, out)
		}
	}
	for _, want := range []string{"OCSETUP_PASSWORD", "--trust-new", "--fingerprint", "--json", "sftp://"} {
		if !strings.Contains(out, want) {
			t.Errorf("help does not explain %s", want)
		}
	}
}

func TestUnknownCommandIsUsageError(t *testing.T) {
	code, _, errOut := runCLI(t, "frobnicate")
	if code != 2 || !strings.Contains(errOut, `unknown command "frobnicate"`) {
		t.Fatalf("code %d, stderr %q", code, errOut)
	}
	if code, _, _ := runCLI(t); code != 2 {
		t.Fatalf("no arguments: code %d", code)
	}
}

// FyneApp.toml is read by `fyne package`; it must say what the binary says.
func TestFyneAppTomlMatches(t *testing.T) {
	b, err := os.ReadFile("../FyneApp.toml")
	if err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]string{"ID": ID, "Version": Version, "Name": Name} {
		m := regexp.MustCompile(`(?m)^\s*` + key + `\s*=\s*"([^"]*)"`).FindSubmatch(b)
		if m == nil || string(m[1]) != want {
			t.Errorf("FyneApp.toml %s = %q, want %q", key, m, want)
		}
	}
	if !regexp.MustCompile(`(?m)^\s*fyneDo\s*=\s*true`).Match(b) {
		t.Error("FyneApp.toml lacks [Migrations] fyneDo = true")
	}
}

func TestKeygen(t *testing.T) {
	code, out, _ := runCLI(t, "keygen")
	if code != 0 || len(strings.TrimSpace(out)) != 32 || strings.Count(out, "\n") != 1 {
		t.Fatalf("keygen: %d %q", code, out)
	}
	code, out, errOut := runCLI(t, "keygen", "--length", "64", "--entropy")
	if code != 0 || len(strings.TrimSpace(out)) != 64 || !strings.Contains(errOut, "bits") {
		t.Fatalf("keygen --length 64: %d %q %q", code, out, errOut)
	}
	for _, n := range []string{"23", "257", "x"} {
		if code, _, _ := runCLI(t, "keygen", "--length", n); code != 2 {
			t.Errorf("--length %s: exit %d", n, code)
		}
	}
}
