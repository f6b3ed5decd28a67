package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/ocsetup/ocsetup/app"
	"github.com/ocsetup/ocsetup/internal/fixture"
	"github.com/ocsetup/ocsetup/internal/testenv"
)

// A package that adds an .htaccess under image/ (which can make uploaded
// images run as PHP) is uploaded only after the merchant agrees in a
// dialog that names the file; Cancel leaves the store as it was.
func TestUploadCoreFilesNeedsConsent(t *testing.T) {
	env := testenv.Get(t)
	ts := env.Site(t, testenv.SFTP)
	st := fixture.New(t, env, ts, fixture.Options{Version: "3.0.3.8"})
	pkg := writePackage(t, "images.ocmod.zip", map[string]string{
		"upload/catalog/controller/extension/module/images.php": "<?php class ControllerExtensionModuleImages extends Controller {}\n",
		"upload/image/.htaccess":                                "AddHandler application/x-httpd-php .jpg\n",
	})
	htaccess := filepath.Join(st.Local, "image", ".htaccess")

	w := newWalker(t)
	w.ui.do(func() { w.m.welcome.selectID("amazon_ps") })
	w.next(app.StepConnect)
	w.connect(ts, st.Remote)
	w.next(app.StepPackage)
	p := w.m.pkg
	w.ui.do(func() {
		w.typeIn(p.path, pkg)
		test.Tap(p.planBtn)
	})
	eventually(t, w.ui, "the plan", func() bool { return !p.upload.Disabled() || p.job.status.Importance == widget.DangerImportance })

	dialogFor := func() (replace, cancel *widget.Button) {
		w.ui.do(func() { test.Tap(p.upload) })
		eventually(t, w.ui, "the core files dialog", func() bool {
			replace = findButton(w.m.Window.Canvas(), T("package.core.confirm"))
			cancel = findButton(w.m.Window.Canvas(), T("common.cancel"))
			return replace != nil && cancel != nil
		})
		w.ui.do(func() {
			if top := w.m.Window.Canvas().Overlays().Top(); top == nil || !holdsText(top, "image/.htaccess") {
				t.Errorf("the dialog does not name image/.htaccess")
			}
		})
		return replace, cancel
	}

	_, cancel := dialogFor()
	w.ui.do(func() { test.Tap(cancel) })
	w.ui.do(func() {
		if w.wiz.Done(app.StepPackage) || p.job.status.Text != T("package.core.declined") {
			t.Fatalf("after Cancel: done %v, status %q", w.wiz.Done(app.StepPackage), p.job.status.Text)
		}
	})
	if _, err := os.Stat(htaccess); !os.IsNotExist(err) {
		t.Fatalf("after Cancel the store has %s (%v)", htaccess, err)
	}

	replace, _ := dialogFor()
	w.ui.do(func() { test.Tap(replace) })
	w.waitDone(app.StepPackage, p.job, "the upload after consent")
	if b, err := os.ReadFile(htaccess); err != nil || !strings.Contains(string(b), "AddHandler") {
		t.Fatalf("after consent: %q, %v", b, err)
	}
}

// holdsText reports whether a label under o (widgets' renderers included)
// contains text.
func holdsText(o fyne.CanvasObject, text string) bool {
	switch v := o.(type) {
	case *widget.Label:
		if strings.Contains(v.Text, text) {
			return true
		}
	case *fyne.Container:
		for _, c := range v.Objects {
			if holdsText(c, text) {
				return true
			}
		}
		return false
	}
	if wd, ok := o.(fyne.Widget); ok {
		for _, c := range test.WidgetRenderer(wd).Objects() {
			if holdsText(c, text) {
				return true
			}
		}
	}
	return false
}
