package ui

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode"

	"github.com/ocsetup/ocsetup/app"
	"github.com/ocsetup/ocsetup/installer/access"
	"github.com/ocsetup/ocsetup/installer/admin"
	"github.com/ocsetup/ocsetup/installer/check"
	"github.com/ocsetup/ocsetup/installer/db"
	"github.com/ocsetup/ocsetup/installer/deploy"
	"github.com/ocsetup/ocsetup/installer/integrations"
	"github.com/ocsetup/ocsetup/installer/journal"
	"github.com/ocsetup/ocsetup/installer/keygen"
	"github.com/ocsetup/ocsetup/installer/msg"
	"github.com/ocsetup/ocsetup/installer/phpconf"
	"github.com/ocsetup/ocsetup/installer/pkg"
	"github.com/ocsetup/ocsetup/installer/remote"
	"github.com/ocsetup/ocsetup/installer/settings"
	"github.com/ocsetup/ocsetup/installer/store"
)

// russianFor fails unless the message's key has a Russian text that is
// not the English one, and its English renders (no key left showing).
func russianFor(t *testing.T, what string, m msg.Msg, ru texts) {
	t.Helper()
	if m.IsZero() {
		t.Errorf("%s: no message key", what)
		return
	}
	if !msg.HasEnglish(m.Key) {
		t.Errorf("%s: en.json lacks %s", what, m.Key)
	}
	v, ok := ru[m.Key]
	if !ok {
		t.Errorf("%s: ru.json lacks %s", what, m.Key)
		return
	}
	for _, s := range forms(t, "ru.json", m.Key, v) {
		// A text of placeholders and punctuation alone ("{{.First}}
		// {{.Then}}") has no words to translate.
		words := placeholder.ReplaceAllString(s, "")
		if !hasCyrillic(words) && strings.IndexFunc(words, unicode.IsLetter) >= 0 {
			t.Errorf("%s: the Russian of %s is not Russian: %q", what, m.Key, s)
		}
	}
	if m.English() == m.Key {
		t.Errorf("%s: %s renders as its key", what, m.Key)
	}
	for _, a := range m.Args {
		if inner, ok := a.(msg.Msg); ok {
			russianFor(t, what+" (its argument)", inner, ru)
		}
	}
}

// TestEngineMessagesInRussian: every error kind of the files and the
// database channels, and every check the suite and the integrations can
// run, has a Russian text; and every message key the engine's code names
// has an English and a Russian text.
func TestEngineMessagesInRussian(t *testing.T) {
	inLocale(t, "ru_RU.UTF-8")
	ru := readTranslation(t, "ru")
	for k := remote.KindOther; k <= remote.KindTLSStripped; k++ {
		for _, e := range []*remote.Error{
			{Kind: k, Host: "shop:22", KeyType: "host key", Fingerprint: "SHA256:x"},
			{Kind: k, Host: "shop:21", KeyType: "certificate", Fingerprint: "SHA256:x", Trusted: "SHA256:y"},
		} {
			russianFor(t, "remote error kind "+e.Message(), e.Msg(), ru)
			if got := ErrorText(e); got == e.Message() {
				t.Errorf("remote error kind %d shows in English: %q", k, got)
			}
		}
	}
	for k := db.KindOther; k <= db.KindCertificate; k++ {
		for _, r := range []db.Route{db.RouteDirect, db.RouteSSH, db.RouteBridge} {
			for _, ip := range []string{"", "203.0.113.9"} {
				e := &db.Error{Kind: k, Route: r, Addr: "db:3306", User: "shop", ClientIP: ip, IPSource: "MySQL", Reason: "engine words"}
				russianFor(t, "database error "+e.Message(), e.Msg(), ru)
			}
		}
	}

	// Every check: the suite with every option on, and each integration's own.
	var profile []check.ProfileCheck
	for _, p := range integrations.All() {
		profile = append(profile, p.Checks(integrations.CheckContext{Cron: "crontab"})...)
	}
	checks := check.Suite(&check.Setup{APIKey: "k", APIUser: "u", Extension: &check.Extension{Type: "payment", Code: "x"},
		Checkout: &check.CheckoutSpec{Method: "x"}, Creates: pkg.Creates{Tables: []string{"x"}}, Profile: profile})
	if len(checks) < 20 {
		t.Fatalf("only %d checks", len(checks))
	}
	for _, c := range checks {
		r := check.Result{ID: c.ID, Title: c.Title}
		if got := CheckTitle(r, "OneBox"); got == c.Title || !hasCyrillic(got) {
			t.Errorf("check %s: title %q in Russian", c.ID, got)
		}
	}
	for _, id := range []string{"service", "settings"} {
		if got := CheckTitle(check.Result{ID: id}, "OneBox"); !hasCyrillic(got) || !strings.Contains(got, "OneBox") {
			t.Errorf("check %s: title %q in Russian", id, got)
		}
	}

	// The keys the engine makes at run time, which the scan below cannot
	// find: the kinds of a removed leftover, a manifest's states, the
	// bridge's refusals and the reasons a key's character is refused.
	for _, k := range []string{"recovery.kind.database_bridge", "recovery.kind.temporary_admin_account", "recovery.kind.temporary_api_user",
		"recovery.state.in-progress", "recovery.state.done", "recovery.state.rolling-back", "recovery.state.rolled-back",
		"error.db.bridge.refused.signature", "error.db.bridge.refused.stale", "error.db.bridge.refused.replay",
		"error.db.bridge.refused.expired", "error.db.bridge.refused.nonce-store", "error.db.bridge.refused.method",
		"error.keygen.why.php_string", "error.keygen.why.quotes", "error.keygen.why.url", "error.keygen.why.html", "error.keygen.why.not_ascii",
		"error.admin.op.use_the_admin", "error.admin.op.reach_the_admin", "error.admin.op.read_the_admins_answer",
		"error.admin.op.save_the_settings", "error.admin.op.refresh_the_modifications", "error.admin.op.install", "error.admin.op.uninstall",
		"error.admin.reason.not_json", "error.admin.reason.neither", "error.admin.reason.too_large", "error.admin.reason.loop",
		"error.keychain.op.save", "error.keychain.op.read", "error.keychain.op.remove",
		"phpconf.const.db_driver", "phpconf.const.db_hostname", "phpconf.const.db_username", "phpconf.const.db_password",
		"phpconf.const.db_database", "phpconf.const.db_port", "phpconf.const.db_prefix",
		"settings.why.database", "settings.why.no_admin", "settings.why.no_session",
		"settings.why_upper.database", "settings.why_upper.no_admin", "settings.why_upper.no_session"} {
		russianFor(t, "a key made at run time", msg.Msg{Key: k}, ru)
	}

	// Every key the engine names in its code.
	keys := engineKeys(t)
	if len(keys) < 50 {
		t.Fatalf("found %d message keys in the engine's code", len(keys))
	}
	for _, k := range keys {
		russianFor(t, "the engine's message", msg.Msg{Key: k}, ru)
	}

	// Every check result message: each "check." text of en.json (causes,
	// fixes, the steps they name) is one the engine's code names, so the
	// scan above found its Russian; titles are covered by CheckTitle.
	named := map[string]bool{}
	for _, k := range keys {
		named[k] = true
	}
	results := 0
	for k := range readTranslation(t, "en") {
		if !strings.HasPrefix(k, "check.") || strings.HasSuffix(k, ".title") || strings.HasSuffix(k, ".title_of") {
			continue
		}
		results++
		if !named[k] {
			t.Errorf("en.json has the check message %s, which the engine's code does not name literally (msg.New(\"%s\", …))", k, k)
		}
	}
	if results < 150 {
		t.Fatalf("only %d check result messages in en.json", results)
	}
	// The service check's cause is the profile's closed notice.
	for _, p := range integrations.All() {
		if p.Closed != "" {
			russianFor(t, "the closed service "+p.ID, msg.Msg{Key: "integration." + p.ID + ".closed", Own: p.Closed}, ru)
		}
	}
}

// TestCheckResultsInRussian runs the check suite against a store where
// nothing answers (no hosting login, a closed loopback port): every
// result, failed, warned, skipped or passed, shows its cause and fix in
// Russian.
func TestCheckResultsInRussian(t *testing.T) {
	inLocale(t, "ru_RU.UTF-8")
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	out, err := check.RunSuite(context.Background(), &check.Setup{
		FilesErr: errors.New("dial tcp " + addr + ": connect: connection refused"),
		StoreURL: "http://" + addr + "/", APIKey: "k", APIUser: "u", ProviderIPs: []string{"203.0.113.7"},
		Extension: &check.Extension{Type: "payment", Code: "x", Folder: "x"}, Checkout: &check.CheckoutSpec{Method: "x"},
		Creates:   pkg.Creates{Tables: []string{"x"}},
		Leftovers: func(context.Context) ([]string, error) { return nil, errors.New("no data folder") },
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[check.Status]bool{}
	for _, r := range out.Results {
		seen[r.Status] = true
		if got := CheckCause(r); got == r.Cause || !hasCyrillic(got) {
			t.Errorf("%s (%s): cause %q in Russian", r.ID, r.Status, got)
		}
		if got := CheckFix(r); r.Fix != "" && (got == r.Fix || !hasCyrillic(got)) {
			t.Errorf("%s (%s): fix %q in Russian", r.ID, r.Status, got)
		}
	}
	if !seen[check.Fail] || !seen[check.Warn] || !seen[check.Skipped] {
		t.Fatalf("the run gave %v, not failed, warned and skipped checks", seen)
	}
}

// msgKey finds the keys the engine's code gives literally.
var msgKey = regexp.MustCompile(`msg\.(?:New\(|NewError\(|Wrap\([\w.]+, |Msg\{Key: )"([a-z0-9_.-]+)"`)

// engineKeys lists the message keys in the Go code outside ui/.
func engineKeys(t *testing.T) []string {
	t.Helper()
	seen := map[string]bool{}
	var out []string
	root := filepath.Join("..")
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch d.Name() {
			case "ui", ".git", "node_modules", "testdata":
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, m := range msgKey.FindAllStringSubmatch(string(b), -1) {
			// "check."+id+".title": a key made at run time, covered by
			// the kinds and checks above.
			if strings.HasSuffix(m[1], ".") {
				continue
			}
			if !seen[m[1]] {
				seen[m[1]] = true
				out = append(out, m[1])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestEngineErrorsInRussian: every kind of error the engine and the app
// hand to the window (a refused package, the deploy plan, the database
// routes and the bridge, an API user or key that cannot be used, an
// admin login that failed, a setting that is wrong, the app's own
// steps) reads in Russian, with no English sentence left in it, wrapped
// or not.
func TestEngineErrorsInRussian(t *testing.T) {
	inLocale(t, "ru_RU.UTF-8")
	ru := readTranslation(t, "ru")
	var errs []error
	add := func(e ...error) { errs = append(errs, e...) }

	// A package: every reason, with and without its entry and detail.
	for _, r := range []pkg.Reason{pkg.ReasonTooManyEntries, pkg.ReasonTooLarge, pkg.ReasonRatio, pkg.ReasonTraversal, pkg.ReasonAbsolute,
		pkg.ReasonDriveLetter, pkg.ReasonBackslash, pkg.ReasonInvalidUTF8, pkg.ReasonBadName, pkg.ReasonSymlink, pkg.ReasonSpecialFile,
		pkg.ReasonDuplicate, pkg.ReasonCaseCollision, pkg.ReasonOverlap, pkg.ReasonUnsupported, pkg.ReasonCorrupt, pkg.ReasonNoFilesRoot} {
		add(&pkg.RefusedError{Reason: r}, &pkg.RefusedError{Reason: r, Entry: "upload/x.php"},
			&pkg.RefusedError{Reason: r, Entry: "upload/x.php", Detail: "12 bytes"}, &pkg.RefusedError{Reason: r, Detail: "12 bytes"})
	}
	for _, files := range []map[string]string{{}, {"readme.txt": "x"}, {"OC2/upload/a.php": "x", "OC3/upload/a.php": "x"}} {
		_, err := pkg.Open(writePackage(t, "bad.ocmod.zip", files))
		if err == nil {
			t.Fatalf("a package of %v opened", files)
		}
		add(err)
	}
	add(pkg.ErrNoCode)

	// Store discovery and config.php.
	add(&store.NotFoundError{Searched: []string{"/www", "/htdocs"}},
		&store.NotFoundError{Searched: strings.Split("/1 /2 /3 /4 /5 /6 /7 /8 /9 /10", " ")})

	// The database routes: every kind on every route, the attempts, and
	// the reasons the engine gives.
	var attempts db.Attempts
	for k := db.KindOther; k <= db.KindCertificate; k++ {
		for _, r := range []db.Route{db.RouteDirect, db.RouteSSH, db.RouteBridge} {
			e := &db.Error{Kind: k, Route: r, Addr: "db:3306", User: "shop"}
			attempts = append(attempts, db.Attempt{Route: r, Err: e})
			russianFor(t, "the short result of "+e.Short(), e.ShortMsg(), ru)
			russianFor(t, "an attempt", db.Attempt{Route: r, Err: e}.SummaryMsg(), ru)
		}
	}
	add(&db.ConnectError{Attempts: attempts})

	// config.php's database settings: every problem reading them.
	for _, src := range []string{
		`<?php define('DB_DRIVER', 'pgsql'); define('DB_HOSTNAME', 'a b'); define('DB_USERNAME', 'u&amp;'); define('DB_PASSWORD', getenv('X')); define('DB_PREFIX', 'o-c');`,
		`<?php define('DB_DRIVER', 'odbc'); define('DB_HOSTNAME', 'h:3307'); define('DB_PORT', '3308'); define('DB_USERNAME', 'u'); define('DB_USERNAME', 'v'); if ($x) { define('DB_PASSWORD', 'p'); }`,
		`<?php define('DB_HOSTNAME', '[::1'); define('DB_PORT', 'x'); if ($a) { define('DB_DATABASE', 'a'); } else { define('DB_DATABASE', 'b'); }`,
		`<?php define('DB_HOSTNAME', ''); define('DB_PASSWORD', 'p');`, `<?php define('DB_HOSTNAME', 'h:x');`, `<?php define('DB_HOSTNAME', '[::1]x');`,
	} {
		cfg, err := phpconf.Parse([]byte(src))
		if err != nil {
			t.Fatal(err)
		}
		_, problems := phpconf.DBSettings(cfg)
		if len(problems) == 0 {
			t.Fatalf("no problem in %s", src)
		}
		for _, p := range problems {
			russianFor(t, "config.php: "+p.Message, p.Msg, ru)
			if got := MsgText(p.Msg); !hasCyrillic(got) || englishSentence(got) != "" {
				t.Errorf("config.php: %q shows as %q", p.Message, got)
			}
		}
	}

	// Keys and API users.
	for _, k := range []string{"short", strings.Repeat("k", 300), strings.Repeat("k", 64) + " ", strings.Repeat("k", 64) + "\tx",
		strings.Repeat("k", 64) + "\n", strings.Repeat("k", 64) + "\x01", strings.Repeat("k", 64) + "\xff", strings.Repeat("k", 64) + "'",
		strings.Repeat("k", 64) + "$", strings.Repeat("k", 64) + "&", strings.Repeat("k", 64) + "<", strings.Repeat("k", 64) + "ж",
		strings.Repeat("k", 64) + "!!"} {
		err := keygen.Valid(k, keygen.MinStoreAPI)
		if err == nil {
			t.Fatalf("key %q accepted", k)
		}
		add(err)
	}
	for _, u := range []access.APIUser{{}, {Name: "n", Key: "short"}, {Name: "n", Key: strings.Repeat("k", 64), IPs: []string{"not-an-ip"}}} {
		err := u.Validate(store.Line30)
		if err == nil {
			t.Fatalf("API user %+v accepted", u)
		}
		add(err)
	}
	add(&access.ExistingUserError{Name: "Default"})
	for _, h := range []string{"ftp://x/", "https://x", "https://a b/", "https://x/?a"} {
		if err := phpconf.ValidateOneBoxHost(h); err != nil {
			add(err)
		} else {
			t.Errorf("OneBox address %q accepted", h)
		}
	}
	for _, k := range []string{"short", strings.Repeat("k", 30) + " ", strings.Repeat("k", 30) + "\x01", strings.Repeat("k", 30) + "\xff"} {
		if err := phpconf.ValidateOneBoxAPIKey(k); err != nil {
			add(err)
		} else {
			t.Errorf("OneBox key %q accepted", k)
		}
	}

	// The admin.
	for _, m := range []msg.Msg{msg.New("error.admin.wrong_login", "User", `"u"`), msg.New("error.admin.captcha", "Captcha", "x")} {
		add(&admin.LoginError{Message: m.English(), MessageMsg: m}, &admin.LoginError{Message: m.English(), MessageMsg: m, StoreSaid: "Warning: No match"})
	}
	for _, op := range []string{"use the admin", "reach the admin", "read the admin's answer", "save the settings", "refresh the modifications",
		"open the settings of cheque", "install cheque", "uninstall cheque"} {
		for _, reason := range []string{"the store said: Warning", "the answer is not JSON (a PHP error in the extension?)",
			"the store answered neither success nor an error", "the page is larger than 8 MB", "it redirects in a loop", "the server answered HTTP 500"} {
			add(&admin.Error{Op: op, Reason: reason}, &admin.Error{Op: op, Reason: reason, URL: "https://shop/admin/"})
		}
	}

	// The settings: a backup of another database; a damaged backup and a
	// failed write put back (or not) from the backup, with a cause in no
	// language (a library's or the server's words stay as they are).
	if err := settings.Undo(context.Background(), nil, &db.Schema{Database: "shop", Prefix: "oc_"}, &settings.Backup{Database: "other", Prefix: "oc_"}); err == nil {
		t.Fatal("a backup of another database was put back")
	} else {
		add(err)
	}
	// A statement the server refused, in and out of a transaction; a
	// form field ocsetup cannot fill, for each reason.
	add(&db.SQLError{Number: 1205, Message: "1205"}, &db.SQLError{Message: "1205"},
		&db.SQLError{InTx: true, Index: 2, Number: 1205, Message: "1205"}, &db.SQLError{InTx: true, NotRolledBack: true, Number: 1205, Message: "1205"})
	forms, err := admin.ParseForms(&url.URL{Scheme: "http", Host: "shop"}, []byte(`<form method="post" action="/x">
<input name="t"><input name="d" disabled><input name="m[]"><input name="m[]"><select name="s"><option value="7">7</option></select>
<input type="checkbox" name="c" value="1"><input type="file" name="f"></form>`))
	if err != nil || len(forms) != 1 {
		t.Fatalf("the form: %v", err)
	}
	for _, set := range []struct {
		name   string
		values []string
	}{{"nope", []string{"1"}}, {"d", []string{"1"}}, {"t", []string{"1", "2"}}, {"m[]", []string{"1"}}, {"s", []string{"9"}}, {"c", []string{"x"}}, {"f", []string{"x"}}} {
		err := forms[0].Set(set.name, set.values...)
		var se *admin.SetError
		if !errors.As(err, &se) {
			t.Fatalf("setting %s to %v: %v, want a SetError", set.name, set.values, err)
		}
		add(err)
	}
	cause := errors.New("1205")
	add(msg.Wrap(cause, "error.settings.backup_damaged", "File", "/data/settings-backup.json"),
		msg.Wrap(cause, "error.settings.put_back", "File", "/data/settings-backup.json"),
		msg.Wrap(cause, "error.settings.undo_failed_too", "UndoErr", "1213", "File", "/data/settings-backup.json"),
		msg.Wrap(cause, "error.settings.permissions_unreadable"))
	add(&settings.MissingFieldsError{Extension: "cheque", Fields: []string{"x"}}, settings.ErrNoFallback, admin.ErrLoggedOut,
		&settings.NotStoredError{Extension: "cheque", Missing: []string{"x"}}, &settings.NotStoredError{Extension: "cheque", Different: []string{"x"}},
		&settings.NotStoredError{Extension: "cheque", Missing: []string{"x"}, Different: []string{"y"}},
		&admin.ValidationError{Result: &admin.SaveResult{Warnings: []string{"Warning: x"}}},
		fmt.Errorf("%w: %w", settings.ErrNoFallback, &settings.MissingFieldsError{Extension: "cheque", Fields: []string{"x"}}))
	for _, why := range []msg.Msg{msg.New("settings.why_upper.database"), msg.New("settings.why_upper.no_admin"),
		msg.New("settings.why_upper.no_session", "Cause", msg.New("error.admin.logged_out"))} {
		for _, written := range []bool{false, true} {
			add(&settings.InstallNotRunError{Extension: "cheque", Tables: []string{"oc_x"}, WhyMsg: why, Written: written},
				&settings.InstallNotRunError{Extension: "cheque", Events: []string{"x"}, WhyMsg: why},
				&settings.InstallNotRunError{Extension: "cheque", Tables: []string{"oc_x"}, Events: []string{"x"}, WhyMsg: why})
		}
	}

	// The notices of the settings: every profile's plan, with what makes
	// each notice appear, on every line.
	notices := map[string]bool{}
	for _, p := range integrations.All() {
		for _, line := range []store.Line{store.Line15, store.Line23, store.Line30, store.Line40} {
			tg := integrations.Target{Line: line, Currency: "AUD", StoreURL: "https://shop/"}
			given := integrations.Values{"sandbox_mode": "1", "installments": "1", "service_ip": "127.0.0.1", "host": "https://shop/"}
			vals := integrations.Values{}
			for _, f := range p.Fields(tg) {
				switch v, ok := given[f.Key]; {
				case ok:
					vals[f.Key] = v
				case f.Default == "" && f.Required:
					vals[f.Key] = "x"
				}
			}
			plan, err := p.Plan(tg, vals)
			if err != nil {
				continue
			}
			for _, n := range append(append([]string{}, plan.Notices...), plan.DatabaseNotices...) {
				m, ok := plan.NoticeMsgs[n]
				if !ok {
					if n != p.Closed {
						t.Errorf("%s: the notice %q has no message", p.ID, n)
					}
					continue
				}
				russianFor(t, p.ID+": a notice", m, ru)
				notices[m.Key] = true
			}
		}
	}
	if len(notices) < 8 {
		t.Errorf("only %d kinds of notice seen: %v", len(notices), notices)
	}

	// Display Errors switched back on.
	for _, why := range []msg.Msg{msg.New("displayerrors.broken.address"), msg.New("displayerrors.broken.no_answer", "Error", "EOF"),
		msg.New("displayerrors.broken.redirect", "Location", "https://shop/error"), msg.New("displayerrors.broken.status", "Status", 500)} {
		add(&app.SwitchRevertedError{Why: why.English(), WhyMsg: why})
	}

	// Deploy.
	add(&deploy.CoreFilesError{Paths: []string{"config.php"}}, deploy.ErrStale, deploy.ErrNewer)

	// The settings' fields.
	fields := []integrations.Field{
		{Key: "a", Kind: integrations.Text, Required: true}, {Key: "b", Kind: integrations.Secret, Required: true},
		{Key: "c", Kind: integrations.Text, MinLength: 5}, {Key: "d", Kind: integrations.Text, MaxLength: 1},
		{Key: "e", Kind: integrations.Bool}, {Key: "f", Kind: integrations.Number},
		{Key: "g", Kind: integrations.OneOf, Choices: []integrations.Choice{{Value: "x"}}},
		{Key: "h", Kind: integrations.MultiChoice, Choices: []integrations.Choice{{Value: "x"}}}, {Key: "i", Kind: integrations.Number},
	}
	for i, v := range []string{"", "", "ab", "abc", "yes", "many", "y", "x,y", "1\n2"} {
		err := fields[i].ValidateError(v)
		if err == nil {
			t.Fatalf("field %s took %q", fields[i].Key, v)
		}
		add(err)
	}

	// The app's steps before what they need.
	wiz := app.NewWizard(t.TempDir(), integrations.Builtin())
	ctx := context.Background()
	_, err = wiz.Session.Connect(ctx, remote.Site{}, "")
	add(err)
	_, err = wiz.Session.PlanPackage(ctx, "x.zip", nil)
	add(err)
	_, err = wiz.Session.ApplySettings(ctx, "nosuch", nil)
	add(err)
	add(app.ErrSiteNotFound, &app.SecretsNotSavedError{Site: "shop", Err: app.ErrKeychainUnavailable}, app.ErrSecretNotFound, app.ErrSecretTooBig)
	for _, op := range []string{"save", "read", "remove"} {
		add(&app.KeychainError{Op: op, Err: errors.New("dbus: 42")})
	}
	m := &deploy.Manifest{ID: "m-1", State: deploy.StateInProgress, Package: deploy.PackageInfo{Name: "x.zip"}, Store: deploy.Store{Root: "/shop"}}
	for _, st := range []deploy.State{deploy.StateInProgress, deploy.StateDone, deploy.StateRollingBack, deploy.StateRolledBack} {
		m.State = st
		russianFor(t, "an interrupted upload", app.PendingNoticeMsg(m), ru)
	}
	russianFor(t, "an interrupted setup", app.InterruptedNoticeMsg(&journal.Journal{ID: "j-1", Root: "/shop"}), ru)

	// Wrapped: the cause in the text, after it, around it, joined.
	reset := &remote.Error{Kind: remote.KindReset, Op: "delete", Host: "shop:22"}
	add(msg.Wrap(reset, "error.recovery.bridge_left", "Path", "/shop/b.php"), msg.Wrap(reset, "error.app.journal_write"),
		fmt.Errorf("/shop/cron.php: %w", msg.NewError("error.onebox.url_slash")),
		errors.Join(msg.NewError("error.app.no_store"), msg.NewError("error.app.no_database")))

	if len(errs) < 100 {
		t.Fatalf("only %d errors", len(errs))
	}
	for _, err := range errs {
		got := ErrorText(err)
		if !hasCyrillic(got) {
			t.Errorf("%q shows as %q", err.Error(), got)
			continue
		}
		for _, line := range strings.Split(got, "\n") {
			if english := englishSentence(line); english != "" {
				t.Errorf("%q shows English %q in %q", err.Error(), english, got)
			}
		}
	}
}

// englishWords are words of the engine's English sentences that no
// Russian text, path or value of these errors holds.
var englishWords = regexp.MustCompile(`\b(?i:the|is|was|not|could|cannot|has|no|must|and|or|a|an|of|to|in|with|it|use|package|refused|store|key|found|admin)\b`)

// englishSentence is the first English word of a text, "" for none.
func englishSentence(s string) string {
	// Quoted values, addresses, paths and ranges ("a-z") are the user's
	// own or no language's.
	s = regexp.MustCompile(`"[^"]*"|'[^']*'|\S*[-/:]\S*`).ReplaceAllString(s, "")
	return englishWords.FindString(s)
}
