package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/ocsetup/ocsetup/installer/msg"
)

// Route names how the database was reached.
type Route string

// The routes, in the order Connect tries them.
const (
	RouteDirect Route = "direct" // MySQL from this machine
	RouteSSH    Route = "ssh"    // MySQL dialled from the server through SSH
	RouteBridge Route = "bridge" // a temporary signed PHP file on the store
)

// AllRoutes are the routes in the order Connect tries them.
func AllRoutes() []Route { return []Route{RouteDirect, RouteSSH, RouteBridge} }

// Title is the route as the user reads it.
func (r Route) Title() string {
	switch r {
	case RouteDirect:
		return "direct"
	case RouteSSH:
		return "SSH"
	case RouteBridge:
		return "bridge"
	}
	return string(r)
}

// TitleMsg is Title as a message, for the user's language.
func (r Route) TitleMsg() msg.Msg {
	return msg.Msg{Key: "creds.route." + string(r), Own: r.Title()}
}

// ParseRoutes reads a comma-separated list such as "direct,ssh,bridge".
func ParseRoutes(s string) ([]Route, error) {
	var out []Route
	for _, part := range strings.Split(s, ",") {
		r := Route(strings.ToLower(strings.TrimSpace(part)))
		switch r {
		case RouteDirect, RouteSSH, RouteBridge:
			for _, seen := range out {
				if seen == r {
					return nil, fmt.Errorf("route %q is named twice", r)
				}
			}
			out = append(out, r)
		default:
			return nil, fmt.Errorf("unknown route %q: use direct, ssh and bridge", part)
		}
	}
	return out, nil
}

// DB is the database channel: the same calls whichever route is underneath.
// Values always travel as placeholders (?); the table prefix only after
// Table or CheckPrefix accepted it.
type DB interface {
	// Route says how the database was reached.
	Route() Route
	// Query runs one read-only statement (SELECT, SHOW, DESC, DESCRIBE) and
	// returns all its rows. It runs inside a transaction that is rolled
	// back, so it never changes the store.
	Query(ctx context.Context, query string, args ...any) (*Rows, error)
	// QueryRow is Query for one row; ErrNoRows when there is none.
	QueryRow(ctx context.Context, query string, args ...any) (Row, error)
	// Tx runs the statements fn declares (INSERT, UPDATE, DELETE, REPLACE,
	// SET @var) in one transaction, after fn returns nil: all of them are
	// committed, or, when one fails, none. When fn returns an error nothing
	// runs. The statements' results are filled in when Tx returns nil.
	//
	// The statements are declared first and run together because the
	// bridge route cannot keep a transaction open between HTTP requests;
	// a statement that needs the id of an earlier insert passes that
	// statement's Result.InsertID() as an argument.
	//
	// MySQL cannot roll back MyISAM tables, which OpenCart up to 3.x
	// creates: a failure there returns an *SQLError with NotRolledBack
	// set when earlier changes stayed (Schema.Transactional tells ahead).
	Tx(ctx context.Context, fn func(Tx) error) error
	// Schema reads the prefix's tables and the columns that tell OpenCart
	// lines apart from information_schema.
	Schema(ctx context.Context) (*Schema, error)
	// Close ends the route: connections are closed and a bridge is removed
	// from the store (with its own deadline, whatever the caller's context).
	Close() error
}

// Tx declares the statements of a transaction.
type Tx interface {
	// Exec adds a statement. The returned Result is filled in after commit;
	// a refused statement makes Tx return a *StatementError, running nothing.
	Exec(query string, args ...any) *Result
}

// Result is what one statement of a transaction did.
type Result struct {
	RowsAffected int64
	LastInsertID int64

	b     *batch
	index int
}

// InsertID is an argument that stands for this statement's LastInsertID,
// for a later statement of the same transaction (an API user's id in its
// api_ip row, say).
func (r *Result) InsertID() any { return insertIDRef{b: r.b, index: r.index} }

type insertIDRef struct {
	b     *batch
	index int
}

// ErrNoRows is returned by QueryRow when the query matched nothing.
var ErrNoRows = errors.New("db: the query returned no rows")

// Rows is a whole result set, read into memory (the setup steps and the
// sync view read small results). Every value is text or NULL, as OpenCart
// itself sees them.
type Rows struct {
	Columns []string
	Values  [][]sql.NullString
}

// Len is the number of rows.
func (r *Rows) Len() int { return len(r.Values) }

// Row returns row i.
func (r *Rows) Row(i int) Row { return Row{Columns: r.Columns, Values: r.Values[i]} }

// Row is one row of a result.
type Row struct {
	Columns []string
	Values  []sql.NullString
}

// Value returns the named column; ok is false when there is no such column.
func (r Row) Value(column string) (v sql.NullString, ok bool) {
	for i, c := range r.Columns {
		if c == column {
			return r.Values[i], true
		}
	}
	return sql.NullString{}, false
}

// String returns the named column's text ("" for NULL or no such column).
func (r Row) String(column string) string {
	v, _ := r.Value(column)
	return v.String
}

// argKind is the wire type of an argument.
type argKind uint8

const (
	argNull argKind = iota
	argInt
	argFloat
	argString
	argBytes
	argRef
)

// arg is a checked argument.
type arg struct {
	kind argKind
	i    int64
	f    float64
	s    string
	b    []byte
	ref  int
}

// toArgs checks arguments: nil, bool, integers, floats, string, []byte,
// and (inside a transaction) an earlier statement's InsertID. Anything
// else is refused rather than guessed (format times yourself).
func toArgs(args []any, b *batch, index int) ([]arg, error) {
	out := make([]arg, len(args))
	for i, a := range args {
		var v arg
		switch x := a.(type) {
		case nil:
			v.kind = argNull
		case bool:
			v.kind = argInt
			if x {
				v.i = 1
			}
		case int:
			v.kind, v.i = argInt, int64(x)
		case int8:
			v.kind, v.i = argInt, int64(x)
		case int16:
			v.kind, v.i = argInt, int64(x)
		case int32:
			v.kind, v.i = argInt, int64(x)
		case int64:
			v.kind, v.i = argInt, x
		case uint8:
			v.kind, v.i = argInt, int64(x)
		case uint16:
			v.kind, v.i = argInt, int64(x)
		case uint32:
			v.kind, v.i = argInt, int64(x)
		case uint:
			if uint64(x) > math.MaxInt64 {
				return nil, fmt.Errorf("db: argument %d is too large", i+1)
			}
			v.kind, v.i = argInt, int64(x)
		case uint64:
			if x > math.MaxInt64 {
				return nil, fmt.Errorf("db: argument %d is too large", i+1)
			}
			v.kind, v.i = argInt, int64(x)
		case float32:
			v.kind, v.f = argFloat, float64(x)
		case float64:
			v.kind, v.f = argFloat, x
		case string:
			v.kind, v.s = argString, x
		case []byte:
			v.kind, v.b = argBytes, x
		case sql.NullString:
			if x.Valid {
				v.kind, v.s = argString, x.String
			}
		case insertIDRef:
			if b == nil || x.b != b || x.index >= index {
				return nil, fmt.Errorf("db: argument %d is the insert id of a statement that is not earlier in this transaction", i+1)
			}
			v.kind, v.ref = argRef, x.index
		default:
			return nil, fmt.Errorf("db: argument %d has type %T, which is not sent to the database (use a string, number, []byte or nil)", i+1, a)
		}
		out[i] = v
	}
	return out, nil
}

// stmt is one checked statement of a transaction.
type stmt struct {
	query  string
	args   []arg
	result *Result
}

// batch collects the statements a Tx callback declares.
type batch struct {
	stmts []stmt
	err   error
}

func (b *batch) Exec(query string, args ...any) *Result {
	r := &Result{b: b, index: len(b.stmts)}
	if b.err != nil {
		return r
	}
	if why := checkStatement(query, true); why != "" {
		b.err = &StatementError{Index: r.index, Reason: why}
		return r
	}
	as, err := toArgs(args, b, r.index)
	if err != nil {
		b.err = fmt.Errorf("statement %d: %w", r.index+1, err)
		return r
	}
	b.stmts = append(b.stmts, stmt{query: query, args: as, result: r})
	return r
}

// SQLError is a statement the database refused. Nothing of its
// transaction was committed.
type SQLError struct {
	Route   Route
	Index   int    // statement of the transaction (0 for a query)
	Number  uint16 // MySQL error number, 0 when unknown
	Message string // the server's words
	InTx    bool
	// NotRolledBack: MySQL warned on ROLLBACK that changes to
	// non-transactional (MyISAM) tables stayed written. OpenCart up to 3.x
	// creates its tables as MyISAM, where a transaction cannot undo
	// anything; the caller's backup of the rows is then what restores them.
	NotRolledBack bool
}

func (e *SQLError) Error() string { return e.Msg().English() }

// Msg is the error as a message, for the app to show in the user's
// language; the server's words stay as it said them.
func (e *SQLError) Msg() msg.Msg {
	what := msg.New("error.db.sql.query")
	switch {
	case e.InTx && e.NotRolledBack:
		what = msg.New("error.db.sql.myisam", "N", e.Index+1)
	case e.InTx:
		what = msg.New("error.db.sql.rolled_back", "N", e.Index+1)
	}
	if e.Number != 0 {
		return msg.New("error.db.sql.mysql", "What", what, "Number", int(e.Number), "Message", e.Message)
	}
	return msg.New("error.db.sql.server", "What", what, "Message", e.Message)
}
