package testenv

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"github.com/ocsetup/ocsetup/installer/demoprog"
)

// DemoProgram is cmd/ocsetup-demo built for the tests of one package: the
// first test that asks builds it (about a minute on a cold cache, seconds
// after), the others reuse it. Declare one per test package and call
// Remove from TestMain after m.Run.
type DemoProgram struct {
	once sync.Once
	dir  string
	path string
	err  error
}

// Path builds the program if needed and returns its path; the test fails
// when it cannot be built.
func (d *DemoProgram) Path(t testing.TB) string {
	t.Helper()
	d.once.Do(d.build)
	if d.err != nil {
		t.Fatal(d.err)
	}
	return d.path
}

func (d *DemoProgram) build() {
	d.dir, d.err = os.MkdirTemp("", "ocsetup-demo-build-")
	if d.err != nil {
		return
	}
	d.path = filepath.Join(d.dir, demoprog.Name())
	// Without -race, like the shipped program: the tests watch the app,
	// and the race detector would triple the demo's start.
	cmd := exec.Command("go", "build", "-o", d.path, "github.com/ocsetup/ocsetup/cmd/ocsetup-demo")
	if out, err := cmd.CombinedOutput(); err != nil {
		d.err = fmt.Errorf("build the demo program: %v\n%s", err, out)
	}
}

// Remove deletes the built program.
func (d *DemoProgram) Remove() {
	if d.dir != "" {
		_ = os.RemoveAll(d.dir)
	}
}
