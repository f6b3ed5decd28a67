package demoprog

import (
	"os/exec"
	"syscall"
)

// createNoWindow keeps Windows from opening a console window for the
// demo program when the GUI (which has none) starts it.
const createNoWindow = 0x08000000

func detach(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{CreationFlags: createNoWindow}
}
