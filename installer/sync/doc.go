// Package sync is the sync view's engine: after setup it watches, live,
// whether the integration exchanges data with the store, runs the
// connector's jobs when the server has no cron, and raises alerts when
// something stops. The Fyne view (ui/syncview) and `ocsetup sync` are two
// faces of the same Engine.
//
// # What a poll reads
//
// Every poll runs a fixed set of small read-only queries over the
// database channel (installer/db), whatever the route, two at a time.
// OpenCart's tables have almost no secondary indexes (the fixture stores
// have none), so every query on a table that grows is bounded by its
// primary key and a LIMIT, never by a date alone, and FORCE INDEX
// (PRIMARY) keeps MySQL from scanning the whole table for it:
//
//   - new rows: a high-water mark per table
//     (WHERE pk > ? ORDER BY pk LIMIT n);
//   - changed and removed rows: a sweep that reads the next chunk of a
//     table by primary key each poll, with a CRC32 fingerprint of the
//     columns that matter computed by MySQL, and compares them with the
//     fingerprints stored locally. A change is seen within one sweep
//     cycle. The chunk adapts to the store's speed (about 10 ms of work
//     per query); a table whose UPDATE_TIME is older than the start of
//     its last complete cycle is not swept again until it changes.
//     Orders are swept over the newest OrderWindow ids only (old orders
//     change through order_history, which is read in full);
//   - orders of the last hour and day: the first order id of the day is
//     found by a search over the primary key (date_added grows with
//     order_id, as OpenCart inserts them), then counted over that id range;
//   - API sessions (api_session up to 4.0, api_history on 4.1) of the
//     integration's API user: a high-water mark as above.
//
// An EXPLAIN test checks that no query reads a big table in full.
//
// # History
//
// Marks, fingerprints, counts per entity since setup and per hour,
// alerts and job runs live in a bbolt file in the app's data folder. A
// poll's results are committed in one transaction, so a restart (or a
// crash) neither loses nor double-counts a change.
package sync
