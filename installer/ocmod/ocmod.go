// Package ocmod registers a package's OCMOD modification (install.xml) in
// the store's modification table, the way the store's own extension
// installer does on each line, and takes it out again. The modification
// only takes effect after the admin's Modifications > Refresh, which the
// caller runs through the admin session. docs/opencart.md ("OCMOD") has
// the table per line.
package ocmod

import (
	"context"
	"errors"
	"fmt"
	"regexp"

	"github.com/ocsetup/ocsetup/installer/db"
	"github.com/ocsetup/ocsetup/installer/pkg"
	"github.com/ocsetup/ocsetup/installer/store"
)

// ErrNoModifications: the line has no modification system (1.5 uses
// vQmod, 4.0 dropped OCMOD).
var ErrNoModifications = errors.New("this OpenCart line has no OCMOD modification system")

var columnRE = regexp.MustCompile(`^[a-z_]{1,64}$`)

// HasModifications reports whether the line has the OCMOD modification
// system (1.5 has vQmod only, 4.0 dropped it, 4.1 brought it back).
func HasModifications(line store.Line) bool { return line != store.Line15 && line != store.Line40 }

// Registration records a registration, with what undoing it needs.
type Registration struct {
	Code string `json:"code"`
	Name string `json:"name"`
	// Previous is the row the store had with the same code (the store's
	// own installer deletes it before adding the new one), nil when none.
	Previous map[string]*string `json:"previous,omitempty"`
	// Same: the store already had this very modification; nothing changed.
	Same bool `json:"same,omitempty"`
}

// Plan reads what registering mod would change.
func Plan(ctx context.Context, d db.DB, sc *db.Schema, line store.Line, mod *pkg.OCMOD) (*Registration, error) {
	switch {
	case mod == nil:
		return nil, errors.New("ocmod: no modification")
	case mod.Err != nil:
		return nil, fmt.Errorf("the package's %s cannot be read (%v); the store's own installer would refuse it too", mod.Path, mod.Err)
	case mod.VQmod:
		return nil, fmt.Errorf("the package's %s is a vQmod script, which the OCMOD system cannot run; install vQmod, or ask the vendor for the OCMOD version", mod.Path)
	case mod.Code == "":
		return nil, fmt.Errorf("the package's %s has no <code>, which the store's installer requires", mod.Path)
	case mod.Data == nil:
		return nil, fmt.Errorf("the package's %s is too large to register", mod.Path)
	}
	if !HasModifications(line) || !sc.Has("modification") {
		return nil, ErrNoModifications
	}
	table, err := db.Table(sc.Prefix, "modification")
	if err != nil {
		return nil, err
	}
	reg := &Registration{Code: mod.Code, Name: mod.Name}
	rows, err := d.Query(ctx, "SELECT * FROM "+table+" WHERE code = ?", mod.Code)
	if err != nil {
		return nil, err
	}
	if rows.Len() > 0 {
		row := rows.Row(0)
		reg.Previous = map[string]*string{}
		for i, c := range row.Columns {
			if v := row.Values[i]; v.Valid {
				s := v.String
				reg.Previous[c] = &s
			} else {
				reg.Previous[c] = nil
			}
		}
		if x := reg.Previous["xml"]; x != nil && *x == string(mod.Data) && deref(reg.Previous["status"]) == "1" {
			reg.Same = true
		}
	}
	return reg, nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// Register puts the modification in, enabled, replacing a row with the
// same code as the store's installer does. The caller records reg first.
func Register(ctx context.Context, d db.DB, sc *db.Schema, mod *pkg.OCMOD, reg *Registration) error {
	if reg.Same {
		return nil
	}
	table, err := db.Table(sc.Prefix, "modification")
	if err != nil {
		return err
	}
	cols := "name, code, author, version, link, xml, status, date_added"
	vals := "?, ?, ?, ?, ?, ?, 1, NOW()"
	args := []any{mod.Name, mod.Code, mod.Author, mod.Version, mod.Link, string(mod.Data)}
	if sc.HasColumn("modification", "extension_install_id") {
		cols, vals = "extension_install_id, "+cols, "0, "+vals
	}
	if sc.HasColumn("modification", "description") {
		cols, vals = cols+", description", vals+", ''"
	}
	return d.Tx(ctx, func(tx db.Tx) error {
		tx.Exec("DELETE FROM "+table+" WHERE code = ?", mod.Code)
		tx.Exec("INSERT INTO "+table+" ("+cols+") VALUES ("+vals+")", args...)
		return nil
	})
}

// Unregister takes the modification out and puts back the row it
// replaced, with its own id.
func Unregister(ctx context.Context, d db.DB, sc *db.Schema, reg *Registration) error {
	if reg.Same {
		return nil
	}
	table, err := db.Table(sc.Prefix, "modification")
	if err != nil {
		return err
	}
	return d.Tx(ctx, func(tx db.Tx) error {
		tx.Exec("DELETE FROM "+table+" WHERE code = ?", reg.Code)
		if reg.Previous != nil {
			var cols, marks string
			var args []any
			for c, v := range reg.Previous {
				if !columnRE.MatchString(c) {
					return fmt.Errorf("ocmod: the recorded column %q is not a column name", c)
				}
				if cols != "" {
					cols, marks = cols+", ", marks+", "
				}
				cols += "`" + c + "`"
				marks += "?"
				if v == nil {
					args = append(args, nil)
				} else {
					args = append(args, *v)
				}
			}
			tx.Exec("INSERT INTO "+table+" ("+cols+") VALUES ("+marks+")", args...)
		}
		return nil
	})
}
