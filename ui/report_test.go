package ui

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/ocsetup/ocsetup/installer/check"
	"github.com/ocsetup/ocsetup/installer/msg"
)

// TestReportInRussian: the report a Russian merchant saves from the Test
// step is in Russian, in every format: headings, result marks, and each
// check's title, cause and fix; the store's values and the servers' own
// details are as they were.
func TestReportInRussian(t *testing.T) {
	inLocale(t, "ru_RU.UTF-8")
	cause := msg.New("check.store-root.pass", "Version", "3.0.3.9", "Line", "3.0", "Root", "/www/shop")
	rep := check.Report{Integration: "onebox", StoreURL: "https://shop.test/", ProductURL: "https://shop.test/p", Version: "3.0.3.9", Line: "3.0",
		PHPVersion: "8.2", Overall: check.Pass, Results: []check.Result{
			{ID: "store-root", Title: "Find the store and its OpenCart line", Status: check.Pass, Cause: cause.English(), CauseMsg: cause},
		}}
	local := localReport(rep, "OneBox")
	if local.Language != "ru" {
		t.Errorf("language %q", local.Language)
	}
	var md, page, js bytes.Buffer
	for _, write := range []func() error{func() error { return local.Markdown(&md) }, func() error { return local.HTML(&page) }, func() error { return local.JSON(&js) }} {
		if err := write(); err != nil {
			t.Fatal(err)
		}
	}
	var decoded struct {
		Language string `json:"language"`
		Checks   []struct{ Title, Cause string }
	}
	if err := json.Unmarshal(js.Bytes(), &decoded); err != nil {
		t.Fatal(err)
	}
	if decoded.Language != "ru" || len(decoded.Checks) != 1 || !hasCyrillic(decoded.Checks[0].Title) || !hasCyrillic(decoded.Checks[0].Cause) ||
		!strings.Contains(decoded.Checks[0].Cause, "/www/shop") {
		t.Errorf("JSON report: %s", js.String())
	}
	// Markdown: every heading and table label is Russian; no English word
	// of the report is left outside the store's values.
	english := regexp.MustCompile(`integration test|Store\b|Product link|\(line |Generated|Checks|\bResult\b|\bCause\b|\bFix\b|\bpass\b|Find the store`)
	// The page's text: its style and tags (class="pass") are no words.
	text := regexp.MustCompile(`(?s)<style>.*</style>|<[^>]*>`).ReplaceAllString(page.String(), " ")
	for name, out := range map[string]string{"markdown": md.String(), "html": text} {
		if m := english.FindString(out); m != "" {
			t.Errorf("%s report keeps the English %q:\n%s", name, m, out)
		}
		for _, want := range []string{"OneBox", "https://shop.test/p", "3.0.3.9", "8.2", "/www/shop"} {
			if !strings.Contains(out, want) {
				t.Errorf("%s report lacks %q", name, want)
			}
		}
	}
	if !strings.Contains(page.String(), `<html lang="ru">`) || !hasCyrillic(strings.SplitN(md.String(), "\n", 2)[0]) {
		t.Errorf("heading or page language:\n%s", page.String())
	}
	// The report the app keeps stays English, for the command line's shape.
	if rep.Results[0].Title != "Find the store and its OpenCart line" || rep.Words != nil {
		t.Error("localReport changed the report it was given")
	}
}
