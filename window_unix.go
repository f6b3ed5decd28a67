//go:build unix

package main

import (
	"os"
	"syscall"

	"github.com/ocsetup/ocsetup/internal/sibling"
)

// openWindow replaces this process by the window program: one process,
// with this one's environment and standard streams.
func openWindow(p sibling.Program) error {
	path, err := p.Find(os.Getenv)
	if err != nil {
		return err
	}
	return syscall.Exec(path, []string{path}, os.Environ())
}
