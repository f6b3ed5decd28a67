//go:build windows

package main

import (
	"os"
	"os/exec"

	"github.com/ocsetup/ocsetup/internal/sibling"
)

// openWindow starts the window program and leaves: Windows has no exec, and
// the window must not wait on a launcher.
func openWindow(p sibling.Program) error {
	path, err := p.Find(os.Getenv)
	if err != nil {
		return err
	}
	cmd := exec.Command(path)
	if err := cmd.Start(); err != nil {
		return err
	}
	_ = cmd.Process.Release()
	os.Exit(0)
	return nil
}
