package ui

import (
	"archive/zip"
	"context"
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/go-sql-driver/mysql"

	"github.com/ocsetup/ocsetup/app"
	"github.com/ocsetup/ocsetup/installer/check"
	"github.com/ocsetup/ocsetup/installer/deploy"
	"github.com/ocsetup/ocsetup/installer/integrations"
	"github.com/ocsetup/ocsetup/internal/testenv"
	"github.com/ocsetup/ocsetup/internal/testext"
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

// measure checks that the window and the side bar kept their size, and
// that the window's content still fits the screen: a real window grows to
// its content's minimum size by itself (the test driver's does not), so a
// content wider or taller than the screen is a window that resizes.
func (w *walker) measure() {
	w.t.Helper()
	w.ui.do(func() {
		if min := w.m.Window.Content().MinSize(); min.Width > walkSize.Width || min.Height > walkSize.Height {
			w.t.Errorf("at %v the window's content needs %v, more than the screen's %v: the window would grow", w.wiz.Current(), min, walkSize)
		}
		// The page holds its content at a fixed minimum (pageArea): a
		// content wider than the page would be cut off at the right.
		if need, have := w.m.content.MinSize().Width, w.m.content.Size().Width; need > have {
			w.t.Errorf("at %v the page's content needs %v wide, the page is %v: it is cut off", w.wiz.Current(), need, have)
		}
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
	// The step's work filled the screen (long URLs, settings, results):
	// the window and the side bar keep their size.
	w.measure()
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
		if p.plan == nil || p.plan.Counts[deploy.StatusNew] == 0 || p.summary.Text == "" {
			w.t.Errorf("plan summary %q", p.summary.Text)
		}
		test.Tap(p.upload)
	})
	w.waitDone(app.StepPackage, p.job, "the upload")
}

// database reads config.php and reaches the database; the password shows
// only when asked for.
func (w *walker) database(name, password string) {
	cr := w.m.creds
	w.ui.do(func() { test.Tap(cr.read) })
	w.waitDone(app.StepCredentials, cr.job, "the database")
	w.ui.do(func() {
		if cr.database.Text != name || strings.Contains(cr.password.Text, password) {
			w.t.Errorf("credentials shown: %q, password %q", cr.database.Text, cr.password.Text)
		}
		test.Tap(cr.reveal)
		if cr.password.Text != password {
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
	w.measure()
	return rep
}

// finish checks the visits: every step of the path once, in order.
func (w *walker) finish() {
	w.t.Helper()
	w.measure()
	w.ui.do(func() {
		if w.wiz.Current() != app.StepFinish {
			w.t.Fatalf("at %v, not Finish", w.wiz.Current())
		}
		path := w.wiz.Path()
		w.t.Logf("visited %v; window %v, side bar %v, %d values typed", w.visits, w.window, w.side, w.typed)
		if fmt.Sprint(w.visits) != fmt.Sprint(path) {
			w.t.Errorf("visited %v, the path is %v", w.visits, path)
		}
		// How to undo names the complete undo: the Uninstall button below
		// the summary, and the uninstall command.
		texts := strings.Join(labelTexts(w.m.finish.body), "\n")
		undo := TF("finish.undo.gui", Args{"Button": T("uninstall.button")})
		if !strings.Contains(texts, "ocsetup uninstall SETUP_FILE") || !strings.Contains(texts, undo) || !strings.Contains(undo, w.m.finishUninstall.button.Text) {
			w.t.Errorf("Finish does not name the Uninstall button and the uninstall command:\n%s", texts)
		}
		if b := w.m.finishUninstall.button; !b.Visible() || b.Disabled() || !holds(w.m.finish.object, b) {
			w.t.Errorf("no Uninstall button on the Finish screen")
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

// realWalkStore is the real OpenCart 3.0.3.9 store of the test
// environment on the SFTP site, fresh for the walk, with a connection to
// its database to look at what the walk changed.
type realWalkStore struct {
	env  *testenv.Env
	rs   testenv.RealStore
	site testenv.Site
	root string // the store's folder as the site's account sees it
	sql  *sql.DB
}

func newRealWalkStore(t *testing.T, version string) *realWalkStore {
	t.Helper()
	env := testenv.Get(t)
	s := &realWalkStore{env: env, rs: env.Store(t, version), site: env.Site(t, testenv.SFTP)}
	s.root = s.rs.RemoteRoot(s.site)
	cfg := mysql.NewConfig()
	cfg.User, cfg.Passwd, cfg.Net, cfg.Addr, cfg.DBName = s.rs.DBUser, s.rs.DBPassword, "tcp", env.MySQL.Addr(), s.rs.Database
	q, err := sql.Open("mysql", cfg.FormatDSN())
	must(t, err)
	t.Cleanup(func() { q.Close() })
	s.sql = q
	return s
}

// apiUsers dumps the store's API users and their allowed addresses (the
// oc_api and oc_api_ip rows), every column, in id order.
func (s *realWalkStore) apiUsers(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	for _, q := range []string{"SELECT * FROM oc_api ORDER BY api_id", "SELECT * FROM oc_api_ip ORDER BY api_ip_id"} {
		rows, err := s.sql.Query(q)
		must(t, err)
		cols, _ := rows.Columns()
		fmt.Fprintf(&b, "%s\n", q)
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
		must(t, rows.Err())
		rows.Close()
	}
	return b.String()
}

// value is one value the query selects.
func (s *realWalkStore) value(t *testing.T, query string, args ...any) string {
	t.Helper()
	var v sql.NullString
	if err := s.sql.QueryRow(query, args...).Scan(&v); err != nil && err != sql.ErrNoRows {
		t.Fatalf("%s: %v", query, err)
	}
	return v.String
}

// yesNo is the Yes/No select of a vendor's settings form.
var yesNo = options("1", "Yes", "0", "No")

func options(pairs ...string) []testext.Option {
	var out []testext.Option
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, testext.Option{Value: pairs[i], Label: pairs[i+1]})
	}
	return out
}

// apsVariant is an extension of ours shaped like Amazon Payment Services'
// amazon_ps 2.4.0 for OpenCart 3: payment code amazon_ps, the settings
// form's keys (payment_amazon_ps_…) as the vendor's form posts them, the
// four credentials required by its validation, the sub-methods its save
// installs and fills (amazon_ps_installments, …), and the URL the gateway
// calls back (response) and the one its status cron calls.
func apsVariant() testext.Variant {
	sha := options("sha256", "SHA-256", "sha512", "SHA-512", "hmac256", "HMAC-256", "hmac512", "HMAC-512")
	f := func(name string, kind testext.Kind, opts ...testext.Option) testext.Field {
		return testext.Field{Name: name, Kind: kind, Options: opts}
	}
	req := func(name string, kind testext.Kind) testext.Field {
		return testext.Field{Name: name, Kind: kind, Required: true}
	}
	fields := []testext.Field{
		f("card", testext.Text), // a hidden 1 in the vendor's form
		f("status", testext.Select),
		req("merchant_identifier", testext.Text), req("access_code", testext.Password),
		req("request_sha_phrase", testext.Password), req("response_sha_phrase", testext.Password),
		f("sha_type", testext.Select, sha...),
		f("command", testext.Select, options("PURCHASE", "Purchase", "AUTHORIZATION", "Authorization")...),
		f("sandbox_mode", testext.Select, yesNo...),
		f("gateway_currency", testext.Select, options("base", "Base", "front", "Front")...),
		f("debug", testext.Select, yesNo...),
		f("check_status_cron_duration", testext.Select, options("15", "15", "30", "30", "45", "45", "60", "60", "120", "120")...),
		f("cc_status", testext.Select, yesNo...),
		f("cc_integration_type", testext.Select, options("redirection", "Redirection", "standard_checkout", "Standard checkout", "hosted_checkout", "Hosted checkout")...),
	}
	for _, n := range []string{"cc_tokenization", "cc_hide_delete_token", "cc_show_mada_branding", "cc_show_meeza_branding"} {
		fields = append(fields, f(n, testext.Select, yesNo...))
	}
	fields = append(fields, f("cc_sort_order", testext.Text),
		f("installments_status", testext.Select, yesNo...),
		f("installments_integration_type", testext.Select, options("redirection", "Redirection", "standard_checkout", "Standard checkout", "hosted_checkout", "Hosted checkout", "embedded_hosted_checkout", "Embedded hosted checkout")...),
		// The vendor's form posts the SAR minimum under this key.
		f("installments_aed_order_min_value", testext.Text), f("installments_egp_order_min_value", testext.Text), f("installments_order_sar_min_value", testext.Text),
		f("installments_issuer_name", testext.Select, yesNo...), f("installments_issuer_logo", testext.Select, yesNo...),
		f("installments_sort_order", testext.Text))
	for _, n := range []string{"naps_status", "knet_status", "tabby_status", "valu_status", "valu_down_payment_status"} {
		fields = append(fields, f(n, testext.Select, yesNo...))
	}
	fields = append(fields, f("valu_down_payment_value", testext.Text), f("valu_order_min_value", testext.Text),
		f("visa_checkout_status", testext.Select, yesNo...),
		f("visa_checkout_integration_type", testext.Select, options("redirection", "Redirection", "hosted_checkout", "Hosted checkout")...),
		f("visa_checkout_api_key", testext.Password), f("visa_checkout_profile_name", testext.Text))
	for _, m := range []string{"naps", "knet", "tabby", "valu", "visa_checkout"} {
		fields = append(fields, f(m+"_sort_order", testext.Text))
	}
	fields = append(fields,
		f("apple_pay_status", testext.Select, yesNo...), f("apple_pay_product_page", testext.Select, yesNo...), f("apple_pay_cart_page", testext.Select, yesNo...),
		f("apple_pay_sha_type", testext.Select, sha...),
		f("apple_pay_btn_type", testext.Select, options("apple-pay-buy", "Buy", "apple-pay-plain", "Plain", "apple-pay-check-out", "Check out", "apple-pay-book", "Book", "apple-pay-order", "Order")...),
		f("apple_pay_access_code", testext.Password), f("apple_pay_request_sha_phrase", testext.Password), f("apple_pay_response_sha_phrase", testext.Password),
		f("apple_pay_domain_name", testext.Text), f("apple_pay_display_name", testext.Text),
		f("apple_pay_supported_network", testext.MultiSelect, options("amex", "American Express", "visa", "Visa", "masterCard", "Mastercard", "mada", "mada")...),
		f("apple_pay_production_key", testext.Password), f("apple_pay_sort_order", testext.Text))
	return testext.Variant{Type: "payment", Code: "amazon_ps", Title: "Amazon Payment Services", Fields: fields,
		Callbacks:  []string{"response", "checkPaymentStatus"},
		SubMethods: []string{"installments", "visa_checkout", "knet", "tabby", "naps", "valu", "apple_pay"}}
}

// oneboxCron is a connector of ours shaped like OneBox's cron.php: the
// head holds the store's address and the OpenCart API key; it works only
// once OneBox has put category.json beside it, logs in to the store's API
// with the key alone (as OneBox's does) and appends what happened to
// log.txt.
const oneboxCron = `<?php
$languages = array('ru');
$host = '';
$track = 'catalog/onebox/';
$apiKey = '';

$dir = dirname(__FILE__) . '/';
if (!file_exists($dir . 'category.json')) {
	exit;
}
$context = stream_context_create(array('http' => array(
	'method' => 'POST',
	'header' => "Content-Type: application/x-www-form-urlencoded\r\n",
	'content' => http_build_query(array('key' => $apiKey)),
	'ignore_errors' => true,
	'timeout' => 20,
)));
$answer = (string)@file_get_contents($host . 'index.php?route=api/login', false, $context);
$json = json_decode($answer, true);
if (is_array($json) && (!empty($json['api_token']) || !empty($json['token']))) {
	$line = 'login ok';
} else {
	$line = 'login failed: ' . substr($answer, 0, 300);
}
file_put_contents($dir . 'log.txt', date('c') . ' ' . $line . "\n", FILE_APPEND);
echo $line;
`

// oneboxVariant is OneBox's "API files" beside a module of ours: the
// connector cron.php, the API controller and model the connector calls.
func oneboxVariant() testext.Variant {
	return testext.Variant{Type: "module", Code: "onebox", Title: "OneBox", Files: map[string]string{
		"catalog/onebox/cron.php": oneboxCron,
		"catalog/controller/api/oneboxsync.php": "<?php\nclass ControllerApiOneboxsync extends Controller {\n\tpublic function category() {\n" +
			"\t\t$this->response->addHeader('Content-Type: application/json');\n\t\t$this->response->setOutput(json_encode(array()));\n\t}\n}\n",
		"catalog/model/oneboxsync/oneboxsync.php": "<?php\nclass ModelOneboxsyncOneboxsync extends Model {\n}\n",
	}}
}

// TestWalkAmazonPaymentServices: a merchant sets up Amazon Payment
// Services on the real OpenCart 3.0.3.9 store from Welcome to Finish with
// eight typed values, no step twice, no API access step; the store's
// admin installs the extension (its install() runs), Test ends pass or
// warn, and the store's API users are byte for byte as they were; the
// window and the side bar keep their size at every step.
func TestWalkAmazonPaymentServices(t *testing.T) {
	s := newRealWalkStore(t, "3.0.3.9")
	pkg := testext.PackageOf(t, "3.0", apsVariant())
	usersBefore := s.apiUsers(t)

	w := newWalker(t)
	w.ui.do(func() { w.m.welcome.selectID("amazon_ps") })
	w.next(app.StepConnect)
	w.connect(s.site, s.root)
	w.next(app.StepPackage)
	w.upload(pkg)
	w.next(app.StepCredentials)
	w.database(s.rs.Database, s.rs.DBPassword)
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
	// Through the store's admin: its install() made its table and event,
	// and the save stored what was typed.
	if s.value(t, "SELECT COUNT(*) FROM oc_extension WHERE type = 'payment' AND code = 'amazon_ps'") != "1" ||
		s.value(t, "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = 'oc_amazon_ps_transaction'") != "1" ||
		s.value(t, "SELECT COUNT(*) FROM oc_event WHERE code = 'amazon_ps'") != "1" {
		t.Errorf("the extension was not installed by the store's admin")
	}
	if got := s.value(t, "SELECT value FROM oc_setting WHERE `key` = 'payment_amazon_ps_merchant_identifier'"); got != "MxvOupuG" {
		t.Errorf("merchant identifier saved as %q", got)
	}
	w.next(app.StepTest)
	rep := w.test()
	checkout := false
	for _, r := range rep.Results {
		checkout = checkout || (strings.Contains(r.ID, "checkout") && r.Status == check.Pass)
	}
	if !checkout {
		t.Errorf("the checkout did not offer Amazon Payment Services: %+v", rep.Results)
	}
	w.next(app.StepSync)
	w.next(app.StepFinish)
	w.finish()
	w.ui.do(func() {
		sum := w.wiz.Session.Summary()
		if len(sum.Required) == 0 || !strings.Contains(sum.Required[0].Value, "amazon_ps/response") || sum.APIUser != nil || sum.Report == "" {
			t.Errorf("summary: %+v", sum)
		}
		texts := strings.Join(labelTexts(w.m.finish.body), "\n")
		if sum.Settings == nil || !sum.Settings.ViaAdmin || sum.Settings.NoModule || !strings.Contains(texts, T("finish.changed.settings.admin")) || strings.Contains(texts, "cron.php") {
			t.Errorf("Finish for Amazon Payment Services (%+v):\n%s", sum.Settings, texts)
		}
		if _, err := os.Stat(sum.Report); err != nil {
			t.Errorf("the report: %v", err)
		}
	})
	if w.typed != 8 {
		t.Errorf("%d values typed, want 8", w.typed)
	}
	if after := s.apiUsers(t); after != usersBefore {
		t.Errorf("the store's API users changed:\n%s\n%s", usersBefore, after)
	}
}

// TestWalkOneBox: on the real OpenCart 3.0.3.9 store OneBox asks for the
// provider's IP and uses the store's API user "Default", whose key it
// keeps: OneBox's cron.php sends the key alone, which 3.0 checks against
// "Default" only. Test's API login passes, and so does the connector's own
// login through cron.php; Uninstall puts the API users back byte for byte.
func TestWalkOneBox(t *testing.T) {
	s := newRealWalkStore(t, "3.0.3.9")
	v := oneboxVariant()
	pkg := testext.PackageOf(t, "3.0", v)
	files, err := testext.FilesOf("3.0", v)
	must(t, err)
	usersBefore := s.apiUsers(t)
	defaultKey := s.value(t, "SELECT `key` FROM oc_api WHERE username = 'Default'")
	if len(defaultKey) < 64 {
		t.Fatalf("the store's Default API user has no key: %q", defaultKey)
	}

	w := newWalker(t)
	w.ui.do(func() { w.m.welcome.selectID("onebox") })
	w.next(app.StepConnect)
	w.connect(s.site, s.root)
	w.next(app.StepPackage)
	w.upload(pkg)
	w.next(app.StepCredentials)
	w.database(s.rs.Database, s.rs.DBPassword)
	w.next(app.StepAccess)
	ac := w.m.access
	eventually(t, w.ui, "the store's API users", func() bool { return !ac.apply.Disabled() })
	w.ui.do(func() {
		if !ac.ipsBox.Visible() || ac.ownName != app.KeyOnlyUser || !ac.keyOnly.Visible() {
			t.Fatalf("access screen: IPs shown %v, own user %q, key-only note shown %v", ac.ipsBox.Visible(), ac.ownName, ac.keyOnly.Visible())
		}
		// The screen says what happens: the store's "Default" is used and
		// keeps its key, so no new key is shown; picking another user
		// shows the key it would get.
		want := TF("access.user.default", Args{"Name": "Default"})
		if ac.choice.Selected != want || ac.keyBox.Visible() || ac.apply.Text != TF("access.apply.default", Args{"Name": "Default"}) ||
			ac.intro.Text != TF("access.intro.keyonly", Args{"Name": "Default"}) || strings.Contains(strings.Join(ac.choice.Options, " "), "Create") {
			t.Errorf("access screen for Default: choice %q (options %q), key shown %v, button %q, intro %q", ac.choice.Selected, ac.choice.Options, ac.keyBox.Visible(), ac.apply.Text, ac.intro.Text)
		}
		ac.choice.SetSelected(ac.choice.Options[1])
		if !ac.keyBox.Visible() || ac.apply.Text != T("access.apply.review") {
			t.Errorf("another user: key shown %v, button %q", ac.keyBox.Visible(), ac.apply.Text)
		}
		ac.choice.SetSelected(want)
		if ac.keyBox.Visible() {
			t.Error("the key is shown again for Default")
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
		if !strings.HasPrefix(ac.job.status.Text, TF("access.done.ipsonly", Args{"Name": "Default"})) || !strings.Contains(ac.job.status.Text, "keeps its key") || !strings.Contains(ac.job.status.Text, "127.0.0.1") {
			t.Errorf("status %q", ac.job.status.Text)
		}
	})
	if got := s.value(t, "SELECT `key` FROM oc_api WHERE username = 'Default'"); got != defaultKey {
		t.Fatal("the Access step replaced the Default API user's key")
	}
	if s.value(t, "SELECT COUNT(*) FROM oc_api_ip i JOIN oc_api a USING (api_id) WHERE a.username = 'Default' AND i.ip = '127.0.0.1'") != "1" {
		t.Fatal("the provider's address was not allowed for Default")
	}
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
	cronPath := filepath.Join(s.rs.Root, "catalog", "onebox", "cron.php")
	cron, err := os.ReadFile(cronPath)
	if err != nil || !strings.Contains(string(cron), "$host = '"+s.rs.URL+"';") || !strings.Contains(string(cron), "$apiKey = '"+defaultKey+"';") {
		t.Fatalf("cron.php not configured with the store's address and Default's key: %q %v", cron, err)
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
	// The connector's own login: OneBox has sent its first category.json,
	// and cron.php logs in with the key alone from the allowed address.
	jsonPath := filepath.Join(filepath.Dir(cronPath), "category.json")
	must(t, os.WriteFile(jsonPath, []byte("[]"), 0o644))
	must(t, testenv.ChownTree(jsonPath, s.site.UID, s.site.GID))
	resp, err := http.Get(s.rs.URL + "catalog/onebox/cron.php")
	must(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "login ok" {
		t.Errorf("the connector's login through cron.php: %q", body)
	}
	must(t, os.Remove(jsonPath))
	w.next(app.StepSync)
	sy := w.m.sync
	w.ui.do(func() { test.Tap(sy.start) })
	w.waitDone(app.StepSync, sy.job, "the sync view")
	w.measure()
	w.next(app.StepFinish)
	w.finish()
	w.ui.do(func() {
		sum := w.wiz.Session.Summary()
		if sum.Uploaded == nil || sum.Uploaded.Created != len(files) || sum.Uploaded.Replaced != 0 || sum.APIUser == nil || sum.APIUser.Created || !sum.APIUser.KeptKey {
			t.Errorf("summary: %+v %+v (the package has %d files)", sum.Uploaded, sum.APIUser, len(files))
		}
		// OneBox configures no module: Finish names the connector's file it
		// filled in, and no module settings to save or to undo.
		texts := strings.Join(labelTexts(w.m.finish.body), "\n")
		if sum.Settings == nil || !sum.Settings.NoModule || sum.Settings.ConnectorFile != "catalog/onebox/cron.php" ||
			!strings.Contains(texts, TF("finish.changed.connector", Args{"File": "catalog/onebox/cron.php"})) ||
			strings.Contains(texts, T("finish.changed.settings.database")) || strings.Contains(texts, T("finish.changed.settings.admin")) || strings.Contains(texts, T("finish.undo.settings")) {
			t.Errorf("Finish for OneBox (%+v):\n%s", sum.Settings, texts)
		}
	})
	if w.typed != 5 {
		t.Errorf("%d values typed, want 5 (host, user, password, package, the provider's IP)", w.typed)
	}
	sy.close()
	// The undo the Finish step names: Uninstall removes everything the
	// session uploaded — the package and the configured cron.php, which
	// went up again as a second upload — and puts the rows back.
	// The connector's log.txt is OneBox's, not the upload's: its folder
	// stays, and Uninstall says so.
	res, err := w.wiz.Session.Uninstall(context.Background())
	if err != nil && !strings.Contains(err.Error(), "catalog/onebox") {
		t.Fatalf("uninstall: %v", err)
	}
	if _, lerr := os.Stat(filepath.Join(filepath.Dir(cronPath), "log.txt")); err == nil || lerr != nil {
		t.Errorf("uninstall with the connector's log.txt in catalog/onebox: %v; the log: %v", err, lerr)
	}
	for f := range files {
		if _, err := os.Stat(filepath.Join(s.rs.Root, filepath.FromSlash(f))); !os.IsNotExist(err) {
			t.Errorf("%s after uninstall: %v (%+v)", f, err, res)
		}
	}
	if after := s.apiUsers(t); after != usersBefore {
		t.Errorf("the store's API users changed (Default's key must be kept):\nbefore %s\nafter %s", usersBefore, after)
	}
}

// TestWalkOneBoxOwnUser: on the real OpenCart 2.3.0.2 store, whose API
// login takes a key alone for any user, the OneBox walk asks for the
// provider's IP and creates ocsetup's own API user ("ocsetup OneBox");
// cron.php gets that user's key, Test's API login and the connector's own
// login pass, the store's Default keeps its key, and Uninstall leaves the
// API users as they were.
func TestWalkOneBoxOwnUser(t *testing.T) {
	s := newRealWalkStore(t, "2.3.0.2")
	pkg := testext.PackageOf(t, "2.3", oneboxVariant())
	usersBefore := s.apiUsers(t)
	defaultKey := s.value(t, "SELECT `key` FROM oc_api WHERE name = 'Default'")

	w := newWalker(t)
	w.ui.do(func() { w.m.welcome.selectID("onebox") })
	w.next(app.StepConnect)
	w.connect(s.site, s.root)
	w.next(app.StepPackage)
	w.upload(pkg)
	w.next(app.StepCredentials)
	w.database(s.rs.Database, s.rs.DBPassword)
	w.next(app.StepAccess)
	ac := w.m.access
	eventually(t, w.ui, "the store's API users", func() bool { return !ac.apply.Disabled() })
	w.ui.do(func() {
		if !ac.ipsBox.Visible() || ac.ownName != "ocsetup OneBox" || ac.keyOnly.Visible() || !ac.keyBox.Visible() {
			t.Fatalf("access screen on 2.3: IPs shown %v, own user %q, key-only note shown %v, key shown %v", ac.ipsBox.Visible(), ac.ownName, ac.keyOnly.Visible(), ac.keyBox.Visible())
		}
		test.Tap(ac.apply) // no address: refused
		if ac.job.status.Importance != widget.DangerImportance || w.wiz.Done(app.StepAccess) {
			t.Fatalf("empty IP list accepted: %q", ac.job.status.Text)
		}
		w.typeIn(ac.ips, "127.0.0.1")
		test.Tap(ac.apply)
	})
	w.waitDone(app.StepAccess, ac.job, "the API user")
	ownKey := s.value(t, "SELECT `key` FROM oc_api WHERE name = 'ocsetup OneBox'")
	if len(ownKey) < 64 || ownKey == defaultKey {
		t.Fatalf("ocsetup's own API user has the key %q", ownKey)
	}
	if s.value(t, "SELECT COUNT(*) FROM oc_api_ip i JOIN oc_api a USING (api_id) WHERE a.name = 'ocsetup OneBox' AND i.ip = '127.0.0.1'") != "1" {
		t.Fatal("the provider's address was not allowed for ocsetup's own user")
	}
	if got := s.value(t, "SELECT `key` FROM oc_api WHERE name = 'Default'"); got != defaultKey {
		t.Fatal("the Access step changed the Default API user's key")
	}
	w.next(app.StepSettings)
	w.ui.do(func() { test.Tap(w.m.settings.load) })
	eventually(t, w.ui, "the settings form", func() bool { return w.m.settings.entries["service_ip"] != nil })
	w.ui.do(func() { test.Tap(w.m.settings.apply) })
	w.waitDone(app.StepSettings, w.m.settings.job, "the saved settings")
	cronPath := filepath.Join(s.rs.Root, "catalog", "onebox", "cron.php")
	if cron, err := os.ReadFile(cronPath); err != nil || !strings.Contains(string(cron), "$apiKey = '"+ownKey+"';") {
		t.Fatalf("cron.php not given ocsetup's own user's key: %q %v", cron, err)
	}
	w.next(app.StepTest)
	rep := w.test()
	login := false
	for _, r := range rep.Results {
		login = login || (r.ID == "api-login" && r.Status == check.Pass)
	}
	if !login {
		t.Errorf("the API login did not pass: %+v", rep.Results)
	}
	jsonPath := filepath.Join(filepath.Dir(cronPath), "category.json")
	must(t, os.WriteFile(jsonPath, []byte("[]"), 0o644))
	must(t, testenv.ChownTree(jsonPath, s.site.UID, s.site.GID))
	resp, err := http.Get(s.rs.URL + "catalog/onebox/cron.php")
	must(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "login ok" {
		t.Errorf("the connector's login through cron.php: %q", body)
	}
	must(t, os.Remove(jsonPath))
	w.next(app.StepSync)
	w.ui.do(func() { test.Tap(w.m.sync.start) })
	w.waitDone(app.StepSync, w.m.sync.job, "the sync view")
	w.measure()
	w.next(app.StepFinish)
	w.finish()
	w.ui.do(func() {
		if sum := w.wiz.Session.Summary(); sum.APIUser == nil || !sum.APIUser.Created || sum.APIUser.KeptKey {
			t.Errorf("summary's API user: %+v", sum.APIUser)
		}
	})
	if w.typed != 5 {
		t.Errorf("%d values typed, want 5 (host, user, password, package, the provider's IP)", w.typed)
	}
	w.m.sync.close()
	if _, err := w.wiz.Session.Uninstall(context.Background()); err != nil && !strings.Contains(err.Error(), "catalog/onebox") {
		t.Fatalf("uninstall: %v", err)
	}
	if after := s.apiUsers(t); after != usersBefore {
		t.Errorf("the store's API users after Uninstall:\nbefore %s\nafter %s", usersBefore, after)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// holds says whether o is target or has it among its containers' objects.
func holds(o, target fyne.CanvasObject) bool {
	if o == target {
		return true
	}
	if c, ok := o.(*fyne.Container); ok {
		for _, child := range c.Objects {
			if holds(child, target) {
				return true
			}
		}
	}
	return false
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
