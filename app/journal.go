package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"path"
	"time"

	"github.com/ocsetup/ocsetup/installer/db"
	"github.com/ocsetup/ocsetup/installer/journal"
	"github.com/ocsetup/ocsetup/installer/msg"
)

// beginJournal writes the setup journal before the first change: the
// tracked tables as they are, and whether the extension is installed.
func (r *applyRun) beginJournal(ctx context.Context) error {
	// An earlier run that was killed left its journal "running": site()
	// named it (recoverSite), and this run completes what it began.
	j, err := journal.New(r.dir, r.pool.Site(), r.st.Root, r.file.Integration)
	if err != nil {
		return err
	}
	ext := r.plan.Extension
	j.Extension = journal.Extension{Type: ext.Type, Code: ext.Code, Folder: ext.Folder}
	if j.Before, err = journal.Capture(ctx, r.d, r.sc); err != nil {
		return msg.Wrap(err, "error.app.journal_capture")
	}
	if ext.Type != "" {
		if j.ExtensionWasInstalled, err = extensionInstalled(ctx, r.d, r.sc, ext.Type, ext.Code); err != nil {
			return err
		}
	}
	if err := j.Save(); err != nil {
		return msg.Wrap(err, "error.app.journal_write")
	}
	r.journal, r.res.Journal = j, j.ID
	return nil
}

// finishJournal records what the run changed in the tracked tables. It
// runs however the run ended; if the store cannot be read now, the
// journal stays "running" and uninstall compares against the store as it
// is then.
func (r *applyRun) finishJournal(ctx context.Context) {
	j := r.journal
	if j == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	defer cancel()
	after, err := journal.Capture(ctx, r.d, r.sc)
	if err != nil {
		return
	}
	j.Changes = journal.Diff(j.Before, after)
	j.State, j.Finished = journal.Done, time.Now().UTC()
	_ = j.Save()
}

// extensionInstalled reports whether the store has an extension row for
// type and code.
func extensionInstalled(ctx context.Context, d db.DB, sc *db.Schema, typ, code string) (bool, error) {
	table, err := db.Table(sc.Prefix, "extension")
	if err != nil {
		return false, err
	}
	_, err = d.QueryRow(ctx, "SELECT extension_id FROM "+table+" WHERE type = ? AND code = ?", typ, code)
	switch {
	case errors.Is(err, db.ErrNoRows):
		return false, nil
	case err != nil:
		return false, err
	}
	return true, nil
}

// journalsFor lists the journals of this store, newest first.
func journalsFor(dir string, r *applyRun) ([]*journal.Journal, error) {
	all, err := journal.List(dir)
	var out []*journal.Journal
	for _, j := range all {
		if db.SameSite(j.Site, r.pool.Site()) && path.Clean(j.Root) == path.Clean(r.st.Root) {
			out = append(out, j)
		}
	}
	return out, err
}

// journalFile records a file the setup is about to rewrite outside its
// upload: its content now and a hash of the new one. Saved before the write.
func (r *applyRun) journalFile(file string, before, after []byte) error {
	j := r.journal
	if j == nil {
		return nil
	}
	sum := sha256.Sum256(after)
	j.Files = append(j.Files, journal.FileEdit{Path: file, Before: before, After: hex.EncodeToString(sum[:])})
	if err := j.Save(); err != nil {
		return msg.Wrap(err, "error.app.journal_write_file", "File", file)
	}
	return nil
}

// journalCron records the crontab line the setup is about to add or
// replace (previous: the line with its marker now). Saved before the write.
func (r *applyRun) journalCron(id, previous string) error {
	j := r.journal
	if j == nil {
		return nil
	}
	j.Cron = &journal.CronEdit{ID: id, Previous: previous}
	if err := j.Save(); err != nil {
		return msg.Wrap(err, "error.app.journal_write_cron")
	}
	return nil
}
