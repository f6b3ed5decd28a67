package ui

import (
	"context"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/ocsetup/ocsetup/app"
	"github.com/ocsetup/ocsetup/installer/access"
	"github.com/ocsetup/ocsetup/installer/keygen"
	"github.com/ocsetup/ocsetup/installer/store"
)

// accessScreen makes the integration's API key and the store's API user
// with the provider's addresses.
type accessScreen struct {
	object  fyne.CanvasObject
	wiz     *app.Wizard
	win     fyne.Window
	key     *widget.Entry
	entropy *widget.Label
	user    *widget.Entry
	ips     *widget.Entry
	apply   *widget.Button
	job     *job
}

func newAccessScreen(wiz *app.Wizard, win fyne.Window) *accessScreen {
	s := &accessScreen{wiz: wiz, win: win, job: newJob()}
	s.key = widget.NewPasswordEntry()
	s.entropy = widget.NewLabel("")
	s.key.OnChanged = func(k string) {
		if err := keygen.Valid(k, keygen.MinStoreAPI); err != nil && k != "" {
			s.entropy.SetText(err.Error())
			s.entropy.Importance = widget.DangerImportance
		} else if k != "" {
			s.entropy.SetText(fmt.Sprintf("%d characters, %.0f bits of entropy", len(k), keygen.EntropyBits(len(k))))
			s.entropy.Importance = widget.SuccessImportance
		}
		s.entropy.Refresh()
	}
	generate := widget.NewButtonWithIcon("Generate", theme.ViewRefreshIcon(), func() {
		k, err := keygen.Generate(keygen.MinStoreAPI)
		if err == nil {
			s.key.SetText(k)
		}
	})
	copyBtn := widget.NewButtonWithIcon("Copy", theme.ContentCopyIcon(), func() {
		fyne.CurrentApp().Clipboard().SetContent(s.key.Text)
	})
	s.user = widget.NewEntry()
	s.user.SetText("Default")
	s.ips = widget.NewMultiLineEntry()
	s.ips.SetPlaceHolder("the provider's IP addresses, one per line")
	s.apply = widget.NewButton("Create the API user", s.run)
	s.apply.Importance = widget.HighImportance
	s.job.busyOff = []*widget.Button{s.apply, generate}
	form := widget.NewForm(
		widget.NewFormItem("API key", container.NewBorder(nil, nil, nil, container.NewHBox(generate, copyBtn), s.key)),
		widget.NewFormItem("", s.entropy),
		widget.NewFormItem("API user", s.user),
		widget.NewFormItem("Allowed IPs", s.ips),
	)
	s.object = container.NewPadded(container.NewVScroll(container.NewVBox(
		screenTitle("Access for the integration", "The integration logs in to the store's API with this key. ocsetup creates "+
			"the API user (System > Users > API) with the key and the provider's addresses, or updates it."),
		form, s.apply, s.job.object())))
	return s
}

func (s *accessScreen) run() {
	var ips []string
	for _, l := range strings.Split(s.ips.Text, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			ips = append(ips, l)
		}
	}
	u := access.APIUser{Name: strings.TrimSpace(s.user.Text), Key: s.key.Text, IPs: ips}
	if err := u.Validate(s.wiz.Session.StoreLine()); err != nil {
		s.job.fail(err)
		return
	}
	var res *access.APIResult
	s.job.run("Writing the API user…", func(ctx context.Context) (err error) {
		res, err = s.wiz.Session.ApplyAccess(ctx, u)
		return err
	}, func(err error) {
		if err != nil {
			return
		}
		what := "unchanged"
		switch {
		case res.Created:
			what = "created"
		case res.Updated:
			what = "updated"
		}
		msg := fmt.Sprintf("API user %q %s", u.Name, what)
		if s.wiz.Session.StoreLine() == store.Line15 {
			msg = "REST API module key set"
		}
		if len(res.IPsAdded) > 0 {
			msg += "; allowed " + strings.Join(res.IPsAdded, ", ")
		}
		s.job.ok(strings.Join(append([]string{msg + "."}, res.Notes...), "\n"))
		s.wiz.SetDone(app.StepAccess, true)
	})
}
