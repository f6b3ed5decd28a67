package settings

import (
	"context"

	"github.com/ocsetup/ocsetup/installer/db"
	"github.com/ocsetup/ocsetup/installer/msg"
	"github.com/ocsetup/ocsetup/installer/store"
)

// GrantPermissions gives the Administrator group access and modify
// permission for routes it lacks, in the line's encoding (one UPDATE of
// one row). It reports whether anything changed.
func GrantPermissions(ctx context.Context, d db.DB, sc *db.Schema, line store.Line, routes ...string) (bool, error) {
	if len(routes) == 0 {
		return false, nil
	}
	group, err := administratorGroupID(ctx, d, sc)
	if err != nil {
		return false, err
	}
	t, err := db.Table(sc.Prefix, "user_group")
	if err != nil {
		return false, err
	}
	row, err := d.QueryRow(ctx, "SELECT permission FROM "+t+" WHERE user_group_id = ?", group)
	if err != nil {
		return false, err
	}
	p, err := decodePermissions(line, row.String("permission"))
	if err != nil {
		return false, msg.Wrap(err, "error.settings.permissions_unreadable")
	}
	changed := false
	for _, r := range routes {
		a, m := p.add("access", r), p.add("modify", r)
		changed = changed || a || m
	}
	if !changed {
		return false, nil
	}
	v, err := p.encode(line)
	if err != nil {
		return false, err
	}
	return true, d.Tx(ctx, func(tx db.Tx) error {
		tx.Exec("UPDATE "+t+" SET permission = ? WHERE user_group_id = ?", v, group)
		return nil
	})
}
