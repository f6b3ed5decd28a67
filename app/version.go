// Package app is the wizard and the commands, with no Fyne in it: the GUI
// (package ui) and the command line both drive the engine through here.
package app

// Identity of the application; FyneApp.toml carries the same values (a test
// keeps them in step).
const (
	Name    = "ocsetup"
	Title   = "ocsetup — OpenCart setup assistant"
	ID      = "io.github.ocsetup.ocsetup"
	Version = "0.1.0"
)
