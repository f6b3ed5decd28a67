package ui

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/ocsetup/ocsetup/app"
	"github.com/ocsetup/ocsetup/installer/remote"
	"github.com/ocsetup/ocsetup/installer/store"
)

// protocols as the Connect screen offers them, safest first.
var protocols = []struct {
	key   string // translation key of the label
	proto remote.Protocol
}{
	{"connect.protocol.sftp", remote.SFTP},
	{"connect.protocol.ftps", remote.FTPS},
	{"connect.protocol.ftps_implicit", remote.FTPSImplicit},
	{"connect.protocol.ftp", remote.FTP},
}

// connectScreen asks for the hosting login, connects in the background
// and lists the stores found.
type connectScreen struct {
	object fyne.CanvasObject
	wiz    *app.Wizard
	win    fyne.Window

	protocol   *widget.Select
	preset     *widget.Select // hosting panel (hostingpresets.go)
	presetHint *widget.Label
	host, port *widget.Entry
	user, pass *widget.Entry
	keyFile    *widget.Entry
	keyPick    *widget.Button // opens a file picker for keyFile (keyfile.go)
	folder     *widget.Entry
	allowPlain *widget.Check
	connect    *widget.Button
	cancelBtn  *widget.Button
	progress   *widget.ProgressBarInfinite
	status     *widget.Label
	details    *widget.Label
	detailBox  *widget.Accordion
	stores     *widget.RadioGroup

	cancel context.CancelFunc
	found  []store.Store
	// save keeps the site for next time (Main wires it to the saved sites).
	save    *widget.Button
	saveJob *job
	// submit is what Enter in a field does (Main: the step's main button).
	submit func()
	// recovery is the dialog about what earlier runs left (recovery.go).
	recovery *recoveryDialog
	// uninstall reverses the newest setup on the store (uninstall.go).
	uninstall *uninstaller
	// do runs a function on the UI goroutine: fyne.Do, or in tests a
	// serialiser shared with the test's own actions (Fyne's test driver
	// runs fyne.Do at once, on the calling goroutine).
	do func(func())
}

func newConnectScreen(wiz *app.Wizard, win fyne.Window) *connectScreen {
	s := &connectScreen{wiz: wiz, win: win, do: fyne.Do}
	s.submit = s.start
	labels := make([]string, len(protocols))
	for i, p := range protocols {
		labels[i] = T(p.key)
	}
	s.host = widget.NewEntry()
	s.host.SetPlaceHolder("ftp.example.com")
	s.port = widget.NewEntry()
	s.user = widget.NewEntry()
	s.pass = widget.NewPasswordEntry()
	s.keyFile = widget.NewEntry()
	s.keyFile.SetPlaceHolder(T("connect.key_file.placeholder"))
	s.folder = widget.NewEntry()
	s.folder.SetPlaceHolder(T("connect.folder.placeholder"))
	s.allowPlain = widget.NewCheck(T("connect.allow_plain"), nil)
	s.keyPick = widget.NewButton(T("connect.key_file.choose"), s.chooseKey)
	s.protocol = widget.NewSelect(labels, func(string) { s.protocolChanged() })
	s.preset = s.newPresetSelect()
	s.presetHint = widget.NewLabel("")
	s.presetHint.Wrapping = fyne.TextWrapWord
	s.presetHint.Hide()
	for _, e := range []*widget.Entry{s.host, s.port, s.user, s.pass, s.keyFile, s.folder} {
		e.OnSubmitted = func(string) { s.submit() }
	}

	s.connect = widget.NewButton(T("connect.start"), s.start)
	s.connect.Importance = widget.HighImportance
	s.cancelBtn = widget.NewButton(T("common.cancel"), func() {
		if s.cancel != nil {
			s.cancel()
		}
	})
	s.cancelBtn.Hide()
	s.progress = widget.NewProgressBarInfinite()
	s.progress.Stop()
	s.progress.Hide()
	s.status = widget.NewLabel("")
	s.status.Wrapping = fyne.TextWrapWord
	s.details = widget.NewLabel("")
	s.details.Wrapping = fyne.TextWrapWord
	s.details.TextStyle.Monospace = true
	s.detailBox = widget.NewAccordion(widget.NewAccordionItem(T("connect.server_reply"), s.details))
	s.detailBox.Hide()
	s.stores = widget.NewRadioGroup(nil, func(label string) {
		for _, st := range s.found {
			if storeLabel(st) == label {
				wiz.SetDone(app.StepConnect, wiz.Session.Choose(st.Root))
			}
		}
	})
	s.stores.Hide()
	s.saveJob = newJob(wiz)
	// Through s.do, as the screen's other results: a test swaps s.do for
	// a serialiser after the screen is made.
	s.saveJob.do = func(f func()) { s.do(f) }
	s.save = widget.NewButton(T("sites.save"), nil)
	s.saveJob.busyOff = []*widget.Button{s.save}
	s.save.Hide()
	s.uninstall = newUninstaller(wiz, win, func(f func()) { s.do(f) })
	s.uninstall.button.Hide()

	form := widget.NewForm(
		widget.NewFormItem(T("connect.field.panel"), s.preset),
		widget.NewFormItem(T("connect.field.protocol"), s.protocol),
		widget.NewFormItem(T("connect.field.server"), s.host),
		widget.NewFormItem(T("connect.field.port"), s.port),
		widget.NewFormItem(T("connect.field.user"), s.user),
		widget.NewFormItem(T("connect.field.password"), s.pass),
		widget.NewFormItem(T("connect.field.private_key"), container.NewBorder(nil, nil, nil, s.keyPick, s.keyFile)),
		widget.NewFormItem(T("connect.field.folder"), s.folder),
	)
	title := widget.NewLabelWithStyle(T("connect.title"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	intro := widget.NewLabel(T("connect.intro"))
	intro.Wrapping = fyne.TextWrapWord
	s.object = container.NewPadded(container.NewVScroll(container.NewVBox(title, intro, form, s.presetHint, s.allowPlain,
		container.NewHBox(s.connect, s.cancelBtn), s.progress, s.status, s.detailBox, s.stores,
		container.NewHBox(s.save, s.uninstall.button), s.saveJob.object())))
	s.protocol.SetSelectedIndex(0)
	return s
}

// protocolChanged sets the usual port unless the user typed another one.
func (s *connectScreen) protocolChanged() {
	p := s.selected()
	usual := map[string]bool{"": true, "21": true, "22": true, "990": true}
	if usual[s.port.Text] {
		s.port.SetText(strconv.Itoa(p.DefaultPort()))
	}
	if p == remote.FTP {
		s.allowPlain.Show()
	} else {
		s.allowPlain.Hide()
	}
	if p == remote.SFTP {
		s.keyFile.Enable()
		s.keyPick.Enable()
	} else {
		s.keyFile.Disable()
		s.keyPick.Disable()
	}
}

func (s *connectScreen) selected() remote.Protocol {
	i := s.protocol.SelectedIndex()
	if i < 0 {
		return remote.SFTP
	}
	return protocols[i].proto
}

// site reads the form.
func (s *connectScreen) site() (remote.Site, error) {
	port, err := strconv.Atoi(strings.TrimSpace(s.port.Text))
	if err != nil || port < 1 || port > 65535 {
		return remote.Site{}, errors.New(T("connect.error.port"))
	}
	site := remote.Site{Protocol: s.selected(), Host: strings.TrimSpace(s.host.Text), Port: port,
		User: strings.TrimSpace(s.user.Text), Path: strings.TrimSpace(s.folder.Text), AllowPlain: s.allowPlain.Checked}
	if key := strings.TrimSpace(s.keyFile.Text); key != "" && site.Protocol == remote.SFTP {
		site.KeyFile, site.KeyPassphrase = key, s.pass.Text
	} else {
		site.Password = s.pass.Text
	}
	return site, nil
}

func (s *connectScreen) start() { s.run("") }

// run connects in a goroutine; the screen stays usable and Cancel works.
func (s *connectScreen) run(accept string) {
	site, err := s.site()
	if err != nil {
		s.showError(err)
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	s.busy(true, TF("connect.connecting", Args{"Addr": site.Addr()}))
	s.wiz.SetDone(app.StepConnect, false)
	go func() {
		res, err := s.wiz.Session.Connect(ctx, site, accept)
		cancel()
		s.do(func() {
			s.busy(false, "")
			if err != nil {
				s.failed(site, err)
				return
			}
			s.succeeded(res)
		})
	}()
}

func (s *connectScreen) busy(on bool, msg string) {
	if on {
		s.connect.Disable()
		s.cancelBtn.Show()
		s.progress.Show()
		s.progress.Start()
		s.detailBox.Hide()
		s.stores.Hide()
	} else {
		s.connect.Enable()
		s.cancelBtn.Hide()
		s.progress.Stop()
		s.progress.Hide()
	}
	s.status.Importance = widget.MediumImportance
	s.status.SetText(msg)
}

func (s *connectScreen) failed(site remote.Site, err error) {
	var re *remote.Error
	if errors.As(err, &re) && re.Kind == remote.KindUnknownKey {
		s.askTrust(site, re)
		return
	}
	s.showError(err)
}

func (s *connectScreen) showError(err error) {
	s.status.Importance = widget.DangerImportance
	hide := s.wiz.Session.Redact // a server may quote the password it was sent
	s.status.SetText(hide(ErrorText(err)))
	if detail := strings.TrimSpace(technicalDetail(err)); detail != "" {
		s.details.SetText(hide(detail))
		s.detailBox.Show()
	} else {
		s.detailBox.Hide()
	}
}

// askTrust shows the fingerprint of a server seen for the first time.
func (s *connectScreen) askTrust(site remote.Site, re *remote.Error) {
	fp := widget.NewLabel(re.Fingerprint)
	fp.TextStyle.Monospace = true
	text := widget.NewLabel(TF("connect.trust.text", Args{"Host": site.Host, "Port": site.Port, "KeyType": KeyTypeName(re.KeyType)}))
	text.Wrapping = fyne.TextWrapWord
	content := container.NewVBox(text, fp)
	d := dialog.NewCustomConfirm(T("connect.trust.title"), T("connect.trust.confirm"), T("common.cancel"), content, func(ok bool) {
		if ok {
			s.run(re.Fingerprint)
		} else {
			s.status.SetText(TF("connect.trust.refused", Args{"KeyType": KeyTypeName(re.KeyType)}))
		}
	}, s.win)
	d.Resize(fyne.NewSize(560, 280))
	// The form gives up the focus: Space on a dialog button sends its
	// character after the dialog has closed, and it would land in the
	// field that had the focus. Enter then goes on (keyboard.go).
	s.win.Canvas().Unfocus()
	d.Show()
}

func (s *connectScreen) succeeded(res *app.ConnectResult) {
	s.found = res.Stores
	labels := make([]string, len(res.Stores))
	for i, st := range res.Stores {
		labels[i] = storeLabel(st)
	}
	s.stores.Options = labels
	s.stores.Selected = ""
	s.stores.Refresh()
	s.stores.Show()
	s.save.Show()
	s.uninstall.button.Show()
	s.status.Importance = widget.SuccessImportance
	if !res.Recovery.Empty() {
		s.showRecovery(res)
	}
	if len(res.Stores) == 1 {
		s.status.SetText(T("connect.found_one"))
		s.stores.SetSelected(labels[0])
	} else {
		s.status.SetText(TN("connect.found_many", len(res.Stores), nil))
	}
}

func storeLabel(st store.Store) string {
	version := st.Version
	if version == "" {
		version = T("connect.version_unknown")
	}
	l := TF("connect.store_label", Args{"Root": st.Root, "Version": version, "AdminDir": st.AdminDir})
	for _, w := range st.Warnings {
		text := w.Message
		if !w.Msg.IsZero() {
			text = MsgText(w.Msg)
		}
		l += "\n⚠ " + text
	}
	return l
}

// prefill fills the form for a known site (the demo store).
func (s *connectScreen) prefill(site remote.Site, folder string) {
	for i, p := range protocols {
		if p.proto == site.Protocol {
			s.protocol.SetSelectedIndex(i)
		}
	}
	s.host.SetText(site.Host)
	s.port.SetText(strconv.Itoa(site.Port))
	s.user.SetText(site.User)
	s.pass.SetText(site.Password)
	s.folder.SetText(folder)
}
