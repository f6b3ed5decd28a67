package app

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/ocsetup/ocsetup/installer/check"
	"github.com/ocsetup/ocsetup/installer/msg"
)

// FleetReport is the combined report of `ocsetup fleet`: a summary and a
// row per store. It holds no secret.
type FleetReport struct {
	Command   string       `json:"command"` // test, apply or uninstall
	File      string       `json:"fleet_file"`
	Generated time.Time    `json:"generated"`
	Summary   FleetSummary `json:"summary"`
	Stores    []FleetRow   `json:"stores"`
	// Language is the language of the report's texts ("" is English).
	Language string `json:"language,omitempty"`
}

// In is the report in lang: its failures' texts, and the words of its
// Markdown and HTML.
func (r FleetReport) In(lang string) FleetReport {
	out := r
	out.Language = lang
	out.Stores = make([]FleetRow, len(r.Stores))
	for i, row := range r.Stores {
		in := func(fs []FleetFailure) []FleetFailure {
			var res []FleetFailure
			for _, f := range fs {
				res = append(res, f.In(lang))
			}
			return res
		}
		row.Failures, row.Warnings = in(row.Failures), in(row.Warnings)
		out.Stores[i] = row
	}
	return out
}

// t is key's text in the report's language.
func (r FleetReport) t(key string, pairs ...any) string {
	lang := r.Language
	if lang == "" {
		lang = "en"
	}
	return msg.New(key, pairs...).In(lang)
}

// mark is a result as the report shows it.
func (r FleetReport) mark(s check.Status) string { return r.t("report.mark." + string(s)) }

// opencart is a row's OpenCart version and line, as the report shows them.
func (r FleetReport) opencart(row FleetRow) string {
	if row.Version == "" {
		return ""
	}
	return r.t("report.opencart_value", "Version", row.Version, "Line", row.Line)
}

// heading and about are the report's first lines.
func (r FleetReport) heading() string {
	s := r.Summary
	return r.t("fleet.report.heading", "Command", r.Command, "Count", s.Stores, "Passed", s.Passed, "Warned", s.Warned, "Failed", s.Failed)
}

func (r FleetReport) about() string {
	s := r.Summary
	text := r.t("fleet.report.about", "File", fleetCell(r.File), "Generated", r.Generated.UTC().Format(time.RFC3339), "Took", s.Duration.Round(time.Millisecond).String())
	if s.Resumed > 0 {
		text += r.t("fleet.report.resumed", "Count", s.Resumed)
	}
	return text + "."
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

// fleetDataMarker starts the report's data inside a Markdown report, so
// that LoadFleetReport can open any of the three formats.
const fleetDataMarker = "<!-- ocsetup-fleet-report "

// Markdown writes the report as Markdown.
func (r FleetReport) Markdown(w io.Writer) error {
	var b bytes.Buffer
	fmt.Fprintf(&b, "# %s\n\n%s\n\n", r.heading(), r.about())
	fmt.Fprintf(&b, "| %s |\n|---|---|---|---|---|---|\n", strings.Join([]string{r.t("fleet.report.store"), r.t("report.result"),
		r.t("report.opencart"), r.t("fleet.report.module"), r.t("report.time"), r.t("fleet.report.failing")}, " | "))
	for _, row := range r.Stores {
		var fails []string
		for _, f := range row.Failures {
			fails = append(fails, fmt.Sprintf("**%s**: %s %s", f.Check, f.Cause, f.Fix))
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", fleetCell(row.ID+" ("+row.Site+")"), r.mark(row.Result),
			fleetCell(r.opencart(row)), fleetCell(row.ModuleVersion), row.Duration.Round(time.Millisecond), fleetCell(strings.Join(fails, "<br>")))
	}
	for _, row := range r.Stores {
		if len(row.Warnings) == 0 {
			continue
		}
		fmt.Fprintf(&b, "\n### %s\n\n", r.t("fleet.report.warnings_of", "ID", row.ID))
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

var fleetHTML = template.Must(template.New("fleet").Funcs(template.FuncMap{
	"ms": func(d time.Duration) string { return d.Round(time.Millisecond).String() },
	// json.Marshal escapes < > & as \u003c…, so the data cannot end the
	// script element it is in.
	"data": func(r FleetReport) (template.JS, error) {
		b, err := json.Marshal(r)
		return template.JS(b), err
	},
}).Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}"><head><meta charset="utf-8"><title>{{.R.Title}}</title>
<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left;vertical-align:top}
.fail{background:#fdd}.warn{background:#ffd}.pass{background:#dfd}</style></head>
<body><h1>{{.R.Heading}}</h1>
<p>{{.R.About}}</p>
<table><tr>{{range .R.Columns}}<th>{{.}}</th>{{end}}</tr>
{{$r := .R}}{{range .Stores}}<tr class="{{.Result}}" id="store-{{.ID}}"><td>{{.ID}}<br><small>{{.Site}}</small></td><td>{{$r.Mark .Result}}</td><td>{{$r.OpenCart .}}</td><td>{{.ModuleVersion}}</td><td>{{ms .Duration}}</td>
<td>{{range .Failures}}<p><b>{{.Check}}</b>: {{.Cause}} {{.Fix}}</p>{{end}}{{range .Warnings}}<p>⚠️ <b>{{.Check}}</b>: {{.Cause}} {{.Fix}}</p>{{end}}</td></tr>
{{end}}</table>
<script type="application/json" id="ocsetup-fleet-report">{{data .Report}}</script>
</body></html>
`))

// HTML writes the report as a self-contained HTML page.
func (r FleetReport) HTML(w io.Writer) error {
	lang := r.Language
	if lang == "" {
		lang = "en"
	}
	return fleetHTML.Execute(w, struct {
		Report FleetReport
		Stores []FleetRow
		Lang   string
		R      fleetWords
	}{r, r.Stores, lang, fleetWords{r}})
}

// fleetWords are the report's words for its HTML template.
type fleetWords struct{ r FleetReport }

func (w fleetWords) Title() string   { return w.r.t("fleet.report.title", "Command", w.r.Command) }
func (w fleetWords) Heading() string { return w.r.heading() }
func (w fleetWords) About() string   { return w.r.about() }
func (w fleetWords) Columns() []string {
	r := w.r
	return []string{r.t("fleet.report.store"), r.t("report.result"), r.t("report.opencart"), r.t("fleet.report.module"),
		r.t("report.time"), r.t("fleet.report.failing")}
}
func (w fleetWords) Mark(s check.Status) string   { return w.r.mark(s) }
func (w fleetWords) OpenCart(row FleetRow) string { return w.r.opencart(row) }

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
			return rep, msg.NewError("error.cli.fleet.not_report_data", "Path", path, "Name", Name)
		}
		data = m[1]
	default:
		m := mdDataRe.FindSubmatch(b)
		if m == nil {
			return rep, msg.NewError("error.cli.fleet.not_report_data", "Path", path, "Name", Name)
		}
		if data, err = base64.StdEncoding.DecodeString(string(m[1])); err != nil {
			return rep, msg.Wrap(err, "error.cli.fleet.report_damaged", "Path", path)
		}
	}
	if err := json.Unmarshal(data, &rep); err != nil {
		return rep, msg.Wrap(err, "error.cli.fleet.not_report", "Path", path, "Name", Name)
	}
	if rep.Command == "" {
		return rep, msg.NewError("error.cli.fleet.not_report", "Path", path, "Name", Name)
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
		return usage("cli.test.report_ext")
	}
	return writeFileAtomic(p, false, write)
}

func fleetCell(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ", "\r", "").Replace(s)
}
