package syncview

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	ocsync "github.com/ocsetup/ocsetup/installer/sync"
)

// TestNoAPISectionWithoutAPIUser: the activity card speaks of API
// sessions only for an integration that has an OpenCart API user; the
// engine's snapshot says which (Amazon Payment Services has none).
func TestNoAPISectionWithoutAPIUser(t *testing.T) {
	test.NewTempApp(t)
	now := time.Now()
	a := newActivitySection()
	a.show(ocsync.Snapshot{Last: &ocsync.Report{}, API: ocsync.APIActivity{Available: true, UserFound: true, User: "Default"}}, now)
	if !a.api.Visible() || !strings.Contains(a.api.Text, "API user Default") {
		t.Fatalf("with an API user: visible %v, %q", a.api.Visible(), a.api.Text)
	}
	a.show(ocsync.Snapshot{Last: &ocsync.Report{}, NoAPIUser: true}, now)
	if a.api.Visible() {
		t.Fatalf("API part shown for an integration without an API user: %q", a.api.Text)
	}
}
