//go:build unix

package testenv

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// Lock serialises tests (across packages, which run as separate processes)
// that need a shared resource such as the FTPSolo account's top folder. The
// lock is released when the test ends.
func (e *Env) Lock(t testing.TB, name string) {
	t.Helper()
	f, err := os.OpenFile(filepath.Join(e.Base, "lock-"+name), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		t.Fatalf("testenv: %v", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		t.Fatalf("testenv: lock %s: %v", name, err)
	}
	t.Cleanup(func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		_ = f.Close()
	})
}
