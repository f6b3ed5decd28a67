package ui

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/ocsetup/ocsetup/app"
	"github.com/ocsetup/ocsetup/installer/db"
	"github.com/ocsetup/ocsetup/installer/integrations"
	"github.com/ocsetup/ocsetup/installer/msg"
	"github.com/ocsetup/ocsetup/installer/remote"
)

// TestJobFailInRussian: a failed job shows the engine's message in the
// user's language on its status line, whatever wraps it, and the
// server's own words under Details; a cancellation says only that.
func TestJobFailInRussian(t *testing.T) {
	inLocale(t, "ru_RU.UTF-8")
	test.NewTempApp(t)
	j := newJob(app.NewWizard(t.TempDir(), integrations.Builtin()))
	reset := &remote.Error{Kind: remote.KindPermission, Op: "write /shop/config.php", Host: "shop:22", Reply: "553 Could not create file."}
	for _, c := range []struct {
		err     error
		status  string
		details string
	}{
		{msg.Wrap(reset, "error.app.journal_write"), T("error.app.journal_write") + ": " + MsgText(reset.Msg()), "write /shop/config.php: 553 Could not create file."},
		{fmt.Errorf("/shop/cron.php: %w", msg.NewError("error.onebox.url_slash")), "/shop/cron.php: " + T("error.onebox.url_slash"), ""},
		{&db.ConnectError{Attempts: db.Attempts{{Route: db.RouteDirect, Err: &db.Error{Kind: db.KindTimeout, Route: db.RouteDirect, Addr: "db:3306", Err: fmt.Errorf("i/o timeout")}}}},
			T("error.db.no_route"), "i/o timeout"},
		{msg.Wrap(&remote.Error{Kind: remote.KindCanceled, Op: "list /"}, "error.db.config_read", "File", "/shop/config.php"), T("error.remote.canceled"), ""},
		{fmt.Errorf("upload: %w", context.Canceled), T("common.cancelled"), ""},
	} {
		j.fail(c.err)
		if j.status.Text != c.status || !hasCyrillic(j.status.Text) {
			t.Errorf("%v: status %q, want %q", c.err, j.status.Text, c.status)
		}
		if c.details != "" && !strings.Contains(j.details.Text, c.details) {
			t.Errorf("%v: details %q, want %q in them", c.err, j.details.Text, c.details)
		}
	}
}
