package deploy

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/ocsetup/ocsetup/installer/msg"
	"github.com/ocsetup/ocsetup/installer/remote"
)

// ErrNewer: a later manifest changed some of the same files; rolling back
// the earlier one first would put back files the later one replaced.
var ErrNewer error = msg.NewError("error.deploy.newer")

// Rollback puts the store back as it was before the manifest's upload:
// temporary files and the probe removed, created files and folders
// removed, replaced and removed files restored byte for byte from the
// backups, removed folders recreated. It works on finished uploads (an
// uninstall) and on interrupted ones. Unless force, it refuses while a
// later manifest that touched the same files is not rolled back.
func (e *Engine) Rollback(ctx context.Context, m *Manifest, force bool) (err error) {
	if err := e.check(); err != nil {
		return err
	}
	if !m.Store.same(e.Store) {
		return msg.NewError("error.deploy.other_store", "ID", m.ID, "Site", m.Store.Site, "Root", m.Store.Root)
	}
	if m.State == StateRolledBack {
		return msg.NewError("error.deploy.already_rolled_back", "ID", m.ID)
	}
	if m.dir == "" {
		m.dir = manifestDir(e.DataDir)
	}
	if !force {
		if err := e.checkNewer(m); err != nil {
			return err
		}
	}
	if err := m.setState(StateRollingBack, nil); err != nil {
		return msg.Wrap(err, "error.deploy.save_manifest")
	}
	defer func() {
		state := StateRolledBack
		if err != nil {
			state = StateRollingBack
		}
		if serr := m.setState(state, err); err == nil && serr != nil {
			err = serr
		}
	}()
	t := e.transport()
	defer t.close()
	tr := newTracker(e.Progress, PhaseRollback, len(m.Entries), 0)

	// 1. Temporary files and the probe.
	if err := e.cleanTemps(ctx, m, t); err != nil {
		return err
	}
	// 2. Created files, then created folders, deepest first.
	var created []string
	for _, en := range m.Entries {
		if en.Action == ActCreate {
			created = append(created, e.Store.abs(en.Path))
		}
	}
	if err := t.remove(ctx, created); err != nil {
		return msg.Wrap(err, "error.deploy.remove_created")
	}
	folders := slices.Clone(m.Folders)
	sort.SliceStable(folders, func(i, j int) bool { return depth(folders[i]) > depth(folders[j]) })
	var left []string
	err = e.Files.Do(ctx, func(c remote.Conn) error {
		left = left[:0]
		for _, d := range folders {
			if err := c.RemoveDir(ctx, e.Store.abs(d)); err != nil {
				switch remote.KindOf(err) {
				case remote.KindNotFound:
				case remote.KindPermission, remote.KindOther:
					// Not empty: something not ours is inside. Leave it.
					if _, serr := c.Stat(ctx, e.Store.abs(d)); serr == nil {
						left = append(left, d)
					}
				default:
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	// 3. Removed folders, parents first, then every backed-up file.
	removed := slices.Clone(m.RemovedFolders)
	slices.Reverse(removed)
	if len(removed) > 0 {
		abs := make([]string, len(removed))
		for i, d := range removed {
			abs[i] = e.Store.abs(d)
		}
		if err := t.mkdirs(ctx, abs); err != nil {
			return msg.Wrap(err, "error.deploy.recreate_folders")
		}
	}
	var restore []int
	for i, en := range m.Entries {
		if en.Action != ActReplace && en.Action != ActRemove {
			continue
		}
		// No backup means the upload never reached this file: it is
		// still the old one.
		if _, err := os.Stat(filepath.Join(m.dir, filepath.FromSlash(en.Backup))); err == nil {
			restore = append(restore, i)
		}
	}
	if err := e.restore(ctx, m, restore, t); err != nil {
		return err
	}
	for range m.Entries {
		tr.done("", 0)
	}
	if err := e.checkRolledBack(ctx, m); err != nil {
		return err
	}
	if len(left) > 0 {
		return msg.NewError("error.deploy.folders_left", "Folders", strings.Join(left, ", "))
	}
	return nil
}

// restore puts backups back in place, each under a temporary name first.
func (e *Engine) restore(ctx context.Context, m *Manifest, idx []int, t transport) error {
	r, _ := e.retries()
	q := &queue{maxTries: r + 1}
	for _, i := range idx {
		en := m.Entries[i]
		q.tasks = append(q.tasks, backupTask(i, en.Path, e.Store.abs(en.Path), filepath.Join(m.dir, filepath.FromSlash(en.Backup)), en.Old))
	}
	if len(q.tasks) == 0 {
		return nil
	}
	return t.put(ctx, q, func(*task) {})
}

// cleanTemps removes the upload's temporary files (and any other
// .ocsetup-*.tmp, .ocsetup-*.tmp.php) from the folders the manifest touched, and the probe.
func (e *Engine) cleanTemps(ctx context.Context, m *Manifest, t transport) error {
	tr, err := scan(ctx, e.Files, e.Store, touched(m), nil)
	if err != nil {
		return msg.Wrap(err, "error.deploy.list_folders")
	}
	var temps []string
	for rel, fi := range tr.files {
		if !fi.IsDir() && remote.IsTempName(rel) && tr.dirs[storeDir(rel)] {
			temps = append(temps, e.Store.abs(rel))
		}
	}
	if m.Probe != "" {
		temps = append(temps, m.Probe)
	}
	sort.Strings(temps)
	if err := t.remove(ctx, temps); err != nil {
		return msg.Wrap(err, "error.deploy.remove_temporary")
	}
	if m.Probe != "" {
		m.mu.Lock()
		m.Probe = ""
		m.mu.Unlock()
	}
	return nil
}

// touched are the store folders a manifest's files live in, and the
// folders it created or removed.
func touched(m *Manifest) []string {
	seen := map[string]bool{}
	var out []string
	add := func(d string) {
		if !seen[d] {
			seen[d] = true
			out = append(out, d)
		}
	}
	for _, en := range m.Entries {
		add(storeDir(en.Path))
	}
	for _, d := range m.Folders {
		add(d)
	}
	for _, d := range m.RemovedFolders {
		add(d)
	}
	if m.Probe != "" {
		add(storeDir(strings.TrimPrefix(strings.TrimPrefix(m.Probe, m.Store.Root), "/")))
	}
	sort.Strings(out)
	return out
}

// checkRolledBack lists the touched folders: created files must be gone,
// restored ones must have their old size.
func (e *Engine) checkRolledBack(ctx context.Context, m *Manifest) error {
	tr, err := scan(ctx, e.Files, e.Store, touched(m), nil)
	if err != nil {
		return msg.Wrap(err, "error.deploy.check_rollback")
	}
	var bad []string
	for _, en := range m.Entries {
		fi, ok := tr.entry(en.Path)
		switch en.Action {
		case ActCreate:
			if ok {
				bad = append(bad, en.Path+" is still there")
			}
		case ActReplace, ActRemove:
			if !ok || fi.Size != en.Old.Size {
				bad = append(bad, en.Path+" was not restored")
			}
		}
	}
	for rel, fi := range tr.files {
		if !fi.IsDir() && remote.IsTempName(rel) && tr.dirs[storeDir(rel)] {
			bad = append(bad, rel+" (a temporary file) is still there")
		}
	}
	if len(bad) > 0 {
		sort.Strings(bad)
		return msg.NewError("error.deploy.rollback_incomplete", "Problems", strings.Join(bad, "; "))
	}
	return nil
}

// checkNewer refuses when a later, not rolled back manifest of the same
// store touched one of m's paths.
func (e *Engine) checkNewer(m *Manifest) error {
	all, err := Manifests(e.DataDir, m.Store)
	if err != nil {
		return err
	}
	paths := map[string]bool{}
	for _, en := range m.Entries {
		if en.Action != ActKeep {
			paths[en.Path] = true
		}
	}
	for _, o := range all {
		if o.ID == m.ID || !o.Created.After(m.Created) || o.State == StateRolledBack {
			continue
		}
		for _, en := range o.Entries {
			if en.Action != ActKeep && paths[en.Path] {
				return msg.Wrap(ErrNewer, "error.deploy.newer_first", "ID", o.ID, "Package", o.Package.Name, "Created", o.Created.Local().Format("2006-01-02 15:04"))
			}
		}
	}
	return nil
}
