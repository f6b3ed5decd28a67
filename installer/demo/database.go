package demo

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"

	sqle "github.com/dolthub/go-mysql-server"
	"github.com/dolthub/go-mysql-server/memory"
	"github.com/dolthub/go-mysql-server/server"
	gms "github.com/dolthub/go-mysql-server/sql"
	"github.com/go-sql-driver/mysql"
	"github.com/sirupsen/logrus"

	"github.com/ocsetup/ocsetup/internal/fixture"
)

// adminUser is the database's administrative account. Its password is
// random and never leaves this package: it only creates the store's
// database and account, as a hosting panel would.
const adminUser = "root"

// database is an in-memory MySQL-protocol server (go-mysql-server). It
// speaks the wire protocol, checks accounts and grants, and runs the
// DDL and queries OpenCart and the app send, so the app's direct route
// reaches it like any MySQL server.
type database struct {
	engine *sqle.Engine
	srv    *server.Server
	conns  *tracker
	served sync.WaitGroup
}

// engineMu serialises making engines: go-mysql-server's New initialises
// process-wide status variables without a lock, which two demos starting
// at once (or parallel tests) would race on.
var engineMu sync.Mutex

// startDatabase serves an empty server on ln with one administrative
// account. go-mysql-server logs through logrus's process-wide logger;
// log receives it (io.Discard keeps a terminal clean).
func startDatabase(ln net.Listener, adminPassword string, log io.Writer) (*database, error) {
	logrus.SetOutput(log)
	pro := memory.NewDBProvider()
	engineMu.Lock()
	engine := sqle.NewDefault(pro)
	engineMu.Unlock()
	users := engine.Analyzer.Catalog.MySQLDb
	// Accounts live in memory only; without a persister go-mysql-server
	// fails every CREATE USER.
	users.SetPersister(noPersist{})
	ed := users.Editor()
	users.AddSuperUser(ed, adminUser, "localhost", adminPassword)
	ed.Close()

	d := &database{engine: engine, conns: newTracker()}
	cfg := server.Config{Protocol: "tcp", Address: ln.Addr().String(), Listener: trackedListener{Listener: ln, t: d.conns}}
	srv, err := server.NewServer(cfg, engine, gms.NewContext, memory.NewSessionBuilder(pro), nil)
	if err != nil {
		_ = ln.Close()
		return nil, fmt.Errorf("start the demo database: %w", err)
	}
	d.srv = srv
	d.served.Add(1)
	go func() {
		defer d.served.Done()
		_ = srv.Start() // returns once the listener is closed
	}()
	return d, nil
}

// createStore makes the store's database, account, tables and sample
// rows through the wire, with the fixture's own statements.
func (d *database) createStore(ctx context.Context, adminPassword string, o fixture.Options) error {
	cfg := mysql.NewConfig()
	cfg.User, cfg.Passwd = adminUser, adminPassword
	cfg.Net, cfg.Addr = "tcp", d.srv.Listener.Addr().String()
	connector, err := mysql.NewConnector(cfg)
	if err != nil {
		return err
	}
	admin := sql.OpenDB(connector)
	defer admin.Close()
	if err := fixture.CreateDatabase(ctx, admin, o); err != nil {
		return fmt.Errorf("create the demo store's database: %w", err)
	}
	return nil
}

// Close stops the server and ends its connections.
func (d *database) Close() error {
	err := d.srv.Close()
	d.served.Wait()
	d.conns.closeAll()
	// The engine's Close always reports the context.Canceled it used to
	// stop its background threads; that is success.
	cerr := d.engine.Close()
	if errors.Is(cerr, context.Canceled) {
		cerr = nil
	}
	return errors.Join(err, cerr)
}

// noPersist keeps the accounts in memory: a demo's accounts die with it.
type noPersist struct{}

func (noPersist) Persist(*gms.Context, []byte) error { return nil }
