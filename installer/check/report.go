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
		res.Title, res.Cause, res.Fix, res.Detail = clean(res.Title), clean(res.Cause), clean(res.Fix), clean(res.Detail)
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
	var b bytes.Buffer
	fmt.Fprintf(&b, "# %s integration test: %s\n\n", r.Integration, statusMark[r.Overall])
	fmt.Fprintf(&b, "| | |\n|---|---|\n| Store | %s |\n", mdCell(r.StoreURL))
	if r.ProductURL != "" {
		fmt.Fprintf(&b, "| Product link | %s |\n", mdCell(r.ProductURL))
	}
	fmt.Fprintf(&b, "| OpenCart | %s (line %s) |\n", mdCell(r.Version), mdCell(r.Line))
	if r.PHPVersion != "" {
		fmt.Fprintf(&b, "| PHP | %s |\n", mdCell(r.PHPVersion))
	}
	fmt.Fprintf(&b, "| Generated | %s |\n\n", r.Generated.UTC().Format(time.RFC3339))
	b.WriteString("| Check | Result | Time | Cause | Fix |\n|---|---|---|---|---|\n")
	for _, res := range r.Results {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", mdCell(res.Title), statusMark[res.Status],
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
	"mark": func(s Status) string { return statusMark[s] },
	"ms":   func(d time.Duration) string { return d.Round(time.Millisecond).String() },
}).Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Integration}} integration test</title>
<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left;vertical-align:top}
.fail{background:#fdd}.warn{background:#ffd}.pass{background:#dfd}pre{white-space:pre-wrap}</style></head>
<body><h1>{{.Integration}} integration test: {{mark .Overall}}</h1>
<table><tr><th>Store</th><td>{{.StoreURL}}</td></tr>
{{if .ProductURL}}<tr><th>Product link</th><td><a href="{{.ProductURL}}">{{.ProductURL}}</a></td></tr>{{end}}
<tr><th>OpenCart</th><td>{{.Version}} (line {{.Line}})</td></tr>
{{if .PHPVersion}}<tr><th>PHP</th><td>{{.PHPVersion}}</td></tr>{{end}}
<tr><th>Generated</th><td>{{.Generated.UTC.Format "2006-01-02T15:04:05Z07:00"}}</td></tr></table>
<h2>Checks</h2>
<table><tr><th>Check</th><th>Result</th><th>Time</th><th>Cause</th><th>Fix</th></tr>
{{range .Results}}<tr class="{{.Status}}"><td>{{.Title}}</td><td>{{mark .Status}}</td><td>{{ms .Duration}}</td><td>{{.Cause}}</td><td>{{.Fix}}</td></tr>
{{end}}</table>
{{range .Results}}{{if and .Detail (ne .Status "pass")}}<h3>{{.Title}}</h3><pre>{{.Detail}}</pre>{{end}}{{end}}
</body></html>
`))

// HTML writes the report as a self-contained HTML page.
func (r Report) HTML(w io.Writer) error { return htmlReport.Execute(w, r) }

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
