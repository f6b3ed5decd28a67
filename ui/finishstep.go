package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/ocsetup/ocsetup/app"
	"github.com/ocsetup/ocsetup/installer/check"
	"github.com/ocsetup/ocsetup/installer/integrations"
)

// finishScreen sums the setup up: what changed on the store, what the
// merchant must still do in the provider's portal, how to undo, and where
// the test report is.
type finishScreen struct {
	object fyne.CanvasObject
	wiz    *app.Wizard
	win    fyne.Window
	body   *fyne.Container
	// headline is the first line, coloured by the test's outcome.
	headline *widget.Label
}

func newFinishScreen(wiz *app.Wizard, win fyne.Window) *finishScreen {
	s := &finishScreen{wiz: wiz, win: win}
	s.headline = widget.NewLabel("")
	s.headline.Wrapping = fyne.TextWrapWord
	s.body = container.NewVBox()
	s.object = container.NewPadded(container.NewVScroll(container.NewVBox(
		widget.NewLabelWithStyle(T("finish.title"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		s.headline, s.body)))
	return s
}

// show fills the screen from the session's summary; it runs every time
// the step opens, so a step redone is summed up anew.
func (s *finishScreen) show() {
	sum := s.wiz.Session.Summary()
	name := IntegrationName(s.wiz.Integration())
	switch sum.Test {
	case check.Pass:
		s.headline.Importance = widget.SuccessImportance
		s.headline.SetText(TF("finish.headline.pass", Args{"Integration": name}))
	case check.Warn:
		s.headline.Importance = widget.WarningImportance
		s.headline.SetText(TF("finish.headline.warn", Args{"Integration": name}))
	default:
		s.headline.Importance = widget.DangerImportance
		s.headline.SetText(TF("finish.headline.fail", Args{"Integration": name}))
	}
	s.body.Objects = nil
	section := func(title string) {
		s.body.Add(widget.NewSeparator())
		s.body.Add(widget.NewLabelWithStyle(title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	}
	para := func(text string) {
		l := widget.NewLabel(text)
		l.Wrapping = fyne.TextWrapWord
		s.body.Add(l)
	}

	section(T("finish.changed"))
	var changed []string
	if u := sum.Uploaded; u != nil {
		changed = append(changed, TF("finish.changed.upload", Args{"Package": u.Package, "Created": u.Created, "Replaced": u.Replaced}))
	}
	if u := sum.APIUser; u != nil {
		switch {
		case u.Created:
			changed = append(changed, TF("finish.changed.apiuser.created", Args{"Name": u.Name}))
		case u.Updated:
			changed = append(changed, TF("finish.changed.apiuser.updated", Args{"Name": u.Name}))
		}
		if len(u.IPsAdded) > 0 {
			changed = append(changed, TF("finish.changed.ips", Args{"Name": u.Name, "IPs": strings.Join(u.IPsAdded, ", ")}))
		}
	}
	if st := sum.Settings; st != nil {
		switch {
		case st.NoModule:
			// Nothing of a module was saved: only the connector's file.
		case st.ViaAdmin:
			changed = append(changed, T("finish.changed.settings.admin"))
		default:
			changed = append(changed, T("finish.changed.settings.database"))
		}
		if st.ConnectorFile != "" {
			changed = append(changed, TF("finish.changed.connector", Args{"File": st.ConnectorFile}))
		}
	}
	if len(changed) == 0 {
		changed = append(changed, T("finish.changed.nothing"))
	}
	for _, c := range changed {
		para("• " + c)
	}

	section(T("finish.todo"))
	if len(sum.Required) == 0 {
		para(T("finish.todo.nothing"))
	}
	for _, i := range sum.Required {
		s.body.Add(actionRow(i, true))
	}
	for _, i := range sum.Other {
		s.body.Add(actionRow(i, false))
	}

	section(T("finish.undo"))
	// The whole undo is the Uninstall button below this screen.
	para("• " + TF("finish.undo.gui", Args{"Button": T("uninstall.button")}))
	if sum.Uploaded != nil {
		para("• " + T("finish.undo.upload"))
	}
	if u := sum.APIUser; u != nil && u.Created {
		para("• " + TF("finish.undo.apiuser", Args{"Name": u.Name}))
	}
	if sum.Settings != nil && !sum.Settings.NoModule {
		para("• " + T("finish.undo.settings"))
	}
	// The complete undo (the extension's own uninstall, every row, setting
	// and file recorded) is the command line's: it reads the setup file
	// apply wrote its journal for.
	para("• " + T("finish.undo.command"))

	section(T("finish.report"))
	if sum.Report != "" {
		path := sum.Report
		copyBtn := widget.NewButtonWithIcon(T("common.copy"), theme.ContentCopyIcon(), func() { fyne.CurrentApp().Clipboard().SetContent(path) })
		l := widget.NewLabel(path)
		l.Wrapping = fyne.TextWrapBreak
		s.body.Add(container.NewBorder(nil, nil, nil, container.NewVBox(copyBtn), l))
	} else {
		para(T("finish.report.none"))
	}
	s.body.Refresh()
}

// actionRow is one value for the provider's portal: marked required or
// not, wrapped so a long URL never widens the window, with a copy button.
func actionRow(i integrations.Info, required bool) fyne.CanvasObject {
	val := i.Value
	copyBtn := widget.NewButtonWithIcon(T("common.copy"), theme.ContentCopyIcon(), func() { fyne.CurrentApp().Clipboard().SetContent(val) })
	shown := val
	if i.Secret {
		shown = "••••••••"
	}
	tag := widget.NewLabel(T("action.optional"))
	tag.Importance = widget.LowImportance
	if required {
		tag.SetText(T("action.required"))
		tag.Importance = widget.DangerImportance
		tag.TextStyle.Bold = true
	}
	label := widget.NewLabel(InfoLabel(i))
	label.Wrapping = fyne.TextWrapWord
	value := widget.NewLabel(shown)
	value.Wrapping = fyne.TextWrapBreak
	value.TextStyle.Monospace = true
	return container.NewBorder(nil, nil, container.NewVBox(tag), container.NewVBox(copyBtn), container.NewVBox(label, value))
}
