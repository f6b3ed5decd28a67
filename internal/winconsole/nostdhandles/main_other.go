//go:build !windows

package main

import (
	"fmt"
	"os"
)

// main: the program is for Windows only (see main_windows.go).
func main() {
	fmt.Fprintln(os.Stderr, "nostdhandles runs on Windows (or Wine) only")
	os.Exit(2)
}
