package app

import (
	"testing"

	"github.com/ocsetup/ocsetup/installer/store"
)

// TestOneSourceForTheStatusCheckInterval: the Sync step runs Amazon Payment
// Services' status check at the interval the Settings form proposes.
func TestOneSourceForTheStatusCheckInterval(t *testing.T) {
	st := store.Store{Line: store.Line30, Version: "3.0.3.8"}
	if got := fieldDefault("amazon_ps", "check_status_cron_duration", st); got != "15" {
		t.Fatalf("default interval %q, want the form's 15", got)
	}
}
