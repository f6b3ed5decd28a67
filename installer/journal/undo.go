package journal

import (
	"context"
	"fmt"
	"strings"

	"github.com/ocsetup/ocsetup/installer/db"
)

// Undo reverses changes on the store, newest first: rows the setup added
// are deleted, rows it changed or removed are put back with their old
// values and keys. A row the merchant changed since (it no longer is what
// the setup left) is left alone and reported, so that undo never destroys
// work done after the setup. It returns the rows it reversed and those it
// left. Rows in ours (see Touched) were changed by ocsetup's own steps
// since (the store's uninstall route) and are put back whatever they hold.
func Undo(ctx context.Context, d db.DB, sc *db.Schema, shape Image, changes []Change, ours map[string]bool) (done, left int, err error) {
	now, err := Capture(ctx, d, sc)
	if err != nil {
		return 0, 0, err
	}
	var skipped []string
	err = d.Tx(ctx, func(tx db.Tx) error {
		done, left, skipped = 0, 0, nil
		for i := len(changes) - 1; i >= 0; i-- {
			c := changes[i]
			t, cur := shape[c.Table], now[c.Table]
			if t == nil || cur == nil {
				continue
			}
			table, err := db.Table(sc.Prefix, c.Table)
			if err != nil {
				return err
			}
			curByKey := cur.byKey()
			var current []*string
			ok := false
			// Secret columns the image lacks (read over the bridge on
			// plain HTTP, which never carries them): the row cannot be
			// written back whole, only its other columns.
			partial := lacksHidden(d, c.Table, t)
			if c.After != nil {
				current, ok = curByKey[t.keyOf(c.After)]
				mine := ours[c.Table+"\x1e"+t.keyOf(c.After)]
				if ok && !mine && !sameByName(cur, current, t, c.After) && !(c.Before != nil && sameByName(cur, current, t, c.Before)) {
					left++
					skipped = append(skipped, fmt.Sprintf("%s row %s", table, describeKey(t, c.After)))
					continue
				}
				if partial && ok && c.Before != nil && t.keyOf(c.Before) == t.keyOf(c.After) {
					// Put the other columns back and keep the secret one
					// as it is: deleting and inserting would blank it.
					where, wargs := whereKey(t, c.After)
					var sets []string
					var args []any
					for i, col := range t.Columns {
						sets = append(sets, "`"+col+"` = ?")
						if c.Before[i] != nil {
							args = append(args, *c.Before[i])
						} else {
							args = append(args, nil)
						}
					}
					tx.Exec("UPDATE "+table+" SET "+strings.Join(sets, ", ")+" WHERE "+where, append(args, wargs...)...)
					done++
					continue
				}
				if partial && c.Before != nil {
					left++
					skipped = append(skipped, fmt.Sprintf("%s row %s (its secret columns were never read over plain HTTP, so it cannot be put back whole)", table, describeKey(t, c.Before)))
					continue
				}
				if ok {
					where, args := whereKey(t, c.After)
					tx.Exec("DELETE FROM "+table+" WHERE "+where, args...)
				}
			}
			if c.Before != nil && partial {
				left++
				skipped = append(skipped, fmt.Sprintf("%s row %s (its secret columns were never read over plain HTTP, so it cannot be put back whole)", table, describeKey(t, c.Before)))
				continue
			}
			if c.Before != nil {
				if _, taken := curByKey[t.keyOf(c.Before)]; taken && (c.After == nil || t.keyOf(c.After) != t.keyOf(c.Before)) {
					left++
					skipped = append(skipped, fmt.Sprintf("%s row %s (its key is taken again)", table, describeKey(t, c.Before)))
					continue
				}
				cols := make([]string, len(t.Columns))
				marks := make([]string, len(t.Columns))
				args := make([]any, len(t.Columns))
				for i, col := range t.Columns {
					cols[i], marks[i] = "`"+col+"`", "?"
					if c.Before[i] != nil {
						args[i] = *c.Before[i]
					}
				}
				tx.Exec("INSERT INTO "+table+" ("+strings.Join(cols, ", ")+") VALUES ("+strings.Join(marks, ", ")+")", args...)
			}
			done++
		}
		return nil
	})
	if err != nil {
		return 0, 0, err
	}
	if len(skipped) > 0 {
		return done, left, &ChangedSinceError{Rows: skipped}
	}
	return done, left, nil
}

// Touched are the rows changes name, as keys for Undo's ours.
func Touched(shape Image, changes []Change) map[string]bool {
	out := map[string]bool{}
	for _, c := range changes {
		t := shape[c.Table]
		if t == nil {
			continue
		}
		for _, row := range [][]*string{c.Before, c.After} {
			if row != nil {
				out[c.Table+"\x1e"+t.keyOf(row)] = true
			}
		}
	}
	return out
}

// ChangedSinceError names rows that were changed after the setup and
// were therefore left as they are.
type ChangedSinceError struct{ Rows []string }

func (e *ChangedSinceError) Error() string {
	return "these rows were changed after the setup and were left as they are: " + strings.Join(e.Rows, "; ")
}

func whereKey(t *Table, row []*string) (string, []any) {
	var parts []string
	var args []any
	for _, k := range t.Key {
		i := t.index(k)
		if row[i] == nil {
			parts = append(parts, "`"+k+"` IS NULL")
			continue
		}
		parts = append(parts, "`"+k+"` = ?")
		args = append(args, *row[i])
	}
	return strings.Join(parts, " AND "), args
}

func describeKey(t *Table, row []*string) string {
	var parts []string
	for _, k := range t.Key {
		if i := t.index(k); i >= 0 && row[i] != nil {
			parts = append(parts, k+"="+*row[i])
		}
	}
	if len(parts) > 3 {
		parts = parts[:3]
	}
	return strings.Join(parts, ",")
}

// lacksHidden says whether the image of table lacks a column d keeps
// secret (the bridge over plain HTTP): the image was read without it.
func lacksHidden(d db.DB, table string, t *Table) bool {
	for _, h := range db.HiddenColumns(d, table) {
		if t.index(h) < 0 {
			return true
		}
	}
	return false
}

// sameByName says whether row a of table ta and row b of table tb hold
// the same values in the columns both tables have: images read over
// different routes may differ in the secret columns.
func sameByName(ta *Table, a []*string, tb *Table, b []*string) bool {
	if strings.Join(ta.Columns, ",") == strings.Join(tb.Columns, ",") {
		return sameRow(a, b)
	}
	for i, col := range ta.Columns {
		j := tb.index(col)
		if j < 0 {
			continue
		}
		if (a[i] == nil) != (b[j] == nil) || a[i] != nil && *a[i] != *b[j] {
			return false
		}
	}
	return true
}
