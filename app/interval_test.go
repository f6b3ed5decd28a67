package app

import (
	"testing"
	"time"

	"github.com/ocsetup/ocsetup/installer/integrations"
	"github.com/ocsetup/ocsetup/installer/store"
)

// TestOneSourceForTheStatusCheckInterval: the Sync step runs Amazon Payment
// Services' status check at the interval the Settings form proposes.
func TestOneSourceForTheStatusCheckInterval(t *testing.T) {
	st := store.Store{Line: store.Line30, Version: "3.0.3.8"}
	p, _ := integrations.ByID("amazon_ps")
	jobs := p.Sync(integrations.SyncContext{Store: st, StoreURL: "https://shop.example.com/"}).Jobs
	if len(jobs) != 1 || jobs[0].Period != 15*time.Minute {
		t.Fatalf("jobs %+v, want the status check at the form's 15 minutes", jobs)
	}
}

func TestNoticesFitThePath(t *testing.T) {
	n := []string{"Without the admin, the Mada and Meeza BIN lists are not written.", "Sandbox mode is on."}
	if got := NoticesFor(n, true); len(got) != 1 || got[0] != n[1] {
		t.Fatalf("through the admin: %q", got)
	}
	if got := NoticesFor(n, false); len(got) != 2 {
		t.Fatalf("through the database: %q", got)
	}
}
