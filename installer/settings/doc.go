// Package settings puts an integration's settings into a store: through
// the admin channel when a session is possible, so that the extension's
// own install() and save handler run; otherwise, for the built-in
// profiles, straight into the database by reproducing them (WriteDirect).
// The user is told which way was used and why (Result.Via, Result.Why).
//
// The database way keeps the previous rows first: OpenCart up to 3.x
// uses MyISAM tables, which MySQL cannot roll back, so a failure half-way
// is undone from that copy (Backup, Undo) rather than by the database.
package settings
