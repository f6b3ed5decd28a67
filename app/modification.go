package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"path/filepath"

	"github.com/ocsetup/ocsetup/installer/db"
	"github.com/ocsetup/ocsetup/installer/ocmod"
	"github.com/ocsetup/ocsetup/installer/pkg"
	"github.com/ocsetup/ocsetup/installer/records"
	"github.com/ocsetup/ocsetup/installer/remote"
	"github.com/ocsetup/ocsetup/installer/store"
)

// modificationsDir holds the undo records of registered modifications.
const modificationsDir = "modifications"

// modificationStep is what happened to the package's install.xml.
type modificationStep struct {
	Code       string `json:"code"`
	Registered bool   `json:"registered"`
	Same       bool   `json:"already_there,omitempty"`
	Record     string `json:"record,omitempty"`
	// Note says why it was not registered.
	Note string `json:"note,omitempty"`
}

// ModificationRecord is the undo record of one registration.
type ModificationRecord struct {
	Site         remote.Site         `json:"site"`
	Root         string              `json:"root"`
	Registration *ocmod.Registration `json:"registration"`
}

func modificationRecordName(site remote.Site, root, code string) string {
	sum := sha256.Sum256([]byte(site.String() + "\x00" + root + "\x00" + code))
	return hex.EncodeToString(sum[:8])
}

// modification registers the package's install.xml in the store's
// modification table (recorded first); the admin's refresh, run with the
// settings, makes it take effect.
func (r *applyRun) modification(ctx context.Context) error {
	if r.xml == nil {
		return nil
	}
	step := &modificationStep{Code: r.xml.Code}
	r.res.Modification = step
	file, reg, err := RegisterModification(ctx, r.dir, r.pool.Site(), r.d, r.sc, r.line, r.st.Root, r.xml)
	if errors.Is(err, ocmod.ErrNoModifications) {
		step.Note = "OpenCart " + string(r.line) + " has no OCMOD modification system, so the package's install.xml does nothing on this store"
		r.ocmod = false
		return nil
	}
	if err != nil {
		return err
	}
	step.Registered, step.Same, step.Record = true, reg.Same, file
	return nil
}

// RegisterModification registers mod on the store, recorded first; it
// returns the record's path.
func RegisterModification(ctx context.Context, dir string, site remote.Site, d db.DB, sc *db.Schema, line store.Line, root string, mod *pkg.OCMOD) (string, *ocmod.Registration, error) {
	reg, err := ocmod.Plan(ctx, d, sc, line, mod)
	if err != nil {
		return "", nil, err
	}
	if reg.Same {
		return "", reg, nil
	}
	file, err := records.Write(filepath.Join(dir, modificationsDir), modificationRecordName(site, root, reg.Code), ModificationRecord{Site: site, Root: root, Registration: reg})
	if err != nil {
		return "", nil, err
	}
	if err := ocmod.Register(ctx, d, sc, mod, reg); err != nil {
		return file, nil, err
	}
	return file, reg, nil
}

// UnregisterModifications takes out every modification ocsetup registered
// on this store and removes their records. The admin's refresh must
// follow for the store's cached copies of the modified files to go.
func UnregisterModifications(ctx context.Context, dir string, site remote.Site, d db.DB, sc *db.Schema, root string) ([]string, error) {
	all, err := records.ReadAll(filepath.Join(dir, modificationsDir), "modification record", func(m *ModificationRecord) bool { return m.Registration != nil })
	var done []string
	for _, rec := range all {
		if !db.SameSite(rec.Value.Site, site) || filepath.Clean(rec.Value.Root) != filepath.Clean(root) {
			continue
		}
		if err := ocmod.Unregister(ctx, d, sc, rec.Value.Registration); err != nil {
			return done, err
		}
		done = append(done, rec.Value.Registration.Code)
		if err := records.Remove(rec.File); err != nil {
			return done, err
		}
	}
	return done, err
}
