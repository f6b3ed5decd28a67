// Package db is the database channel: it reads a store's database settings
// from its config.php files (Read), reaches the database by one of three
// routes (Connect), and tells the OpenCart line from the tables and
// columns the database has (Schema).
//
// The routes are tried in this order and every attempt is reported:
//
//   - direct: MySQL from this machine (go-sql-driver/mysql, the DSN built
//     with mysql.Config, TLS when the server offers it);
//   - ssh: MySQL dialled from the hosting server through the SFTP site's
//     SSH connection, where "localhost" and socket paths mean the server;
//   - bridge: a temporary PHP file uploaded into the store under a random
//     name, signed with a one-time secret, which includes the store's own
//     config.php and runs the statements on the server (assets/bridge).
//
// Every route offers the same small interface (DB). Reads run with
// placeholders; writes run as one transaction of statements declared up
// front (Tx), because a PHP bridge cannot hold a transaction open between
// HTTP requests. Which statements may run is an allow-list shared with
// the bridge (statement.go). The table prefix only ever reaches SQL after
// it matched ^[A-Za-z0-9_]*$; values always go through placeholders.
//
// OpenCart up to 3.x creates MyISAM tables, which MySQL cannot roll back:
// a Tx that fails there reports which changes stayed (SQLError's
// NotRolledBack), and Schema.Transactional tells beforehand.
//
// An uploaded bridge is recorded in the app's data folder before the
// upload and forgotten once it is gone; CleanupLeftovers, called at start,
// removes the bridges of runs that were killed.
package db
