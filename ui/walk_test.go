package ui

import (
	"archive/zip"
	"context"
	"database/sql"
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
	"github.com/ocsetup/ocsetup/installer/integrations"
	"github.com/ocsetup/ocsetup/installer/store"
	"github.com/ocsetup/ocsetup/internal/fixture"
	"github.com/ocsetup/ocsetup/internal/testenv"
)

// walker drives the main window as a merchant does, counting what is typed,
// recording every step entered, and measuring the window and the side bar
// at each step.
type walker struct {
	t      *testing.T
	ui     *serial
	m      *Main
	wiz    *app.Wizard
	typed  int
	visits []app.Step
	// window and side are the sizes measured at the first step.
	window, side fyne.Size
}

// walkSize is the laptop screen the merchant works on.
var walkSize = fyne.NewSize(1366, 768)

func newWalker(t *testing.T) *walker {
	a := test.NewTempApp(t)
	wiz := app.NewWizard(t.TempDir(), integrations.Builtin())
	t.Cleanup(func() { wiz.Session.Close() })
	m := NewMain(a, wiz)
	w := &walker{t: t, ui: &serial{}, m: m, wiz: wiz}
	for _, j := range []*job{m.pkg.job, m.creds.job, m.access.job, m.settings.job, m.test.job, m.sync.job} {
		j.do = w.ui.do
	}
	m.connect.do = w.ui.do
	last := app.Step(-1)
	wiz.OnChange(func() {
		if c := wiz.Current(); c != last {
			last = c
			w.visits = append(w.visits, c)
		}
	})
	w.ui.do(func() {
		m.Window.Resize(walkSize)
		w.visits = append(w.visits, wiz.Current())
		last = wiz.Current()
		w.window, w.side = m.Window.Canvas().Size(), m.side.Size()
	})
	return w
}

// typeIn types a value the merchant has to type, and counts it.
func (w *walker) typeIn(e *widget.Entry, v string) {
	w.t.Helper()
	w.typed++
	test.Type(e, v)
}

// measure checks that the window and the side bar kept their size.
func (w *walker) measure() {
	w.t.Helper()
	w.ui.do(func() {
		win, side := w.m.Window.Canvas().Size(), w.m.side.Size()
		if win != w.window || side != w.side {
			w.t.Errorf("at %v the window is %v and the side bar %v; at the start %v and %v", w.wiz.Current(), win, side, w.window, w.side)
		}
		if side.Width != sideBarWidth {
			w.t.Errorf("side bar %v wide, want %v", side.Width, sideBarWidth)
		}
	})
}

// next taps Next and expects the step want.
func (w *walker) next(want app.Step) {
	w.t.Helper()
	w.ui.do(func() { test.Tap(w.m.next) })
	w.ui.do(func() {
		if w.wiz.Current() != want {
			w.t.Fatalf("at %v, want %v", w.wiz.Current(), want)
		}
	})
	w.measure()
}

// failedOr waits until step is done, or its job shows an error.
func (w *walker) waitDone(step app.Step, j *job, what string) {
	w.t.Helper()
	eventually(w.t, w.ui, what, func() bool { return w.wiz.Done(step) || j.status.Importance == widget.DangerImportance })
	w.ui.do(func() {
		if !w.wiz.Done(step) {
			w.t.Fatalf("%s: %s %s", what, j.status.Text, j.details.Text)
		}
	})
}

// connect fills the Connect screen and trusts the host key. The port and
// the store folder are the test server's (a merchant's host has port 22
// and one store, found by itself), so they are set, not typed.
func (w *walker) connect(ts testenv.Site, folder string) {
	c := w.m.connect
	w.ui.do(func() {
		w.typeIn(c.host, ts.Host)
		c.port.SetText(strconv.Itoa(ts.Port))
		w.typeIn(c.user, ts.User)
		w.typeIn(c.pass, ts.Password)
		c.folder.SetText(folder)
		test.Tap(c.connect)
	})
	var trust *widget.Button
	eventually(w.t, w.ui, "the host key dialog", func() bool {
		trust = findButton(w.m.Window.Canvas(), T("connect.trust.confirm"))
		return trust != nil
	})
	w.ui.do(func() { test.Tap(trust) })
	eventually(w.t, w.ui, "a store", func() bool { return !w.m.next.Disabled() })
}

// upload types the package's path, looks at the plan and uploads.
func (w *walker) upload(path string) {
	p := w.m.pkg
	w.ui.do(func() {
		w.typeIn(p.path, path)
		test.Tap(p.planBtn)
	})
	eventually(w.t, w.ui, "the plan", func() bool { return !p.upload.Disabled() || p.job.status.Importance == widget.DangerImportance })
	w.ui.do(func() {
		if !strings.Contains(p.summary.Text, "new") {
			w.t.Errorf("plan summary %q", p.summary.Text)
		}
		test.Tap(p.upload)
	})
	w.waitDone(app.StepPackage, p.job, "the upload")
}

// database reads config.php and reaches the database; the password shows
// only when asked for.
func (w *walker) database(st *fixture.Store) {
	cr := w.m.creds
	w.ui.do(func() { test.Tap(cr.read) })
	w.waitDone(app.StepCredentials, cr.job, "the database")
	w.ui.do(func() {
		if cr.database.Text != st.DB.Name || strings.Contains(cr.password.Text, st.DB.Password) {
			w.t.Errorf("credentials shown: %q, password %q", cr.database.Text, cr.password.Text)
		}
		test.Tap(cr.reveal)
		if cr.password.Text != st.DB.Password {
			w.t.Errorf("revealed password %q", cr.password.Text)
		}
		test.Tap(cr.reveal)
	})
}

// settings shows the module's form, types values into it and saves.
func (w *walker) settings(values map[string]string) {
	se := w.m.settings
	w.ui.do(func() { test.Tap(se.load) })
	eventually(w.t, w.ui, "the settings form", func() bool { return !se.apply.Disabled() || se.job.status.Importance == widget.DangerImportance })
	w.ui.do(func() {
		for k, v := range values {
			e := se.entries[k]
			if e == nil {
				w.t.Fatalf("no input for %s", k)
			}
			w.typeIn(e, v)
		}
		test.Tap(se.apply)
	})
	w.waitDone(app.StepSettings, se.job, "the saved settings")
}

// test runs the integration's test; it must end pass or warn.
func (w *walker) test() check.Report {
	ts := w.m.test
	w.ui.do(func() { test.Tap(ts.start) })
	eventually(w.t, w.ui, "the test", func() bool { return !ts.export.Disabled() || ts.job.status.Importance == widget.DangerImportance })
	var rep check.Report
	w.ui.do(func() {
		rep = ts.report
		if rep.Overall == check.Fail || rep.Overall == "" {
			var failed []string
			for _, r := range rep.Results {
				if r.Status == check.Fail {
					failed = append(failed, fmt.Sprintf("%s: %s %s", r.ID, r.Cause, r.Detail))
				}
			}
			w.t.Fatalf("test %q: %s (%s)", rep.Overall, strings.Join(failed, "\n"), ts.job.status.Text)
		}
		want := map[check.Status]widget.Importance{check.Pass: widget.SuccessImportance, check.Warn: widget.WarningImportance}[rep.Overall]
		if ts.job.status.Importance != want || len(ts.list.Items) != len(rep.Results) {
			w.t.Errorf("headline %q (%v) for %s; %d rows for %d results", ts.job.status.Text, ts.job.status.Importance, rep.Overall, len(ts.list.Items), len(rep.Results))
		}
	})
	return rep
}

// finish checks the visits: every step of the path once, in order.
func (w *walker) finish() {
	w.t.Helper()
	w.ui.do(func() {
		if w.wiz.Current() != app.StepFinish {
			w.t.Fatalf("at %v, not Finish", w.wiz.Current())
		}
		path := w.wiz.Path()
		w.t.Logf("visited %v; window %v, side bar %v, %d values typed", w.visits, w.window, w.side, w.typed)
		if fmt.Sprint(w.visits) != fmt.Sprint(path) {
			w.t.Errorf("visited %v, the path is %v", w.visits, path)
		}
		// How to undo names the complete undo, the uninstall command.
		if texts := strings.Join(labelTexts(w.m.finish.body), "\n"); !strings.Contains(texts, "ocsetup uninstall SETUP_FILE") {
			w.t.Errorf("Finish does not name the uninstall command:\n%s", texts)
		}
	})
}

// writePackage lays files out under upload/ and zips them as the
// provider ships them.
func writePackage(t *testing.T, name string, files map[string]string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	f, err := os.Create(p)
	must(t, err)
	zw := zip.NewWriter(f)
	for n, body := range files {
		w, err := zw.Create(n)
		must(t, err)
		_, err = w.Write([]byte(body))
		must(t, err)
	}
	must(t, zw.Close())
	must(t, f.Close())
	return p
}

// apiUsers dumps the store's API users, every column, in id order.
func apiUsers(t *testing.T, st *fixture.Store) string {
	t.Helper()
	rows, err := st.StoreDB(t).Query("SELECT * FROM " + st.Table("api") + " ORDER BY api_id")
	must(t, err)
	defer rows.Close()
	cols, _ := rows.Columns()
	var b strings.Builder
	for rows.Next() {
		vals := make([]sql.RawBytes, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		must(t, rows.Scan(ptrs...))
		for i, v := range vals {
			fmt.Fprintf(&b, "%s=%q ", cols[i], v)
		}
		b.WriteString("\n")
	}
	return b.String()
}

// TestWalkAmazonPaymentServices: a merchant sets up Amazon Payment
// Services from Welcome to Finish with eight typed values, no step twice,
// no API access step, and the store's API users untouched; the window and
// the side bar keep their size at every step.
func TestWalkAmazonPaymentServices(t *testing.T) {
	env := testenv.Get(t)
	ts := env.Site(t, testenv.SFTP)
	st := fixture.New(t, env, ts, fixture.Options{Version: "3.0.3.8"})
	pkg := writePackage(t, "amazon_ps.ocmod.zip", map[string]string{
		"upload/admin/controller/extension/payment/amazon_ps.php":     "<?php class ControllerExtensionPaymentAmazonPs extends Controller {}\n",
		"upload/admin/language/en-gb/extension/payment/amazon_ps.php": "<?php $_['heading_title'] = 'Amazon Payment Services';\n",
		"upload/catalog/controller/extension/payment/amazon_ps.php":   "<?php class ControllerExtensionPaymentAmazonPs extends Controller {}\n",
		"upload/catalog/model/extension/payment/amazon_ps.php":        "<?php class ModelExtensionPaymentAmazonPs extends Model {}\n",
	})
	usersBefore := apiUsers(t, st)
	// The fixture store has no admin that runs an extension's install(),
	// and without it ocsetup refuses to save settings whose tables are
	// missing: the extension's tables are created as its install() would,
	// as if the merchant had installed it once (a real store's admin runs
	// install() itself; see the real-store tests).
	installTables(t, st, "amazon_ps")

	w := newWalker(t)
	w.ui.do(func() { w.m.welcome.selectID("amazon_ps") })
	w.next(app.StepConnect)
	w.connect(ts, st.Remote)
	w.next(app.StepPackage)
	w.upload(pkg)
	w.next(app.StepCredentials)
	w.database(st)
	w.next(app.StepSettings) // no API access step
	w.settings(map[string]string{
		"merchant_identifier": "MxvOupuG", "access_code": "Zx8jkpDsGbKL2aNqJ6Vr",
		"request_sha_phrase": "71CQXgNzeaAQ5nWdP4Ku.", "response_sha_phrase": "58PZLdk2wvnD7Q1yrPjx!",
	})
	w.ui.do(func() {
		if n := countLabels(w.m.settings.out, T("action.required")); n != 1 {
			t.Errorf("%d values marked required, want the host-to-host URL", n)
		}
	})
	// The fixture store has no catalog (no products, countries or zones),
	// so no checkout can be tried on it: the real-store tests prove the
	// checkout; here it is switched off as payment_method: none does.
	w.wiz.Session.SetPaymentMethod(app.NoPaymentMethod)
	w.next(app.StepTest)
	w.test()
	w.next(app.StepSync)
	w.next(app.StepFinish)
	w.finish()
	w.ui.do(func() {
		sum := w.wiz.Session.Summary()
		if len(sum.Required) == 0 || !strings.Contains(sum.Required[0].Value, "amazon_ps/response") || sum.APIUser != nil || sum.Report == "" {
			t.Errorf("summary: %+v", sum)
		}
		if _, err := os.Stat(sum.Report); err != nil {
			t.Errorf("the report: %v", err)
		}
	})
	if w.typed != 8 {
		t.Errorf("%d values typed, want 8", w.typed)
	}
	if after := apiUsers(t, st); after != usersBefore {
		t.Errorf("the store's API users changed:\n%s\n%s", usersBefore, after)
	}
}

// TestWalkOneBox: OneBox asks for the provider's IP, creates its own API
// user beside the store's (which stay as they were), and its API login
// passes; the sync view starts on the same store.
func TestWalkOneBox(t *testing.T) {
	env := testenv.Get(t)
	ts := env.Site(t, testenv.SFTP)
	st := fixture.New(t, env, ts, fixture.Options{Version: "3.0.3.8"})
	pkg := writePackage(t, "onebox.ocmod.zip", map[string]string{
		"upload/catalog/onebox/cron.php":                      "<?php\n$host = '';\n$apiKey = '';\n",
		"upload/catalog/controller/api/oneboxsync.php":        "<?php class ControllerApiOneboxsync extends Controller {}\n",
		"upload/catalog/model/oneboxsync/oneboxsync.php":      "<?php class ModelOneboxsyncOneboxsync extends Model {}\n",
		"upload/admin/language/en-gb/extension/onebox.php":    "<?php $_['heading_title'] = 'OneBox';\n",
		"upload/admin/controller/extension/module/onebox.php": "<?php class ControllerExtensionModuleOnebox extends Controller {}\n",
	})
	usersBefore := apiUsers(t, st)

	w := newWalker(t)
	w.ui.do(func() { w.m.welcome.selectID("onebox") })
	w.next(app.StepConnect)
	w.connect(ts, st.Remote)
	w.next(app.StepPackage)
	w.upload(pkg)
	w.next(app.StepCredentials)
	w.database(st)
	w.next(app.StepAccess)
	ac := w.m.access
	// OneBox's cron.php sends the key alone, which OpenCart 3.0 checks
	// against "Default": the connector's user is Default, whose key is kept.
	eventually(t, w.ui, "the store's API users", func() bool { return !ac.apply.Disabled() })
	w.ui.do(func() {
		if !ac.ipsBox.Visible() || len(ac.key.Text) != 64 || ac.ownName != app.KeyOnlyUser || !ac.keyOnly.Visible() {
			t.Fatalf("access screen: IPs shown %v, key %d, own user %q, key-only note shown %v", ac.ipsBox.Visible(), len(ac.key.Text), ac.ownName, ac.keyOnly.Visible())
		}
		// No address: refused before anything is written.
		test.Tap(ac.apply)
		if ac.job.status.Importance != widget.DangerImportance || w.wiz.Done(app.StepAccess) {
			t.Fatalf("empty IP list accepted: %q", ac.job.status.Text)
		}
		w.typeIn(ac.ips, "127.0.0.1")
		test.Tap(ac.apply)
	})
	w.waitDone(app.StepAccess, ac.job, "the API user")
	w.ui.do(func() {
		if !strings.Contains(ac.job.status.Text, "Default") || !strings.Contains(ac.job.status.Text, "keeps its key") || !strings.Contains(ac.job.status.Text, "127.0.0.1") {
			t.Errorf("status %q", ac.job.status.Text)
		}
	})
	w.next(app.StepSettings)
	// The provider's address comes over from the API access step.
	w.ui.do(func() { test.Tap(w.m.settings.load) })
	eventually(t, w.ui, "the settings form", func() bool { return w.m.settings.entries["service_ip"] != nil })
	w.ui.do(func() {
		if got := w.m.settings.entries["service_ip"].Text; got != "127.0.0.1" {
			t.Errorf("OneBox server address %q, want the API access step's", got)
		}
		test.Tap(w.m.settings.apply)
	})
	w.waitDone(app.StepSettings, w.m.settings.job, "the saved settings")
	cron, err := os.ReadFile(filepath.Join(st.Local, "catalog", "onebox", "cron.php"))
	defaultKey := apiKeyOf(t, st, "Default")
	if err != nil || !strings.Contains(string(cron), st.URL) || !strings.Contains(string(cron), "'"+defaultKey+"'") {
		t.Fatalf("cron.php not configured: %q %v", cron, err)
	}
	w.next(app.StepTest)
	rep := w.test()
	var login bool
	for _, r := range rep.Results {
		login = login || (r.ID == "api-login" && r.Status == check.Pass)
	}
	if !login {
		t.Errorf("the API login did not pass: %+v", rep.Results)
	}
	w.next(app.StepSync)
	sy := w.m.sync
	w.ui.do(func() { test.Tap(sy.start) })
	w.waitDone(app.StepSync, sy.job, "the sync view")
	w.measure()
	w.next(app.StepFinish)
	w.finish()
	w.ui.do(func() {
		sum := w.wiz.Session.Summary()
		if sum.Uploaded == nil || sum.Uploaded.Created != 5 || sum.Uploaded.Replaced != 0 || sum.APIUser == nil || sum.APIUser.Created || !sum.APIUser.KeptKey {
			t.Errorf("summary: %+v %+v", sum.Uploaded, sum.APIUser)
		}
	})
	if w.typed != 5 {
		t.Errorf("%d values typed, want 5 (host, user, password, package, the provider's IP)", w.typed)
	}
	sy.close()
	// The undo the Finish step names: Uninstall removes everything the
	// session uploaded — the package and the configured cron.php, which
	// went up again as a second upload — and puts the rows back.
	res, err := w.wiz.Session.Uninstall(context.Background())
	if err != nil {
		t.Fatalf("uninstall: %v", err)
	}
	for _, f := range []string{"catalog/onebox/cron.php", "catalog/controller/api/oneboxsync.php", "admin/controller/extension/module/onebox.php"} {
		if _, err := os.Stat(filepath.Join(st.Local, filepath.FromSlash(f))); !os.IsNotExist(err) {
			t.Errorf("%s after uninstall: %v (%+v)", f, err, res)
		}
	}
	if after := apiUsers(t, st); after != usersBefore {
		t.Errorf("the store's API users changed (Default's key must be kept):\nbefore %s\nafter %s", usersBefore, after)
	}
}

// apiKeyOf is the key of the store's API user name.
func apiKeyOf(t *testing.T, st *fixture.Store, name string) string {
	t.Helper()
	var key string
	must(t, st.StoreDB(t).QueryRow("SELECT `key` FROM "+st.Table("api")+" WHERE username = ?", name).Scan(&key))
	return key
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// countLabels counts the labels under o that read text.
func countLabels(o fyne.CanvasObject, text string) int {
	n := 0
	switch w := o.(type) {
	case *widget.Label:
		if w.Text == text {
			n++
		}
	case *fyne.Container:
		for _, c := range w.Objects {
			n += countLabels(c, text)
		}
	}
	return n
}

// installTables creates the tables an integration's install() creates.
func installTables(t *testing.T, st *fixture.Store, id string) {
	t.Helper()
	p, _ := integrations.ByID(id)
	line, _ := store.LineOf(st.Version)
	plan, err := p.Plan(integrations.Target{Line: line, Version: st.Version, Currency: "USD", StoreURL: st.URL}, integrations.Values{
		"merchant_identifier": "x", "access_code": "x", "request_sha_phrase": "x", "response_sha_phrase": "x"})
	must(t, err)
	q := st.StoreDB(t)
	for _, tb := range plan.Tables {
		create := strings.ReplaceAll(tb.Create, "{prefix}", strings.TrimSuffix(st.Table(tb.Name), tb.Name))
		if _, err := q.Exec(create); err != nil {
			t.Fatalf("%s: %v", create, err)
		}
	}
}
