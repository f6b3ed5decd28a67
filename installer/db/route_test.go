package db

import (
	"database/sql"
	"errors"
	"strings"
	"testing"

	"github.com/go-sql-driver/mysql"

	"github.com/ocsetup/ocsetup/installer/store"
	"github.com/ocsetup/ocsetup/internal/fixture"
	"github.com/ocsetup/ocsetup/internal/testenv"
)

// exerciseDB runs the same reads and transactions on any route against a
// fixture store of 3.0 or later, and checks the results in the database
// itself.
func exerciseDB(t *testing.T, env *testenv.Env, d DB, st *fixture.Store) {
	t.Helper()
	ctx := ctxT(t)
	dbh := storeDBAsAdmin(t, env, st)
	setting, err := Table(st.Prefix, "setting")
	if err != nil {
		t.Fatal(err)
	}
	api, _ := Table(st.Prefix, "api")
	apiIP, _ := Table(st.Prefix, "api_ip")

	row, err := d.QueryRow(ctx, "SELECT `value` FROM "+setting+" WHERE store_id = ? AND `key` = ?", 0, "config_name")
	if err != nil || row.String("value") != fixture.StoreName {
		t.Fatalf("config_name: %q, %v", row.String("value"), err)
	}
	if _, err := d.QueryRow(ctx, "SELECT `value` FROM "+setting+" WHERE `key` = ?", "no such key"); !errors.Is(err, ErrNoRows) {
		t.Fatalf("no rows: %v", err)
	}

	// Text, bytes that are not UTF-8, NULL and numbers survive the trip.
	text, bin := "ünï'code \\ @:/ \"q\"", []byte{0xff, 0x00, 0x01, 'a'}
	rows, err := d.Query(ctx, "SELECT NULL AS n, ? AS s, ? AS b, 42 AS i, ? AS f", text, bin, 1.5)
	if err != nil {
		t.Fatal(err)
	}
	r := rows.Row(0)
	if n, _ := r.Value("n"); n.Valid || r.String("s") != text || r.String("b") != string(bin) || r.String("i") != "42" || r.String("f") != "1.5" {
		t.Fatalf("values: %v", rows.Values)
	}

	// A transaction with an insert id passed on to the next statement.
	key := "ocsetup_test_" + string(d.Route())
	var apiRes, ipRes, setRes *Result
	err = d.Tx(ctx, func(tx Tx) error {
		apiRes = tx.Exec("INSERT INTO "+api+" (username, `key`, status, date_added, date_modified) VALUES (?, ?, 1, NOW(), NOW())", key, "k-"+key)
		ipRes = tx.Exec("INSERT INTO "+apiIP+" (api_id, ip) VALUES (?, ?)", apiRes.InsertID(), "203.0.113.7")
		setRes = tx.Exec("INSERT INTO "+setting+" (store_id, code, `key`, `value`, serialized) VALUES (0, 'ocsetup', ?, ?, 0)", key, "v1")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var gotAPIID int64
	if err := dbh.QueryRowContext(ctx, "SELECT api_id FROM "+apiIP+" WHERE api_ip_id = ?", ipRes.LastInsertID).Scan(&gotAPIID); err != nil {
		t.Fatal(err)
	}
	if apiRes.LastInsertID == 0 || gotAPIID != apiRes.LastInsertID || setRes.RowsAffected != 1 {
		t.Fatalf("api id %d, api_ip.api_id %d, setting rows %d", apiRes.LastInsertID, gotAPIID, setRes.RowsAffected)
	}
	if v, _ := storeValue(t, dbh, st, key); v != "v1" {
		t.Fatalf("setting after commit: %q", v)
	}

	// A failing statement rolls back the ones before it.
	err = d.Tx(ctx, func(tx Tx) error {
		tx.Exec("UPDATE "+setting+" SET `value` = ? WHERE `key` = ?", "v2", key)
		tx.Exec("INSERT INTO "+apiIP+" (api_ip_id, api_id, ip) VALUES (?, 1, 'x')", ipRes.LastInsertID)
		return nil
	})
	var sqlErr *SQLError
	if !errors.As(err, &sqlErr) || sqlErr.Number != 1062 || sqlErr.Index != 1 || !sqlErr.InTx {
		t.Fatalf("duplicate key: %#v", err)
	}
	s, err := d.Schema(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// MySQL cannot undo MyISAM tables (OpenCart up to 3.x): the error must
	// say so. InnoDB tables (4.x) are rolled back.
	wantValue, myisam := "v1", s.Engines["setting"] == "MyISAM"
	if myisam {
		wantValue = "v2"
	}
	if v, _ := storeValue(t, dbh, st, key); v != wantValue || sqlErr.NotRolledBack != myisam || s.Transactional() == myisam {
		t.Fatalf("after the failed transaction on %s: value %q (want %q), NotRolledBack %v, Transactional %v: %v",
			s.Engines["setting"], v, wantValue, sqlErr.NotRolledBack, s.Transactional(), sqlErr)
	}
	if myisam && !strings.Contains(sqlErr.Error(), "MyISAM") {
		t.Errorf("the error does not explain: %v", sqlErr)
	}

	// fn's error runs nothing; a refused statement runs nothing.
	stop := errors.New("stop")
	if err := d.Tx(ctx, func(tx Tx) error {
		tx.Exec("UPDATE "+setting+" SET `value` = 'v3' WHERE `key` = ?", key)
		return stop
	}); err != stop {
		t.Fatalf("fn error: %v", err)
	}
	var stErr *StatementError
	if err := d.Tx(ctx, func(tx Tx) error {
		tx.Exec("UPDATE "+setting+" SET `value` = 'v4' WHERE `key` = ?", key)
		tx.Exec("COMMIT")
		return nil
	}); !errors.As(err, &stErr) || stErr.Index != 1 {
		t.Fatalf("COMMIT in a transaction: %v", err)
	}
	if _, err := d.Query(ctx, "DELETE FROM "+setting+" WHERE `key` = ?", key); !errors.As(err, &stErr) {
		t.Fatalf("DELETE as a query: %v", err)
	}
	if v, _ := storeValue(t, dbh, st, key); v != wantValue {
		t.Fatalf("something ran: %q", v)
	}
	if want, _ := store.LineOf(st.Version); s.Line() != want {
		t.Fatalf("schema line %q, want %q", s.Line(), want)
	}
}

// storeDBAsAdmin opens the store's database with the administrative
// account, which works whatever host config.php names.
func storeDBAsAdmin(t *testing.T, env *testenv.Env, st *fixture.Store) *sql.DB {
	t.Helper()
	cfg := mysql.NewConfig()
	cfg.User, cfg.Passwd, cfg.Net, cfg.Addr, cfg.DBName = env.MySQL.User, env.MySQL.Password, "tcp", env.MySQL.Addr(), st.DB.Name
	connector, err := mysql.NewConnector(cfg)
	if err != nil {
		t.Fatal(err)
	}
	dbh := sql.OpenDB(connector)
	t.Cleanup(func() { dbh.Close() })
	return dbh
}

func TestDirectRoute(t *testing.T) {
	env := testenv.Get(t)
	for _, version := range []string{"3.0.3.8", "4.1.0.4"} {
		t.Run(version, func(t *testing.T) {
			ts := env.Site(t, testenv.SFTP)
			st := fixture.New(t, env, ts, fixture.Options{Version: version})
			pool := openPool(t, ts)
			d, attempts := connect(t, pool, readCreds(t, pool, st), Options{})
			if d.Route() != RouteDirect || attempts.String() != "direct: ok" {
				t.Fatalf("route %s, attempts %s", d.Route(), attempts)
			}
			exerciseDB(t, env, d, st)
		})
	}
}

// TestSSHRouteServerSide: config.php names the database by a Unix socket
// (localhost:/path/mysqld.sock) and a port nothing listens on. The socket
// only means something on the server, so the direct route (which dials
// the site's host at DB_PORT from here) is refused, and the SSH route
// reaches MariaDB by asking sshd to open the socket on the server side.
func TestSSHRouteServerSide(t *testing.T) {
	env := testenv.Get(t)
	ts := env.Site(t, testenv.SFTP)
	st := fixture.New(t, env, ts, fixture.Options{Version: "3.0.3.8",
		DB: fixture.DB{Host: "localhost:" + env.MySQL.Socket, Port: closedPort(t)}})
	pool := openPool(t, ts)
	c := readCreds(t, pool, st)
	if c.Socket != env.MySQL.Socket || c.Host != "localhost" {
		t.Fatalf("read %s", c)
	}
	d, attempts := connect(t, pool, c, Options{})
	if d.Route() != RouteSSH || len(attempts) != 2 {
		t.Fatalf("route %s, attempts %s", d.Route(), attempts)
	}
	var e *Error
	if !errors.As(attempts[0].Err, &e) || e.Kind != KindRefused || !e.Blocked() {
		t.Fatalf("direct attempt: %v", attempts[0].Err)
	}
	if got := attempts.String(); got != "direct: refused (host blocks remote MySQL) → SSH: ok" {
		t.Errorf("attempts read %q", got)
	}
	if !strings.Contains(e.Error(), "remote MySQL") || !strings.Contains(e.Error(), "through SSH") {
		t.Errorf("direct error does not explain: %v", e)
	}
	exerciseDB(t, env, d, st)
}

// TestSSHRouteTCP: "localhost" with a port is dialled by the server over
// TCP (direct-tcpip), where localhost is the server itself.
func TestSSHRouteTCP(t *testing.T) {
	env := testenv.Get(t)
	ts := env.Site(t, testenv.SFTP)
	st := fixture.New(t, env, ts, fixture.Options{Version: "3.0.3.8", DB: fixture.DB{Host: "localhost"}})
	pool := openPool(t, ts)
	d, attempts := connect(t, pool, readCreds(t, pool, st), Options{Routes: []Route{RouteSSH}})
	if d.Route() != RouteSSH || attempts.String() != "SSH: ok" {
		t.Fatalf("route %s, attempts %s", d.Route(), attempts)
	}
	if _, err := d.QueryRow(ctxT(t), "SELECT 1"); err != nil {
		t.Fatal(err)
	}
}

// TestBridgeRouteAfterOthers: on an FTP site with the database on a
// socket, direct is refused, SSH does not apply, and the bridge reaches
// the database; the store tells which IP it sees for the direct error.
func TestBridgeRouteAfterOthers(t *testing.T) {
	env := testenv.Get(t)
	ts := env.Site(t, testenv.FTP)
	st := fixture.New(t, env, ts, fixture.Options{Version: "4.0.2.3",
		DB: fixture.DB{Host: "localhost:" + env.MySQL.Socket, Port: closedPort(t)}})
	pool := openPool(t, ts)
	data := t.TempDir()
	d, attempts := connect(t, pool, readCreds(t, pool, st), Options{DataDir: data})
	if d.Route() != RouteBridge {
		t.Fatalf("route %s, attempts %s", d.Route(), attempts)
	}
	if got := attempts.String(); got != "direct: refused (host blocks remote MySQL) → SSH: skipped (the site is not SFTP) → bridge: ok" {
		t.Errorf("attempts read %q", got)
	}
	var e *Error
	if !errors.As(attempts[0].Err, &e) || e.ClientIP != "127.0.0.1" || e.IPSource != "the store" || !strings.Contains(e.Error(), "127.0.0.1") {
		t.Errorf("direct error does not name the IP the store sees: %v", attempts[0].Err)
	}
	if len(bridgeFilesIn(t, st.Local)) == 0 || len(records(t, data)) != 1 {
		t.Fatalf("no bridge or no record while connected: %v %v", bridgeFilesIn(t, st.Local), records(t, data))
	}
	exerciseDB(t, env, d, st)
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	if left := bridgeFilesIn(t, st.Local); len(left) != 0 {
		t.Errorf("left on the store after Close: %v", left)
	}
	if left := records(t, data); len(left) != 0 {
		t.Errorf("records left after Close: %v", left)
	}
}

// TestAccessDeniedNamesIP: when MySQL refuses the login from here, the
// error says so, names the IP MySQL saw, and never shows a password; the
// bridge, which uses config.php on the server, still gets in.
func TestAccessDeniedNamesIP(t *testing.T) {
	env := testenv.Get(t)
	ts := env.Site(t, testenv.SFTP)
	st := fixture.New(t, env, ts, fixture.Options{Version: "3.0.3.8"})
	pool := openPool(t, ts)
	c := readCreds(t, pool, st)
	c.Password = NewSecret("not-the-password-" + itoa(closedPort(t)))
	d, attempts := connect(t, pool, c, Options{Routes: []Route{RouteDirect, RouteBridge}})
	if d.Route() != RouteBridge {
		t.Fatalf("route %s", d.Route())
	}
	var e *Error
	if !errors.As(attempts[0].Err, &e) || e.Kind != KindAccessDenied || e.Number != 1045 || e.ClientIP != "127.0.0.1" || e.IPSource != "MySQL" {
		t.Fatalf("direct attempt: %#v", attempts[0].Err)
	}
	msg := attempts[0].Err.Error()
	for _, want := range []string{"127.0.0.1", "remote MySQL", st.DB.User} {
		if !strings.Contains(msg, want) {
			t.Errorf("%q lacks %q", msg, want)
		}
	}
	if strings.Contains(msg, c.Password.Reveal()) || strings.Contains(msg, st.DB.Password) {
		t.Errorf("a password shows in %q", msg)
	}
}

// TestComputedConfigUsesBridge: with DB_HOSTNAME from getenv() and
// DB_PREFIX in if/else, only the bridge can know the settings; it runs
// config.php and reports what PHP computed.
func TestComputedConfigUsesBridge(t *testing.T) {
	env := testenv.Get(t)
	ts := env.Site(t, testenv.SFTP)
	st := fixture.New(t, env, ts, fixture.Options{Version: "3.0.3.8", Wild: true})
	pool := openPool(t, ts)
	c := readCreds(t, pool, st)
	d, attempts := connect(t, pool, c, Options{})
	if d.Route() != RouteBridge || !attempts[0].Skipped() || !attempts[1].Skipped() {
		t.Fatalf("route %s, attempts %s", d.Route(), attempts)
	}
	server := map[string]string{}
	for _, x := range c.Computed {
		if x.File == c.CatalogFile {
			server[x.Constant] = x.ServerValue
		}
	}
	if server["DB_HOSTNAME"] != st.DB.Host || server["DB_PREFIX"] != st.Prefix {
		t.Errorf("server values %v", server)
	}
	s, err := d.Schema(ctxT(t))
	if err != nil || s.Prefix != st.Prefix || s.Line() != "3.0" {
		t.Fatalf("schema %+v, %v", s, err)
	}
	exerciseDB(t, env, d, st)
}

// TestNoRouteWorks: every attempt is reported when nothing works.
func TestNoRouteWorks(t *testing.T) {
	env := testenv.Get(t)
	ts := env.Site(t, testenv.FTP)
	st := fixture.New(t, env, ts, fixture.Options{Version: "2.3.0.2", DB: fixture.DB{Port: closedPort(t)}})
	pool := openPool(t, ts)
	_, attempts, err := Connect(ctxT(t), pool, readCreds(t, pool, st), Options{DataDir: t.TempDir()})
	var ce *ConnectError
	if !errors.As(err, &ce) || len(attempts) != 3 {
		t.Fatalf("err %v, attempts %s", err, attempts)
	}
	var e *Error
	if !errors.As(attempts[2].Err, &e) || e.Route != RouteBridge || e.Kind != KindRefused {
		t.Errorf("bridge attempt: %v", attempts[2].Err)
	}
	if left := bridgeFilesIn(t, st.Local); len(left) != 0 {
		t.Errorf("a failed bridge was left on the store: %v", left)
	}
}
