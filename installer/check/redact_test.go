package check_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/ocsetup/ocsetup/installer/check"
	"github.com/ocsetup/ocsetup/installer/msg"
)

// TestRedactionCoversEscapedForms: a secret that reaches a result in the
// form a URL, a JSON string or an HTML page carries it is hidden too.
func TestRedactionCoversEscapedForms(t *testing.T) {
	const secret = `p@ss"wörd<1>&'x y/z+`
	js, _ := json.Marshal(secret)
	forms := map[string]string{
		"plain":        secret,
		"query":        url.QueryEscape(secret),
		"path":         url.PathEscape(secret),
		"json":         strings.Trim(string(js), `"`),
		"html":         html.EscapeString(secret),
		"htmlentities": strings.NewReplacer("&", "&amp;", `"`, "&quot;", "'", "&#039;", "<", "&lt;", ">", "&gt;").Replace(secret),
	}
	rep := check.Report{StoreURL: "https://shop.test/?key=" + url.QueryEscape(secret)}
	for name, f := range forms {
		rep.Results = append(rep.Results, check.Result{ID: name, Detail: "the server said: " + f + " (end)"})
	}
	out := rep.Redacted([]string{secret})
	for i, r := range out.Results {
		f := forms[r.ID]
		if strings.Contains(r.Detail, f) || !strings.Contains(r.Detail, "[hidden]") {
			t.Errorf("%s form: %q", rep.Results[i].ID, r.Detail)
		}
	}
	if strings.Contains(out.StoreURL, url.QueryEscape(secret)) {
		t.Errorf("store URL: %q", out.StoreURL)
	}
}

// TestRedactionCoversMessageArguments: the app renders a result's cause and
// fix from their message keys and arguments in the user's language, so a
// secret among the arguments (or a message's arguments within them) is
// hidden too.
func TestRedactionCoversMessageArguments(t *testing.T) {
	const secret = "s3cr3t-key-value"
	inner := msg.New("check.api-login.fail.ip", "IP", "from "+secret)
	rep := check.Report{Results: []check.Result{{ID: "api-login",
		CauseMsg: msg.New("check.api-login.fail.ip", "IP", secret, "Why", inner),
		FixMsg:   msg.Msg{Key: "no.such.key", Own: "use " + secret}}}}
	out := rep.Redacted([]string{secret})
	r := out.Results[0]
	if s := fmt.Sprint(r.CauseMsg.Args, r.FixMsg.Own, r.CauseMsg.Args["Why"].(msg.Msg).Args); strings.Contains(s, secret) || !strings.Contains(s, "[hidden]") {
		t.Errorf("the message arguments keep the secret: %s", s)
	}
	if fmt.Sprint(rep.Results[0].CauseMsg.Args["IP"]) != secret {
		t.Error("redaction changed the report it was given")
	}
}

// TestReportInAnotherLanguage: a report with words in another language
// uses them for every heading and result mark; without, it is English.
func TestReportInAnotherLanguage(t *testing.T) {
	rep := check.Report{Integration: "OneBox", StoreURL: "https://shop.test/", Version: "3.0.3.9", Line: "3.0", PHPVersion: "8.2",
		Overall: check.Fail, Results: []check.Result{{ID: "a", Title: "Заголовок", Status: check.Fail, Cause: "причина", Fix: "исправление", Detail: "x"}}}
	var en bytes.Buffer
	if err := rep.Markdown(&en); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"# OneBox integration test: ❌ fail", "| Store |", "| OpenCart | 3.0.3.9 (line 3.0) |", "| Check | Result | Time | Cause | Fix |"} {
		if !strings.Contains(en.String(), want) {
			t.Errorf("English report lacks %q:\n%s", want, en.String())
		}
	}
	w := rep.EnglishWords()
	for _, f := range []*string{&w.Heading, &w.Store, &w.ProductLink, &w.OpenCart, &w.OpenCartValue, &w.PHP, &w.Generated,
		&w.Checks, &w.Check, &w.Result, &w.Time, &w.Cause, &w.Fix} {
		*f = "«" + *f + "»"
	}
	w.Marks = map[check.Status]string{check.Fail: "«fail»"}
	rep.Words, rep.Language = &w, "xx"
	var md, page bytes.Buffer
	if err := rep.Markdown(&md); err != nil {
		t.Fatal(err)
	}
	if err := rep.HTML(&page); err != nil {
		t.Fatal(err)
	}
	for name, out := range map[string]string{"markdown": md.String(), "html": html.UnescapeString(page.String())} {
		// Outside the words given, no English word of the report is left.
		rest := regexp.MustCompile(`«[^»]*»`).ReplaceAllString(out, "")
		for _, english := range []string{"integration test", "Store", "Product link", "(line ", "Generated", "Checks", "Result", "Time", "Cause", "Fix", "❌ fail"} {
			if strings.Contains(rest, english) {
				t.Errorf("%s report keeps the English %q:\n%s", name, english, out)
			}
		}
		if !strings.Contains(out, "«fail»") || !strings.Contains(out, "«OneBox integration test: ❌ fail»") {
			t.Errorf("%s report lacks its words:\n%s", name, out)
		}
	}
	if !strings.Contains(page.String(), `<html lang="xx">`) {
		t.Errorf("the page's language: %s", page.String()[:80])
	}
}

// TestRedactionCoversMessages: a secret in a cause's message arguments (an
// error's words) is hidden in the message too, which the app shows.
func TestRedactionCoversMessages(t *testing.T) {
	const secret = "s3cret-pass"
	res := check.FailedMsg(msg.New("check.files-login.fail", "Reason", "530 login "+secret+" refused"),
		msg.New("check.checkout.user_left.fix", "Name", msg.New("check.checkout.allowed_ip", "IP", secret)), "")
	out := check.Report{Results: []check.Result{res}}.Redacted([]string{secret})
	r := out.Results[0]
	for _, s := range []string{r.Cause, r.Fix, r.CauseMsg.English(), r.FixMsg.English()} {
		if strings.Contains(s, secret) || !strings.Contains(s, "[hidden]") {
			t.Errorf("not hidden: %q", s)
		}
	}
	if r.Cause != r.CauseMsg.English() || r.Fix != r.FixMsg.English() {
		t.Errorf("the texts and their messages differ: %q / %q", r.Cause, r.CauseMsg.English())
	}
	if !strings.Contains(res.Cause, secret) {
		t.Error("the report's results were changed in place")
	}
}
