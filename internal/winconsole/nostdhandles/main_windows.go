// nostdhandles starts a program the way cmd.exe and PowerShell start a
// GUI-subsystem program on Windows: in this console, without standard
// handles. The Windows smoke run of scripts/release uses it to prove that
// ocsetup.exe's commands still print (package winconsole); under Wine a
// program started from a shell gets working handles, which would hide the
// problem.
//
//	nostdhandles PROGRAM [ARG...]
//
// It waits for the program and exits with its status.
package main

import (
	"fmt"
	"os"
	"syscall"
	"unsafe"

	"golang.org/x/sys/windows"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: nostdhandles PROGRAM [ARG...]")
		os.Exit(2)
	}
	code, err := run(os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "nostdhandles:", err)
		os.Exit(2)
	}
	os.Exit(int(code))
}

func run(args []string) (uint32, error) {
	line := ""
	for i, a := range args {
		if i > 0 {
			line += " "
		}
		line += syscall.EscapeArg(a)
	}
	cmdline, err := windows.UTF16PtrFromString(line)
	if err != nil {
		return 0, err
	}
	// STARTF_USESTDHANDLES with zero handles: the child's standard handles
	// are not valid, as a GUI program's are when a shell starts it.
	si := &windows.StartupInfo{Flags: windows.STARTF_USESTDHANDLES}
	si.Cb = uint32(unsafe.Sizeof(*si))
	var pi windows.ProcessInformation
	if err := windows.CreateProcess(nil, cmdline, nil, nil, false, 0, nil, nil, si, &pi); err != nil {
		return 0, fmt.Errorf("start %s: %w", args[0], err)
	}
	defer windows.CloseHandle(pi.Thread)
	defer windows.CloseHandle(pi.Process)
	if _, err := windows.WaitForSingleObject(pi.Process, windows.INFINITE); err != nil {
		return 0, err
	}
	var code uint32
	if err := windows.GetExitCodeProcess(pi.Process, &code); err != nil {
		return 0, err
	}
	return code, nil
}
