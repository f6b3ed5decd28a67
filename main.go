// ocsetup is a setup assistant for OpenCart stores. Without arguments it
// opens the wizard; with a command it runs headless (see `ocsetup help`).
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	fyneapp "fyne.io/fyne/v2/app"

	"github.com/ocsetup/ocsetup/app"
	"github.com/ocsetup/ocsetup/installer/integrations"
	// Before Fyne's own init: see the package.
	_ "github.com/ocsetup/ocsetup/internal/localefix"
	"github.com/ocsetup/ocsetup/internal/winconsole"
	"github.com/ocsetup/ocsetup/ui"
)

func main() {
	if len(os.Args) > 1 {
		// A command prints; on Windows the GUI build needs the shell's
		// console for that. A double-click (no arguments) stays as it is.
		winconsole.Attach()
	}
	dir, dirErr := app.DataDir(os.Getenv)
	if dirErr == nil {
		// A crash writes its stack into the data folder; the next start
		// tells the user (below for a command, the wizard for itself).
		if crashes, err := app.RecordCrashes(dir); err == nil {
			defer crashes.Close()
		}
	}
	if len(os.Args) > 1 {
		if dirErr == nil {
			reports, _ := app.TakeCrashReports(dir)
			for _, r := range reports {
				fmt.Fprintln(os.Stderr, app.CrashNotice(r))
			}
		}
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		code := app.NewCLI().Run(ctx, os.Args[1:], app.StdIO())
		stop()
		os.Exit(code)
	}
	if dirErr != nil {
		fmt.Fprintln(os.Stderr, "ocsetup:", dirErr)
		os.Exit(1)
	}
	a := fyneapp.NewWithID(app.ID)
	wiz := app.NewWizard(dir, integrations.Builtin())
	defer wiz.Session.Close()
	m := ui.NewMain(a, wiz)
	m.OfferCrashReports(dir)
	m.Window.ShowAndRun()
}
