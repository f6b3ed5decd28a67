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

// earlierLeftovers is the test's leftovers check for a run that starts
// now: the temporary files recorded for a site before this run began that
// are still recorded when the check asks. What the run records meanwhile
// (its database bridge, its PHP probe) is in use, not left over: the
// check runs beside the database route and the probe, so it would
// otherwise see them half the time. site is asked at check time (the
// connection may name the site more precisely than the setup file).
func earlierLeftovers(dataDir string, site func() remote.Site) func(context.Context) ([]db.BridgeRecord, error) {
	before := map[string]bool{}
	recs, startErr := db.Leftovers(dataDir)
	for _, r := range recs {
		before[r.Path] = true
	}
	return func(context.Context) ([]db.BridgeRecord, error) {
		recs, err := db.Leftovers(dataDir)
		if err == nil {
			err = startErr
		}
		var left []db.BridgeRecord
		for _, r := range recs {
			if before[r.Path] && db.SameSite(r.Site, site()) {
				left = append(left, r)
			}
		}
		return left, err
	}
}
