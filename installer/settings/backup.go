package settings

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/ocsetup/ocsetup/installer/db"
	"github.com/ocsetup/ocsetup/installer/msg"
)

// OpenCart up to 3.x keeps its tables in MyISAM, which MySQL cannot roll
// back: a transaction that fails half-way leaves its first statements
// written (db.SQLError.NotRolledBack). So before the fallback writes, it
// reads every row its statements can touch — each a "slice" of a table
// given by equality conditions — and saves them to a file in the app's
// data folder. Undo puts each slice back exactly: it deletes what the
// conditions match now and inserts the saved rows with all their columns
// (ids included), in one transaction.

// Cond is one condition of a slice: column = value, or column LIKE value.
type Cond struct {
	Column string `json:"column"`
	Value  string `json:"value"`
	Like   bool   `json:"like,omitempty"`
}

// Slice is the rows of one table that a change may touch, as they were.
type Slice struct {
	Table string               `json:"table"` // without prefix
	Where []Cond               `json:"where"`
	Rows  []map[string]*string `json:"rows"`
}

// Backup is every slice a change touches, read before the change.
type Backup struct {
	Created  time.Time `json:"created"`
	Database string    `json:"database"`
	Prefix   string    `json:"prefix"`
	Profile  string    `json:"profile"`
	Slices   []Slice   `json:"slices"`

	// File is where the backup was saved.
	File string `json:"-"`
}

// where builds "a = ? AND b LIKE ?" with checked column names.
func (s Slice) where() (string, []any, error) {
	parts := make([]string, len(s.Where))
	args := make([]any, len(s.Where))
	for i, c := range s.Where {
		if !columnRE.MatchString(c.Column) {
			return "", nil, fmt.Errorf("column %q is not a plain name", c.Column)
		}
		op := "="
		if c.Like {
			op = "LIKE"
		}
		parts[i], args[i] = "`"+c.Column+"` "+op+" ?", c.Value
	}
	return strings.Join(parts, " AND "), args, nil
}

// read fills the slice's rows from the database.
func (s *Slice) read(ctx context.Context, d db.DB, prefix string) error {
	table, err := db.Table(prefix, s.Table)
	if err != nil {
		return err
	}
	w, args, err := s.where()
	if err != nil {
		return err
	}
	rows, err := d.Query(ctx, "SELECT * FROM "+table+" WHERE "+w, args...)
	if err != nil {
		return err
	}
	s.Rows = nil
	for i := 0; i < rows.Len(); i++ {
		r := map[string]*string{}
		for j, c := range rows.Columns {
			if v := rows.Values[i][j]; v.Valid {
				val := v.String
				r[c] = &val
			} else {
				r[c] = nil
			}
		}
		s.Rows = append(s.Rows, r)
	}
	return nil
}

// readBackup reads every slice.
func readBackup(ctx context.Context, d db.DB, sc *db.Schema, profile string, slices []Slice) (*Backup, error) {
	b := &Backup{Created: time.Now().UTC().Truncate(time.Second), Database: sc.Database, Prefix: sc.Prefix, Profile: profile}
	for _, s := range slices {
		if err := s.read(ctx, d, sc.Prefix); err != nil {
			return nil, fmt.Errorf("reading the rows to keep (%s): %w", s.Table, err)
		}
		b.Slices = append(b.Slices, s)
	}
	return b, nil
}

// backupsDir is the data folder's sub-folder of settings backups.
const backupsDir = "settings-backups"

// save writes the backup to dataDir/settings-backups; it is kept after
// the change (it is the way back), and holds the store's settings, so
// only the user may read it.
func (b *Backup) save(dataDir string) error {
	if dataDir == "" {
		return errors.New("no data folder to keep the previous settings in")
	}
	dir := filepath.Join(dataDir, backupsDir)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	data, err := json.MarshalIndent(b, "", "  ")
	if err != nil {
		return err
	}
	name := fmt.Sprintf("%s-%s-%s.json", b.Created.Format("20060102-150405"), b.Database, b.Profile)
	final := filepath.Join(dir, strings.NewReplacer("/", "_", string(filepath.Separator), "_").Replace(name))
	for i := 2; ; i++ {
		if _, err := os.Stat(final); errors.Is(err, os.ErrNotExist) {
			break
		}
		final = strings.TrimSuffix(final, ".json") + fmt.Sprintf("-%d.json", i)
	}
	tmp := final + ".tmp"
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		return err
	}
	if err := os.Rename(tmp, final); err != nil {
		_ = os.Remove(tmp)
		return err
	}
	b.File = final
	return nil
}

// LoadBackup reads a saved backup.
func LoadBackup(file string) (*Backup, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var b Backup
	if err := json.Unmarshal(data, &b); err != nil {
		return nil, msg.Wrap(err, "error.settings.backup_damaged", "File", file)
	}
	b.File = file
	return &b, nil
}

// Undo puts every slice of the backup back as it was: what the slice's
// conditions match now is deleted and the saved rows are inserted with
// all their columns. The database must be the backup's.
func Undo(ctx context.Context, d db.DB, sc *db.Schema, b *Backup) error {
	if sc.Database != b.Database || sc.Prefix != b.Prefix {
		return msg.NewError("error.settings.backup_other_database", "Database", b.Database, "Prefix", b.Prefix, "StoreDatabase", sc.Database, "StorePrefix", sc.Prefix)
	}
	return d.Tx(ctx, func(tx db.Tx) error {
		for _, s := range b.Slices {
			table, err := db.Table(sc.Prefix, s.Table)
			if err != nil {
				return err
			}
			w, args, err := s.where()
			if err != nil {
				return err
			}
			tx.Exec("DELETE FROM "+table+" WHERE "+w, args...)
			for _, r := range s.Rows {
				cols := sortedKeys(r)
				quoted := make([]string, len(cols))
				vals := make([]any, len(cols))
				for i, c := range cols {
					if !columnRE.MatchString(c) {
						return fmt.Errorf("column %q is not a plain name", c)
					}
					quoted[i] = "`" + c + "`"
					if r[c] != nil {
						vals[i] = *r[c]
					}
				}
				tx.Exec("INSERT INTO "+table+" ("+strings.Join(quoted, ", ")+") VALUES ("+strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ")+")", vals...)
			}
		}
		return nil
	})
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
