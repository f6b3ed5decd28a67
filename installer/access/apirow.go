package access

import (
	"context"
	"fmt"

	"github.com/ocsetup/ocsetup/installer/db"
)

// apiRow is an existing API user as the access step reads it.
type apiRow struct {
	id, status string
	// secret is its key, "" when the channel may not carry it.
	secret string
	// sameKey: its key is the one the step was given.
	sameKey bool
	// keyHidden: the key was not read, only compared (the bridge over
	// plain HTTP, where a stored key would cross readable).
	keyHidden bool
}

// readAPIRow reads the user named name, and whether its key is key. Over
// the bridge on plain HTTP the key is only compared in the database:
// this step writes its own key there, and never reads a stored one back.
func readAPIRow(ctx context.Context, d db.DB, api, nameCol, keyCol, name, key string) (*apiRow, error) {
	hidden := false
	for _, c := range db.HiddenColumns(d, "api") {
		hidden = hidden || c == keyCol
	}
	if hidden {
		row, err := d.QueryRow(ctx, fmt.Sprintf("SELECT api_id, status, (`%s` = ?) AS same_key FROM %s WHERE `%s` = ? ORDER BY api_id LIMIT 1", keyCol, api, nameCol), key, name)
		if err != nil {
			return nil, err
		}
		return &apiRow{id: row.String("api_id"), status: row.String("status"), sameKey: row.String("same_key") == "1", keyHidden: true}, nil
	}
	row, err := d.QueryRow(ctx, fmt.Sprintf("SELECT api_id, `%s` AS secret, status FROM %s WHERE `%s` = ? ORDER BY api_id LIMIT 1", keyCol, api, nameCol), name)
	if err != nil {
		return nil, err
	}
	return &apiRow{id: row.String("api_id"), status: row.String("status"), secret: row.String("secret"), sameKey: row.String("secret") == key}, nil
}
