package app

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/ocsetup/ocsetup/installer/check"
)

// FleetReport is the combined report of `ocsetup fleet`: a summary and a
// row per store. It holds no secret.
type FleetReport struct {
	Command   string       `json:"command"` // test, apply or uninstall
	File      string       `json:"fleet_file"`
	Generated time.Time    `json:"generated"`
	Summary   FleetSummary `json:"summary"`
	Stores    []FleetRow   `json:"stores"`
}

// FleetSummary counts the stores by result.
type FleetSummary struct {
	Stores int `json:"stores"`
	Passed int `json:"passed"`
	Warned int `json:"warned"`
	Failed int `json:"failed"`
	// Resumed were done by an earlier run that was interrupted.
	Resumed int `json:"resumed,omitempty"`
	// Duration is the wall time of the run (this run's part).
	Duration time.Duration `json:"duration"`
}

func newFleetReport(command, file string, rows []FleetRow, took time.Duration) FleetReport {
	rep := FleetReport{Command: command, File: file, Generated: time.Now(), Stores: rows}
	rep.Summary = FleetSummary{Stores: len(rows), Duration: took.Round(time.Millisecond)}
	for _, r := range rows {
		switch r.Result {
		case check.Fail:
			rep.Summary.Failed++
		case check.Warn:
			rep.Summary.Warned++
		default:
			rep.Summary.Passed++
		}
		if r.Resumed {
			rep.Summary.Resumed++
		}
	}
	return rep
}

// AllPassed reports whether no store failed (warnings pass, as for
// `ocsetup test`).
func (r FleetReport) AllPassed() bool { return r.Summary.Failed == 0 && len(r.Stores) > 0 }

// Store returns the row of a store by id.
func (r FleetReport) Store(id string) (FleetRow, bool) {
	for _, row := range r.Stores {
		if row.ID == id {
			return row, true
		}
	}
	return FleetRow{}, false
}

// JSON writes the report as indented JSON.
func (r FleetReport) JSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

var fleetMark = map[check.Status]string{check.Pass: "✅ pass", check.Warn: "⚠️ warn", check.Fail: "❌ fail"}

// fleetDataMarker starts the report's data inside a Markdown report, so
// that LoadFleetReport can open any of the three formats.
const fleetDataMarker = "<!-- ocsetup-fleet-report "

// Markdown writes the report as Markdown.
func (r FleetReport) Markdown(w io.Writer) error {
	var b bytes.Buffer
	s := r.Summary
	fmt.Fprintf(&b, "# Fleet %s: %d stores, %d passed, %d with warnings, %d failed\n\n", r.Command, s.Stores, s.Passed, s.Warned, s.Failed)
	fmt.Fprintf(&b, "Fleet file %s, generated %s, took %s", fleetCell(r.File), r.Generated.UTC().Format(time.RFC3339), s.Duration)
	if s.Resumed > 0 {
		fmt.Fprintf(&b, " (%d stores done by an earlier, interrupted run)", s.Resumed)
	}
	b.WriteString(".\n\n| Store | Result | OpenCart | Module | Time | Failing checks |\n|---|---|---|---|---|---|\n")
	for _, row := range r.Stores {
		var fails []string
		for _, f := range row.Failures {
			fails = append(fails, fmt.Sprintf("**%s**: %s %s", f.Check, f.Cause, f.Fix))
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", fleetCell(row.ID+" ("+row.Site+")"), fleetMark[row.Result],
			fleetCell(openCartOf(row)), fleetCell(row.ModuleVersion), row.Duration.Round(time.Millisecond), fleetCell(strings.Join(fails, "<br>")))
	}
	for _, row := range r.Stores {
		if len(row.Warnings) == 0 {
			continue
		}
		fmt.Fprintf(&b, "\n### Warnings of %s\n\n", row.ID)
		for _, f := range row.Warnings {
			fmt.Fprintf(&b, "- **%s**: %s %s\n", fleetCell(f.Check), fleetCell(f.Cause), fleetCell(f.Fix))
		}
	}
	data, err := json.Marshal(r)
	if err != nil {
		return err
	}
	fmt.Fprintf(&b, "\n%s%s -->\n", fleetDataMarker, base64.StdEncoding.EncodeToString(data))
	_, err = w.Write(b.Bytes())
	return err
}

func openCartOf(row FleetRow) string {
	if row.Version == "" {
		return ""
	}
	return fmt.Sprintf("%s (line %s)", row.Version, row.Line)
}

var fleetHTML = template.Must(template.New("fleet").Funcs(template.FuncMap{
	"mark":     func(s check.Status) string { return fleetMark[s] },
	"ms":       func(d time.Duration) string { return d.Round(time.Millisecond).String() },
	"opencart": openCartOf,
	// json.Marshal escapes < > & as \u003c…, so the data cannot end the
	// script element it is in.
	"data": func(r FleetReport) (template.JS, error) {
		b, err := json.Marshal(r)
		return template.JS(b), err
	},
}).Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Fleet {{.Command}}</title>
<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left;vertical-align:top}
.fail{background:#fdd}.warn{background:#ffd}.pass{background:#dfd}</style></head>
<body><h1>Fleet {{.Command}}: {{.Summary.Stores}} stores, {{.Summary.Passed}} passed, {{.Summary.Warned}} with warnings, {{.Summary.Failed}} failed</h1>
<p>Fleet file {{.File}}, generated {{.Generated.UTC.Format "2006-01-02T15:04:05Z07:00"}}, took {{ms .Summary.Duration}}{{if .Summary.Resumed}} ({{.Summary.Resumed}} stores done by an earlier, interrupted run){{end}}.</p>
<table><tr><th>Store</th><th>Result</th><th>OpenCart</th><th>Module</th><th>Time</th><th>Failing checks</th></tr>
{{range .Stores}}<tr class="{{.Result}}" id="store-{{.ID}}"><td>{{.ID}}<br><small>{{.Site}}</small></td><td>{{mark .Result}}</td><td>{{opencart .}}</td><td>{{.ModuleVersion}}</td><td>{{ms .Duration}}</td>
<td>{{range .Failures}}<p><b>{{.Check}}</b>: {{.Cause}} {{.Fix}}</p>{{end}}{{range .Warnings}}<p>⚠️ <b>{{.Check}}</b>: {{.Cause}} {{.Fix}}</p>{{end}}</td></tr>
{{end}}</table>
<script type="application/json" id="ocsetup-fleet-report">{{data .}}</script>
</body></html>
`))

// HTML writes the report as a self-contained HTML page.
func (r FleetReport) HTML(w io.Writer) error { return fleetHTML.Execute(w, r) }

var (
	htmlDataRe = regexp.MustCompile(`(?s)<script type="application/json" id="ocsetup-fleet-report">(.*?)</script>`)
	mdDataRe   = regexp.MustCompile(regexp.QuoteMeta(fleetDataMarker) + `([A-Za-z0-9+/=]+) -->`)
)

// LoadFleetReport opens a fleet report that `ocsetup fleet --report`
// wrote, in any of its formats, for the GUI to list its stores and open a
// store's saved site (FleetRow.SavedSite, Sites.Get).
func LoadFleetReport(path string) (FleetReport, error) {
	var rep FleetReport
	b, err := os.ReadFile(path)
	if err != nil {
		return rep, err
	}
	data := b
	switch strings.ToLower(filepath.Ext(path)) {
	case ".json":
	case ".html", ".htm":
		m := htmlDataRe.FindSubmatch(b)
		if m == nil {
			return rep, fmt.Errorf("%s is not a fleet report of ocsetup (it has no report data)", path)
		}
		data = m[1]
	default:
		m := mdDataRe.FindSubmatch(b)
		if m == nil {
			return rep, fmt.Errorf("%s is not a fleet report of ocsetup (it has no report data)", path)
		}
		if data, err = base64.StdEncoding.DecodeString(string(m[1])); err != nil {
			return rep, fmt.Errorf("%s: the report data is damaged: %w", path, err)
		}
	}
	if err := json.Unmarshal(data, &rep); err != nil {
		return rep, fmt.Errorf("%s is not a fleet report of ocsetup: %w", path, err)
	}
	if rep.Command == "" {
		return rep, errors.New(path + " is not a fleet report of ocsetup")
	}
	return rep, nil
}

// FleetSite is the saved site of a store in a fleet report, for the GUI to
// open; ErrSiteNotFound when this computer has not saved it.
func FleetSite(sites *Sites, row FleetRow) (SavedSite, error) {
	return sites.Get(row.SavedSite)
}

// fleetReportWriter is the writer of the format p's name asks for, nil
// for an unknown one.
func fleetReportWriter(p string, rep FleetReport) func(io.Writer) error {
	switch strings.ToLower(filepath.Ext(p)) {
	case ".md", ".markdown":
		return rep.Markdown
	case ".html", ".htm":
		return rep.HTML
	case ".json":
		return rep.JSON
	}
	return nil
}

// writeFleetReport writes the report in the format its name asks for.
func writeFleetReport(p string, rep FleetReport) error {
	write := fleetReportWriter(p, rep)
	if write == nil {
		return usageText("--report: name the file .md, .html or .json")
	}
	return writeFileAtomic(p, false, write)
}

func fleetCell(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ", "\r", "").Replace(s)
}
