package ui

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"github.com/ocsetup/ocsetup/app"
	"github.com/ocsetup/ocsetup/installer/deploy"
)

// packageScreen: choose a package, see the plan, upload with progress,
// roll back.
type packageScreen struct {
	object   fyne.CanvasObject
	wiz      *app.Wizard
	win      fyne.Window
	path     *widget.Entry
	browse   *widget.Button
	planBtn  *widget.Button
	upload   *widget.Button
	rollback *widget.Button
	fixTrap  *widget.Check
	skip     *widget.Check
	summary  *widget.Label
	warnings *widget.Label
	table    *widget.Table
	progress *widget.ProgressBar
	rate     *widget.Label
	job      *job
	plan     *deploy.Plan
}

func newPackageScreen(wiz *app.Wizard, win fyne.Window) *packageScreen {
	s := &packageScreen{wiz: wiz, win: win, job: newJob(wiz)}
	s.path = widget.NewEntry()
	s.path.SetPlaceHolder(T("package.path.placeholder"))
	s.browse = widget.NewButton(T("package.choose"), s.choose)
	s.skip = widget.NewCheck(T("package.skip"), func(on bool) {
		wiz.SetDone(app.StepPackage, on)
	})
	s.fixTrap = widget.NewCheck(T("package.fix_trap"), nil)
	s.fixTrap.Hide()
	s.planBtn = widget.NewButton(T("package.plan"), s.makePlan)
	s.upload = widget.NewButton(T("package.upload"), s.doUpload)
	s.upload.Importance = widget.HighImportance
	s.upload.Disable()
	s.rollback = widget.NewButton(T("package.rollback"), s.doRollback)
	s.rollback.Disable()
	s.summary = widget.NewLabel("")
	s.summary.Wrapping = fyne.TextWrapWord
	s.warnings = widget.NewLabel("")
	s.warnings.Wrapping = fyne.TextWrapWord
	s.warnings.Importance = widget.WarningImportance
	s.warnings.Hide()
	s.table = widget.NewTable(
		func() (int, int) {
			if s.plan == nil {
				return 0, 2
			}
			return len(s.plan.Files), 2
		},
		func() fyne.CanvasObject { return widget.NewLabel("admin/controller/extension/payment/xxxxx.php") },
		func(id widget.TableCellID, o fyne.CanvasObject) {
			f := s.plan.Files[id.Row]
			if id.Col == 0 {
				o.(*widget.Label).SetText(T("package.status." + string(f.Status)))
			} else {
				o.(*widget.Label).SetText(f.Path)
			}
		})
	s.table.SetColumnWidth(0, 110)
	s.table.SetColumnWidth(1, 560)
	s.progress = widget.NewProgressBar()
	s.progress.Hide()
	s.rate = widget.NewLabel("")
	s.job.busyOff = []*widget.Button{s.planBtn, s.upload, s.rollback, s.browse}
	top := container.NewVBox(
		screenTitle(T("package.title"), T("package.intro")),
		container.NewBorder(nil, nil, nil, s.browse, s.path), s.fixTrap, s.skip,
		container.NewHBox(s.planBtn, s.upload, s.rollback), s.summary, s.warnings, s.progress, s.rate, s.job.object())
	s.object = container.NewPadded(container.NewBorder(top, nil, nil, nil, s.table))
	return s
}

// choose opens the file dialog in the last folder used (or Downloads),
// showing only .zip and .ocmod.zip files, large enough to choose from.
func (s *packageScreen) choose() {
	prefs := fyne.CurrentApp().Preferences()
	home, _ := os.UserHomeDir()
	start := app.PackageFolder(prefs.String(app.PackageFolderPref), home)
	if p := strings.TrimSpace(s.path.Text); p != "" {
		start = app.PackageFolder(filepath.Dir(p), home)
	}
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		p := r.URI().Path()
		r.Close()
		s.setPath(p)
	}, s.win)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".zip"}))
	if l, err := storage.ListerForURI(storage.NewFileURI(start)); err == nil {
		d.SetLocation(l)
	}
	size := s.win.Canvas().Size()
	d.Resize(fyne.NewSize(size.Width*0.85, size.Height*0.85))
	d.Show()
}

// setPath takes a chosen, dropped or typed package and remembers its
// folder for next time.
func (s *packageScreen) setPath(p string) {
	s.path.SetText(p)
	fyne.CurrentApp().Preferences().SetString(app.PackageFolderPref, filepath.Dir(p))
}

func (s *packageScreen) makePlan() {
	// A typed or pasted path may come with quotes (a file manager's "Copy
	// as path") or spaces around it.
	path := strings.Trim(strings.TrimSpace(s.path.Text), `"'`)
	var fixes []deploy.FixID
	if s.fixTrap.Checked {
		fixes = append(fixes, deploy.FixHiddenPages)
	}
	var pl *deploy.Plan
	s.job.run(T("package.planning"), func(ctx context.Context) (err error) {
		pl, err = s.wiz.Session.PlanPackage(ctx, path, fixes)
		return err
	}, func(err error) {
		if err != nil {
			return
		}
		fyne.CurrentApp().Preferences().SetString(app.PackageFolderPref, filepath.Dir(path))
		s.plan = pl
		s.table.Refresh()
		s.summary.SetText(TN("package.summary", len(pl.Folders), Args{"New": pl.Counts[deploy.StatusNew],
			"Changed": pl.Counts[deploy.StatusChanged], "Identical": pl.Counts[deploy.StatusIdentical],
			"Skipped": pl.Counts[deploy.StatusSkipped], "Size": size(pl.Bytes)}))
		msg := ""
		for _, w := range pl.Warnings {
			text := w.Message
			if !w.Msg.IsZero() {
				text = MsgText(w.Msg)
			}
			msg += "⚠ " + text + "\n"
		}
		s.warnings.SetText(msg)
		s.warnings.Hidden = msg == ""
		s.warnings.Refresh()
		if len(pl.FixOffered) > 0 {
			s.fixTrap.Show()
		}
		s.upload.Enable()
		s.job.ok(T("package.planned"))
	})
}

func (s *packageScreen) doUpload() {
	// Replacing a core file can break the store or open it to attackers
	// (an .htaccess in image/ can make uploads run as PHP): the plan's
	// warning is not enough, the merchant says yes to these files here.
	if core := s.wiz.Session.CoreFiles(); len(core) > 0 {
		msg := TF("package.core.text", Args{"Files": strings.Join(core, "\n")})
		d := dialog.NewConfirm(T("package.core.title"), msg, func(ok bool) {
			if !ok {
				s.job.ok(T("package.core.declined"))
				return
			}
			s.wiz.Session.AllowCoreFiles()
			s.startUpload()
		}, s.win)
		d.SetConfirmText(T("package.core.confirm"))
		d.SetDismissText(T("common.cancel"))
		d.Show()
		return
	}
	s.startUpload()
}

func (s *packageScreen) startUpload() {
	s.progress.SetValue(0)
	s.progress.Show()
	progress := func(p deploy.Progress) {
		s.job.do(func() {
			if p.BytesTotal > 0 {
				s.progress.SetValue(float64(p.BytesDone) / float64(p.BytesTotal))
			}
			args := Args{"Phase": T("package.phase." + string(p.Phase)), "Done": p.FilesDone,
				"Rate": size(int64(p.Rate)), "Current": p.Current}
			key := "package.progress"
			if p.ETA > 0 {
				key, args["ETA"] = "package.progress_eta", p.ETA.Round(time.Second).String()
			}
			s.rate.SetText(TN(key, p.FilesTotal, args))
		})
	}
	var m *deploy.Manifest
	s.job.run(T("package.uploading"), func(ctx context.Context) (err error) {
		m, err = s.wiz.Session.Upload(ctx, progress)
		return err
	}, func(err error) {
		if m != nil {
			s.rollback.Enable()
		}
		if err != nil {
			return
		}
		s.progress.SetValue(1)
		s.job.ok(TF("package.uploaded", Args{"Manifest": m.ID}))
		s.wiz.SetDone(app.StepPackage, true)
	})
}

func (s *packageScreen) doRollback() {
	dialog.ShowConfirm(T("package.rollback.title"), T("package.rollback.text"), func(ok bool) {
		if !ok {
			return
		}
		s.job.run(T("package.rollingback"), func(ctx context.Context) error { return s.wiz.Session.Rollback(ctx, nil) }, func(err error) {
			if err == nil {
				s.job.ok(T("package.rolledback"))
				s.rollback.Disable()
				s.wiz.SetDone(app.StepPackage, false)
			}
		})
	}, s.win)
}

func size(n int64) string {
	switch {
	case n >= 1<<20:
		return TF("size.mb", Args{"N": fmt.Sprintf("%.1f", float64(n)/(1<<20))})
	case n >= 1<<10:
		return TF("size.kb", Args{"N": fmt.Sprintf("%.0f", float64(n)/(1<<10))})
	}
	return TN("size.bytes", int(n), nil)
}
