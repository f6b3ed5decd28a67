package winconsole

import (
	"os"

	"golang.org/x/sys/windows"
)

// attachParentProcess is AttachConsole's "the console of my parent"
// (ATTACH_PARENT_PROCESS, (DWORD)-1).
const attachParentProcess = ^uintptr(0)

var attachConsole = windows.NewLazySystemDLL("kernel32.dll").NewProc("AttachConsole")

// Attach makes standard output and standard error reach the parent's
// console where Windows gave ocsetup none (see the package comment). It
// does nothing when both are valid, or when the parent has no console
// (started from Explorer, or by a service): there is nowhere to print then,
// and a command's exit status still tells its caller how it went.
func Attach() {
	outOK, errOK := valid(windows.STD_OUTPUT_HANDLE), valid(windows.STD_ERROR_HANDLE)
	if outOK && errOK {
		return
	}
	// ERROR_ACCESS_DENIED: this process has a console already (Wine gives
	// a GUI program its parent's); its output is as good.
	if r, _, err := attachConsole.Call(attachParentProcess); r == 0 && err != windows.ERROR_ACCESS_DENIED {
		return
	}
	if !outOK {
		if f := openConsoleOutput(windows.STD_OUTPUT_HANDLE, "/dev/stdout"); f != nil {
			os.Stdout = f
		}
	}
	if !errOK {
		if f := openConsoleOutput(windows.STD_ERROR_HANDLE, "/dev/stderr"); f != nil {
			os.Stderr = f
		}
	}
}

// valid reports whether a standard handle is one a program can write to:
// set, and of a type Windows knows (a console, a pipe, a file). A GUI
// program started from a shell has none, or the shell's console handles,
// which mean nothing in a process without that console.
func valid(std uint32) bool {
	h, err := windows.GetStdHandle(std)
	if err != nil || h == 0 || h == windows.InvalidHandle {
		return false
	}
	t, err := windows.GetFileType(h)
	return err == nil && t != windows.FILE_TYPE_UNKNOWN
}

// openConsoleOutput opens the attached console's output (CONOUT$) and makes
// it the standard handle std. os.NewFile sees a console and writes UTF-16
// to it, so Russian text shows as such.
func openConsoleOutput(std uint32, name string) *os.File {
	conout, err := windows.UTF16PtrFromString("CONOUT$")
	if err != nil {
		return nil
	}
	h, err := windows.CreateFile(conout, windows.GENERIC_READ|windows.GENERIC_WRITE,
		windows.FILE_SHARE_READ|windows.FILE_SHARE_WRITE, nil, windows.OPEN_EXISTING, 0, 0)
	if err != nil {
		return nil
	}
	if err := windows.SetStdHandle(std, h); err != nil {
		_ = windows.CloseHandle(h)
		return nil
	}
	return os.NewFile(uintptr(h), name)
}
