// Package sibling finds the programs that ship beside ocsetup: the window
// (ocsetup-gui) and the demo store (ocsetup-demo). scripts/run and the
// release put them in the folder of the ocsetup binary; an environment
// variable can point elsewhere (tests, unusual installs).
package sibling

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
)

// Exe is name with the platform's suffix for programs (".exe" on Windows).
func Exe(name string) string {
	if runtime.GOOS == "windows" {
		return name + ".exe"
	}
	return name
}

// Program describes a program that ships beside ocsetup.
type Program struct {
	// Name is the program's file name without the platform's suffix.
	Name string
	// EnvVar, when set in the environment, is the program's path.
	EnvVar string
	// What says what the program is, for the error message ("the demo
	// store", "the window").
	What string
	// Package is the Go package that builds it (./cmd/ocsetup-demo).
	Package string
}

// Find returns the program's path: $EnvVar when set, else the program in
// the folder of the running executable.
func (p Program) Find(getenv func(string) string) (string, error) {
	if v := getenv(p.EnvVar); v != "" {
		if fi, err := os.Stat(v); err != nil || fi.IsDir() {
			return "", fmt.Errorf("%s is %q, which is not a program: unset it, or point it at %s", p.EnvVar, v, Exe(p.Name))
		}
		return v, nil
	}
	exe, err := os.Executable()
	if err == nil {
		exe, err = filepath.EvalSymlinks(exe)
	}
	if err != nil {
		return "", fmt.Errorf("find %s: cannot tell where ocsetup itself is: %w", p.What, err)
	}
	dir := filepath.Dir(exe)
	path := filepath.Join(dir, Exe(p.Name))
	if fi, err := os.Stat(path); err == nil && !fi.IsDir() {
		return path, nil
	}
	return "", fmt.Errorf("%s comes with ocsetup as a second program, %s, which is not in %s: "+
		"reinstall ocsetup, or build it there with `go build -o %s %s`, or set %s to its path",
		p.What, Exe(p.Name), dir, dir, p.Package, p.EnvVar)
}
