package ui

import (
	"context"
	"errors"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/ocsetup/ocsetup/app"
	"github.com/ocsetup/ocsetup/installer/integrations"
	"github.com/ocsetup/ocsetup/installer/msg"
)

// settingsScreen shows the integration profile's form, validates it as the
// user types, and configures the module the store's own way.
type settingsScreen struct {
	object fyne.CanvasObject
	wiz    *app.Wizard
	win    fyne.Window
	body   *fyne.Container
	load   *widget.Button
	apply  *widget.Button
	out    *fyne.Container
	job    *job
	fields []integrations.Field
	values map[string]func() string
	errs   map[string]*widget.Label
	// entries are the text inputs by field key.
	entries map[string]*widget.Entry
	// displayErrors offers to switch Display Errors off (displayerrors.go).
	displayErrors *displayErrorsOffer
}

func newSettingsScreen(wiz *app.Wizard, win fyne.Window) *settingsScreen {
	s := &settingsScreen{wiz: wiz, win: win, job: newJob(wiz)}
	s.load = widget.NewButton(T("settings.load"), s.loadFields)
	s.apply = widget.NewButton(T("settings.apply"), s.run)
	s.apply.Importance = widget.HighImportance
	s.apply.Disable()
	s.body = container.NewVBox()
	s.out = container.NewVBox()
	s.job.busyOff = []*widget.Button{s.load, s.apply}
	s.displayErrors = newDisplayErrorsOffer(wiz, win, s.job)
	s.object = container.NewPadded(container.NewVScroll(container.NewVBox(
		screenTitle(T("settings.title"), T("settings.intro")),
		s.displayErrors.object, s.load, s.body, s.apply, s.job.object(), s.out)))
	return s
}

func (s *settingsScreen) loadFields() {
	var t integrations.Target
	s.job.run(T("settings.reading"), func(ctx context.Context) (err error) {
		if t, err = s.wiz.Session.SettingsTarget(ctx); err == nil {
			s.displayErrors.look(ctx)
		}
		return err
	}, func(err error) {
		if err != nil {
			return
		}
		defer s.displayErrors.offer()
		p := s.wiz.Integration()
		s.fields = p.Fields(t)
		s.values, s.errs, s.entries = map[string]func() string{}, map[string]*widget.Label{}, map[string]*widget.Entry{}
		groups := map[string]*widget.Form{}
		var order []string
		for _, f := range s.fields {
			g := f.Group
			if groups[g] == nil {
				groups[g] = widget.NewForm()
				order = append(order, g)
			}
			w := s.widgetFor(f)
			help := widget.NewLabel(FieldHelp(p.ID, f))
			help.Wrapping = fyne.TextWrapWord
			help.Importance = widget.LowImportance
			e := widget.NewLabel("")
			e.Importance = widget.DangerImportance
			e.Hide()
			s.errs[f.Key] = e
			groups[g].Append(FieldLabel(p.ID, f), container.NewVBox(w, e))
			if f.Help != "" {
				groups[g].Append("", help)
			}
		}
		var content fyne.CanvasObject
		if len(order) == 1 {
			content = groups[order[0]]
		} else {
			tabs := container.NewAppTabs()
			for _, g := range order {
				name := GroupName(p.ID, g)
				tabs.Append(container.NewTabItem(name, groups[g]))
			}
			content = tabs
		}
		s.body.Objects = []fyne.CanvasObject{content}
		if p.Closed != "" {
			n := widget.NewLabel(IntegrationClosed(p))
			n.Wrapping = fyne.TextWrapWord
			n.Importance = widget.WarningImportance
			s.body.Objects = append([]fyne.CanvasObject{n}, s.body.Objects...)
		}
		s.body.Refresh()
		s.apply.Enable()
		// Neutral: nothing is done yet, and no field is marked before Save.
		s.job.status.Importance = widget.MediumImportance
		s.job.status.SetText(TN("settings.loaded", len(s.fields), nil))
	})
}

// widgetFor makes the input of one field and remembers how to read it.
func (s *settingsScreen) widgetFor(f integrations.Field) fyne.CanvasObject {
	id := s.wiz.Integration().ID
	validate := func(v string) {
		e := s.errs[f.Key]
		if e == nil {
			return
		}
		if err := f.ValidateError(v); err != nil {
			e.SetText(ErrorText(err))
			e.Show()
		} else {
			e.Hide()
		}
	}
	switch f.Kind {
	case integrations.Bool:
		c := widget.NewCheck("", func(bool) {})
		c.SetChecked(f.Default == "1")
		s.values[f.Key] = func() string {
			if c.Checked {
				return "1"
			}
			return "0"
		}
		return c
	case integrations.OneOf, integrations.OrderStatus:
		labels := make([]string, len(f.Choices))
		for i, ch := range f.Choices {
			labels[i] = ChoiceLabel(id, f, ch)
		}
		sel := widget.NewSelect(labels, nil)
		for _, ch := range f.Choices {
			if ch.Value == f.Default {
				sel.SetSelected(ChoiceLabel(id, f, ch))
			}
		}
		s.values[f.Key] = func() string {
			for _, ch := range f.Choices {
				if ChoiceLabel(id, f, ch) == sel.Selected {
					return ch.Value
				}
			}
			return ""
		}
		return sel
	case integrations.MultiChoice:
		labels := make([]string, len(f.Choices))
		for i, ch := range f.Choices {
			labels[i] = ChoiceLabel(id, f, ch)
		}
		cg := widget.NewCheckGroup(labels, nil)
		s.values[f.Key] = func() string {
			var out []string
			for _, ch := range f.Choices {
				for _, sel := range cg.Selected {
					if sel == ChoiceLabel(id, f, ch) {
						out = append(out, ch.Value)
					}
				}
			}
			return strings.Join(out, ",")
		}
		return cg
	}
	var e *widget.Entry
	if f.IsSecret() {
		e = widget.NewPasswordEntry()
	} else {
		e = widget.NewEntry()
	}
	e.SetText(f.Default)
	if f.Key == app.APIKeyField && e.Text == "" {
		// The connector logs in with the API user's key from the Access step.
		e.SetText(s.wiz.Session.APIKey())
	}
	if f.Key == app.ServiceIPField && e.Text == "" {
		// The provider's address the merchant gave in the API access step.
		if ips := s.wiz.Session.ProviderIPs(); len(ips) > 0 {
			e.SetText(ips[0])
		}
	}
	e.OnChanged = validate
	s.entries[f.Key] = e
	s.values[f.Key] = func() string { return e.Text }
	return e
}

func (s *settingsScreen) run() {
	values := integrations.Values{}
	bad := 0
	for _, f := range s.fields {
		v := s.values[f.Key]()
		values[f.Key] = v
		if err := f.ValidateError(v); err != nil {
			s.errs[f.Key].SetText(ErrorText(err))
			s.errs[f.Key].Show()
			bad++
		}
	}
	if bad > 0 {
		s.job.fail(errors.New(TN("settings.invalid", bad, nil)))
		return
	}
	id := s.wiz.Integration().ID
	var res *settingsResult
	s.job.run(T("settings.saving"), func(ctx context.Context) error {
		r, err := s.wiz.Session.ApplySettings(ctx, id, values)
		if r != nil {
			why := r.Why
			if !r.WhyMsg.IsZero() {
				why = MsgText(r.WhyMsg)
			}
			res = &settingsResult{via: string(r.Via), why: why, show: r.Show, notices: r.Notices, noticeMsgs: r.NoticeMsgs}
		}
		return err
	}, func(err error) {
		if err != nil {
			return
		}
		msg := T("settings.saved.admin")
		if res.via != "admin" {
			msg = T("settings.saved")
			if res.why != "" {
				msg = TF("settings.saved.database", Args{"Why": res.why})
			}
		}
		s.job.ok(msg)
		s.out.Objects = nil
		// Notices are things to know, in the warning colour, and only those
		// that fit the way the settings went in.
		if notes := app.NoticesFor(res.notices, res.via == "admin"); len(notes) > 0 {
			for i, n := range notes {
				if m, ok := res.noticeMsgs[n]; ok {
					notes[i] = MsgText(m)
				}
			}
			n := widget.NewLabel(strings.Join(notes, "\n"))
			n.Wrapping = fyne.TextWrapWord
			n.Importance = widget.WarningImportance
			s.out.Add(n)
		}
		for _, info := range res.show {
			s.out.Add(actionRow(info, info.Required))
		}
		s.out.Refresh()
		s.wiz.SetDone(app.StepSettings, true)
	})
}

// settingsResult is what the screen shows of a save.
type settingsResult struct {
	via, why   string
	show       []integrations.Info
	notices    []string
	noticeMsgs map[string]msg.Msg
}
