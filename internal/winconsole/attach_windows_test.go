package winconsole

import (
	"os"
	"testing"

	"golang.org/x/sys/windows"
)

// setStd replaces a standard handle for the test.
func setStd(t *testing.T, std uint32, h windows.Handle) {
	t.Helper()
	old, _ := windows.GetStdHandle(std)
	if err := windows.SetStdHandle(std, h); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = windows.SetStdHandle(std, old) })
}

// TestValid: a pipe and a file are kept (a redirected command's output
// must stay where the user sent it); no handle, or a closed one, is not.
// Windows-only: scripts/wine-smoke runs it under Wine.
func TestValid(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	setStd(t, windows.STD_OUTPUT_HANDLE, windows.Handle(w.Fd()))
	if !valid(windows.STD_OUTPUT_HANDLE) {
		t.Error("a pipe is not valid")
	}
	f, err := os.CreateTemp("", "winconsole")
	if err != nil {
		t.Fatal(err)
	}
	defer os.Remove(f.Name())
	defer f.Close()
	setStd(t, windows.STD_OUTPUT_HANDLE, windows.Handle(f.Fd()))
	if !valid(windows.STD_OUTPUT_HANDLE) {
		t.Error("a file is not valid")
	}
	setStd(t, windows.STD_OUTPUT_HANDLE, 0)
	if valid(windows.STD_OUTPUT_HANDLE) {
		t.Error("no handle is valid")
	}
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	h := windows.Handle(pw.Fd())
	pr.Close()
	pw.Close()
	setStd(t, windows.STD_OUTPUT_HANDLE, h)
	if valid(windows.STD_OUTPUT_HANDLE) {
		t.Error("a closed handle is valid")
	}
}

// TestAttachLeavesRedirectedOutput: with both outputs redirected, Attach
// changes nothing, not even where os.Stdout writes.
func TestAttachLeavesRedirectedOutput(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	setStd(t, windows.STD_OUTPUT_HANDLE, windows.Handle(w.Fd()))
	setStd(t, windows.STD_ERROR_HANDLE, windows.Handle(w.Fd()))
	stdout, stderr := os.Stdout, os.Stderr
	Attach()
	if os.Stdout != stdout || os.Stderr != stderr {
		t.Fatal("Attach replaced redirected output")
	}
	if h, _ := windows.GetStdHandle(windows.STD_OUTPUT_HANDLE); h != windows.Handle(w.Fd()) {
		t.Fatal("Attach replaced the standard output handle")
	}
}
