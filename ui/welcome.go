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
	saved   *widget.Select
	savedBx *fyne.Container
	reg     *integrations.Registry
	// language is the language menu beside the title (NewMain fills it).
	language *fyne.Container
}

func newWelcomeScreen(wiz *app.Wizard) *welcomeScreen {
	s := &welcomeScreen{reg: wiz.Integrations()}
	profiles := s.reg.All()
	names := make([]string, len(profiles))
	for i, p := range profiles {
		names[i] = IntegrationName(p)
	}
	s.detail = widget.NewLabel(T("welcome.choose"))
	s.detail.Wrapping = fyne.TextWrapWord
	s.notice = widget.NewLabel("")
	s.notice.Wrapping = fyne.TextWrapWord
	s.notice.Importance = widget.WarningImportance
	s.notice.Hide()
	s.choices = widget.NewRadioGroup(names, func(name string) {
		for _, p := range profiles {
			if IntegrationName(p) != name {
				continue
			}
			wiz.ChooseIntegration(p.ID)
			s.detail.SetText(IntegrationSummary(p))
			if p.Closed != "" {
				s.notice.SetText(IntegrationClosed(p))
				s.notice.Show()
			} else {
				s.notice.Hide()
			}
		}
	})
	s.choices.Required = true

	title := widget.NewLabelWithStyle(T("welcome.title"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	intro := widget.NewLabel(T("welcome.intro"))
	intro.Wrapping = fyne.TextWrapWord
	s.job = newJob(wiz)
	s.demoBtn = widget.NewButton(T("welcome.demo.button"), nil)
	s.job.busyOff = []*widget.Button{s.demoBtn}
	demoText := widget.NewLabel(T("welcome.demo.text"))
	demoText.Wrapping = fyne.TextWrapWord
	s.saved = widget.NewSelect(nil, nil)
	s.saved.PlaceHolder = T("sites.open")
	s.savedBx = container.NewVBox(s.saved)
	s.savedBx.Hide()
	s.language = container.NewHBox()
	top := container.NewBorder(nil, nil, nil, s.language, title)
	s.object = container.NewPadded(container.NewVScroll(container.NewVBox(top, intro, s.savedBx, widget.NewSeparator(),
		widget.NewCard(T("welcome.integration"), "", s.choices), s.detail, s.notice, widget.NewSeparator(),
		demoText, container.NewHBox(s.demoBtn), s.job.object())))
	return s
}

// selectID chooses an integration by its id, whatever the language.
func (s *welcomeScreen) selectID(id string) {
	if p, ok := s.reg.ByID(id); ok {
		s.choices.SetSelected(IntegrationName(p))
	}
}

// showSites lists the saved sites to open (the list needs no keychain).
func (s *welcomeScreen) showSites(sites *app.Sites, open func(name string)) {
	list, err := sites.List()
	if err != nil || len(list) == 0 {
		s.savedBx.Hide()
		return
	}
	names := make([]string, len(list))
	for i, site := range list {
		names[i] = site.Name
	}
	s.saved.Options = names
	s.saved.OnChanged = func(name string) {
		if name != "" {
			open(name)
		}
	}
	s.saved.Refresh()
	s.savedBx.Show()
}
