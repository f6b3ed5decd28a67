// ocsetup-gui is ocsetup's window: the setup wizard merchants use.
// `ocsetup` without arguments starts it (it ships beside ocsetup, like the
// demo store's program), so that the commands support engineers run do
// not load a GUI toolkit they never use (docs/architecture.md).
package main

import (
	"fmt"
	"os"

	fyneapp "fyne.io/fyne/v2/app"

	"github.com/ocsetup/ocsetup/app"
	"github.com/ocsetup/ocsetup/installer/integrations"
	"github.com/ocsetup/ocsetup/installer/msg"
	// Before Fyne's own init: see the package.
	_ "github.com/ocsetup/ocsetup/internal/localefix"
	"github.com/ocsetup/ocsetup/ui"
)

func main() {
	lang := app.Language(os.Getenv)
	if len(os.Args) > 1 {
		fmt.Fprintln(os.Stderr, msg.New("cli.gui_no_arguments").In(lang))
		os.Exit(2)
	}
	dir, err := app.DataDir(os.Getenv)
	if err != nil {
		fmt.Fprintln(os.Stderr, "ocsetup:", app.ErrorIn(err, lang))
		os.Exit(1)
	}
	// A crash writes its stack into the data folder; the next start tells
	// the user (the wizard for itself, ocsetup for a command).
	if crashes, err := app.RecordCrashes(dir); err == nil {
		defer crashes.Close()
	}
	a := fyneapp.NewWithID(app.ID)
	ui.ApplyLanguage(a.Preferences())
	wiz := app.NewWizard(dir, integrations.Builtin())
	defer wiz.Session.Close()
	m := ui.NewMain(a, wiz)
	// A language chosen on the Welcome screen: the window opens again in
	// it (its texts are set as it is built).
	m.Restart = func() error {
		wiz.Session.Close()
		return restart()
	}
	m.OfferCrashReports(dir)
	m.Window.ShowAndRun()
}
