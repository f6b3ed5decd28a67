package integrations

import (
	"context"
	"net/http"

	"github.com/ocsetup/ocsetup/installer/check"
	"github.com/ocsetup/ocsetup/installer/remote"
	"github.com/ocsetup/ocsetup/installer/store"
	ocsync "github.com/ocsetup/ocsetup/installer/sync"
)

// CheckContext is what a profile's own checks know of the setup.
type CheckContext struct {
	// ID is the profile's ID (Profile.Checks sets it): the setup's crontab
	// line is marked with it.
	ID string
	// Plan is the setup's plan for the store under test, worked out once
	// from the store's database: only checks with NeedsDB may call it.
	Plan func(ctx context.Context, env *check.Env) (*Plan, error)
	// Cron is the setup's access.cron: auto, crontab, app or none.
	Cron string
}

// SyncContext is what a profile's sync spec is made from.
type SyncContext struct {
	Store store.Store
	// StoreURL is the storefront's address ("" when not known: the app
	// then runs no jobs).
	StoreURL string
	// Settings are the setup's answers (job periods come from there).
	Settings Values
	// Files is the hosting connection, for the connector's log.
	Files *remote.Pool
	HTTP  *http.Client
}

// SyncSpec is the connector's log and jobs. The app runs the jobs only
// where the server has no cron (access.cron: app, or sync --jobs on).
type SyncSpec struct {
	// Log and LogPath name the connector's log the Sync step follows.
	Log     ocsync.LogSource
	LogPath string
	Jobs    []ocsync.Job
}
