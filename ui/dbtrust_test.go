package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/ocsetup/ocsetup/app"
	"github.com/ocsetup/ocsetup/internal/fixture"
	"github.com/ocsetup/ocsetup/internal/testenv"
)

// TestDatabaseCertificateDialog: a store whose MySQL server shows a
// self-signed certificate seen for the first time. The database step
// shows a dialog with the certificate's fingerprint; Cancel keeps the
// route that worked without it (SSH here), pins nothing and changes
// nothing on the store; Trust reads again, reaches the database directly
// and pins the certificate.
func TestDatabaseCertificateDialog(t *testing.T) {
	env := testenv.Get(t)
	ts := env.Site(t, testenv.SFTP)
	st := fixture.New(t, env, ts, fixture.Options{Version: "3.0.3.8"})
	fixture.UseTLSMySQL(t, env, st)
	fp := env.MySQLTLS.CertSHA256
	w := newWalker(t)
	w.ui.do(func() { w.m.welcome.selectID("amazon_ps") })
	w.next(app.StepConnect)
	w.connect(ts, st.Remote)
	// The database step's screen, used as the step would (its place in
	// the path needs a package first, which does not matter here).
	certs := filepath.Join(w.wiz.Session.DataDir(), "known_certs")
	before := treeOf(t, st.Local)
	cr := w.m.creds

	dialogShown := func() (trust, cancel func()) {
		var ok bool
		eventually(t, w.ui, "the certificate dialog", func() bool {
			tb, cb := findButton(w.m.Window.Canvas(), T("creds.trust.confirm")), findButton(w.m.Window.Canvas(), T("common.cancel"))
			if tb == nil || cb == nil {
				return false
			}
			ok = holdsText(w.m.Window.Canvas().Overlays().Top(), fp) && holdsText(w.m.Window.Canvas().Overlays().Top(), env.MySQLTLS.Addr())
			trust, cancel = func() { test.Tap(tb) }, func() { test.Tap(cb) }
			return true
		})
		if !ok {
			t.Errorf("the dialog does not show the fingerprint %s and the server %s", fp, env.MySQLTLS.Addr())
		}
		return trust, cancel
	}

	w.ui.do(func() { test.Tap(cr.read) })
	_, cancel := dialogShown()
	w.ui.do(cancel)
	w.ui.do(func() {
		if !strings.Contains(strings.ToLower(cr.route.Text), "ssh: ok") {
			t.Errorf("after Cancel the route is %q, want the SSH route", cr.route.Text)
		}
		if !strings.Contains(cr.job.status.Text, T("creds.trust.refused")) {
			t.Errorf("after Cancel the status is %q", cr.job.status.Text)
		}
	})
	if b, _ := os.ReadFile(certs); strings.Contains(string(b), env.MySQLTLS.Addr()) {
		t.Fatalf("Cancel pinned the certificate: %s", b)
	}
	if after := treeOf(t, st.Local); after != before {
		t.Fatalf("the store's files changed after Cancel")
	}

	w.ui.do(func() { test.Tap(cr.read) })
	trust, _ := dialogShown()
	w.ui.do(trust)
	eventually(t, w.ui, "the direct route", func() bool { return strings.Contains(strings.ToLower(cr.route.Text), "direct: ok") })
	if b, _ := os.ReadFile(certs); !strings.Contains(string(b), env.MySQLTLS.Addr()+" "+fp) {
		t.Fatalf("Trust did not pin the certificate: %q", b)
	}
	eventually(t, w.ui, "the step done", func() bool { return w.wiz.Done(app.StepCredentials) })
	w.ui.do(func() {
		// The fixture store has no HTTPS: the admin login is warned of
		// before the Settings step sends its password.
		if !strings.Contains(cr.job.status.Text+cr.job.details.Text, "admin ("+st.URL) {
			t.Errorf("no warning about the admin over plain HTTP: %q", cr.job.status.Text)
		}
		if top := w.m.Window.Canvas().Overlays().Top(); top != nil && findButton(w.m.Window.Canvas(), T("creds.trust.confirm")) != nil {
			t.Errorf("the dialog is shown again after Trust")
		}
	})
}

// treeOf is every file under dir with its size and modification time.
func treeOf(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		b.WriteString(p + " " + info.ModTime().String() + "\n")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}
