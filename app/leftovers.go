package app

import (
	"context"

	"github.com/ocsetup/ocsetup/installer/db"
	"github.com/ocsetup/ocsetup/installer/remote"
)

// cleanupBridges removes the database bridges an earlier, interrupted run
// left on the site pool is connected to; those of other sites stay
// recorded until ocsetup connects to them.
func cleanupBridges(ctx context.Context, dataDir string, pool *remote.Pool) ([]db.LeftoverResult, error) {
	site := pool.Site()
	return db.CleanupLeftovers(ctx, dataDir, func(_ context.Context, s remote.Site) (db.FileRemover, func(), error) {
		if !db.SameSite(s, site) {
			return nil, nil, db.ErrSkipSite
		}
		return pool, nil, nil
	})
}
