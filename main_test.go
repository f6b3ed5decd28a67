package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ocsetup/ocsetup/app"
)

// TestQuietStart runs the built binary's version and help under the
// locales users have: they print on stdout and nothing on stderr, so that
// scripts reading `2>&1` get only what they asked for.
func TestQuietStart(t *testing.T) {
	bin := build(t)
	// The locale comes from LANG alone here; HOME is fresh so that no
	// setting of this machine's user counts.
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if !slices.Contains([]string{"LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "HOME"}, name) {
			env = append(env, kv)
		}
	}
	env = append(env, "HOME="+t.TempDir())
	for _, lang := range []string{"C.UTF-8", "en_US.UTF-8", "ru_RU.UTF-8", "C", ""} {
		for _, args := range [][]string{{"version"}, {"help"}, {"help", "apply"}} {
			cmd := exec.Command(bin, args...)
			cmd.Env = append(env, "LANG="+lang)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Run(); err != nil {
				t.Errorf("LANG=%s ocsetup %s: %v", lang, strings.Join(args, " "), err)
			}
			if stderr.Len() != 0 {
				t.Errorf("LANG=%s ocsetup %s printed on stderr:\n%s", lang, strings.Join(args, " "), stderr.String())
			}
			if stdout.Len() == 0 {
				t.Errorf("LANG=%s ocsetup %s printed nothing", lang, strings.Join(args, " "))
			}
		}
	}
}

// build builds ocsetup for a test.
func build(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "ocsetup")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	return bin
}

// TestCrashNotice: a command after a crash says once where the crash log
// is; the one after says nothing.
func TestCrashNotice(t *testing.T) {
	bin := build(t)
	home := t.TempDir()
	if err := os.WriteFile(filepath.Join(home, "crash.log"), []byte("panic: boom\n\ngoroutine 1 [running]:\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	run := func() string {
		cmd := exec.Command(bin, "version")
		cmd.Env = append(os.Environ(), app.DataDirVar+"="+home)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("version: %v: %s", err, stderr.String())
		}
		return stderr.String()
	}
	first := run()
	if !strings.Contains(first, "crashed the last time") || !strings.Contains(first, home) || strings.Count(first, "\n") != 1 {
		t.Errorf("after a crash: %q", first)
	}
	if second := run(); second != "" {
		t.Errorf("the second run printed %q", second)
	}
}

// TestLeanBinary: the binary links no test code, not the demo's database
// engine, which lives in cmd/ocsetup-demo (see installer/demoprog), and not
// the GUI toolkit, which lives in cmd/ocsetup-gui.
func TestLeanBinary(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range strings.Fields(string(out)) {
		switch {
		case p == "testing", strings.HasPrefix(p, "testing/"),
			strings.HasPrefix(p, "github.com/dolthub/"), strings.HasPrefix(p, "github.com/tetratelabs/wazero"),
			strings.HasPrefix(p, "github.com/ocsetup/ocsetup/internal/fixture"),
			strings.HasPrefix(p, "github.com/ocsetup/ocsetup/internal/testenv"),
			strings.HasPrefix(p, "github.com/ocsetup/ocsetup/installer/remote/remotetest"),
			strings.HasPrefix(p, "github.com/ocsetup/ocsetup/installer/remote/memconn"),
			p == "github.com/ocsetup/ocsetup/installer/demo",
			strings.HasPrefix(p, "fyne.io/"), p == "github.com/ocsetup/ocsetup/ui":
			t.Errorf("ocsetup links %s", p)
		}
	}
}

// TestNoPrivateCitations: the facts the code relies on are in docs/; no
// file may send a reader to notes that do not come with the repository.
func TestNoPrivateCitations(t *testing.T) {
	out, err := exec.Command("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard").Output()
	if err != nil {
		t.Fatalf("git ls-files: %v", err)
	}
	private := []byte("shared" + "/reference") // split, or this file would cite it
	for _, name := range strings.Split(strings.TrimRight(string(out), "\x00"), "\x00") {
		b, err := os.ReadFile(name)
		if errors.Is(err, os.ErrNotExist) {
			continue // deleted in the work tree
		}
		if err != nil {
			t.Fatal(err)
		}
		if i := bytes.Index(b, private); i >= 0 {
			line := bytes.Count(b[:i], []byte("\n")) + 1
			t.Errorf("%s:%d cites %s; put the fact into docs/ and point there", name, line, private)
		}
	}
}

// TestOpensTheWindow: ocsetup without arguments becomes the window program
// (here a script standing in for ocsetup-gui), with the same environment;
// without that program it says where it looked and how to get it, and
// exits 1.
func TestOpensTheWindow(t *testing.T) {
	bin := build(t)
	dir := t.TempDir()
	gui := filepath.Join(dir, "ocsetup-gui")
	if err := os.WriteFile(gui, []byte("#!/bin/sh\necho \"window $# $OCSETUP_PROBE\"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), guiProgramVar+"="+gui, "OCSETUP_PROBE=passed-on")
	out, err := cmd.CombinedOutput()
	if err != nil || string(out) != "window 0 passed-on\n" {
		t.Fatalf("ocsetup without arguments: %v: %q", err, out)
	}

	cmd = exec.Command(bin)
	cmd.Env = append(os.Environ(), guiProgramVar+"=")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 {
		t.Fatalf("no window program: %v", err)
	}
	for _, want := range []string{"ocsetup-gui", filepath.Dir(bin), "go build -o", "./cmd/ocsetup-gui", "ocsetup help"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("the message lacks %q: %s", want, stderr.String())
		}
	}
}
