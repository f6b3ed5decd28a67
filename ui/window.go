// Package ui draws the wizard with Fyne. It holds no logic of its own: it
// renders app.Wizard and forwards the user's choices to it.
package ui

import (
	"context"
	"errors"
	"os"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/ocsetup/ocsetup/app"
	"github.com/ocsetup/ocsetup/assets"
)

// Main is the main window: the step list at the side, the current step's
// screen, and Back / Next at the bottom.
type Main struct {
	Window fyne.Window
	wiz    *app.Wizard

	steps    *widget.List
	side     *fyne.Container
	finish   *finishScreen
	content  *fyne.Container
	back     *widget.Button
	next     *widget.Button
	welcome  *welcomeScreen
	connect  *connectScreen
	pkg      *packageScreen
	creds    *credentialsScreen
	access   *accessScreen
	test     *testScreen
	sync     *syncScreen
	settings *settingsScreen
	// stopDemo ends the demo store, if one was started.
	stopDemo func() error
	// crash offers the last crash's log at start (crashreport.go).
	crash *crashOffer
	// finishUninstall is the Uninstall action at the end of the wizard.
	finishUninstall *uninstaller
	// sites are the saved sites (preferences, secrets in the keychain).
	sites *app.Sites
	// Restart, when set, starts the window program again (in the
	// language just chosen); the program that shows the window sets it.
	Restart func() error
	// languageMenu is the Welcome screen's language choice.
	languageMenu *widget.Select
}

// NewMain builds the main window for a wizard.
func NewMain(a fyne.App, wiz *app.Wizard) *Main {
	w := a.NewWindow(T("app.title"))
	w.SetIcon(fyne.NewStaticResource("icon.png", assets.Icon))
	m := &Main{Window: w, wiz: wiz}

	// The side bar lists the integration's own steps. Done steps, and the
	// next one to do, open on a click; the others cannot be reached yet.
	m.steps = widget.NewList(
		func() int { return len(wiz.Path()) },
		func() fyne.CanvasObject {
			l := widget.NewLabel(T("step.credentials"))
			l.Truncation = fyne.TextTruncateEllipsis
			return container.NewBorder(nil, nil, widget.NewIcon(theme.RadioButtonIcon()), nil, l)
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			path := wiz.Path()
			if id >= len(path) {
				return
			}
			row := o.(*fyne.Container)
			s := path[id]
			icon := theme.RadioButtonIcon()
			switch {
			case s == wiz.Current():
				icon = theme.NavigateNextIcon()
			case wiz.Done(s):
				icon = theme.ConfirmIcon()
			}
			var label *widget.Label
			for _, c := range row.Objects {
				switch w := c.(type) {
				case *widget.Icon:
					w.SetResource(icon)
				case *widget.Label:
					label = w
				}
			}
			label.SetText(StepTitle(s))
			label.TextStyle.Bold = s == wiz.Current()
			label.Importance = widget.MediumImportance
			if !wiz.CanGo(s) {
				label.Importance = widget.LowImportance
			}
			label.Refresh()
		})
	m.steps.OnSelected = func(id widget.ListItemID) {
		m.steps.UnselectAll()
		if path := wiz.Path(); id < len(path) {
			wiz.GoTo(path[id])
		}
	}

	m.back = widget.NewButtonWithIcon(T("common.back"), theme.NavigateBackIcon(), func() { wiz.Back() })
	m.next = widget.NewButtonWithIcon(T("common.next"), theme.NavigateNextIcon(), func() { wiz.Next() })
	m.next.IconPlacement = widget.ButtonIconTrailingText
	m.next.Importance = widget.HighImportance

	m.welcome = newWelcomeScreen(wiz)
	m.connect = newConnectScreen(wiz, w)
	m.pkg = newPackageScreen(wiz, w)
	m.creds = newCredentialsScreen(wiz, w)
	m.access = newAccessScreen(wiz, w)
	m.test = newTestScreen(wiz, w)
	m.sync = newSyncScreen(wiz, w)
	m.settings = newSettingsScreen(wiz, w)
	m.finish = newFinishScreen(wiz, w)
	m.addFinishUninstall()
	m.welcome.demoBtn.OnTapped = m.startDemo
	m.sites = app.NewSites(a.Preferences(), app.NewOSKeychain())
	m.connect.save.OnTapped = m.saveSite
	m.bindKeys()
	m.welcome.showSites(m.sites, m.openSite)
	m.languageMenu = languageChoice(a.Preferences().String(LanguagePref), m.setLanguage)
	// Wide enough for the longest choice in either language, so that
	// none is cut short.
	m.welcome.language.Add(container.NewHBox(widget.NewLabel(T("language.label")), container.New(fixedWidth{200}, m.languageMenu)))
	w.SetOnClosed(m.close)
	w.SetOnDropped(m.dropped)
	m.content = container.NewStack()
	bar := container.NewHBox(m.back, layout.NewSpacer(), m.next)
	m.side = container.New(fixedWidth{sideBarWidth}, container.NewBorder(nil, nil, nil, widget.NewSeparator(), m.steps))
	page := container.New(pageArea{min: fyne.NewSize(560, 420)}, m.content)
	main := container.NewBorder(nil, container.NewVBox(widget.NewSeparator(), bar), nil, nil, page)
	w.SetContent(container.NewBorder(nil, nil, m.side, nil, main))
	w.Resize(fyne.NewSize(1024, 700))

	wiz.OnChange(m.refresh)
	m.refresh()
	return m
}

// refresh redraws everything from the wizard's state. The wizard changes
// only from UI callbacks today; work from goroutines will reach it through
// fyne.Do.
func (m *Main) refresh() {
	m.back.Enable()
	if !m.wiz.CanBack() {
		m.back.Disable()
	}
	m.next.Enable()
	if !m.wiz.CanNext() {
		m.next.Disable()
	}
	m.steps.Refresh()
	var screen fyne.CanvasObject
	switch s := m.wiz.Current(); s {
	case app.StepWelcome:
		screen = m.welcome.object
	case app.StepConnect:
		screen = m.connect.object
	case app.StepPackage:
		screen = m.pkg.object
	case app.StepCredentials:
		screen = m.creds.object
	case app.StepAccess:
		m.access.prepare()
		screen = m.access.object
	case app.StepSettings:
		screen = m.settings.object
	case app.StepTest:
		screen = m.test.object
	case app.StepSync:
		screen = m.sync.object
	case app.StepFinish:
		m.finish.show()
		screen = m.finish.object
	default:
		screen = pendingScreen(s)
	}
	if len(m.content.Objects) != 1 || m.content.Objects[0] != screen {
		m.content.Objects = []fyne.CanvasObject{screen}
		m.content.Refresh()
	}
}

// pendingScreen stands for a step whose screen the wizard does not have yet;
// the command line covers those steps today.
func pendingScreen(s app.Step) fyne.CanvasObject {
	title := widget.NewLabelWithStyle(StepTitle(s), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	text := widget.NewLabel(T("window.pending"))
	text.Wrapping = fyne.TextWrapWord
	return container.NewPadded(container.NewVBox(title, text))
}

// startDemo starts the built-in demo store and goes on to the Connect
// screen filled in for it; the host key is shown and trusted like any other.
func (m *Main) startDemo() {
	var info *app.DemoInfo
	var stop func() error
	m.welcome.job.run(T("welcome.demo.starting"), func(ctx context.Context) (err error) {
		program, err := app.FindDemoProgram(os.Getenv)
		if err != nil {
			return err
		}
		info, stop, err = app.StartDemo(ctx, program, "", T("report.language"))
		return err
	}, func(err error) {
		if err != nil {
			return
		}
		if m.stopDemo != nil {
			_ = m.stopDemo()
		}
		m.stopDemo = stop
		m.welcome.job.ok(TF("welcome.demo.running", Args{"Version": info.Version, "URL": info.StoreURL}))
		m.welcome.selectID(app.DemoIntegration)
		m.connect.prefill(info.Site.Remote(), info.StoreRoot)
		m.pkg.path.SetText(info.Package)
		m.wiz.Next()
	})
}

// dropped takes a package dropped anywhere on the window: the Package step
// opens with its path (once the steps before it are done).
func (m *Main) dropped(_ fyne.Position, uris []fyne.URI) {
	paths := make([]string, 0, len(uris))
	for _, u := range uris {
		paths = append(paths, u.Path())
	}
	p := app.DroppedPackage(paths)
	if p == "" {
		return
	}
	m.pkg.setPath(p)
	m.wiz.GoTo(app.StepPackage)
}

// close stops what runs in the background when the window closes.
func (m *Main) close() {
	m.sync.close()
	if m.stopDemo != nil {
		_ = m.stopDemo()
	}
}

// saveSite keeps the connected site for next time: the connection and the
// store in the preferences, the password in the keychain (or nowhere,
// when this computer has none, and the user is told).
func (m *Main) saveSite() {
	site, ok := m.wiz.Session.Site()
	if !ok {
		return
	}
	saved := app.SiteFromRemote(app.DefaultSiteName(site), site)
	if st, ok := m.wiz.Session.Store(); ok {
		saved.Store = st.Root
	}
	saved.Integration = m.wiz.Integration().ID
	m.connect.saveJob.run(T("sites.saving"), func(context.Context) error {
		return m.sites.Save(saved, app.SecretsFromRemote(site))
	}, func(err error) {
		var notSaved *app.SecretsNotSavedError
		switch {
		case errors.As(err, &notSaved):
			m.connect.saveJob.status.Importance = widget.WarningImportance
			m.connect.saveJob.status.SetText(TF("sites.secrets_not_saved", Args{"Name": saved.Name}))
		case err == nil:
			m.connect.saveJob.ok(TF("sites.saved", Args{"Name": saved.Name}))
		default:
			return
		}
		m.welcome.showSites(m.sites, m.openSite)
	})
}

// openSite fills the Connect screen from a saved site (its password from
// the keychain when there is one) and goes there.
func (m *Main) openSite(name string) {
	var saved app.SavedSite
	var secrets app.SiteSecrets
	m.welcome.job.run(TF("sites.opening", Args{"Name": name}), func(context.Context) (err error) {
		if saved, err = m.sites.Get(name); err != nil {
			return err
		}
		if saved.SecretsSaved {
			secrets, err = m.sites.Secrets(name)
		}
		return err
	}, func(err error) {
		if err != nil {
			return
		}
		if saved.Integration != "" {
			m.welcome.selectID(saved.Integration)
		}
		folder := saved.Store
		if folder == "" {
			folder = saved.Path
		}
		m.connect.prefill(saved.Remote(secrets), folder)
		m.welcome.job.ok("")
		m.wiz.Next()
	})
}
