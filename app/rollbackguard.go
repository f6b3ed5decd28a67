package app

import (
	"context"
	"regexp"

	"github.com/ocsetup/ocsetup/installer/db"
	"github.com/ocsetup/ocsetup/installer/deploy"
	"github.com/ocsetup/ocsetup/installer/journal"
	"github.com/ocsetup/ocsetup/installer/msg"
	"github.com/ocsetup/ocsetup/installer/remote"
	"github.com/ocsetup/ocsetup/installer/store"
)

// An extension's admin controller, which names its type and code:
// admin/controller/extension/<type>/<code>.php (2.3, 3.x),
// admin/controller/<type>/<code>.php (2.0–2.2) and
// extension/<folder>/admin/controller/<type>/<code>.php (4.x).
var extensionControllerRE = regexp.MustCompile(`^(?:extension/[^/]+/)?admin/controller/(?:extension/)?(payment|module|shipping|total|feed|fraud|analytics|captcha|dashboard|report|theme|currency|advertise|other)/([A-Za-z0-9_]+)\.php$`)

// manifestExtensions are the extensions an upload brought: the setup
// journal's, else those its admin controllers name.
func manifestExtensions(dir string, m *deploy.Manifest) []journal.Extension {
	js, _ := journal.List(dir)
	for _, j := range js {
		if j.Manifest == m.ID && j.Extension.Code != "" {
			if j.ExtensionWasInstalled {
				return nil // installed before the setup: its files were the store's
			}
			return []journal.Extension{j.Extension}
		}
	}
	var out []journal.Extension
	for _, e := range m.Entries {
		if e.Action != deploy.ActCreate {
			continue
		}
		if g := extensionControllerRE.FindStringSubmatch(e.Path); g != nil {
			out = append(out, journal.Extension{Type: g[1], Code: g[2]})
		}
	}
	return out
}

// refuseInstalled stops a rollback of files whose extension is still
// installed: the store would then fail at every page that loads it (the
// checkout above all: "Could not load model extension/payment/…").
func refuseInstalled(ctx context.Context, dir string, pool *remote.Pool, st store.Store, m *deploy.Manifest) error {
	exts := manifestExtensions(dir, m)
	if len(exts) == 0 {
		return nil
	}
	creds, err := db.Read(ctx, pool, st)
	if err != nil {
		return msg.Wrap(err, "error.cli.rollback.unknown_installed", "Name", Name)
	}
	d, _, err := db.Connect(ctx, pool, creds, db.Options{Routes: db.AllRoutes(), DataDir: dir,
		PlainHTTPLimits: plainHTTPLimits(creds.Prefix, stepExtensionRows)})
	if err != nil {
		return msg.Wrap(err, "error.cli.rollback.unknown_installed", "Name", Name)
	}
	defer d.Close()
	sc, err := d.Schema(ctx)
	if err != nil {
		return err
	}
	for _, x := range exts {
		installed, err := extensionInstalled(ctx, d, sc, x.Type, x.Code)
		if err != nil {
			return err
		}
		if installed {
			return msg.NewError("error.cli.rollback.installed", "Type", x.Type, "Code", x.Code, "Name", Name)
		}
	}
	return nil
}
