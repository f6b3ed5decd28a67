package main

import (
	"os"
	"os/exec"
)

// restart starts the same program again and ends this one (Windows has
// no exec); it returns only when the new start failed.
func restart() error {
	self, err := os.Executable()
	if err != nil {
		return err
	}
	cmd := exec.Command(self, os.Args[1:]...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Start(); err != nil {
		return err
	}
	os.Exit(0)
	return nil
}
