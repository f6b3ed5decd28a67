package admin

import (
	"context"
	"errors"
	"path/filepath"
	"sort"
	"time"

	"github.com/ocsetup/ocsetup/installer/db"
	"github.com/ocsetup/ocsetup/installer/records"
	"github.com/ocsetup/ocsetup/installer/remote"
)

// accountsDir is the data folder's sub-folder of temporary account records.
const accountsDir = "admin-accounts"

// RecordPlace says where a temporary account lives, so that a later start
// can reach the store's database again. It holds no secret: remote.Site
// never encodes its password, and the account's password is not kept.
type RecordPlace struct {
	// DataDir is the app's data folder, where the record is written.
	DataDir string `json:"-"`
	// Site is the hosting login the store was reached through.
	Site remote.Site `json:"site"`
	// Root is the store's folder on the site.
	Root string `json:"root"`
	// Database and Prefix name the store's tables.
	Database string `json:"database"`
	Prefix   string `json:"prefix"`
}

// AccountRecord is one temporary account that may still exist.
type AccountRecord struct {
	Place    RecordPlace `json:"place"`
	Username string      `json:"username"`
	UserID   int64       `json:"user_id,omitempty"`
	Created  time.Time   `json:"created"`

	file string
}

// save writes the record (a new file, or over its own) atomically.
func (r *AccountRecord) save() error {
	if r.Place.DataDir == "" {
		return errors.New("no data folder to record the account in")
	}
	if r.Created.IsZero() {
		r.Created = time.Now().UTC().Truncate(time.Second)
	}
	file, err := records.Write(filepath.Join(r.Place.DataDir, accountsDir), r.Username, r)
	if err != nil {
		return err
	}
	r.file = file
	return nil
}

// forget removes the record once the account is gone.
func (r *AccountRecord) forget() error {
	if r == nil {
		return nil
	}
	return records.Remove(r.file)
}

// Leftovers lists the recorded temporary accounts: those of runs that did
// not finish, and of the running one. Unreadable records are reported as
// an error with the others still listed.
func Leftovers(dataDir string) ([]AccountRecord, error) {
	recs, err := records.ReadAll(filepath.Join(dataDir, accountsDir), "temporary account record", func(r *AccountRecord) bool { return r.Username != "" })
	out := make([]AccountRecord, len(recs))
	for i, rec := range recs {
		out[i] = rec.Value
		out[i].file, out[i].Place.DataDir = rec.File, dataDir
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Created.Before(out[j].Created) })
	return out, err
}

// StoreOpener reaches the database of a recorded store for
// CleanupLeftovers; release is called when it is no longer needed. Return
// ErrSkipStore to keep the record for later (another site, no password).
type StoreOpener func(ctx context.Context, place RecordPlace) (d db.DB, sc *db.Schema, release func(), err error)

// ErrSkipStore tells CleanupLeftovers to keep a store's records.
var ErrSkipStore = errors.New("admin: store skipped")

// LeftoverResult is what CleanupLeftovers did with one record.
type LeftoverResult struct {
	Record  AccountRecord
	Removed bool
	Skipped bool
	Err     error
}

// CleanupLeftovers removes the temporary accounts of earlier runs that
// were killed before they removed them: call it at start. A record stays
// when its store could not be reached or the account not removed.
func CleanupLeftovers(ctx context.Context, dataDir string, open StoreOpener) ([]LeftoverResult, error) {
	recs, listErr := Leftovers(dataDir)
	var out []LeftoverResult
	for _, r := range recs {
		res := LeftoverResult{Record: r}
		d, sc, release, err := open(ctx, r.Place)
		switch {
		case errors.Is(err, ErrSkipStore):
			res.Skipped = true
		case err != nil:
			res.Err = err
		default:
			res.Err = removeAccount(ctx, d, sc, r.Username)
			if res.Err == nil {
				rec := r
				res.Err = rec.forget()
			}
			res.Removed = res.Err == nil
			if release != nil {
				release()
			}
		}
		out = append(out, res)
	}
	return out, listErr
}
