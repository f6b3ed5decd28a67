package check_test

import (
	"encoding/json"
	"html"
	"net/url"
	"strings"
	"testing"

	"github.com/ocsetup/ocsetup/installer/check"
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
