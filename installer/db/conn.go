package db

import (
	"context"
	"strings"
	"time"

	"github.com/ocsetup/ocsetup/installer/msg"
)

// runner is what a route provides; conn adds the checks every route shares.
type runner interface {
	// query runs one checked read in a transaction that is rolled back.
	query(ctx context.Context, q string, args []arg) (*Rows, error)
	// exec runs checked statements in one transaction and fills in their
	// results; on any error nothing is committed.
	exec(ctx context.Context, stmts []stmt) error
	close() error
}

// DefaultOpTimeout bounds one Query or Tx when Options.OpTimeout is 0.
const DefaultOpTimeout = 2 * time.Minute

// conn is the DB every route returns.
type conn struct {
	route     Route
	r         runner
	prefix    string
	opTimeout time.Duration
}

func newConn(route Route, r runner, creds *Credentials, opTimeout time.Duration) *conn {
	if opTimeout <= 0 {
		opTimeout = DefaultOpTimeout
	}
	return &conn{route: route, r: r, prefix: creds.Prefix, opTimeout: opTimeout}
}

func (c *conn) Route() Route { return c.route }

func (c *conn) Query(ctx context.Context, query string, args ...any) (*Rows, error) {
	if why := checkStatement(query, false); why != "" {
		return nil, &StatementError{Reason: why}
	}
	as, err := toArgs(args, nil, 0)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, c.opTimeout)
	defer cancel()
	if why, err := c.plainHTTPRefusal(ctx, query, false); err != nil || why != "" {
		if err != nil {
			return nil, err
		}
		return nil, &StatementError{Reason: why}
	}
	return c.r.query(ctx, query, as)
}

func (c *conn) QueryRow(ctx context.Context, query string, args ...any) (Row, error) {
	rows, err := c.Query(ctx, query, args...)
	if err != nil {
		return Row{}, err
	}
	if rows.Len() == 0 {
		return Row{}, ErrNoRows
	}
	return rows.Row(0), nil
}

func (c *conn) Tx(ctx context.Context, fn func(Tx) error) error {
	b := &batch{}
	if err := fn(b); err != nil {
		return err
	}
	if b.err != nil {
		return b.err
	}
	if len(b.stmts) == 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, c.opTimeout)
	defer cancel()
	for i, st := range b.stmts {
		why, err := c.plainHTTPRefusal(ctx, st.query, true)
		if err != nil {
			return err
		}
		if why != "" {
			return &StatementError{Index: i, Reason: why}
		}
	}
	return c.r.exec(ctx, b.stmts)
}

func (c *conn) Schema(ctx context.Context) (*Schema, error) {
	// The prefix is checked before anything is sent, even though the
	// schema queries pass it as a placeholder: a prefix that fails here
	// would fail every later step that names a table.
	if err := CheckPrefix(c.prefix); err != nil {
		return nil, err
	}
	return readSchema(ctx, c, c.prefix)
}

func (c *conn) Close() error { return c.r.close() }

// PlainHTTP is the bridge's address when d is the bridge answering over
// plain http (the store has no working HTTPS), and "" otherwise. The
// bridge's requests are signed, but what they carry (settings, API keys,
// password hashes) can be read on the way: callers warn before they send
// anything secret through it.
func PlainHTTP(d DB) string {
	c, ok := d.(*conn)
	if !ok {
		return ""
	}
	b, ok := c.r.(*bridgeRunner)
	if !ok {
		return ""
	}
	if u := b.currentURL(); strings.HasPrefix(strings.ToLower(u), "http://") {
		return u
	}
	return ""
}

// PlainHTTPMsg is the warning for a bridge at url over plain http, as a
// message the app shows in the user's language.
func PlainHTTPMsg(url string) msg.Msg { return msg.New("warning.plain_http.bridge", "URL", url) }

// PlainHTTPWarning is the warning for a bridge at url over plain http.
func PlainHTTPWarning(url string) string { return PlainHTTPMsg(url).English() }
