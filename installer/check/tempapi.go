package check

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/ocsetup/ocsetup/installer/admin"
	"github.com/ocsetup/ocsetup/installer/db"
	"github.com/ocsetup/ocsetup/installer/records"
)

// TempAPIPrefix starts the name of every API user the checkout check
// makes, so that a person who sees one under System > Users > API knows
// where it came from, and so that cleanup never touches another.
const TempAPIPrefix = "ocsetup_check_"

// apiUsersDir is the data folder's sub-folder of temporary API user records.
const apiUsersDir = "api-users"

// APIUserRecord is one temporary API user that may still exist. It holds
// no secret: the key is not kept.
type APIUserRecord struct {
	Place    admin.RecordPlace `json:"place"`
	Username string            `json:"username"`
	Created  time.Time         `json:"created"`

	file string
}

// tempAPIUser is an API user made for one checkout check: a random name,
// a random 64-character key, enabled, and the addresses allowed for it.
// It is recorded in the data folder before its row is written and removed
// (rows and record) when the check ends.
type tempAPIUser struct {
	Name  string
	Key   string
	ID    int64
	d     db.DB
	sc    *db.Schema
	rec   *APIUserRecord
	token string // the API session, whose rows go too
}

func randomHex(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}

// createTempAPIUser records the user in place.DataDir, then inserts it.
// When the record cannot be written nothing is inserted.
func createTempAPIUser(ctx context.Context, d db.DB, sc *db.Schema, place admin.RecordPlace) (*tempAPIUser, error) {
	nameCol := sc.APINameColumn()
	if !sc.Has("api") || nameCol == "" || !sc.HasColumn("api", "key") {
		return nil, errors.New("the store has no API user table with a key column (OpenCart 2.1 or later has one)")
	}
	api, err := db.Table(sc.Prefix, "api")
	if err != nil {
		return nil, err
	}
	suffix, err := randomHex(4)
	if err != nil {
		return nil, err
	}
	key, err := randomHex(32)
	if err != nil {
		return nil, err
	}
	u := &tempAPIUser{Name: TempAPIPrefix + suffix, Key: key, d: d, sc: sc}
	if place.DataDir == "" {
		return nil, errors.New("no data folder to record the temporary API user in; nothing was changed")
	}
	u.rec = &APIUserRecord{Place: place, Username: u.Name, Created: time.Now().UTC().Truncate(time.Second)}
	if u.rec.file, err = records.Write(filepath.Join(place.DataDir, apiUsersDir), u.Name, u.rec); err != nil {
		return nil, fmt.Errorf("could not record the temporary API user before making it (so it could not be removed after a crash); nothing was changed: %w", err)
	}
	err = d.Tx(ctx, func(tx db.Tx) error {
		tx.Exec(fmt.Sprintf("INSERT INTO %s (`%s`, `key`, status, date_added, date_modified) VALUES (?, ?, 1, NOW(), NOW())", api, nameCol), u.Name, u.Key)
		return nil
	})
	if err != nil {
		_ = records.Remove(u.rec.file)
		return nil, fmt.Errorf("could not create the temporary API user: %w", err)
	}
	row, err := d.QueryRow(ctx, fmt.Sprintf("SELECT api_id FROM %s WHERE `%s` = ?", api, nameCol), u.Name)
	if err != nil {
		return u, fmt.Errorf("the temporary API user %s was created but could not be read back: %w", u.Name, err)
	}
	u.ID, _ = strconv.ParseInt(row.String("api_id"), 10, 64)
	return u, nil
}

// allow adds ip to the user's allowed addresses.
func (u *tempAPIUser) allow(ctx context.Context, ip string) error {
	table, err := db.Table(u.sc.Prefix, "api_ip")
	if err != nil {
		return err
	}
	return u.d.Tx(ctx, func(tx db.Tx) error {
		tx.Exec(fmt.Sprintf("INSERT INTO %s (api_id, ip) VALUES (?, ?)", table), u.ID, ip)
		return nil
	})
}

// remove deletes the user with its addresses, sessions and call history,
// then its record.
func (u *tempAPIUser) remove(ctx context.Context) error {
	if err := removeAPIUser(ctx, u.d, u.sc, u.Name, u.token); err != nil {
		return fmt.Errorf("the temporary API user %s could not be removed now (ocsetup removes it at its next start; or delete it under System > Users > API): %w", u.Name, err)
	}
	return records.Remove(u.rec.file)
}

// removeAPIUser deletes a temporary API user by name and what its use left
// (api_ip, api_session, 4.1's api_history, its cart rows; the session row
// of token). The
// name must carry TempAPIPrefix: this never deletes a merchant's API user.
func removeAPIUser(ctx context.Context, d db.DB, sc *db.Schema, name, token string) error {
	if !strings.HasPrefix(name, TempAPIPrefix) {
		return fmt.Errorf("refusing to delete the API user %q: it is not one ocsetup made", name)
	}
	api, err := db.Table(sc.Prefix, "api")
	if err != nil {
		return err
	}
	rows, err := d.Query(ctx, fmt.Sprintf("SELECT api_id FROM %s WHERE `%s` = ?", api, sc.APINameColumn()), name)
	if err != nil {
		return err
	}
	return d.Tx(ctx, func(tx db.Tx) error {
		for i := 0; i < rows.Len(); i++ {
			id := rows.Row(i).String("api_id")
			// The test cart: 2.3 to 4.0 keep an API session's cart rows
			// under its api_id, and the check orders nothing to empty it.
			for _, t := range []string{"api_ip", "api_session", "api_history", "cart"} {
				if !sc.HasColumn(t, "api_id") {
					continue
				}
				name, err := db.Table(sc.Prefix, t)
				if err != nil {
					return err
				}
				tx.Exec(fmt.Sprintf("DELETE FROM %s WHERE api_id = ?", name), id)
			}
			tx.Exec(fmt.Sprintf("DELETE FROM %s WHERE api_id = ?", api), id)
		}
		// 3.0 and 4.0 keep the API session's data in the session table.
		if token != "" && sc.Has("session") {
			session, err := db.Table(sc.Prefix, "session")
			if err != nil {
				return err
			}
			tx.Exec(fmt.Sprintf("DELETE FROM %s WHERE session_id = ?", session), token)
		}
		return nil
	})
}

// APILeftovers lists the recorded temporary API users: those of checks
// that were killed before they removed them, and of a running one.
func APILeftovers(dataDir string) ([]APIUserRecord, error) {
	recs, err := records.ReadAll(filepath.Join(dataDir, apiUsersDir), "temporary API user record", func(r *APIUserRecord) bool {
		return strings.HasPrefix(r.Username, TempAPIPrefix)
	})
	out := make([]APIUserRecord, len(recs))
	for i, rec := range recs {
		out[i] = rec.Value
		out[i].file, out[i].Place.DataDir = rec.File, dataDir
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Created.Before(out[j].Created) })
	return out, err
}

// APILeftoverResult is what CleanupAPILeftovers did with one record.
type APILeftoverResult struct {
	Record  APIUserRecord
	Removed bool
	Skipped bool
	Err     error
}

// CleanupAPILeftovers removes the temporary API users of earlier checks
// that were killed before they removed them: call it at start, where the
// temporary admin accounts are cleaned (open is the same opener). A record
// stays when its store could not be reached or the user not removed.
func CleanupAPILeftovers(ctx context.Context, dataDir string, open admin.StoreOpener) ([]APILeftoverResult, error) {
	recs, listErr := APILeftovers(dataDir)
	var out []APILeftoverResult
	for _, r := range recs {
		res := APILeftoverResult{Record: r}
		d, sc, release, err := open(ctx, r.Place)
		switch {
		case errors.Is(err, admin.ErrSkipStore):
			res.Skipped = true
		case err != nil:
			res.Err = err
		default:
			res.Err = removeAPIUser(ctx, d, sc, r.Username, "")
			if res.Err == nil {
				res.Err = records.Remove(r.file)
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
