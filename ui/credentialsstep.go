package ui

import (
	"context"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/ocsetup/ocsetup/app"
	"github.com/ocsetup/ocsetup/installer/db"
	"github.com/ocsetup/ocsetup/installer/remote"
	"github.com/ocsetup/ocsetup/installer/webguard"
)

// credentialsScreen shows what config.php says and which route reached
// the database; the password stays masked until the user asks.
type credentialsScreen struct {
	object   fyne.CanvasObject
	wiz      *app.Wizard
	win      fyne.Window
	read     *widget.Button
	form     *widget.Form
	host     *widget.Label
	user     *widget.Label
	database *widget.Label
	prefix   *widget.Label
	url      *widget.Label
	password *widget.Label
	secret   string
	reveal   *widget.Button
	route    *widget.Label
	job      *job
}

func newCredentialsScreen(wiz *app.Wizard, win fyne.Window) *credentialsScreen {
	s := &credentialsScreen{wiz: wiz, win: win, job: newJob(wiz)}
	s.read = widget.NewButton(T("creds.read"), s.run)
	s.read.Importance = widget.HighImportance
	s.host, s.user, s.database, s.prefix, s.url, s.route = widget.NewLabel("—"), widget.NewLabel("—"), widget.NewLabel("—"), widget.NewLabel("—"), widget.NewLabel("—"), widget.NewLabel("—")
	s.route.Wrapping = fyne.TextWrapWord
	// The password shows as dots until the user asks to see it.
	s.password = widget.NewLabel("—")
	s.reveal = widget.NewButton(T("creds.show"), func() {
		if s.reveal.Text == T("creds.show") {
			s.password.SetText(s.secret)
			s.reveal.SetText(T("creds.hide"))
		} else {
			s.password.SetText(mask(s.secret))
			s.reveal.SetText(T("creds.show"))
		}
	})
	s.reveal.Disable()
	s.form = widget.NewForm(
		widget.NewFormItem(T("creds.field.server"), s.host),
		widget.NewFormItem(T("creds.field.user"), s.user),
		widget.NewFormItem(T("creds.field.password"), container.NewHBox(s.password, s.reveal)),
		widget.NewFormItem(T("creds.field.database"), s.database),
		widget.NewFormItem(T("creds.field.prefix"), s.prefix),
		widget.NewFormItem(T("creds.field.url"), s.url),
		widget.NewFormItem(T("creds.field.route"), s.route),
	)
	s.job.busyOff = []*widget.Button{s.read}
	s.object = container.NewPadded(container.NewVScroll(container.NewVBox(
		screenTitle(T("creds.title"), T("creds.intro")),
		s.read, s.job.object(), s.form)))
	return s
}

func (s *credentialsScreen) run() {
	var res *app.CredentialsResult
	s.job.run(T("creds.reading"), func(ctx context.Context) (err error) {
		res, err = s.wiz.Session.ReadCredentials(ctx)
		return err
	}, func(err error) {
		if res != nil && res.Credentials != nil {
			c := res.Credentials
			s.host.SetText(c.Server())
			s.user.SetText(c.User)
			s.database.SetText(c.Database)
			s.prefix.SetText(fmt.Sprintf("%q", c.Prefix))
			s.url.SetText(c.Catalog.HTTPServer)
			s.secret = c.Password.Reveal()
			s.password.SetText(mask(s.secret))
			s.reveal.SetText(T("creds.show"))
			s.reveal.Enable()
		}
		if res != nil && len(res.Attempts) > 0 {
			s.route.SetText(attemptsText(res.Attempts))
		}
		if err != nil {
			if ce := res.UnknownHTTPSCertificate(); ce != nil {
				s.askHTTPSTrust(ce)
			}
			return
		}
		notes := []string{TF("creds.reached", Args{"Route": routeTitle(res.Route), "Line": res.Schema.Line()})}
		for _, p := range res.Credentials.Problems {
			if p.Msg.IsZero() {
				notes = append(notes, p.Message)
			} else {
				notes = append(notes, MsgText(p.Msg))
			}
		}
		for _, w := range res.Warnings { // plain HTTP ahead
			notes = append(notes, MsgText(w))
		}
		s.job.ok(strings.Join(notes, "\n"))
		s.wiz.SetDone(app.StepCredentials, true)
		if re := res.UnknownCertificate(); re != nil {
			s.askTrust(re)
		}
	})
}

// askTrust shows the fingerprint of a database server's certificate seen
// for the first time (the direct route was not used, so the password was
// not sent to it). Trust reads again with it accepted, and it is pinned
// once the login works; Cancel keeps the route that worked without it.
func (s *credentialsScreen) askTrust(re *remote.Error) {
	fp := widget.NewLabel(re.Fingerprint)
	fp.TextStyle.Monospace = true
	text := widget.NewLabel(TF("creds.trust.text", Args{"Addr": re.Host}))
	text.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustomConfirm(T("creds.trust.title"), T("creds.trust.confirm"), T("common.cancel"), container.NewVBox(text, fp), func(ok bool) {
		if ok {
			s.wiz.Session.TrustDBCertificate(re.Fingerprint)
			s.run()
			return
		}
		s.job.ok(s.job.status.Text + "\n" + T("creds.trust.refused"))
	}, s.win)
	d.Resize(fyne.NewSize(560, 280))
	d.Show()
}

// askHTTPSTrust shows the fingerprint of the store's HTTPS certificate
// that stopped the database bridge (no authority signed it, and it was
// never trusted). Trust pins it for the store's host:port and reads
// again; Cancel leaves the stop as it is.
func (s *credentialsScreen) askHTTPSTrust(ce *webguard.CertError) {
	fp := widget.NewLabel(ce.Fingerprint)
	fp.TextStyle.Monospace = true
	text := widget.NewLabel(TF("creds.https_trust.text", Args{"Addr": ce.Addr}))
	text.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustomConfirm(T("creds.https_trust.title"), T("creds.https_trust.confirm"), T("common.cancel"), container.NewVBox(text, fp), func(ok bool) {
		if !ok {
			return
		}
		if err := s.wiz.Session.TrustHTTPSCertificate(ce.Addr, ce.Fingerprint); err != nil {
			s.job.fail(err)
			return
		}
		s.run()
	}, s.win)
	d.Resize(fyne.NewSize(560, 280))
	d.Show()
}

// mask hides a secret but shows that it has a value.
func mask(s string) string {
	if s == "" {
		return T("creds.empty")
	}
	return "••••••••"
}

// routeTitle is a database route's name in the user's language.
func routeTitle(r db.Route) string { return MsgText(r.TitleMsg()) }

// attemptsText reads "direct: refused (…) → SSH: ok": the routes and
// "ok" in the user's language; a failure keeps the engine's own words.
func attemptsText(as db.Attempts) string {
	parts := make([]string, len(as))
	for i, a := range as {
		if a.OK() {
			parts[i] = TF("creds.attempt.ok", Args{"Route": routeTitle(a.Route)})
		} else {
			parts[i] = TF("creds.attempt.failed", Args{"Route": routeTitle(a.Route), "Summary": MsgText(a.SummaryMsg())})
		}
	}
	return strings.Join(parts, " → ")
}
