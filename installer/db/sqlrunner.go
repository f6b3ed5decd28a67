package db

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/go-sql-driver/mysql"
)

// sqlRunner runs statements over go-sql-driver/mysql: the direct and SSH
// routes differ only in how the connection is dialled.
type sqlRunner struct {
	db    *sql.DB
	route Route
	addr  string // what was dialled, for errors
}

// openSQL opens a pool over cfg and logs in once, so that a refused login
// is reported by Connect and not by the first query.
func openSQL(ctx context.Context, route Route, cfg *mysql.Config, addr string, guard *loginGuard) (*sqlRunner, error) {
	connector, err := mysql.NewConnector(cfg)
	if err != nil {
		return nil, &Error{Route: route, Kind: KindOther, Addr: addr, Err: err}
	}
	db := sql.OpenDB(connector)
	// A few connections are plenty for a setup assistant, and shared hosts
	// limit connections per user; idle ones are dropped before the
	// server's wait_timeout would.
	db.SetMaxOpenConns(4)
	db.SetMaxIdleConns(2)
	db.SetConnMaxIdleTime(time.Minute)
	if err := db.PingContext(ctx); err != nil {
		_ = db.Close()
		if r := guard.refusal(err); r != nil {
			return nil, r
		}
		return nil, classify(ctx, route, addr, err)
	}
	// Logged in: a first-contact certificate the user accepted is pinned
	// now, so a wrong password never leaves a trusted certificate behind.
	if err := guard.certs.Commit(); err != nil {
		_ = db.Close()
		return nil, &Error{Route: route, Kind: KindOther, Addr: addr, Err: err}
	}
	return &sqlRunner{db: db, route: route, addr: addr}, nil
}

func (s *sqlRunner) query(ctx context.Context, q string, args []arg) (*Rows, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, s.failure(ctx, 0, false, err)
	}
	defer func() { _ = tx.Rollback() }()
	rows, err := tx.QueryContext(ctx, q, driverArgs(args, nil)...)
	if err != nil {
		return nil, s.failure(ctx, 0, false, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, s.failure(ctx, 0, false, err)
	}
	out := &Rows{Columns: cols}
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, s.failure(ctx, 0, false, err)
		}
		out.Values = append(out.Values, vals)
	}
	if err := rows.Err(); err != nil {
		return nil, s.failure(ctx, 0, false, err)
	}
	return out, nil
}

func (s *sqlRunner) exec(ctx context.Context, stmts []stmt) (err error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return s.failure(ctx, 0, true, err)
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
			for _, st := range stmts {
				st.result.RowsAffected, st.result.LastInsertID = 0, 0
			}
		}
	}()
	for i, st := range stmts {
		res, err := tx.ExecContext(ctx, st.query, driverArgs(st.args, stmts)...)
		if err != nil {
			fail := s.failure(ctx, i, true, err)
			if se, ok := fail.(*SQLError); ok {
				se.NotRolledBack = rollbackIncomplete(ctx, tx)
			}
			return fail
		}
		st.result.RowsAffected, _ = res.RowsAffected()
		st.result.LastInsertID, _ = res.LastInsertId()
	}
	if err := tx.Commit(); err != nil {
		return s.failure(ctx, len(stmts)-1, true, err)
	}
	return nil
}

func (s *sqlRunner) close() error { return s.db.Close() }

// rollbackIncomplete rolls back inside tx and reports whether MySQL warned
// that non-transactional tables kept their changes (warning 1196).
// database/sql's own Rollback afterwards finds nothing left to undo.
func rollbackIncomplete(ctx context.Context, tx *sql.Tx) bool {
	if _, err := tx.ExecContext(ctx, "ROLLBACK"); err != nil {
		return false
	}
	rows, err := tx.QueryContext(ctx, "SHOW WARNINGS")
	if err != nil {
		return false
	}
	defer rows.Close()
	incomplete := false
	for rows.Next() {
		var level, message string
		var code int
		if rows.Scan(&level, &code, &message) == nil && code == 1196 {
			incomplete = true
		}
	}
	return incomplete
}

// failure turns a driver error into a *SQLError (the server refused the
// statement) or an *Error (the connection failed).
func (s *sqlRunner) failure(ctx context.Context, index int, inTx bool, err error) error {
	var me *mysql.MySQLError
	if errors.As(err, &me) {
		return &SQLError{Route: s.route, Index: index, Number: me.Number, Message: me.Message, InTx: inTx}
	}
	return classify(ctx, s.route, s.addr, err)
}

// driverArgs converts checked arguments for database/sql; an insert-id
// reference becomes the id of the earlier statement.
func driverArgs(args []arg, stmts []stmt) []any {
	out := make([]any, len(args))
	for i, a := range args {
		switch a.kind {
		case argNull:
			out[i] = nil
		case argInt:
			out[i] = a.i
		case argFloat:
			out[i] = a.f
		case argString:
			out[i] = a.s
		case argBytes:
			out[i] = a.b
		case argRef:
			out[i] = stmts[a.ref].result.LastInsertID
		}
	}
	return out
}
