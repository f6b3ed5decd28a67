package ui

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/ocsetup/ocsetup/app"
	"github.com/ocsetup/ocsetup/installer/check"
	"github.com/ocsetup/ocsetup/internal/fixture"
	"github.com/ocsetup/ocsetup/internal/testenv"
)

// TestWizardWalk drives the wizard through its screens against the real
// SFTP server and a fixture store: connect (trusting the host key), upload
// a package, reach the database, create the API user, test the integration.
func TestWizardWalk(t *testing.T) {
	env := testenv.Get(t)
	ts := env.Site(t, testenv.SFTP)
	st := fixture.New(t, env, ts, fixture.Options{Version: "3.0.3.8"})
	pkgDir := t.TempDir()
	for name, body := range map[string]string{
		"upload/admin/controller/extension/payment/ocsetup_walk.php":     "<?php class ControllerExtensionPaymentOcsetupWalk extends Controller {}\n",
		"upload/catalog/model/extension/payment/ocsetup_walk.php":        "<?php class ModelExtensionPaymentOcsetupWalk extends Model {}\n",
		"upload/admin/language/en-gb/extension/payment/ocsetup_walk.php": "<?php $_['heading_title'] = 'Walk';\n",
		"upload/catalog/onebox/cron.php":                                 "<?php\n$host = '';\n$apiKey = '';\n",
	} {
		p := filepath.Join(pkgDir, filepath.FromSlash(name))
		must(t, os.MkdirAll(filepath.Dir(p), 0o755))
		must(t, os.WriteFile(p, []byte(body), 0o644))
	}

	a := test.NewTempApp(t)
	wiz := app.NewWizard(t.TempDir())
	defer wiz.Session.Close()
	m := NewMain(a, wiz)
	ui := &serial{}
	for _, j := range []*job{m.pkg.job, m.creds.job, m.access.job, m.settings.job, m.test.job, m.sync.job} {
		j.do = ui.do
	}
	m.connect.do = ui.do
	next := func(want app.Step) {
		t.Helper()
		ui.do(func() { test.Tap(m.next) })
		ui.do(func() {
			if wiz.Current() != want {
				t.Fatalf("at %v, want %v", wiz.Current(), want)
			}
		})
	}

	ui.do(func() {
		m.Window.Resize(fyne.NewSize(1000, 760))
		m.welcome.selectID("onebox")
	})
	next(app.StepConnect)
	c := m.connect
	ui.do(func() {
		test.Type(c.host, ts.Host)
		c.port.SetText(strconv.Itoa(ts.Port))
		test.Type(c.user, ts.User)
		test.Type(c.pass, ts.Password)
		test.Type(c.folder, st.Remote)
		test.Tap(c.connect)
	})
	var trust *widget.Button
	eventually(t, ui, "the host key dialog", func() bool {
		trust = findButton(m.Window.Canvas(), T("connect.trust.confirm"))
		return trust != nil
	})
	ui.do(func() { test.Tap(trust) })
	eventually(t, ui, "a store", func() bool { return !m.next.Disabled() })
	next(app.StepPackage)

	p := m.pkg
	ui.do(func() {
		p.path.SetText(pkgDir)
		test.Tap(p.planBtn)
	})
	eventually(t, ui, "the plan", func() bool { return !p.upload.Disabled() })
	ui.do(func() {
		if !strings.Contains(p.summary.Text, "4 new") {
			t.Errorf("plan summary %q", p.summary.Text)
		}
		test.Tap(p.upload)
	})
	eventually(t, ui, "the upload", func() bool { return wiz.Done(app.StepPackage) || strings.Contains(p.job.status.Text, "fail") })
	if _, err := os.Stat(filepath.Join(st.Local, "admin/controller/extension/payment/ocsetup_walk.php")); err != nil {
		t.Fatalf("not uploaded: %v (%s)", err, p.job.status.Text)
	}
	next(app.StepCredentials)

	cr := m.creds
	ui.do(func() { test.Tap(cr.read) })
	eventually(t, ui, "the database", func() bool {
		return wiz.Done(app.StepCredentials) || cr.job.status.Importance == widget.DangerImportance
	})
	ui.do(func() {
		if cr.database.Text != st.DB.Name || strings.Contains(cr.password.Text, st.DB.Password) {
			t.Errorf("credentials shown: %q, password %q", cr.database.Text, cr.password.Text)
		}
		test.Tap(cr.reveal)
		if cr.password.Text != st.DB.Password {
			t.Errorf("revealed password %q", cr.password.Text)
		}
		if !strings.Contains(cr.route.Text, "direct") {
			t.Errorf("route %q", cr.route.Text)
		}
	})
	next(app.StepAccess)

	ac := m.access
	ui.do(func() {
		test.Tap(findIn(t, ac.object, "Generate"))
		ac.ips.SetText("127.0.0.1\n203.0.113.7")
		test.Tap(ac.apply)
	})
	eventually(t, ui, "the API user", func() bool { return wiz.Done(app.StepAccess) || ac.job.status.Importance == widget.DangerImportance })
	ui.do(func() {
		if len(ac.key.Text) != 64 || !strings.Contains(ac.job.status.Text, "allowed 127.0.0.1, 203.0.113.7") {
			t.Errorf("key %d chars, status %q", len(ac.key.Text), ac.job.status.Text)
		}
	})

	next(app.StepSettings)

	se := m.settings
	ui.do(func() { test.Tap(se.load) })
	eventually(t, ui, "the settings form", func() bool { return !se.apply.Disabled() || se.job.status.Importance == widget.DangerImportance })
	ui.do(func() {
		// OneBox's key is the API user's key from the Access step.
		for _, o := range formEntries(se.body) {
			if o.Password {
				o.SetText(ac.key.Text)
			}
		}
		test.Tap(se.apply)
	})
	eventually(t, ui, "the saved settings", func() bool { return wiz.Done(app.StepSettings) || se.job.status.Importance == widget.DangerImportance })
	ui.do(func() {
		if !wiz.Done(app.StepSettings) {
			t.Fatalf("settings: %s %s", se.job.status.Text, se.job.details.Text)
		}
	})
	cron, err := os.ReadFile(filepath.Join(st.Local, "catalog", "onebox", "cron.php"))
	if err != nil || !strings.Contains(string(cron), st.URL) || !strings.Contains(string(cron), ac.key.Text) {
		t.Fatalf("cron.php not configured: %q %v", cron, err)
	}
	next(app.StepTest)

	// The Test screen works on what the steps left in the session.
	ts2 := m.test
	ui.do(func() { test.Tap(ts2.start) })
	eventually(t, ui, "the test", func() bool { return !ts2.export.Disabled() || ts2.job.status.Importance == widget.DangerImportance })
	ui.do(func() {
		if ts2.report.Overall == check.Fail {
			var failed []string
			for _, r := range ts2.report.Results {
				if r.Status == check.Fail {
					failed = append(failed, fmt.Sprintf("%s: %s %s", r.ID, r.Cause, r.Detail))
				}
			}
			t.Errorf("test failed: %s", strings.Join(failed, "\n"))
		}
		if len(ts2.list.Items) != len(ts2.report.Results) || len(ts2.list.Items) < 10 {
			t.Errorf("%d rows for %d results", len(ts2.list.Items), len(ts2.report.Results))
		}
	})

	// The sync view starts on the same store.
	sy := m.sync
	ui.do(func() { test.Tap(sy.start) })
	eventually(t, ui, "the sync view", func() bool { return wiz.Done(app.StepSync) || sy.job.status.Importance == widget.DangerImportance })
	ui.do(func() {
		if !wiz.Done(app.StepSync) {
			t.Errorf("sync did not start: %s", sy.job.status.Text)
		}
	})
	sy.close()
}

// findIn finds a button by its text under o.
func findIn(t *testing.T, o fyne.CanvasObject, text string) *widget.Button {
	t.Helper()
	var found *widget.Button
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if found != nil || o == nil {
			return
		}
		if b, ok := o.(*widget.Button); ok && b.Text == text {
			found = b
			return
		}
		if c, ok := o.(*fyne.Container); ok {
			for _, child := range c.Objects {
				walk(child)
			}
			return
		}
		if w, ok := o.(fyne.Widget); ok {
			for _, child := range test.WidgetRenderer(w).Objects() {
				walk(child)
			}
		}
	}
	walk(o)
	if found == nil {
		t.Fatalf("no button %q", text)
	}
	return found
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// formEntries lists the entries under o.
func formEntries(o fyne.CanvasObject) []*widget.Entry {
	var out []*widget.Entry
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch w := o.(type) {
		case *widget.Entry:
			out = append(out, w)
			return
		case *fyne.Container:
			for _, c := range w.Objects {
				walk(c)
			}
			return
		}
		if w, ok := o.(fyne.Widget); ok {
			for _, c := range test.WidgetRenderer(w).Objects() {
				walk(c)
			}
		}
	}
	walk(o)
	return out
}
