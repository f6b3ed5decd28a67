package settings

import (
	"context"
	"errors"

	"github.com/ocsetup/ocsetup/installer/admin"
	"github.com/ocsetup/ocsetup/installer/db"
)

// LoginOpener opens the admin with the merchant's own login; done logs
// the session out.
func LoginOpener(adminURL string, d admin.Dialect, l admin.Login, opt admin.Options) SessionOpener {
	return func(ctx context.Context) (AdminSession, func(context.Context) error, error) {
		s, err := admin.Open(ctx, adminURL, d, l, opt)
		if err != nil {
			return nil, nil, err
		}
		return s, s.Close, nil
	}
}

// TempAccountOpener makes a temporary Administrator account in the
// database, logs in with it, and on done logs out and removes the
// account. The account is recorded in place.DataDir first, so that a run
// that is killed leaves a record for admin.CleanupLeftovers.
func TempAccountOpener(adminURL string, d admin.Dialect, conn db.DB, sc *db.Schema, place admin.RecordPlace, opt admin.Options) SessionOpener {
	return func(ctx context.Context) (AdminSession, func(context.Context) error, error) {
		acc, err := admin.CreateTempAccount(ctx, conn, sc, d.Line, place)
		if err != nil {
			return nil, nil, err
		}
		s, err := admin.Open(ctx, adminURL, d, acc.Login, opt)
		if err != nil {
			return nil, nil, errors.Join(err, acc.Remove(context.WithoutCancel(ctx)))
		}
		done := func(ctx context.Context) error {
			return errors.Join(s.Close(ctx), acc.Remove(ctx))
		}
		return s, done, nil
	}
}
