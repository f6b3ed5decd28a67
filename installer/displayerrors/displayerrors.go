// Package displayerrors switches OpenCart's Display Errors off and back on.
// With it on, PHP messages go into every page and before every JSON answer;
// up to 3.x they stop the admin login (a redirect cannot be sent after
// output). There are two places: the database setting config_error_display,
// which the store's startup/error handler reads, and on 3.0 and later the
// framework default error_display in system/config/default.php, which the
// handler in system/framework.php uses until the settings are loaded.
// docs/opencart.md ("Display Errors") has the details per line.
package displayerrors

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path"
	"regexp"
	"time"

	"github.com/ocsetup/ocsetup/installer/db"
	"github.com/ocsetup/ocsetup/installer/store"
)

// Files is what the switch needs of the files channel (*remote.Pool).
type Files interface {
	ReadFile(ctx context.Context, name string, limit int64) ([]byte, error)
	WriteAtomic(ctx context.Context, name string, data []byte) error
}

// Change records a switch, with everything needed to undo it. It is
// written to the data folder before the store is changed.
type Change struct {
	Root string     `json:"root"`
	Line store.Line `json:"line"`
	// Setting is the config_error_display value of the default store
	// before the switch; SettingFound is false when there was no row.
	Setting      string `json:"setting"`
	SettingFound bool   `json:"setting_found"`
	// Framework is system/config/default.php as it was, when the switch
	// changed it (nil when it was left alone).
	FrameworkFile string    `json:"framework_file,omitempty"`
	Framework     []byte    `json:"framework,omitempty"`
	At            time.Time `json:"at"`
}

// frameworkRE is the framework default as 3.0 to 4.1 ship it:
// $_['error_display']        = true;
var frameworkRE = regexp.MustCompile(`(\$_\[\s*'error_display'\s*\]\s*=\s*)(?i:true|1)(\s*;)`)

// Plan reads what switching off would change, without changing anything.
// Done is true when both places are off already.
func Plan(ctx context.Context, files Files, d db.DB, sc *db.Schema, line store.Line, root string) (ch *Change, done bool, err error) {
	ch = &Change{Root: root, Line: line, At: time.Now().UTC()}
	table, err := db.Table(sc.Prefix, "setting")
	if err != nil {
		return nil, false, err
	}
	row, err := d.QueryRow(ctx, "SELECT value FROM "+table+" WHERE store_id = 0 AND `key` = 'config_error_display'")
	switch {
	case errors.Is(err, db.ErrNoRows):
	case err != nil:
		return nil, false, err
	default:
		ch.Setting, ch.SettingFound = row.String("value"), true
	}
	dbOff := !ch.SettingFound || ch.Setting == "0" || ch.Setting == ""
	fwOff := true
	if line.AtLeast(store.Line30) {
		name := path.Join(root, "system", "config", "default.php")
		src, err := files.ReadFile(ctx, name, 1<<20)
		if err != nil {
			return nil, false, fmt.Errorf("read %s: %w", name, err)
		}
		if frameworkRE.Match(src) {
			ch.FrameworkFile, ch.Framework, fwOff = name, src, false
		}
	}
	return ch, dbOff && fwOff, nil
}

// Off switches Display Errors off in both places. The caller records ch
// (Plan's answer) before calling Off, so that a crash in between can be
// undone.
func Off(ctx context.Context, files Files, d db.DB, sc *db.Schema, ch *Change) error {
	if ch.SettingFound && ch.Setting != "0" {
		if err := setSetting(ctx, d, sc, "0"); err != nil {
			return err
		}
	}
	if ch.FrameworkFile != "" {
		off := frameworkRE.ReplaceAll(ch.Framework, []byte("${1}false${2}"))
		if err := files.WriteAtomic(ctx, ch.FrameworkFile, off); err != nil {
			return fmt.Errorf("write %s: %w", ch.FrameworkFile, err)
		}
	}
	return nil
}

// Undo puts both places back as the change found them. The framework file
// is restored only when it still is what Off wrote, so that a later edit
// by someone else is not overwritten; Undo then says so.
func Undo(ctx context.Context, files Files, d db.DB, sc *db.Schema, ch *Change) error {
	if ch.SettingFound && ch.Setting != "0" {
		if err := setSetting(ctx, d, sc, ch.Setting); err != nil {
			return err
		}
	}
	if ch.FrameworkFile == "" {
		return nil
	}
	now, err := files.ReadFile(ctx, ch.FrameworkFile, 1<<20)
	if err != nil {
		return fmt.Errorf("read %s: %w", ch.FrameworkFile, err)
	}
	if bytes.Equal(now, ch.Framework) {
		return nil
	}
	if !bytes.Equal(now, frameworkRE.ReplaceAll(ch.Framework, []byte("${1}false${2}"))) {
		return fmt.Errorf("%s was changed after ocsetup switched Display Errors off; it is left as it is (set error_display back to true by hand if you want it)", ch.FrameworkFile)
	}
	return files.WriteAtomic(ctx, ch.FrameworkFile, ch.Framework)
}

func setSetting(ctx context.Context, d db.DB, sc *db.Schema, value string) error {
	table, err := db.Table(sc.Prefix, "setting")
	if err != nil {
		return err
	}
	return d.Tx(ctx, func(tx db.Tx) error {
		tx.Exec("UPDATE "+table+" SET value = ? WHERE store_id = 0 AND `key` = 'config_error_display'", value)
		return nil
	})
}
