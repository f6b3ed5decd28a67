//go:build unix

package demoprog

import (
	"syscall"
	"testing"
)

// TestProgramGroup: Ctrl+C in a terminal reaches the whole foreground
// process group; the demo program is outside it, so that ocsetup stops it
// in order.
func TestProgramGroup(t *testing.T) {
	p, err := start(t, script(t, "echo '"+readyLine+"'\ncat >/dev/null"))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = p.Stop() }()
	pgid, err := syscall.Getpgid(p.cmd.Process.Pid)
	if err != nil {
		t.Fatal(err)
	}
	if pgid == syscall.Getpgrp() {
		t.Errorf("the demo program is in ocsetup's process group %d", pgid)
	}
}
