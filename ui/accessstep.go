package ui

import (
	"context"
	"errors"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/ocsetup/ocsetup/app"
	"github.com/ocsetup/ocsetup/installer/access"
	"github.com/ocsetup/ocsetup/installer/keygen"
	"github.com/ocsetup/ocsetup/installer/store"
)

// accessScreen gives the integration the store's API: ocsetup's own API
// user named after the integration, or, when the merchant picks one, an
// existing user, changed only after the merchant has seen what changes.
type accessScreen struct {
	object fyne.CanvasObject
	wiz    *app.Wizard
	win    fyne.Window
	title  *widget.Label
	intro  *widget.Label
	key    *widget.Entry
	// keyBox holds the key and its controls: hidden while the key the
	// user already has is kept (3.0's "Default"), as no new key is used.
	keyBox   *fyne.Container
	entropy  *widget.Label
	choice   *widget.RadioGroup
	existing *widget.Select
	keyOnly  *widget.Label
	ipsLabel *widget.Label
	ips      *widget.Entry
	ipsBox   *fyne.Container
	apply    *widget.Button
	job      *job
	// prepared is the integration and store the screen was set up for.
	prepared string
	ownName  string
}

func newAccessScreen(wiz *app.Wizard, win fyne.Window) *accessScreen {
	s := &accessScreen{wiz: wiz, win: win, job: newJob(wiz)}
	s.key = widget.NewPasswordEntry()
	s.entropy = widget.NewLabel("")
	s.entropy.Wrapping = fyne.TextWrapWord
	s.key.OnChanged = func(k string) {
		if err := keygen.Valid(k, keygen.MinStoreAPI); err != nil && k != "" {
			s.entropy.SetText(ErrorText(err))
			s.entropy.Importance = widget.DangerImportance
		} else if k != "" {
			s.entropy.SetText(TF("access.key.strength", Args{"Chars": len(k), "Bits": int(keygen.EntropyBits(len(k)))}))
			s.entropy.Importance = widget.SuccessImportance
		}
		s.entropy.Refresh()
	}
	generate := widget.NewButtonWithIcon(T("access.key.generate"), theme.ViewRefreshIcon(), s.generateKey)
	copyBtn := widget.NewButtonWithIcon(T("common.copy"), theme.ContentCopyIcon(), func() {
		fyne.CurrentApp().Clipboard().SetContent(s.key.Text)
	})
	s.existing = widget.NewSelect(nil, nil)
	s.existing.PlaceHolder = T("access.user.pick")
	s.existing.Disable()
	s.choice = widget.NewRadioGroup(nil, func(string) { s.choiceChanged() })
	s.choice.Required = true
	s.keyOnly = widget.NewLabel("")
	s.keyOnly.Wrapping = fyne.TextWrapWord
	s.keyOnly.Importance = widget.WarningImportance
	s.keyOnly.Hide()
	s.ips = widget.NewMultiLineEntry()
	s.ips.SetPlaceHolder(T("access.ips.placeholder"))
	s.ips.SetMinRowsVisible(3)
	s.ipsLabel = widget.NewLabelWithStyle(T("access.ips.label"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	ipsHelp := widget.NewLabel(T("access.ips.help"))
	ipsHelp.Wrapping = fyne.TextWrapWord
	ipsHelp.Importance = widget.LowImportance
	s.ipsBox = container.NewVBox(s.ipsLabel, s.ips, ipsHelp)
	s.apply = widget.NewButton(T("access.apply.own"), s.run)
	s.apply.Importance = widget.HighImportance
	s.job.busyOff = []*widget.Button{s.apply, generate}
	keyLabel := widget.NewLabelWithStyle(T("access.key.label"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	userLabel := widget.NewLabelWithStyle(T("access.user.label"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.title = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.intro = widget.NewLabel(T("access.intro"))
	s.intro.Wrapping = fyne.TextWrapWord
	s.keyBox = container.NewVBox(keyLabel, container.NewBorder(nil, nil, nil, container.NewHBox(generate, copyBtn), s.key), s.entropy)
	s.object = container.NewPadded(container.NewVScroll(container.NewVBox(
		s.title, s.intro,
		userLabel, s.choice, s.existing, s.keyOnly,
		s.keyBox, s.ipsBox, s.apply, s.job.object())))
	return s
}

// prepare sets the screen up for the chosen integration and store: the
// own user's name, a new key, the provider's addresses only when the
// integration needs them, and the store's users to pick from.
func (s *accessScreen) prepare() {
	p := s.wiz.Integration()
	site, _ := s.wiz.Session.Site()
	id := p.ID + "|" + site.String() + "|" + string(s.wiz.Session.StoreLine())
	if s.prepared == id {
		return
	}
	s.prepared = id
	n := p.Needs()
	s.ownName = app.DefaultAPIUser(p, s.wiz.Session.StoreLine())
	s.title.SetText(TF("access.title", Args{"Integration": IntegrationName(p)}))
	own, other := TF("access.user.own", Args{"Name": s.ownName}), T("access.user.existing")
	s.intro.SetText(T("access.intro"))
	if s.keepsKey() {
		own = TF("access.user.default", Args{"Name": s.ownName})
		s.intro.SetText(TF("access.intro.keyonly", Args{"Name": s.ownName}))
	}
	s.choice.Options = []string{own, other}
	s.choice.SetSelected(own)
	s.choice.Refresh()
	s.choiceChanged()
	if s.key.Text == "" {
		s.generateKey()
	}
	if n.ProviderIPs {
		s.ipsBox.Show()
	} else {
		s.ipsBox.Hide()
	}
	s.keyOnly.Hide()
	if n.KeyOnlyLogin && s.wiz.Session.StoreLine() == store.Line30 {
		// OpenCart 3.0's api/login takes "Default" when a client sends only
		// a key: the merchant must know before choosing.
		s.keyOnly.SetText(TF("access.keyonly", Args{"Integration": IntegrationName(p)}))
		s.keyOnly.Show()
	}
	var users []string
	s.job.run(T("access.users.reading"), func(ctx context.Context) (err error) {
		users, err = s.wiz.Session.APIUsers(ctx)
		return err
	}, func(err error) {
		if err != nil {
			return
		}
		var opts []string
		for _, u := range users {
			if u != s.ownName {
				opts = append(opts, u)
			}
		}
		s.existing.Options = opts
		s.existing.Refresh()
		s.job.status.SetText("")
	})
}

func (s *accessScreen) generateKey() {
	if k, err := keygen.Generate(keygen.MinStoreAPI); err == nil {
		s.key.SetText(k)
	}
}

// keepsKey says that the screen's own user is the store's, whose key is
// kept: OpenCart 3.0 checks a key a connector sends alone against
// "Default", so the connector must use that user's key.
func (s *accessScreen) keepsKey() bool {
	return s.ownName == app.KeyOnlyUser && s.wiz.Integration().Needs().KeyOnlyLogin && s.wiz.Session.StoreLine() == store.Line30
}

// ownChosen reports whether the merchant keeps ocsetup's own user.
func (s *accessScreen) ownChosen() bool {
	return len(s.choice.Options) == 0 || s.choice.Selected == s.choice.Options[0]
}

func (s *accessScreen) choiceChanged() {
	s.keyBox.Show()
	switch {
	case s.ownChosen() && s.keepsKey():
		// The user keeps its key: a new one would not be used.
		s.existing.Disable()
		s.keyBox.Hide()
		s.apply.SetText(TF("access.apply.default", Args{"Name": s.ownName}))
	case s.ownChosen():
		s.existing.Disable()
		s.apply.SetText(T("access.apply.own"))
	default:
		s.existing.Enable()
		s.apply.SetText(T("access.apply.review"))
	}
}

func (s *accessScreen) user() access.APIUser {
	var ips []string
	if s.wiz.Integration().Needs().ProviderIPs {
		for _, l := range strings.FieldsFunc(s.ips.Text, func(r rune) bool { return r == '\n' || r == ',' || r == ' ' }) {
			if l = strings.TrimSpace(l); l != "" {
				ips = append(ips, l)
			}
		}
	}
	name := s.ownName
	if !s.ownChosen() {
		name = s.existing.Selected
	}
	return access.APIUser{Name: name, Key: s.key.Text, IPs: ips}
}

func (s *accessScreen) run() {
	u := s.user()
	if !s.ownChosen() && u.Name == "" {
		s.job.fail(errors.New(T("access.user.none")))
		return
	}
	if s.wiz.Integration().Needs().ProviderIPs && len(u.IPs) == 0 {
		// No address is no access for the provider, not every address.
		s.job.fail(errors.New(T("access.ips.none")))
		return
	}
	if err := u.Validate(s.wiz.Session.StoreLine()); err != nil {
		s.job.fail(err)
		return
	}
	if s.ownChosen() {
		// The user the connector is bound to keeps its key (3.0's
		// "Default"); ocsetup's own user is new.
		u.ReuseKey = u.Name == app.KeyOnlyUser
		s.write(u)
		return
	}
	var pre *access.APIPreview
	s.job.run(T("access.preview.reading"), func(ctx context.Context) (err error) {
		pre, err = s.wiz.Session.PreviewAccess(ctx, u)
		return err
	}, func(err error) {
		if err != nil {
			return
		}
		s.job.status.SetText("")
		if !pre.Changes() {
			s.write(u)
			return
		}
		var lines []string
		if pre.KeyReplaced {
			lines = append(lines, TF("access.preview.key", Args{"Name": u.Name}))
		}
		if pre.Enabled {
			lines = append(lines, TF("access.preview.enable", Args{"Name": u.Name}))
		}
		if len(pre.IPsAdded) > 0 {
			lines = append(lines, TF("access.preview.ips", Args{"IPs": strings.Join(pre.IPsAdded, ", ")}))
		}
		text := widget.NewLabel(strings.Join(lines, "\n\n"))
		text.Wrapping = fyne.TextWrapWord
		d := dialog.NewCustomConfirm(TF("access.preview.title", Args{"Name": u.Name}), T("access.preview.confirm"), T("common.cancel"),
			text, func(ok bool) {
				if ok {
					u.ReplaceKey = true
					s.write(u)
				}
			}, s.win)
		d.Resize(fyne.NewSize(520, 300))
		d.Show()
	})
}

// write creates ocsetup's own user, or changes the chosen one as agreed.
func (s *accessScreen) write(u access.APIUser) {
	var res *access.APIResult
	s.job.run(T("access.writing"), func(ctx context.Context) (err error) {
		res, err = s.wiz.Session.ApplyAccess(ctx, u)
		return err
	}, func(err error) {
		var exists *access.ExistingUserError
		if errors.As(err, &exists) {
			s.job.status.SetText(TF("access.exists", Args{"Name": exists.Name}))
			return
		}
		if err != nil {
			return
		}
		var msg string
		switch {
		case s.wiz.Session.StoreLine() == store.Line15:
			msg = T("access.done.rest")
		case res.Created:
			msg = TF("access.done.created", Args{"Name": u.Name})
		case res.Updated:
			msg = TF("access.done.updated", Args{"Name": u.Name})
		case len(res.IPsAdded) > 0:
			// Only addresses were added: "nothing changed" would be untrue.
			msg = TF("access.done.ipsonly", Args{"Name": u.Name})
		default:
			msg = TF("access.done.unchanged", Args{"Name": u.Name})
		}
		if len(res.IPsAdded) > 0 {
			msg += " " + TF("access.done.ips", Args{"IPs": strings.Join(res.IPsAdded, ", ")})
		}
		s.job.ok(strings.Join(append([]string{msg}, accessNotes(res)...), "\n"))
		s.wiz.SetDone(app.StepAccess, true)
	})
}
