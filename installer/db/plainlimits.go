package db

import (
	"context"
	"regexp"
	"strings"

	"github.com/ocsetup/ocsetup/assets/bridge"
)

// PlainHTTPLimits are what a step needs of the database when the bridge
// has to work over plain HTTP: the bridge (and this side, before anything
// is sent) refuses the rest, so that what crosses the readable channel is
// only what the step uses. docs/plain-http-bridge.md lists each step's.
type PlainHTTPLimits = bridge.Limits

// SecretColumns are the columns no read over plain HTTP needs: the admin
// users' and customers' password hashes and salts, API keys, and the
// tokens that stand for a login.
var SecretColumns = []string{"password", "salt", "key", "token"}

// ReadOnlyPlainHTTP are the limits of a step that only reads and needs no
// secret column (sync's watching).
func ReadOnlyPlainHTTP() *PlainHTTPLimits {
	return &PlainHTTPLimits{ReadOnly: true, Columns: SecretColumns}
}

// nameToken finds the names in a statement as the bridge does: `quoted`
// identifiers and bare words, skipping string literals.
var nameToken = regexp.MustCompile("`((?:[^`]|``)*)`|'(?:[^'\\\\]|\\\\.)*'|\"(?:[^\"\\\\]|\\\\.)*\"|([A-Za-z0-9_$]+)")

// The places a hidden (secret) column may be named: right after "(",
// ",", SET, WHERE, AND, OR, ON or SELECT (a qualifier "a." aside), and
// right before "= ?", so that the statement only stores or compares a
// value it sends; or in the column list of an INSERT … VALUES.
var (
	hiddenBefore    = regexp.MustCompile(`(?i)(?:^|[(,]|\b(?:SET|WHERE|AND|OR|ON|SELECT))\s*$`)
	hiddenQualifier = regexp.MustCompile("(?:`(?:[^`]|``)*`|[A-Za-z0-9_$]+)\\s*\\.\\s*$")
	hiddenCompare   = regexp.MustCompile(`^\s*=\s*\?`)
	hiddenListItem  = regexp.MustCompile(`^\s*[,)]`)
)

// countStar is COUNT(*), the one "*" that reads no column.
var countStar = regexp.MustCompile(`(?i)\bCOUNT\s*\(\s*\*\s*\)`)

// readsEveryColumn says whether sql has a "*" (outside quotes and
// comments) other than COUNT(*).
func readsEveryColumn(sql string) bool {
	sk, why := skeleton(sql)
	return why != "" || strings.Contains(countStar.ReplaceAllString(sk, " "), "*")
}

// dbNames are the names through which a statement could reach data: the
// tables of the store's database and the other databases its login sees
// (lower case). The bridge reads the same at each request.
type dbNames struct {
	tables, databases map[string]bool
}

// Queries for dbNames; bridge.php sends the same.
const (
	tablesSQL    = "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()"
	databasesSQL = "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME <> DATABASE() AND SCHEMA_NAME <> 'information_schema'"
)

type token struct {
	name       string // lower case
	start, end int
}

func nameTokens(sql string) []token {
	var out []token
	for _, m := range nameToken.FindAllStringSubmatchIndex(sql, -1) {
		var name string
		switch {
		case m[4] >= 0:
			name = sql[m[4]:m[5]]
		case m[2] >= 0:
			name = strings.ReplaceAll(sql[m[2]:m[3]], "``", "`")
		default:
			continue // a string literal
		}
		if name != "" {
			out = append(out, token{strings.ToLower(name), m[0], m[1]})
		}
	}
	return out
}

func has(list []string, name string) bool {
	for _, v := range list {
		if v == name {
			return true
		}
	}
	return false
}

// outsideLimits is why sql (in a transaction when tx) is outside limits,
// or "" when it is within them or limits is nil. names are the database's
// (nil: the table rules are left to the bridge). assets/bridge/bridge.php
// (ocsetup_outside_limits) has the same rules.
func outsideLimits(sql string, tx bool, limits *PlainHTTPLimits, names *dbNames) string {
	if limits == nil {
		return ""
	}
	if tx && limits.ReadOnly {
		return "changes the database, and over plain HTTP this bridge may only read for the step that uploaded it"
	}
	toks := nameTokens(sql)
	named := map[string]bool{}
	for _, t := range toks {
		if has(limits.Columns, t.name) {
			return "names the column " + t.name + ", which may not cross plain HTTP"
		}
		named[t.name] = true
		if limits.Tables == nil || names == nil {
			continue
		}
		switch {
		case names.databases[t.name]:
			return "names the database " + t.name + ", which the steps that uploaded this bridge do not use over plain HTTP"
		case names.tables[t.name] && tx && !has(limits.Writes, t.name):
			return "names the table " + t.name + ", which the steps that uploaded this bridge may not change over plain HTTP"
		case names.tables[t.name] && !tx && !has(limits.Tables, t.name) && !has(limits.Writes, t.name):
			return "names the table " + t.name + ", which the steps that uploaded this bridge do not read over plain HTTP"
		}
	}
	insertList := -1 // where an INSERT's column list ends, when it may name a hidden column
	if len(toks) > 0 && (toks[0].name == "insert" || toks[0].name == "replace") && !named["select"] {
		for _, t := range toks {
			if t.name == "values" || t.name == "value" {
				insertList = t.start
				break
			}
		}
	}
	for _, h := range limits.Hidden {
		table, col, _ := strings.Cut(h, ".")
		if named[table] && readsEveryColumn(sql) {
			// SELECT 1, 2, … UNION SELECT * would carry the column under
			// another name, past the bridge's check of the answer.
			return "reads every column (*) of " + table + ", which has secret columns that may not cross plain HTTP; name the columns"
		}
		if !named[table] || !named[col] {
			continue
		}
		for _, t := range toks {
			if t.name != col {
				continue
			}
			before := strings.TrimRight(sql[:t.start], " \t\r\n")
			before = strings.TrimRight(hiddenQualifier.ReplaceAllString(before, ""), " \t\r\n")
			after := sql[t.end:]
			compares := hiddenBefore.MatchString(before) && hiddenCompare.MatchString(after)
			listed := t.start < insertList && (strings.HasSuffix(before, ",") || strings.HasSuffix(before, "(")) && hiddenListItem.MatchString(after)
			if !compares && !listed {
				return "names the secret column " + h + " other than to store or compare a value it sends, which may not cross plain HTTP"
			}
		}
	}
	return ""
}

// plainHTTPRefusal is why sql may not go through c now: c is the bridge
// over plain HTTP with limits, and sql is outside them.
func (c *conn) plainHTTPRefusal(ctx context.Context, sql string, tx bool) (string, error) {
	b, ok := c.r.(*bridgeRunner)
	if !ok || b.limits == nil || PlainHTTP(c) == "" {
		return "", nil
	}
	names, err := b.dbNames(ctx)
	if err != nil {
		return "", err
	}
	return outsideLimits(sql, tx, b.limits, names), nil
}

// dbNames reads the database's names once, for the table rules.
func (b *bridgeRunner) dbNames(ctx context.Context) (*dbNames, error) {
	if b.limits.Tables == nil {
		return nil, nil
	}
	b.mu.Lock()
	n := b.names
	b.mu.Unlock()
	if n != nil {
		return n, nil
	}
	n = &dbNames{tables: map[string]bool{}, databases: map[string]bool{}}
	for _, q := range []struct {
		sql  string
		into map[string]bool
	}{{tablesSQL, n.tables}, {databasesSQL, n.databases}} {
		rows, err := b.query(ctx, q.sql, nil)
		if err != nil {
			return nil, err
		}
		for _, v := range rows.Values {
			if len(v) > 0 {
				q.into[strings.ToLower(v[0].String)] = true
			}
		}
	}
	b.mu.Lock()
	b.names = n
	b.mu.Unlock()
	return n, nil
}

// HiddenColumns are the columns of table (its name without the prefix)
// that d may not read: d is the bridge over plain HTTP and its limits
// keep them secret. A step then stores or compares them ("col = ?"), and
// reads the table's other columns by name.
func HiddenColumns(d DB, table string) []string {
	c, ok := d.(*conn)
	if !ok || PlainHTTP(d) == "" {
		return nil
	}
	b := c.r.(*bridgeRunner)
	if b.limits == nil {
		return nil
	}
	full := strings.ToLower(c.prefix + table)
	var out []string
	for _, h := range b.limits.Hidden {
		if t, col, _ := strings.Cut(h, "."); t == full {
			out = append(out, col)
		}
	}
	return out
}
