// Package demo runs a throwaway OpenCart demo store, so that the whole
// wizard, the test and the sync view can be tried on a machine with no
// hosting account and nothing installed. It runs in the demo program
// (cmd/ocsetup-demo), which the app starts through installer/demoprog:
// its database engine is too heavy to link into the app itself.
//
// Start brings up three servers, all on 127.0.0.1 only:
//
//   - an SFTP server (golang.org/x/crypto/ssh with pkg/sftp's request
//     server) with a generated host key and a generated password, over a
//     temporary folder that holds a store tree made by internal/fixture;
//   - a MySQL-protocol database (go-mysql-server, in memory) holding the
//     line's tables and a few sample products, customers and orders, made
//     by fixture.CreateDatabase through the wire like on a real server;
//   - an HTTP server that answers what the fixture store's PHP front
//     controller answers (the storefront, the admin login page and each
//     line's API login), in Go and against that database, since a fresh
//     machine has no PHP.
//
// The app reaches the demo exactly as it reaches a real store: by its site
// URL and password, after trusting its host key, reading config.php and
// dialling the database config.php names. Nothing in the steps knows that
// the store is a demo. Close stops the servers and removes the folder.
package demo
