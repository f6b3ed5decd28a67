// Package winconsole gives ocsetup's commands a place to print on Windows.
//
// ocsetup.exe is built as a GUI-subsystem program (-H=windowsgui), so that a
// double-click opens the wizard without a console window beside it. The price
// is that Windows gives such a program no console: typed in cmd.exe or
// PowerShell, `ocsetup.exe version` would print nothing, because its standard
// output and error are not valid handles. When a command is given, Attach
// joins the console of the program that started ocsetup (the shell) and
// opens that console's output for whichever of standard output and standard
// error has no valid handle. A handle that is valid (a pipe or a file, as in
// `ocsetup.exe detect ... --json > stores.json` or `2>&1`) is left alone.
//
// On other systems Attach does nothing: a terminal gives every program its
// standard streams.
package winconsole
