//go:build unix

package main

import (
	"os"
	"syscall"
)

// restart replaces this process by a new start of the same program, with
// the same arguments and environment; it returns only when it failed.
func restart() error {
	self, err := os.Executable()
	if err != nil {
		return err
	}
	return syscall.Exec(self, os.Args, os.Environ())
}
