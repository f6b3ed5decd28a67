package app

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"

	"github.com/ocsetup/ocsetup/installer/db"
	"github.com/ocsetup/ocsetup/installer/msg"
	"github.com/ocsetup/ocsetup/installer/ocmod"
	"github.com/ocsetup/ocsetup/installer/pkg"
	"github.com/ocsetup/ocsetup/installer/store"
)

// modificationStep is what happened to the package's install.xml.
type modificationStep struct {
	Code       string `json:"code"`
	Registered bool   `json:"registered"`
	Same       bool   `json:"already_there,omitempty"`
	// Note says why it was not registered.
	Note string `json:"note,omitempty"`
	// note is Note as a message, for the user's language.
	note msg.Msg
}

// modification registers the package's install.xml in the store's
// modification table (the journal has the table as it was); the admin's refresh, run with the
// settings, makes it take effect.
func (r *applyRun) modification(ctx context.Context) error {
	if r.xml == nil {
		return nil
	}
	step := &modificationStep{Code: r.xml.Code}
	r.res.Modification = step
	if ocmod.HasModifications(r.line) && r.sc.Has("modification") {
		// The refresh that follows rewrites the whole cache folder: keep
		// it as it is, for uninstall to put back.
		mc, err := snapshotModCache(ctx, r.pool, r.st.Root, filepath.Join(r.dir, "modcache", r.journal.ID))
		if err != nil {
			return msg.Wrap(err, "error.cli.apply.modcache")
		}
		if r.journal.ModCache, err = json.Marshal(mc); err != nil {
			return err
		}
		if err := r.journal.Save(); err != nil {
			return err
		}
	}
	reg, err := RegisterModification(ctx, r.d, r.sc, r.line, r.xml)
	if errors.Is(err, ocmod.ErrNoModifications) {
		step.note = msg.New("cli.apply.ocmod.none", "Line", string(r.line))
		step.Note = step.note.English()
		r.ocmod = false
		return nil
	}
	if err != nil {
		return err
	}
	step.Registered, step.Same = true, reg.Same
	return nil
}

// RegisterModification registers mod on the store; the setup journal,
// written before, has the modification table as it was.
func RegisterModification(ctx context.Context, d db.DB, sc *db.Schema, line store.Line, mod *pkg.OCMOD) (*ocmod.Registration, error) {
	reg, err := ocmod.Plan(ctx, d, sc, line, mod)
	if err != nil {
		return nil, err
	}
	return reg, ocmod.Register(ctx, d, sc, mod, reg)
}
