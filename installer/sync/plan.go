package sync

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/ocsetup/ocsetup/installer/db"
)

// Store is what the engine needs of the database channel (db.DB has it).
type Store interface {
	Query(ctx context.Context, query string, args ...any) (*db.Rows, error)
	Schema(ctx context.Context) (*db.Schema, error)
}

// plan is what one store is watched with: the tables it has, with their
// queries built once.
type plan struct {
	schema   *db.Schema
	watchers []*watcher
	orders   *orderQueries // nil without an order table
	api      *apiQueries   // nil when the line has no API sessions
	langs    *langQueries
	entities []Entity // watched, in display order
	// sqlClock reads the database's NOW() with the swept tables'
	// UPDATE_TIME, in one query.
	sqlClock  string
	clockArgs []any
}

// makePlan reads the prefix's tables and the watched tables' columns and
// builds the queries. Column and table names come from specs and are
// checked against information_schema before they reach SQL.
func makePlan(ctx context.Context, q Store, cfg *Config) (*plan, error) {
	schema, err := q.Schema(ctx)
	if err != nil {
		return nil, err
	}
	if !schema.Has("setting") {
		return nil, fmt.Errorf("the database has no table %ssetting: DB_PREFIX does not match the store's tables", schema.Prefix)
	}
	var names []any
	for _, s := range specs {
		if schema.Has(s.table) {
			names = append(names, schema.Prefix+s.table)
		}
	}
	cols := map[string]map[string]bool{}
	if len(names) > 0 {
		rows, err := q.Query(ctx, "SELECT TABLE_NAME, COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME IN (?"+
			strings.Repeat(", ?", len(names)-1)+")", names...)
		if err != nil {
			return nil, err
		}
		for _, v := range rows.Values {
			t := strings.TrimPrefix(v[0].String, schema.Prefix)
			if cols[t] == nil {
				cols[t] = map[string]bool{}
			}
			cols[t][v[1].String] = true
		}
	}

	p := &plan{schema: schema}
	seen := map[Entity]bool{}
	for _, s := range specs {
		if cols[s.table] == nil || !cols[s.table][s.pk] || s.lang && !cols[s.table]["language_id"] {
			continue
		}
		w, err := newWatcher(schema.Prefix, s, cols[s.table], cfg)
		if err != nil {
			return nil, err
		}
		p.watchers = append(p.watchers, w)
		for _, a := range w.aspects {
			seen[a.entity] = true
		}
		seen[s.entity] = true
	}
	p.sqlClock = "SELECT NOW()"
	for _, w := range p.watchers {
		if !w.insertOnly() {
			p.clockArgs = append(p.clockArgs, schema.Prefix+w.table)
		}
	}
	if len(p.clockArgs) > 0 {
		p.sqlClock = "SELECT NOW(), TABLE_NAME, UPDATE_TIME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME IN (?" +
			strings.Repeat(", ?", len(p.clockArgs)-1) + ")"
	}
	if p.orders, err = newOrderQueries(schema, cols["order"]); err != nil {
		return nil, err
	}
	if !cfg.NoAPIUser {
		if p.api, err = newAPIQueries(schema, cfg.APIUser); err != nil {
			return nil, err
		}
	}
	if p.api != nil {
		seen[APISessions] = true
	}
	if p.langs, err = newLangQueries(schema); err != nil {
		return nil, err
	}
	for _, e := range AllEntities() {
		if seen[e] {
			p.entities = append(p.entities, e)
		}
	}
	return p, nil
}

// quoteCol quotes a column name from specs (letters, digits and _ only).
func quoteCol(c string) string { return "`" + c + "`" }

// fingerprintSQL is MySQL's CRC32 of the columns, separated by "|" so
// that ("ab", "c") and ("a", "bc") differ. CONCAT_WS skips NULLs, so a
// NULL and an empty string count as the same value.
func fingerprintSQL(cols []string) string {
	q := make([]string, len(cols))
	for i, c := range cols {
		q[i] = quoteCol(c)
	}
	return "CRC32(CONCAT_WS('|', " + strings.Join(q, ", ") + "))"
}

// byPK makes MySQL read a primary-key range in key order. Without it, a
// range that covers most of a table (a sweep's first chunk: id > 0)
// makes the optimizer choose a full scan and a filesort, although the
// LIMIT needs only the first rows.
const byPK = " FORCE INDEX (`PRIMARY`)"

// limit is a LIMIT clause. The number is ours, not user input, and goes
// into the text because a placeholder in LIMIT is refused by PHP's PDO,
// which the bridge may use.
func limit(n int) string { return " LIMIT " + strconv.Itoa(n) }
