package check

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"html/template"
	"io"
	"net/url"
	"sort"
	"strings"
	"time"
)

// Report is what the provider's integration team asks for.
type Report struct {
	Integration string    `json:"integration"`
	StoreURL    string    `json:"store_url"`
	ProductURL  string    `json:"product_url,omitempty"` // the first enabled product, for certification
	Version     string    `json:"opencart_version"`
	Line        string    `json:"opencart_line"`
	PHPVersion  string    `json:"php_version,omitempty"`
	Generated   time.Time `json:"generated"`
	Overall     Status    `json:"overall"`
	Results     []Result  `json:"checks"`
	// Language is the language of the report's texts (BCP 47); "" is
	// English, the command line's.
	Language string `json:"language,omitempty"`
	// Words are the report's own words in Language; nil is English. The
	// app fills them, and Results' texts, in the user's language.
	Words *Words `json:"-"`
}

// Words are a report's headings and result marks in one language. Heading
// and OpenCartValue are whole texts, with the report's values already in them.
type Words struct {
	Heading, Store, ProductLink, OpenCart, OpenCartValue, PHP, Generated string
	Checks, Check, Result, Time, Cause, Fix                              string
	Marks                                                                map[Status]string
}

// EnglishWords are the report's words in English.
func (r Report) EnglishWords() Words {
	return Words{
		Heading: fmt.Sprintf("%s integration test: %s", r.Integration, statusMark[r.Overall]),
		Store:   "Store", ProductLink: "Product link", OpenCart: "OpenCart",
		OpenCartValue: fmt.Sprintf("%s (line %s)", r.Version, r.Line),
		PHP:           "PHP", Generated: "Generated",
		Checks: "Checks", Check: "Check", Result: "Result", Time: "Time", Cause: "Cause", Fix: "Fix",
		Marks: statusMark,
	}
}

func (r Report) words() Words {
	if r.Words != nil {
		return *r.Words
	}
	return r.EnglishWords()
}

// Redacted returns a copy of the report with every secret replaced, in
// every field, so that no password, key or SHA phrase can reach a file a
// merchant e-mails around — even one a server echoed into a detail.
func (r Report) Redacted(secrets []string) Report {
	var forms []string
	for _, sec := range secrets {
		if len(sec) >= 4 {
			forms = append(forms, SecretForms(sec)...)
		}
	}
	// Longest first: an escaped form may contain a shorter one.
	sort.Slice(forms, func(i, j int) bool { return len(forms[i]) > len(forms[j]) })
	clean := func(s string) string {
		for _, f := range forms {
			s = strings.ReplaceAll(s, f, "[hidden]")
		}
		return s
	}
	out := r
	out.StoreURL, out.ProductURL = clean(r.StoreURL), clean(r.ProductURL)
	out.Results = make([]Result, len(r.Results))
	for i, res := range r.Results {
		res.Title, res.Detail = clean(res.Title), clean(res.Detail)
		// A cause and its message stay one text: both are cleaned.
		res.Cause, res.CauseMsg = clean(res.Cause), res.CauseMsg.MapText(clean)
		res.Fix, res.FixMsg = clean(res.Fix), res.FixMsg.MapText(clean)
		out.Results[i] = res
	}
	return out
}

// JSON writes the report as indented JSON.
func (r Report) JSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

var statusMark = map[Status]string{Pass: "✅ pass", Warn: "⚠️ warn", Fail: "❌ fail", Skipped: "⏭ skipped"}

// Markdown writes the report as Markdown.
func (r Report) Markdown(w io.Writer) error {
	wd := r.words()
	var b bytes.Buffer
	fmt.Fprintf(&b, "# %s\n\n", wd.Heading)
	fmt.Fprintf(&b, "| | |\n|---|---|\n| %s | %s |\n", wd.Store, mdCell(r.StoreURL))
	if r.ProductURL != "" {
		fmt.Fprintf(&b, "| %s | %s |\n", wd.ProductLink, mdCell(r.ProductURL))
	}
	fmt.Fprintf(&b, "| %s | %s |\n", wd.OpenCart, mdCell(wd.OpenCartValue))
	if r.PHPVersion != "" {
		fmt.Fprintf(&b, "| %s | %s |\n", wd.PHP, mdCell(r.PHPVersion))
	}
	fmt.Fprintf(&b, "| %s | %s |\n\n", wd.Generated, r.Generated.UTC().Format(time.RFC3339))
	fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n|---|---|---|---|---|\n", wd.Check, wd.Result, wd.Time, wd.Cause, wd.Fix)
	for _, res := range r.Results {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", mdCell(res.Title), wd.Marks[res.Status],
			res.Duration.Round(time.Millisecond), mdCell(res.Cause), mdCell(res.Fix))
	}
	for _, res := range r.Results {
		if res.Detail != "" && res.Status != Pass {
			fmt.Fprintf(&b, "\n### %s\n\n```\n%s\n```\n", res.Title, strings.ReplaceAll(res.Detail, "```", "'''"))
		}
	}
	_, err := w.Write(b.Bytes())
	return err
}

func mdCell(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ", "\r", "").Replace(s)
}

var htmlReport = template.Must(template.New("report").Funcs(template.FuncMap{
	"ms": func(d time.Duration) string { return d.Round(time.Millisecond).String() },
}).Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}"><head><meta charset="utf-8"><title>{{.W.Heading}}</title>
<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left;vertical-align:top}
.fail{background:#fdd}.warn{background:#ffd}.pass{background:#dfd}pre{white-space:pre-wrap}</style></head>
<body><h1>{{.W.Heading}}</h1>
<table><tr><th>{{.W.Store}}</th><td>{{.R.StoreURL}}</td></tr>
{{if .R.ProductURL}}<tr><th>{{.W.ProductLink}}</th><td><a href="{{.R.ProductURL}}">{{.R.ProductURL}}</a></td></tr>{{end}}
<tr><th>{{.W.OpenCart}}</th><td>{{.W.OpenCartValue}}</td></tr>
{{if .R.PHPVersion}}<tr><th>{{.W.PHP}}</th><td>{{.R.PHPVersion}}</td></tr>{{end}}
<tr><th>{{.W.Generated}}</th><td>{{.R.Generated.UTC.Format "2006-01-02T15:04:05Z07:00"}}</td></tr></table>
<h2>{{.W.Checks}}</h2>
<table><tr><th>{{.W.Check}}</th><th>{{.W.Result}}</th><th>{{.W.Time}}</th><th>{{.W.Cause}}</th><th>{{.W.Fix}}</th></tr>
{{range .R.Results}}<tr class="{{.Status}}"><td>{{.Title}}</td><td>{{index $.W.Marks .Status}}</td><td>{{ms .Duration}}</td><td>{{.Cause}}</td><td>{{.Fix}}</td></tr>
{{end}}</table>
{{range .R.Results}}{{if and .Detail (ne .Status "pass")}}<h3>{{.Title}}</h3><pre>{{.Detail}}</pre>{{end}}{{end}}
</body></html>
`))

// HTML writes the report as a self-contained HTML page.
func (r Report) HTML(w io.Writer) error {
	lang := r.Language
	if lang == "" {
		lang = "en"
	}
	return htmlReport.Execute(w, struct {
		R    Report
		W    Words
		Lang string
	}{r, r.words(), lang})
}

// SecretForms are the ways a secret appears in what a server or a page
// hands back: as it is, URL-encoded (query and path, upper and lower case
// hex), as a JSON string's content (with and without HTML escaping), and
// HTML-escaped (Go's and PHP's htmlspecialchars forms).
func SecretForms(secret string) []string {
	seen := map[string]bool{}
	var out []string
	add := func(f string) {
		if f != "" && !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	add(secret)
	for _, f := range []string{url.QueryEscape(secret), url.PathEscape(secret),
		strings.ReplaceAll(url.QueryEscape(secret), "+", "%20")} {
		add(f)
		add(lowerHex(f))
	}
	if b, err := json.Marshal(secret); err == nil {
		add(strings.Trim(string(b), `"`))
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if enc.Encode(secret) == nil {
		add(strings.Trim(strings.TrimSpace(buf.String()), `"`))
	}
	add(html.EscapeString(secret))
	add(strings.NewReplacer("&", "&amp;", `"`, "&quot;", "'", "&#039;", "<", "&lt;", ">", "&gt;").Replace(secret))
	add(strings.NewReplacer("&", "&amp;", `"`, "&quot;", "<", "&lt;", ">", "&gt;").Replace(secret))
	return out
}

// lowerHex turns %2F into %2f, as some encoders write it.
func lowerHex(s string) string {
	b := []byte(s)
	for i := 0; i+2 < len(b); i++ {
		if b[i] == '%' {
			b[i+1], b[i+2] = toLower(b[i+1]), toLower(b[i+2])
		}
	}
	return string(b)
}

func toLower(c byte) byte {
	if 'A' <= c && c <= 'F' {
		return c + 'a' - 'A'
	}
	return c
}
