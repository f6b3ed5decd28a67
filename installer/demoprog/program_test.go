package demoprog

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// script writes a shell script standing in for the demo program.
func script(t *testing.T, body string) string {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("the stand-in programs are shell scripts")
	}
	p := filepath.Join(t.TempDir(), Name())
	if err := os.WriteFile(p, []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

func start(t *testing.T, program string) (*Process, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	return Start(ctx, program, "")
}

const readyLine = `{"line":"3.0","version":"3.0.3.8","site":{"url":"sftp://demo@127.0.0.1:1/","host":"127.0.0.1","port":1,"user":"demo","password":"pw","fingerprint":"SHA256:x"},"store_root":"/public_html","store_url":"http://127.0.0.1:2/","work_dir":"/tmp/w/work","package":"/tmp/w/work/p"}`

// TestStartStop: the program's line is read, the program runs until Stop
// closes its stdin, and then it has ended.
func TestStartStop(t *testing.T) {
	marker := filepath.Join(t.TempDir(), "stopped")
	p, err := start(t, script(t, "echo '"+readyLine+"'\ncat >/dev/null\ntouch "+marker))
	if err != nil {
		t.Fatal(err)
	}
	if p.Ready.Site.Password != "pw" || p.Ready.Line != "3.0" || p.Ready.WorkDir != "/tmp/w/work" {
		t.Errorf("ready: %+v", p.Ready)
	}
	select {
	case <-p.Done():
		t.Fatal("the program ended before Stop")
	default:
	}
	if err := p.Stop(); err != nil {
		t.Fatal(err)
	}
	<-p.Done()
	if _, err := os.Stat(marker); err != nil {
		t.Errorf("the program did not see its stdin end: %v", err)
	}
	if err := p.Stop(); err != nil {
		t.Errorf("second Stop: %v", err)
	}
}

// TestStartPassesLine: --line reaches the program.
func TestStartPassesLine(t *testing.T) {
	prog := script(t, `[ "$1 $2" = "--line 2.3" ] || { echo "args: $*" >&2; exit 2; }
echo '`+readyLine+`'
cat >/dev/null`)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	p, err := Start(ctx, prog, "2.3")
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Stop(); err != nil {
		t.Fatal(err)
	}
}

// TestStartFails: a program that cannot start its store is reported with
// what it said.
func TestStartFails(t *testing.T) {
	_, err := start(t, script(t, "echo 'open a port on 127.0.0.1: no room' >&2\nexit 1"))
	if err == nil || !strings.Contains(err.Error(), "did not start: open a port on 127.0.0.1: no room") {
		t.Fatalf("error: %v", err)
	}
	_, err = start(t, script(t, "exit 3"))
	if err == nil || !strings.Contains(err.Error(), "exit status 3") {
		t.Fatalf("silent failure: %v", err)
	}
}

// TestStartGarbage: a first line that is not the store's details is an
// error, and the program is stopped.
func TestStartGarbage(t *testing.T) {
	marker := filepath.Join(t.TempDir(), "stopped")
	_, err := start(t, script(t, "echo 'hello'\ncat >/dev/null\ntouch "+marker))
	if err == nil || !strings.Contains(err.Error(), `printed "hello"`) {
		t.Fatalf("error: %v", err)
	}
	if _, err := os.Stat(marker); err != nil {
		t.Errorf("the program was not stopped: %v", err)
	}
}

// TestStartCancelled: a start that ctx ends asks the program to stop and
// waits for it.
func TestStartCancelled(t *testing.T) {
	marker := filepath.Join(t.TempDir(), "stopped")
	ctx, cancel := context.WithCancel(context.Background())
	timer := time.AfterFunc(200*time.Millisecond, cancel)
	defer timer.Stop()
	_, err := Start(ctx, script(t, "cat >/dev/null\ntouch "+marker), "")
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error: %v", err)
	}
	if _, err := os.Stat(marker); err != nil {
		t.Errorf("the program was not stopped in order: %v", err)
	}
}

// TestStopReportsFailure: a program that fails while stopping is an error
// of Stop.
func TestStopReportsFailure(t *testing.T) {
	p, err := start(t, script(t, "echo '"+readyLine+"'\ncat >/dev/null\necho 'remove the folder: busy' >&2\nexit 1"))
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Stop(); err == nil || !strings.Contains(err.Error(), "remove the folder: busy") {
		t.Fatalf("Stop: %v", err)
	}
}

func TestFind(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	prog := script(t, "exit 0")
	if p, err := Find(env(map[string]string{ProgramVar: prog})); err != nil || p != prog {
		t.Errorf("Find with %s: %q %v", ProgramVar, p, err)
	}
	if _, err := Find(env(map[string]string{ProgramVar: filepath.Join(t.TempDir(), "none")})); err == nil || !strings.Contains(err.Error(), "not a program") {
		t.Errorf("a missing %s: %v", ProgramVar, err)
	}
	// The test binary has no demo program beside it.
	exe, _ := os.Executable()
	_, err := Find(env(nil))
	if err == nil || !strings.Contains(err.Error(), filepath.Dir(exe)) || !strings.Contains(err.Error(), "go build") {
		t.Errorf("no program beside the executable: %v", err)
	}
}
