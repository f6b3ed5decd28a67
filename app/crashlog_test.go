package app

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// crashHelperVar makes the test binary record crashes into the folder it
// names and then crash (see TestCrashHelperProcess).
const crashHelperVar = "OCSETUP_TEST_CRASH_DIR"

// TestCrashHelperProcess is not a test: run by TestCrashLog, it crashes.
func TestCrashHelperProcess(t *testing.T) {
	dir := os.Getenv(crashHelperVar)
	if dir == "" {
		return
	}
	if _, err := RecordCrashes(dir); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		panic("crashHelperBoom") // unrecovered, in a goroutine of its own
	}()
	<-done
}

// crash runs a process that records crashes into dir and crashes.
func crash(t *testing.T, dir string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashHelperProcess$")
	cmd.Env = append(os.Environ(), crashHelperVar+"="+dir)
	if out, err := cmd.CombinedOutput(); err == nil || !strings.Contains(string(out), "panic: crashHelperBoom") {
		t.Fatalf("the helper did not crash (%v):\n%s", err, out)
	}
}

// TestCrashLog: a crash leaves its stack in the data folder; the next
// start reports it once.
func TestCrashLog(t *testing.T) {
	dir := t.TempDir()
	crash(t, dir)
	b, err := os.ReadFile(filepath.Join(dir, crashLogName))
	if err != nil || !strings.Contains(string(b), "panic: crashHelperBoom") || !strings.Contains(string(b), "crashlog_test.go") {
		t.Fatalf("crash.log (%v):\n%s", err, b)
	}
	// The next start keeps it aside and records into a fresh crash.log.
	c, err := RecordCrashes(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if fi, err := os.Stat(filepath.Join(dir, crashLogName)); err != nil || fi.Size() != 0 {
		t.Fatalf("crash.log after the next start: %v %v", fi, err)
	}
	reports, err := TakeCrashReports(dir)
	if err != nil || len(reports) != 1 {
		t.Fatalf("reports %q %v", reports, err)
	}
	if got, err := os.ReadFile(reports[0]); err != nil || string(got) != string(b) {
		t.Errorf("report %s (%v) is not the crash log", reports[0], err)
	}
	if !strings.Contains(CrashNotice(reports[0], "en"), reports[0]) {
		t.Errorf("notice: %s", CrashNotice(reports[0], "en"))
	}
	// Told once: not again.
	if again, err := TakeCrashReports(dir); err != nil || len(again) != 0 {
		t.Errorf("reported again: %q %v", again, err)
	}
}

// TestCrashLogQuiet: starts without a crash report nothing and leave no
// report behind.
func TestCrashLogQuiet(t *testing.T) {
	dir := t.TempDir()
	for range 3 {
		c, err := RecordCrashes(dir)
		if err != nil {
			t.Fatal(err)
		}
		c.Close()
		if reports, err := TakeCrashReports(dir); err != nil || len(reports) != 0 {
			t.Fatalf("reports %q %v", reports, err)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 || entries[0].Name() != crashLogName {
		t.Errorf("the folder holds %v", entries)
	}
}

// TestCrashLogKeepsFew: told crash logs beyond the newest ten are removed;
// two crashes in the same second keep both logs.
func TestCrashLogKeepsFew(t *testing.T) {
	dir := t.TempDir()
	for i := range 12 {
		name := filepath.Join(dir, crashPrefix+"20260101-0000"+string(rune('a'+i))+crashToldExt)
		if err := os.WriteFile(name, []byte("old"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for range 2 {
		if err := os.WriteFile(filepath.Join(dir, crashLogName), []byte("panic: x\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		c, err := RecordCrashes(dir)
		if err != nil {
			t.Fatal(err)
		}
		c.Close()
	}
	reports, err := TakeCrashReports(dir)
	if err != nil || len(reports) != 2 || reports[0] == reports[1] {
		t.Fatalf("reports %q %v", reports, err)
	}
	told, _ := filepath.Glob(filepath.Join(dir, "*"+crashToldExt))
	if len(told) != crashKeepTold {
		t.Errorf("%d told logs kept: %v", len(told), told)
	}
	for _, r := range reports {
		if _, err := os.Stat(r); err != nil {
			t.Errorf("the new report %s was removed: %v", r, err)
		}
	}
}
