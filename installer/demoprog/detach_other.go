//go:build !windows

package demoprog

import (
	"os/exec"
	"syscall"
)

// detach puts the program in a process group of its own: Ctrl+C in a
// terminal reaches ocsetup alone, which then stops the demo in order.
func detach(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}
