package journal

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/ocsetup/ocsetup/installer/db"
)

// Tracked are the store's tables a setup changes, directly or through the
// extension's own install() and save in the admin: settings, extension
// rows, OCMOD modifications, events, permissions, API users and their
// addresses, order statuses (LatitudePay adds one) and admin accounts.
// Tables a line lacks are skipped. The extension's own tables are its
// install()'s and go with its uninstall().
var Tracked = []string{"setting", "extension", "extension_install", "extension_path", "event", "user_group",
	"modification", "api", "api_ip", "order_status", "user", "module", "layout_module"}

// Table is the content of one table at one moment. Values are text or nil
// (NULL), as the database channel reads them.
type Table struct {
	Columns []string    `json:"columns"`
	Key     []string    `json:"key"`
	Rows    [][]*string `json:"rows"`
}

// Image is the content of the tracked tables at one moment.
type Image map[string]*Table

// Capture reads the tracked tables the store has.
func Capture(ctx context.Context, d db.DB, sc *db.Schema) (Image, error) {
	img := Image{}
	for _, name := range Tracked {
		if !sc.Has(name) {
			continue
		}
		table, err := db.Table(sc.Prefix, name)
		if err != nil {
			return nil, err
		}
		keys, err := d.Query(ctx, "SHOW KEYS FROM "+table+" WHERE Key_name = 'PRIMARY'")
		if err != nil {
			return nil, fmt.Errorf("read the primary key of %s: %w", table, err)
		}
		t := &Table{}
		for i := 0; i < keys.Len(); i++ {
			t.Key = append(t.Key, keys.Row(i).String("Column_name"))
		}
		rows, err := d.Query(ctx, "SELECT "+columnsOf(ctx, d, name, table)+" FROM "+table)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", table, err)
		}
		t.Columns = rows.Columns
		if len(t.Key) == 0 {
			t.Key = t.Columns // no primary key: the whole row is its identity
		}
		for _, vals := range rows.Values {
			row := make([]*string, len(vals))
			for i, v := range vals {
				if v.Valid {
					s := v.String
					row[i] = &s
				}
			}
			t.Rows = append(t.Rows, row)
		}
		img[name] = t
	}
	return img, nil
}

// columnsOf is "*", or, when the channel keeps some of the table's
// columns secret (the database bridge over plain HTTP: API keys, password
// hashes), the others by name. A setup writes such a column's new value
// but never reads a stored one across plain HTTP, so an undo can delete
// or restore the rest of the row but not an old key or hash.
func columnsOf(ctx context.Context, d db.DB, name, table string) string {
	hidden := db.HiddenColumns(d, name)
	if len(hidden) == 0 {
		return "*"
	}
	rows, err := d.Query(ctx, "SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION", strings.Trim(table, "`"))
	if err != nil || rows.Len() == 0 {
		return "*" // the read names the cause of a refusal
	}
	var cols []string
	for i := 0; i < rows.Len(); i++ {
		c := rows.Row(i).String("COLUMN_NAME")
		keep := !strings.Contains(c, "`")
		for _, h := range hidden {
			keep = keep && !strings.EqualFold(c, h)
		}
		if keep {
			cols = append(cols, "`"+c+"`")
		}
	}
	return strings.Join(cols, ", ")
}

func (t *Table) index(col string) int {
	for i, c := range t.Columns {
		if c == col {
			return i
		}
	}
	return -1
}

// keyOf is a row's primary key as one comparable string.
func (t *Table) keyOf(row []*string) string {
	var b strings.Builder
	for _, k := range t.Key {
		i := t.index(k)
		if i < 0 || row[i] == nil {
			b.WriteString("\x00NULL")
		} else {
			b.WriteString("\x00" + *row[i])
		}
		b.WriteByte(0x1f)
	}
	return b.String()
}

func (t *Table) byKey() map[string][]*string {
	m := make(map[string][]*string, len(t.Rows))
	for _, r := range t.Rows {
		m[t.keyOf(r)] = r
	}
	return m
}

func sameRow(a, b []*string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if (a[i] == nil) != (b[i] == nil) || a[i] != nil && *a[i] != *b[i] {
			return false
		}
	}
	return true
}

// Change is one row the setup added, changed or removed.
type Change struct {
	Table  string    `json:"table"`
	Before []*string `json:"before,omitempty"` // nil: the setup added the row
	After  []*string `json:"after,omitempty"`  // nil: the setup removed the row
}

// Uncompared lists the tables, in Tracked order, that both images hold
// with different columns, which Diff cannot compare: an image read over
// the plain-HTTP bridge lacks the secret columns of one read directly.
func Uncompared(before, after Image) []string {
	var out []string
	for _, name := range Tracked {
		b, a := before[name], after[name]
		if b != nil && a != nil && strings.Join(b.Columns, ",") != strings.Join(a.Columns, ",") {
			out = append(out, name)
		}
	}
	return out
}

// Diff lists what changed between two images of the same store, table by
// table in Tracked order, rows by key; a table Uncompared lists is left out.
func Diff(before, after Image) []Change {
	var out []Change
	for _, name := range Tracked {
		b, a := before[name], after[name]
		if b == nil || a == nil || strings.Join(b.Columns, ",") != strings.Join(a.Columns, ",") {
			continue
		}
		bm, am := b.byKey(), a.byKey()
		var keys []string
		for k := range bm {
			keys = append(keys, k)
		}
		for k := range am {
			if _, ok := bm[k]; !ok {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		for _, k := range keys {
			br, bok := bm[k]
			ar, aok := am[k]
			switch {
			case bok && aok && sameRow(br, ar):
			case bok && aok:
				out = append(out, Change{Table: name, Before: br, After: ar})
			case bok:
				out = append(out, Change{Table: name, Before: br})
			default:
				out = append(out, Change{Table: name, After: ar})
			}
		}
	}
	return out
}
