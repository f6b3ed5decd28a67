package access

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/ocsetup/ocsetup/installer/db"
	"github.com/ocsetup/ocsetup/installer/msg"
	"github.com/ocsetup/ocsetup/installer/store"
)

// APIPreview says what EnsureAPIUser would change, before anything is
// changed, so the merchant sees it and agrees.
type APIPreview struct {
	// Exists: a user of that name is already on the store.
	Exists bool
	// KeyReplaced: the existing user's key differs and would be replaced.
	KeyReplaced bool
	// Enabled: the existing user is disabled and would be enabled.
	Enabled bool
	// IPsAdded are the addresses not yet allowed for the user.
	IPsAdded []string
	// NoAPIUsers: the line has no API users (1.5: the REST API module's
	// key is set instead).
	NoAPIUsers bool
}

// Changes reports whether applying would change an existing user.
func (p *APIPreview) Changes() bool {
	return p.Exists && (p.KeyReplaced || p.Enabled || len(p.IPsAdded) > 0)
}

// PreviewAPIUser reads what EnsureAPIUser(u) would do, writing nothing.
func PreviewAPIUser(ctx context.Context, d db.DB, sc *db.Schema, line store.Line, u APIUser) (*APIPreview, error) {
	if !sc.Has("api") {
		return &APIPreview{NoAPIUsers: true}, nil
	}
	nameCol, keyCol := sc.APINameColumn(), sc.APISecretColumn()
	if nameCol == "" || keyCol == "" {
		return nil, msg.NewError("error.access.api_columns")
	}
	api, err := db.Table(sc.Prefix, "api")
	if err != nil {
		return nil, err
	}
	out := &APIPreview{}
	row, err := readAPIRow(ctx, d, api, nameCol, keyCol, u.Name, u.Key)
	existing := map[string]bool{}
	switch {
	case errors.Is(err, db.ErrNoRows):
	case err != nil:
		return nil, err
	default:
		out.Exists = true
		out.KeyReplaced = !row.sameKey
		out.Enabled = row.status != "1"
		id, _ := strconv.ParseInt(row.id, 10, 64)
		if existing, err = ipsOf(ctx, d, sc, id); err != nil {
			return nil, err
		}
	}
	if sc.Has("api_ip") {
		seen := map[string]bool{}
		for _, ip := range u.IPs {
			if !existing[ip] && !seen[ip] {
				seen[ip] = true
				out.IPsAdded = append(out.IPsAdded, ip)
			}
		}
	}
	return out, nil
}

// ListAPIUsers names the store's API users in api_id order (none on 1.5),
// for the merchant to pick one instead of a new user.
func ListAPIUsers(ctx context.Context, d db.DB, sc *db.Schema) ([]string, error) {
	if !sc.Has("api") {
		return nil, nil
	}
	nameCol := sc.APINameColumn()
	if nameCol == "" {
		return nil, msg.NewError("error.access.api_name_column")
	}
	api, err := db.Table(sc.Prefix, "api")
	if err != nil {
		return nil, err
	}
	rows, err := d.Query(ctx, fmt.Sprintf("SELECT `%s` AS name FROM %s ORDER BY api_id", nameCol, api))
	if err != nil {
		return nil, err
	}
	var out []string
	for i := 0; i < rows.Len(); i++ {
		out = append(out, rows.Row(i).String("name"))
	}
	return out, nil
}
