// ocsetup is a setup assistant for OpenCart stores. With a command it runs
// headless (see `ocsetup help`); without arguments it opens the wizard,
// which is a program of its own beside this one, ocsetup-gui, so that no
// command loads the GUI toolkit (docs/architecture.md).
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/ocsetup/ocsetup/app"
	"github.com/ocsetup/ocsetup/installer/msg"
	"github.com/ocsetup/ocsetup/internal/sibling"
	"github.com/ocsetup/ocsetup/internal/winconsole"
)

// guiProgramVar names the window program's path when it is not beside
// ocsetup (tests, or a binary built with plain `go build`).
const guiProgramVar = "OCSETUP_GUI_PROGRAM"

// window is the wizard's program as it ships beside ocsetup.
var window = sibling.Program{Name: "ocsetup-gui", EnvVar: guiProgramVar, What: "the setup window", Package: "./cmd/ocsetup-gui"}

func main() {
	if len(os.Args) <= 1 {
		// A double-click: the window. openWindow returns only when the
		// window program could not be started.
		err := openWindow(window)
		winconsole.Attach()
		lang := app.Language(os.Getenv)
		fmt.Fprintln(os.Stderr, "ocsetup:", app.ErrorIn(err, lang))
		fmt.Fprintln(os.Stderr, msg.New("cli.no_window", "Name", app.Name).In(lang))
		os.Exit(1)
	}
	// A command prints; on Windows the GUI build needs the shell's
	// console for that.
	winconsole.Attach()
	dir, dirErr := app.DataDir(os.Getenv)
	if dirErr == nil {
		// A crash writes its stack into the data folder; the next start
		// tells the user.
		if crashes, err := app.RecordCrashes(dir); err == nil {
			defer crashes.Close()
		}
		reports, _ := app.TakeCrashReports(dir)
		for _, r := range reports {
			fmt.Fprintln(os.Stderr, app.CrashNotice(r, app.Language(os.Getenv)))
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := app.NewCLI().Run(ctx, os.Args[1:], app.StdIO())
	stop()
	os.Exit(code)
}
