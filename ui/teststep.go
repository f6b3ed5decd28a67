package ui

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/ocsetup/ocsetup/app"
	"github.com/ocsetup/ocsetup/installer/check"
)

// testScreen runs "Test integration" and shows the checklist.
type testScreen struct {
	object  fyne.CanvasObject
	wiz     *app.Wizard
	win     fyne.Window
	start   *widget.Button
	export  *widget.Button
	list    *widget.Accordion
	overall *widget.Label
	job     *job
	report  check.Report
}

// statusIcon is a function, not a table filled at start: theme icons ask
// for the running Fyne app, which a command-line run never starts.
func statusIcon(s check.Status) fyne.Resource {
	switch s {
	case check.Pass:
		return theme.ConfirmIcon()
	case check.Warn:
		return theme.WarningIcon()
	case check.Fail:
		return theme.ErrorIcon()
	case check.Skipped:
		return theme.MediaSkipNextIcon()
	}
	return nil
}

func newTestScreen(wiz *app.Wizard, win fyne.Window) *testScreen {
	s := &testScreen{wiz: wiz, win: win, job: newJob(wiz)}
	s.start = widget.NewButtonWithIcon(T("test.start"), theme.MediaPlayIcon(), s.run)
	s.start.Importance = widget.HighImportance
	s.export = widget.NewButtonWithIcon(T("test.export"), theme.DocumentSaveIcon(), s.exportReport)
	s.export.Disable()
	s.list = widget.NewAccordion()
	s.overall = widget.NewLabel("")
	s.job.busyOff = []*widget.Button{s.start, s.export}
	s.object = container.NewPadded(container.NewVScroll(container.NewVBox(
		screenTitle(T("test.title"), T("test.intro")),
		container.NewHBox(s.start, s.export), s.job.object(), s.overall, s.list)))
	return s
}

func (s *testScreen) run() {
	// A rerun starts from an empty list: no old result stays on screen
	// while the new run works.
	s.list.Items = nil
	s.list.Refresh()
	s.overall.SetText("")
	s.overall.Hide()
	s.export.Disable()
	s.wiz.SetDone(app.StepTest, false)
	progress := func(r check.Result) {
		s.job.do(func() { s.add(r) })
	}
	var rep check.Report
	s.job.run(T("test.running"), func(ctx context.Context) (err error) {
		rep, err = s.wiz.Session.RunTest(ctx, s.wiz.Integration().ID, progress)
		return err
	}, func(err error) {
		if err != nil {
			return
		}
		s.report = rep
		s.report.Integration = s.wiz.Integration().Name
		// Show the rows in the suite's order, not the order they finished.
		s.list.Items = nil
		for _, r := range rep.Results {
			s.add(r)
		}
		s.list.Refresh()
		// The headline is the outcome, in its colour.
		switch rep.Overall {
		case check.Pass:
			s.job.ok(T("test.headline.pass"))
		case check.Warn:
			s.job.status.Importance = widget.WarningImportance
			s.job.status.SetText(T("test.headline.warn"))
		default:
			s.job.status.Importance = widget.DangerImportance
			s.job.status.SetText(T("test.headline.fail"))
		}
		s.export.Enable()
		s.wiz.SetDone(app.StepTest, rep.Overall != check.Fail)
	})
}

func (s *testScreen) add(r check.Result) {
	detail := widget.NewLabel(strings.TrimSpace(fmt.Sprintf("%s\n%s\n%s", CheckCause(r), CheckFix(r), r.Detail)))
	detail.Wrapping = fyne.TextWrapWord
	item := widget.NewAccordionItem(TF("test.row."+string(r.Status), Args{"Title": CheckTitle(r, IntegrationName(s.wiz.Integration()))}),
		container.NewBorder(nil, nil, widget.NewIcon(statusIcon(r.Status)), nil, detail))
	s.list.Append(item)
}

func (s *testScreen) exportReport() {
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		defer w.Close()
		rep := localReport(s.report, IntegrationName(s.wiz.Integration()))
		var b bytes.Buffer
		switch strings.ToLower(filepath.Ext(w.URI().Path())) {
		case ".html", ".htm":
			err = rep.HTML(&b)
		case ".json":
			err = rep.JSON(&b)
		default:
			err = rep.Markdown(&b)
		}
		if err == nil {
			_, err = w.Write(b.Bytes())
		}
		if err != nil {
			dialog.ShowError(err, s.win)
		}
	}, s.win)
	d.SetFileName("integration-report.md")
	d.Show()
}

// localReport is the report in the user's language: its headings, result
// marks, and each check's title, cause and fix (check.Report.In, which the
// command line's reports use too). A merchant's report goes to a provider
// who may read neither language, so the technical details stay as the
// servers wrote them.
func localReport(r check.Report, integration string) check.Report {
	return r.In(T("report.language"), integration, MsgText)
}
