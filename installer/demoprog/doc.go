// Package demoprog is the demo store seen from the app: which OpenCart
// lines a demo store can be, how to reach one, and the separate program
// (cmd/ocsetup-demo) that runs it.
//
// The demo runs in a program of its own because its database engine
// (go-mysql-server) is large and slow to start: linked into ocsetup it
// compiled a WebAssembly regular-expression module at every start (about
// 0.4 s and 60 MB of memory for `ocsetup version`) and doubled the binary.
// Kept apart, it costs nothing until the user asks for a demo. See
// bench/README.md for the measurements.
//
// The two programs talk over the child's standard streams:
//
//   - ocsetup starts `ocsetup-demo --line L` with a pipe on its stdin;
//   - when the store is ready, ocsetup-demo prints one JSON line (Ready)
//     on stdout; when it cannot start, it prints why on stderr and exits
//     with a non-zero status;
//   - ocsetup-demo runs until its stdin reaches end of file (ocsetup closed
//     it, or ocsetup died) or it gets an interrupt; then it removes
//     everything it made and exits 0.
//
// Ending the demo with its stdin works the same on every system, and a
// crashed ocsetup leaves no demo behind.
package demoprog
