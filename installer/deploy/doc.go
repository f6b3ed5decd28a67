// Package deploy installs a package's files onto a store over the files
// channel, and takes them away again.
//
// The order of work is what keeps a live store safe:
//
//  1. Plan reads the store (listings, and hashes where the channel allows)
//     and says, for every file of the package, whether it is new, identical,
//     changed or skipped, which folders must be created and how many bytes
//     will travel. Nothing is changed.
//  2. Upload first writes a manifest (what will be created, replaced and
//     removed, with sizes and SHA-256 hashes and the temporary names) into
//     the app's data folder, then downloads every file it will replace or
//     remove into a local backup beside the manifest, creates the missing
//     folders once each, level by level, and sends the files under temporary
//     names in their final folders, renaming each into place only when it
//     arrived whole: the store never serves a half-written file.
//  3. Verify checks sizes (and hashes where it can) and that PHP runs in the
//     package's folder, with a probe fetched over HTTP and deleted again.
//  4. Rollback puts back the exact previous state from a manifest, also one
//     an interrupted upload left behind (Pending finds those).
//
// Speed comes from round trips, not bandwidth (docs/upload.md):
// over SFTP many files are in flight on each connection; over FTP commands
// are pipelined (remote.FTPPipe), two round trips per file.
package deploy
