package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/ocsetup/ocsetup/app"
	"github.com/ocsetup/ocsetup/installer/integrations"
)

// welcomeScreen lets the user pick what to set up, or try a demo store.
type welcomeScreen struct {
	object  fyne.CanvasObject
	choices *widget.RadioGroup
	detail  *widget.Label
	notice  *widget.Label
	demoBtn *widget.Button
	job     *job
}

func newWelcomeScreen(wiz *app.Wizard) *welcomeScreen {
	s := &welcomeScreen{}
	profiles := integrations.All()
	names := make([]string, len(profiles))
	for i, p := range profiles {
		names[i] = p.Name
	}
	s.detail = widget.NewLabel("Choose the integration to set up on your store.")
	s.detail.Wrapping = fyne.TextWrapWord
	s.notice = widget.NewLabel("")
	s.notice.Wrapping = fyne.TextWrapWord
	s.notice.Importance = widget.WarningImportance
	s.notice.Hide()
	s.choices = widget.NewRadioGroup(names, func(name string) {
		for _, p := range profiles {
			if p.Name != name {
				continue
			}
			wiz.ChooseIntegration(p.ID)
			s.detail.SetText(p.Summary)
			if p.Closed != "" {
				s.notice.SetText(p.Closed)
				s.notice.Show()
			} else {
				s.notice.Hide()
			}
		}
	})
	s.choices.Required = true

	title := widget.NewLabelWithStyle("Set up an integration on your OpenCart store", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	intro := widget.NewLabel("ocsetup connects to your hosting over SFTP or FTP, finds your store, uploads the module, " +
		"reads the database settings from config.php, configures the module and tests the whole chain. " +
		"Nothing on your store changes until you confirm, and every change can be rolled back.")
	intro.Wrapping = fyne.TextWrapWord
	s.job = newJob()
	s.demoBtn = widget.NewButton("Try a demo store", nil)
	s.job.busyOff = []*widget.Button{s.demoBtn}
	demoText := widget.NewLabel("No store at hand? The demo store runs inside ocsetup on this computer only, " +
		"with its own SFTP server, database and storefront, until you close the app.")
	demoText.Wrapping = fyne.TextWrapWord
	s.object = container.NewPadded(container.NewVScroll(container.NewVBox(title, intro, widget.NewSeparator(),
		widget.NewCard("Integration", "", s.choices), s.detail, s.notice, widget.NewSeparator(),
		demoText, container.NewHBox(s.demoBtn), s.job.object())))
	return s
}
