// Package pkg reads an OpenCart extension package (a .ocmod.zip, a vendor
// .zip or an unpacked folder) safely and describes it, without touching a
// store.
//
// Open refuses a package as a whole, with a *RefusedError, when any entry
// could escape the store folder or overwhelm the machine: path traversal,
// absolute paths and drive letters, backslashes, symlinks and other special
// files, names that are not UTF-8, duplicate names and names that differ only
// in case, zip bombs and overlapping entries. Nothing is returned for a
// refused package, so a caller never acts on part of one.
//
// A Package lists the files under its files root (upload/, or the root of a
// 4.x package, or a store-shaped tree), with sizes and SHA-256 sums taken
// from the bytes actually read, reports what install.xml, install.sql,
// install.php and install.json would do on each OpenCart line, and guesses
// the folder layout the package was built for.
//
// Map, a pure function, turns package paths into store paths for one store
// (its line and admin folder) and warns about the traps of each line.
package pkg
