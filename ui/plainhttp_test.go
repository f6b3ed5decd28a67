package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/ocsetup/ocsetup/app"
	"github.com/ocsetup/ocsetup/installer/db"
	"github.com/ocsetup/ocsetup/internal/fixture"
	"github.com/ocsetup/ocsetup/internal/testenv"
)

// TestSyncScreenWarnsOfPlainHTTP: the sync screen reaches the database
// through the bridge over plain HTTP (an FTP site, so no SSH route, and a
// MySQL server whose certificate is not trusted, so no direct route; the
// test stores have no HTTPS). Like `ocsetup sync` on stderr, the screen
// says so, in the user's language, naming the bridge's address.
func TestSyncScreenWarnsOfPlainHTTP(t *testing.T) {
	inLocale(t, "ru_RU.UTF-8")
	env := testenv.Get(t)
	ts := env.Site(t, testenv.FTPNoTLS)
	st := fixture.New(t, env, ts, fixture.Options{Version: "3.0.3.8"})
	fixture.UseTLSMySQL(t, env, st)
	w := newWalker(t)
	w.ui.do(func() { w.m.welcome.selectID("amazon_ps") })
	w.next(app.StepConnect)
	// Plain FTP, so that no certificate is accepted at Connect (the
	// test servers share one, and the MySQL one must stay unknown).
	connectPlainFTP(t, w, ts, st.Remote)

	// The sync screen, used as its step would (its place in the path
	// needs the earlier steps, which do not matter here).
	sy := w.m.sync
	t.Cleanup(sy.close)
	w.ui.do(func() { test.Tap(sy.start) })
	w.waitDone(app.StepSync, sy.job, "the sync view")
	// The bridge's file name is random: the text around the address.
	text := MsgText(db.PlainHTTPMsg("\x00"))
	before, after, _ := strings.Cut(text, "\x00")
	if !hasCyrillic(before + after) {
		t.Fatalf("the warning is not in Russian: %q", text)
	}
	eventually(t, w.ui, "the plain HTTP warning on the sync screen", func() bool {
		return holdsText(sy.object, before+st.URL)
	})
	w.ui.do(func() {
		if n := strings.Count(strings.Join(labelTexts(sy.object), "\n"), before); n != 1 {
			t.Errorf("the warning is shown %d times, want once", n)
		}
	})
}
