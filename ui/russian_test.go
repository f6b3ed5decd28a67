package ui

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/ocsetup/ocsetup/app"
	"github.com/ocsetup/ocsetup/installer/integrations"
	"github.com/ocsetup/ocsetup/internal/fixture"
	"github.com/ocsetup/ocsetup/internal/testenv"
	"github.com/ocsetup/ocsetup/ui/tr"
)

// visibleTexts collects every text drawn in o that a user can read:
// labels, buttons, checks, radio and select options, entries'
// placeholders, rich text, cards, accordion titles, tabs and bare
// canvas texts. What the user typed into an entry is not collected.
// Hidden objects and what they hold are skipped.
func visibleTexts(o fyne.CanvasObject) []string {
	if o == nil || !o.Visible() {
		return nil
	}
	var out []string
	add := func(s ...string) {
		for _, x := range s {
			if strings.TrimSpace(x) != "" {
				out = append(out, x)
			}
		}
	}
	switch w := o.(type) {
	case *widget.Label:
		add(w.Text)
		return out
	case *widget.Button:
		add(w.Text)
		return out
	case *widget.Check:
		add(w.Text)
		return out
	case *widget.Hyperlink:
		add(w.Text)
		return out
	case *widget.RadioGroup:
		add(w.Options...)
		return out
	case *widget.Select:
		if w.Selected == "" {
			add(w.PlaceHolder)
		}
		add(w.Selected)
		add(w.Options...)
		return out
	case *widget.SelectEntry:
		add(w.PlaceHolder)
		return out
	case *widget.Entry:
		if w.Text == "" {
			add(w.PlaceHolder)
		}
		return out
	case *widget.RichText:
		for _, seg := range w.Segments {
			if t, ok := seg.(*widget.TextSegment); ok {
				add(t.Text)
			}
		}
		return out
	case *widget.Card:
		add(w.Title, w.Subtitle)
		return append(out, visibleTexts(w.Content)...)
	case *widget.Accordion:
		for _, it := range w.Items {
			add(it.Title)
			if it.Open {
				out = append(out, visibleTexts(it.Detail)...)
			}
		}
		return out
	case *container.AppTabs:
		for _, it := range w.Items {
			add(it.Text)
		}
		if sel := w.Selected(); sel != nil {
			out = append(out, visibleTexts(sel.Content)...)
		}
		return out
	case *widget.Form:
		for _, it := range w.Items {
			add(it.Text, it.HintText)
			out = append(out, visibleTexts(it.Widget)...)
		}
		return out
	case *canvas.Text:
		add(w.Text)
		return out
	case *fyne.Container:
		for _, c := range w.Objects {
			out = append(out, visibleTexts(c)...)
		}
		return out
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(w).Objects() {
			out = append(out, visibleTexts(c)...)
		}
	}
	return out
}

// screenTexts are the texts of the window and of the dialogs over it.
func screenTexts(c fyne.Canvas) []string {
	out := visibleTexts(c.Content())
	for _, o := range c.Overlays().List() {
		out = append(out, visibleTexts(o)...)
	}
	return out
}

// russianTexts knows what a Russian text may be: the value of a key of
// ru.json (every plural form; a placeholder matches anything, but the
// text around it must be there), Fyne's own words in Russian, and the
// values the test allows (what was typed, the store's own data).
type russianTexts struct {
	patterns []*regexp.Regexp
	allowed  map[string]bool
}

// fyneWords are the texts Fyne's dialogs draw themselves; Fyne
// translates them (lang.L).
var fyneWords = []string{"Yes", "No", "OK", "Cancel", "Error", "Open", "Save", "Confirm", "Dismiss"}

// properNames are names the texts keep in every language.
var properNames = []string{"ocsetup", "OpenCart", "OneBox", "OneBox CRM", "Default", "SFTP", "FTP", "SSH", "cPanel", "Plesk", "ISPmanager", "PHP"}

func newRussianTexts(t *testing.T) *russianTexts {
	t.Helper()
	r := &russianTexts{allowed: map[string]bool{}}
	for k, v := range readTranslation(t, "ru") {
		for _, s := range forms(t, "ru.json", k, v) {
			if !hasCyrillic(placeholder.ReplaceAllString(s, "")) {
				// A proper name ("Amazon Payment Services") is the value
				// itself; a text of placeholders only proves nothing.
				if !strings.Contains(s, "{{") {
					r.allowed[s] = true
				}
				continue
			}
			r.patterns = append(r.patterns, textPattern(s))
			// A text over several lines may be cut into its lines (a
			// wrapped label draws each line on its own).
			if strings.Contains(s, "\n") {
				for _, line := range strings.Split(s, "\n") {
					if hasCyrillic(placeholder.ReplaceAllString(line, "")) {
						r.patterns = append(r.patterns, textPattern(line))
					}
				}
			}
		}
	}
	for _, w := range fyneWords {
		r.allowed[lang.L(w)] = true
	}
	for _, n := range properNames {
		r.allowed[n] = true
	}
	// The language menu names each language in itself ("English"), as
	// language menus do, so that a user lost in a language finds theirs.
	for _, l := range tr.Languages {
		r.allowed[l.Name] = true
	}
	return r
}

func textPattern(s string) *regexp.Regexp {
	parts := placeholder.Split(s, -1)
	for i, p := range parts {
		parts[i] = regexp.QuoteMeta(p)
	}
	return regexp.MustCompile(`^(?s)` + strings.Join(parts, `.*`) + `$`)
}

func hasCyrillic(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return unicode.Is(unicode.Cyrillic, r) }) >= 0
}

// plain matches texts that need no translation: no letters at all
// (numbers, sizes, "—", dots), addresses, paths and file names.
var plain = regexp.MustCompile(`^(?:[^\pL]*|[a-z]+://\S+|\S*/\S*|[\w.-]+\.(?:php|zip|json|md|txt|log))$`)

// ok reports whether text is Russian as the app may show it. A label
// may join several texts with line breaks ("msg\nnote") or " · ", and
// mark them "• " or "⚠ ", so a text passes when its parts each pass.
func (r *russianTexts) ok(text string) bool {
	if r.one(text) {
		return true
	}
	parts := strings.FieldsFunc(text, func(c rune) bool { return c == '\n' })
	var split []string
	for _, p := range parts {
		split = append(split, strings.Split(p, " · ")...)
	}
	for _, p := range split {
		if p = strings.TrimSpace(p); p != "" && !r.sentences(p) {
			return false
		}
	}
	return true
}

// sentences reports whether text is texts joined by spaces, each ending
// a sentence ("Created the user. Allowed 1.2.3.4."): some run of its
// sentences matches a text, then the next run does, to the end.
func (r *russianTexts) sentences(text string) bool {
	if r.one(text) {
		return true
	}
	parts := strings.SplitAfter(text, ". ")
	reach := make([]bool, len(parts)+1)
	reach[0] = true
	for i := 1; i <= len(parts); i++ {
		for j := 0; j < i && !reach[i]; j++ {
			reach[i] = reach[j] && r.one(strings.Join(parts[j:i], ""))
		}
	}
	return reach[len(parts)]
}

func (r *russianTexts) one(text string) bool {
	text = strings.TrimSpace(text)
	text = strings.TrimPrefix(strings.TrimPrefix(text, "• "), "⚠ ")
	if r.allowed[text] || plain.MatchString(text) {
		return true
	}
	for _, p := range r.patterns {
		if p.MatchString(text) {
			return true
		}
	}
	return false
}

// allow adds values the user typed or the store holds.
func (r *russianTexts) allow(values ...string) {
	for _, v := range values {
		r.allowed[strings.TrimSpace(v)] = true
	}
}

// scan fails the test for each text on the canvas that is not Russian.
func (r *russianTexts) scan(t *testing.T, where string, c fyne.Canvas, seen map[string]bool) {
	t.Helper()
	texts := screenTexts(c)
	if len(texts) == 0 {
		t.Errorf("%s: no texts found on the screen", where)
	}
	var bad []string
	for _, s := range texts {
		seen[where] = true
		if !r.ok(s) {
			bad = append(bad, fmt.Sprintf("%q", s))
		}
	}
	sort.Strings(bad)
	bad = slices.Compact(bad)
	if len(bad) > 0 {
		t.Errorf("%s shows texts that are not Russian translations:\n  %s", where, strings.Join(bad, "\n  "))
	}
}

// TestScannerCatchesEnglish: the scan itself fails on an English text and
// passes a translated one, a typed value and a path.
func TestScannerCatchesEnglish(t *testing.T) {
	inLocale(t, "ru_RU.UTF-8")
	r := newRussianTexts(t)
	r.allow("shop-user")
	for _, s := range []string{T("package.plan"), TF("package.uploaded", Args{"Manifest": "m-1"}), "shop-user", "/www/admin/index.php",
		"12 345", T("creds.reached") + "\n" + T("common.cancelled"), lang.L("Yes")} {
		if !r.ok(s) {
			t.Errorf("a Russian text fails the scan: %q", s)
		}
	}
	if s := T("package.planned") + " " + TF("access.done.ips", Args{"IPs": "1.2.3.4"}); !r.ok(s) {
		t.Errorf("two Russian sentences fail the scan: %q", s)
	}
	for _, s := range []string{"Check what will change", "Uploaded and verified. Manifest m-1 keeps what Roll back needs.",
		T("package.plan") + "\nNothing has changed on the store yet.", "PASS  Store answers",
		T("package.planned") + " Nothing was uploaded."} {
		if r.ok(s) {
			t.Errorf("an English text passes the scan: %q", s)
		}
	}
	w := test.NewTempWindow(t, container.NewVBox(widget.NewLabel("Some English"), widget.NewButton(T("common.next"), nil)))
	if got := screenTexts(w.Canvas()); !slices.Contains(got, "Some English") || !slices.Contains(got, T("common.next")) {
		t.Errorf("the collector found %q", got)
	}
}

// TestEveryScreenInRussian walks the wizard in Russian from Welcome to
// Finish on a store, OneBox, which has every step, opening the dialogs
// on the way (the host key, Roll back, Uninstall), and fails on any
// text that is not the value of a Russian translation key.
func TestEveryScreenInRussian(t *testing.T) {
	env := testenv.Get(t)
	ts := env.Site(t, testenv.SFTP)
	st := fixture.New(t, env, ts, fixture.Options{Version: "3.0.3.8"})
	inLocale(t, "ru_RU.UTF-8")
	pkg := writePackage(t, "onebox.ocmod.zip", map[string]string{
		"upload/catalog/onebox/cron.php":                      "<?php\n$host = '';\n$apiKey = '';\n",
		"upload/catalog/controller/api/oneboxsync.php":        "<?php class ControllerApiOneboxsync extends Controller {}\n",
		"upload/catalog/model/oneboxsync/oneboxsync.php":      "<?php class ModelOneboxsyncOneboxsync extends Model {}\n",
		"upload/admin/language/en-gb/extension/onebox.php":    "<?php $_['heading_title'] = 'OneBox';\n",
		"upload/admin/controller/extension/module/onebox.php": "<?php class ControllerExtensionModuleOnebox extends Controller {}\n",
	})
	r := newRussianTexts(t)
	r.allow(ts.Host, ts.User, st.Remote, pkg, st.URL, st.DB.Name, st.DB.User, st.DB.Host, "127.0.0.1", fmt.Sprintf("%q", st.Prefix),
		"ftp.example.com") // the server field's example
	// The store's own data shown as it is: its order statuses' names (the
	// sync view) and the host key's fingerprint.
	r.allow("Complete", "Pending", "Processing")
	r.patterns = append(r.patterns, regexp.MustCompile(`^SHA256:[A-Za-z0-9+/]{43}$`))
	seen := map[string]bool{}

	w := newWalker(t)
	scan := func(where string) {
		t.Helper()
		w.ui.do(func() { r.scan(t, where, w.m.Window.Canvas(), seen) })
	}
	scan("Welcome")
	w.ui.do(func() { w.m.welcome.selectID("onebox") })
	w.next(app.StepConnect)
	scan("Connect")
	c := w.m.connect
	w.ui.do(func() {
		w.typeIn(c.host, ts.Host)
		c.port.SetText(fmt.Sprint(ts.Port))
		w.typeIn(c.user, ts.User)
		w.typeIn(c.pass, ts.Password)
		c.folder.SetText(st.Remote)
		test.Tap(c.connect)
	})
	var trust *widget.Button
	eventually(t, w.ui, "the host key dialog", func() bool {
		trust = findButton(w.m.Window.Canvas(), T("connect.trust.confirm"))
		return trust != nil
	})
	scan("Connect: the host key dialog")
	w.ui.do(func() { test.Tap(trust) })
	eventually(t, w.ui, "a store", func() bool { return !w.m.next.Disabled() })
	scan("Connect: connected")

	w.next(app.StepPackage)
	scan("Package")
	w.upload(pkg)
	scan("Package: uploaded")
	w.ui.do(func() { test.Tap(w.m.pkg.rollback) })
	scan("Package: the Roll back dialog")
	w.ui.do(func() { test.Tap(findButton(w.m.Window.Canvas(), lang.L("No"))) })

	w.next(app.StepCredentials)
	scan("Database access")
	w.database(st.DB.Name, st.DB.Password)
	scan("Database access: reached")

	w.next(app.StepAccess)
	ac := w.m.access
	eventually(t, w.ui, "the store's API users", func() bool { return !ac.apply.Disabled() })
	scan("API access")
	w.ui.do(func() {
		test.Tap(ac.apply) // no address: refused
	})
	scan("API access: no address")
	w.ui.do(func() {
		w.typeIn(ac.ips, "127.0.0.1")
		test.Tap(ac.apply)
	})
	w.waitDone(app.StepAccess, ac.job, "the API user")
	scan("API access: done")

	w.next(app.StepSettings)
	scan("Settings")
	w.ui.do(func() { test.Tap(w.m.settings.load) })
	eventually(t, w.ui, "the settings form", func() bool { return w.m.settings.entries["service_ip"] != nil })
	scan("Settings: the form")
	w.ui.do(func() { test.Tap(w.m.settings.apply) })
	w.waitDone(app.StepSettings, w.m.settings.job, "the saved settings")
	scan("Settings: saved")

	w.next(app.StepTest)
	scan("Test")
	w.test()
	scan("Test: the checklist")
	w.ui.do(func() {
		for i := range w.m.test.list.Items {
			w.m.test.list.Open(i)
		}
	})
	scan("Test: every check open")

	w.next(app.StepSync)
	scan("Sync")
	sy := w.m.sync
	w.ui.do(func() { test.Tap(sy.start) })
	w.waitDone(app.StepSync, sy.job, "the sync view")
	scan("Sync: watching")
	w.next(app.StepFinish)
	scan("Finish")
	w.ui.do(func() { test.Tap(w.m.finishUninstall.button) })
	scan("Finish: the Uninstall dialog")
	w.ui.do(func() { test.Tap(findButton(w.m.Window.Canvas(), T("common.cancel"))) })
	sy.close()
	if len(seen) < 20 {
		t.Errorf("only %d screens scanned", len(seen))
	}
}

// TestDialogsInRussian scans the dialogs the walk does not open: the
// crash report offered at start, the consent to replace core files, the
// preview of the changes to an existing API user, the dialog about what
// a killed run left (and its undo and rollback), and the question about a store
// that displays PHP errors (and the note left when it is declined).
func TestDialogsInRussian(t *testing.T) {
	env := testenv.Get(t)
	inLocale(t, "ru_RU.UTF-8")
	r := newRussianTexts(t)
	seen := map[string]bool{}

	t.Run("crash report", func(t *testing.T) {
		dir := t.TempDir()
		must(t, os.WriteFile(filepath.Join(dir, "crash.log"), []byte("panic: test crash\n"), 0o600))
		rec, err := app.RecordCrashes(dir)
		must(t, err)
		defer rec.Close()
		m := NewMain(test.NewTempApp(t), app.NewWizard(dir, integrations.Builtin()))
		m.OfferCrashReports(dir)
		if m.crash == nil {
			t.Fatal("no crash offered")
		}
		r.allow(m.crash.paths...)
		r.scan(t, "the crash report dialog", m.Window.Canvas(), seen)
	})

	t.Run("core files", func(t *testing.T) {
		ts := env.Site(t, testenv.SFTP)
		st := fixture.New(t, env, ts, fixture.Options{Version: "3.0.3.8"})
		pkg := writePackage(t, "images.ocmod.zip", map[string]string{
			"upload/catalog/controller/extension/module/images.php": "<?php class ControllerExtensionModuleImages extends Controller {}\n",
			"upload/image/.htaccess":                                "AddHandler application/x-httpd-php .jpg\n",
		})
		r.allow(ts.Host, ts.User, st.Remote, pkg)
		w := newWalker(t)
		w.ui.do(func() { w.m.welcome.selectID("custom") })
		w.next(app.StepConnect)
		w.connect(ts, st.Remote)
		w.next(app.StepPackage)
		p := w.m.pkg
		w.ui.do(func() {
			w.typeIn(p.path, pkg)
			test.Tap(p.planBtn)
		})
		eventually(t, w.ui, "the plan", func() bool { return !p.upload.Disabled() })
		w.ui.do(func() { test.Tap(p.upload) })
		eventually(t, w.ui, "the core files dialog", func() bool {
			return findButton(w.m.Window.Canvas(), T("package.core.confirm")) != nil
		})
		w.ui.do(func() { r.scan(t, "the core files dialog", w.m.Window.Canvas(), seen) })
		w.ui.do(func() { test.Tap(findButton(w.m.Window.Canvas(), T("common.cancel"))) })
		w.ui.do(func() { r.scan(t, "Package: core files declined", w.m.Window.Canvas(), seen) })
	})

	t.Run("MySQL certificate", func(t *testing.T) {
		ts := env.Site(t, testenv.SFTP)
		st := fixture.New(t, env, ts, fixture.Options{Version: "3.0.3.8"})
		fixture.UseTLSMySQL(t, env, st)
		r.allow(ts.Host, ts.User, st.Remote, env.MySQLTLS.CertSHA256, env.MySQLTLS.Addr())
		w := newWalker(t)
		w.ui.do(func() { w.m.welcome.selectID("amazon_ps") })
		w.next(app.StepConnect)
		w.connect(ts, st.Remote)
		w.ui.do(func() { test.Tap(w.m.creds.read) })
		eventually(t, w.ui, "the MySQL certificate dialog", func() bool {
			return findButton(w.m.Window.Canvas(), T("creds.trust.confirm")) != nil
		})
		w.ui.do(func() { r.scan(t, "the MySQL certificate dialog", w.m.Window.Canvas(), seen) })
		w.ui.do(func() { test.Tap(findButton(w.m.Window.Canvas(), T("common.cancel"))) })
		eventually(t, w.ui, "the database step after Cancel", func() bool {
			return strings.Contains(w.m.creds.job.status.Text, T("creds.trust.refused"))
		})
	})

	t.Run("HTTPS certificate", func(t *testing.T) {
		ts, st, fp, addr := selfSignedHTTPSStore(t, env)
		r.allow(ts.Host, ts.User, st.Remote, fp, addr)
		w := newWalker(t)
		w.ui.do(func() { w.m.welcome.selectID("amazon_ps") })
		w.next(app.StepConnect)
		connectPlainFTP(t, w, ts, st.Remote)
		w.ui.do(func() { test.Tap(w.m.creds.read) })
		eventually(t, w.ui, "the HTTPS certificate dialog", func() bool {
			return findButton(w.m.Window.Canvas(), T("creds.https_trust.confirm")) != nil
		})
		w.ui.do(func() { r.scan(t, "the HTTPS certificate dialog", w.m.Window.Canvas(), seen) })
	})

	t.Run("API access preview", func(t *testing.T) {
		// A second API user of the store, disabled and with a key of its
		// own: choosing it shows what would change before anything does.
		s := newRealWalkStore(t, "3.0.3.9")
		if _, err := s.sql.Exec("INSERT INTO oc_api (username, `key`, status, date_added, date_modified) VALUES ('Partner', ?, 0, NOW(), NOW())", strings.Repeat("p", 64)); err != nil {
			t.Fatal(err)
		}
		r.allow(s.site.Host, s.site.User, s.root, s.rs.Database, s.rs.DBUser, s.rs.URL, "Partner", "127.0.0.1", "ftp.example.com")
		w := newWalker(t)
		w.ui.do(func() { w.m.welcome.selectID("onebox") })
		w.next(app.StepConnect)
		w.connect(s.site, s.root)
		w.database(s.rs.Database, s.rs.DBPassword)
		ac := w.m.access
		w.ui.do(ac.prepare)
		eventually(t, w.ui, "the store's API users", func() bool { return slices.Contains(ac.existing.Options, "Partner") })
		w.ui.do(func() {
			ac.choice.SetSelected(ac.choice.Options[1])
			ac.existing.SetSelected("Partner")
			w.typeIn(ac.ips, "127.0.0.1")
			test.Tap(ac.apply)
		})
		eventually(t, w.ui, "the preview dialog", func() bool {
			return findButton(w.m.Window.Canvas(), T("access.preview.confirm")) != nil || ac.job.status.Importance == widget.DangerImportance
		})
		w.ui.do(func() {
			if findButton(w.m.Window.Canvas(), T("access.preview.confirm")) == nil {
				t.Fatalf("no preview: %s", ac.job.status.Text)
			}
			r.scan(t, "the API access preview dialog", w.m.Window.Canvas(), seen)
			test.Tap(findButton(w.m.Window.Canvas(), T("common.cancel")))
		})
	})

	t.Run("recovery", func(t *testing.T) {
		// What a killed run left: the dialog at Connect names it, and
		// rolling the interrupted upload back says so.
		c := newCrashStore(t)
		dir := t.TempDir()
		cr := c.leaveCrash(t, dir)
		// What the killed setup had changed: the undo puts it back.
		if _, err := c.sql.Exec("INSERT INTO oc_setting (store_id, code, `key`, value, serialized) VALUES (0, 'payment_cheque', 'payment_cheque_payable', 'killed run', 0)"); err != nil {
			t.Fatal(err)
		}
		r.allow(c.ts.Host, c.ts.User, c.root, "ftp.example.com")
		m, ui := c.connectWizard(t, dir)
		rec := m.connect.recovery
		if rec == nil {
			t.Fatal("no recovery dialog")
		}
		ui.do(func() { r.scan(t, "the recovery dialog", m.Window.Canvas(), seen) })
		ui.do(func() { test.Tap(rec.undo[cr.journal.ID]) })
		eventually(t, ui, "the undo", func() bool {
			return rec.undo[cr.journal.ID].Text == T("connect.recovery.done") || rec.job.status.Importance == widget.DangerImportance
		})
		ui.do(func() {
			if rec.undo[cr.journal.ID].Text != T("connect.recovery.done") {
				t.Fatalf("the undo failed: %s", rec.job.status.Text)
			}
			r.scan(t, "the recovery dialog: undone", m.Window.Canvas(), seen)
		})
		ui.do(func() { test.Tap(rec.rollback[cr.manifest.ID]) })
		eventually(t, ui, "the rollback", func() bool {
			return rec.rollback[cr.manifest.ID].Text == T("connect.recovery.done") || rec.job.status.Importance == widget.DangerImportance
		})
		ui.do(func() { r.scan(t, "the recovery dialog: rolled back", m.Window.Canvas(), seen) })
	})

	t.Run("display errors", func(t *testing.T) {
		c, m, ui, _, _ := noisySettings(t)
		r.allow(c.ts.Host, c.ts.User, c.root, c.rs.URL)
		ui.do(func() {
			o := m.settings.displayErrors
			r.allow(o.found.Example) // the store's own PHP message, quoted
			r.scan(t, "the Display Errors dialog", m.Window.Canvas(), seen)
			test.Tap(findButton(m.Window.Canvas(), T("displayerrors.keep")))
		})
		ui.do(func() { r.scan(t, "Settings: Display Errors kept on", m.Window.Canvas(), seen) })
	})
}
