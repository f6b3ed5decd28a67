package ui

import (
	"context"
	"errors"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode"

	"github.com/ocsetup/ocsetup/installer/check"
	"github.com/ocsetup/ocsetup/installer/db"
	"github.com/ocsetup/ocsetup/installer/integrations"
	"github.com/ocsetup/ocsetup/installer/msg"
	"github.com/ocsetup/ocsetup/installer/pkg"
	"github.com/ocsetup/ocsetup/installer/remote"
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
var msgKey = regexp.MustCompile(`msg\.(?:New\(|Msg\{Key: )"([a-z0-9_.-]+)"`)

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
