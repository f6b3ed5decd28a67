package app

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/ocsetup/ocsetup/installer/msg"
)

// Crash logs live in the data folder:
//
//	crash.log                      what the runtime writes when a process of
//	                               ocsetup crashes (empty while none has);
//	crash-20261204-101500.log      a crash nobody has been told about yet;
//	crash-20261204-101500.told.log one the user has been told about.
//
// Every process appends to crash.log, so a GUI and a command running at
// the same time share it; the next start moves a non-empty one aside.
const (
	crashLogName  = "crash.log"
	crashPrefix   = "crash-"
	crashToldExt  = ".told.log"
	crashKeepTold = 10
)

// RecordCrashes makes this process write its stack to crash.log in dir if
// it crashes (an unrecovered panic or a fatal runtime error), besides
// stderr, where no one may be looking: the GUI has no terminal. A crash
// log left by an earlier process is first moved aside for
// TakeCrashReports. Close the result when the process ends normally.
func RecordCrashes(dir string) (io.Closer, error) {
	current := filepath.Join(dir, crashLogName)
	if fi, err := os.Stat(current); err == nil && fi.Size() > 0 {
		if err := os.Rename(current, freeCrashName(dir, fi.ModTime())); err != nil {
			return nil, msg.Wrap(err, "error.cli.crash_log_keep")
		}
	}
	f, err := os.OpenFile(current, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return nil, err
	}
	if err := debug.SetCrashOutput(f, debug.CrashOptions{}); err != nil {
		f.Close()
		return nil, err
	}
	// SetCrashOutput keeps a duplicate of the descriptor.
	return f, nil
}

// freeCrashName is a name for a crash log of time t that no file has.
func freeCrashName(dir string, t time.Time) string {
	base := crashPrefix + t.UTC().Format("20060102-150405")
	for n := 1; ; n++ {
		name := base
		if n > 1 {
			name = fmt.Sprintf("%s-%d", base, n)
		}
		p := filepath.Join(dir, name+".log")
		if _, err := os.Lstat(p); errors.Is(err, os.ErrNotExist) {
			if _, err := os.Lstat(filepath.Join(dir, name+crashToldExt)); errors.Is(err, os.ErrNotExist) {
				return p
			}
		}
	}
}

// TakeCrashReports returns the crash logs the user has not been told
// about, oldest first, and marks them told: the caller tells the user now
// (the command line with a line on stderr, the wizard with a message that
// offers the file). The paths are where the logs are after marking. Only
// the newest few told logs are kept.
func TakeCrashReports(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var fresh, told []string
	for _, e := range entries {
		name := e.Name()
		switch {
		case !e.Type().IsRegular() || !strings.HasPrefix(name, crashPrefix):
		case strings.HasSuffix(name, crashToldExt):
			told = append(told, name)
		case strings.HasSuffix(name, ".log"):
			fresh = append(fresh, name)
		}
	}
	slices.Sort(fresh)
	var out []string
	for _, name := range fresh {
		to := strings.TrimSuffix(name, ".log") + crashToldExt
		if err := os.Rename(filepath.Join(dir, name), filepath.Join(dir, to)); err != nil {
			return out, err
		}
		out = append(out, filepath.Join(dir, to))
		told = append(told, to)
	}
	slices.Sort(told)
	for len(told) > crashKeepTold {
		_ = os.Remove(filepath.Join(dir, told[0]))
		told = told[1:]
	}
	return out, nil
}

// CrashNotice is the command line's line about a crash log, in lang.
func CrashNotice(path, lang string) string {
	return Name + ": " + msg.New("cli.crash_notice", "Path", path).In(lang)
}
