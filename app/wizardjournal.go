package app

import (
	"context"
	"errors"
	"io"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/ocsetup/ocsetup/installer/admin"
	"github.com/ocsetup/ocsetup/installer/db"
	"github.com/ocsetup/ocsetup/installer/journal"
	"github.com/ocsetup/ocsetup/installer/msg"
	"github.com/ocsetup/ocsetup/installer/store"
)

// The wizard keeps a setup journal like apply (journal.go), so that its
// setup can be uninstalled and an interrupted one undone. Its steps run
// in another order than apply's (the package goes up before the database
// is reached), so the journal begins before the first step that changes
// the database (API access, Display Errors, Settings), names the
// session's upload, and is finished after Settings. A step redone reopens
// it: the changes are always against the store before the setup.

// journalChange is called before a step changes the store's database: it
// begins the journal (the tables as they are now), or makes it running
// again, and records the extension the setup configures and whether it
// was installed before.
func (s *Session) journalChange(ctx context.Context, integrationID string, ext *admin.Extension) error {
	st, ok := s.Store()
	pool := s.Pool()
	s.steps.mu.Lock()
	defer s.steps.mu.Unlock()
	if !ok || pool == nil {
		return errNoStore
	}
	if s.steps.db == nil {
		return errNoDatabase
	}
	j := s.steps.journal
	if j == nil {
		var err error
		if j, err = journal.New(s.dataDir, pool.Site(), st.Root, integrationID); err != nil {
			return err
		}
		if j.Before, err = journal.Capture(ctx, s.steps.db, s.steps.schema); err != nil {
			return msg.Wrap(err, "error.app.journal_capture")
		}
		if s.steps.manifest != nil {
			j.Manifest = s.steps.manifest.ID
		}
	}
	if j.Integration == "" {
		j.Integration = integrationID
	}
	if ext != nil && ext.Type != "" && j.Extension.Type == "" {
		installed, err := extensionInstalled(ctx, s.steps.db, s.steps.schema, ext.Type, ext.Code)
		if err != nil {
			return err
		}
		j.Extension = journal.Extension{Type: ext.Type, Code: ext.Code, Folder: ext.Folder}
		j.ExtensionWasInstalled = installed
	}
	j.State, j.Finished, j.Changes = journal.Running, time.Time{}, nil
	if err := j.Save(); err != nil {
		return msg.Wrap(err, "error.app.journal_write")
	}
	s.steps.journal = j
	return nil
}

// journalUpload names the newest upload in the journal.
func (s *Session) journalUpload(id string) {
	s.steps.mu.Lock()
	defer s.steps.mu.Unlock()
	if j := s.steps.journal; j != nil && j.Manifest != id {
		if j.Manifest != "" && !slices.Contains(j.Earlier, j.Manifest) {
			j.Earlier = append(j.Earlier, j.Manifest)
		}
		j.Manifest = id
		_ = j.Save()
	}
}

// finishJournal records what the steps changed, however Settings ended.
func (s *Session) finishJournal(ctx context.Context) {
	s.steps.mu.Lock()
	defer s.steps.mu.Unlock()
	j := s.steps.journal
	if j == nil || s.steps.db == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	defer cancel()
	after, err := journal.Capture(ctx, s.steps.db, s.steps.schema)
	if err != nil {
		return // stays running: undo compares against the store then
	}
	j.Changes = journal.Diff(j.Before, after)
	j.State, j.Finished = journal.Done, time.Now().UTC()
	_ = j.Save()
}

// JournalID is the session's setup journal ("" before the database was
// reached).
func (s *Session) JournalID() string {
	s.steps.mu.Lock()
	defer s.steps.mu.Unlock()
	if s.steps.journal == nil {
		return ""
	}
	return s.steps.journal.ID
}

// UninstallResult is what an uninstall did: Nothing says why there was
// nothing to undo; Done and Left what was undone and what was not.
type UninstallResult struct {
	Journal string
	Nothing string
	Done    []string
	Left    []string
	// NothingMsg, DoneMsgs and LeftMsgs are the same as messages, one for
	// one, for the app to show in the user's language.
	NothingMsg msg.Msg
	DoneMsgs   []msg.Msg
	LeftMsgs   []msg.Msg
}

// Uninstall reverses the newest setup on the session's store that is not
// undone yet (the wizard's own, or one apply ran): the same undo as
// `ocsetup uninstall`. A second run finds nothing to undo and says so.
func (s *Session) Uninstall(ctx context.Context) (*UninstallResult, error) {
	st, ok := s.Store()
	if !ok || s.Pool() == nil {
		return nil, errNoStore
	}
	res, err := s.undoOn(ctx, st, "")
	if err == nil && res.Nothing == "" {
		// The session's own setup is gone: its steps start again.
		s.steps.mu.Lock()
		if s.steps.journal != nil && s.steps.journal.ID == res.Journal {
			s.steps.journal = nil
		}
		s.steps.uploads, s.steps.manifest = nil, nil
		s.steps.mu.Unlock()
	}
	return res, err
}

// UndoInterrupted reverses a setup a crash interrupted
// (ConnectResult.Interrupted) on the store it was made on.
func (s *Session) UndoInterrupted(ctx context.Context, j *journal.Journal) (*UninstallResult, error) {
	s.mu.Lock()
	var st *store.Store
	for i := range s.stores {
		if path.Clean(s.stores[i].Root) == path.Clean(j.Root) {
			st = &s.stores[i]
		}
	}
	s.mu.Unlock()
	if st == nil || s.Pool() == nil {
		return nil, msg.NewError("error.app.journal_store_missing", "Root", j.Root, "ID", j.ID)
	}
	return s.undoOn(ctx, *st, j.ID)
}

// undoOn reaches the store's database and runs the uninstall's undo.
func (s *Session) undoOn(ctx context.Context, st store.Store, id string) (*UninstallResult, error) {
	ctx = s.watch(ctx)
	pool := s.Pool()
	creds, err := db.Read(ctx, pool, st)
	if err != nil {
		return nil, err
	}
	d, _, err := db.Connect(ctx, pool, creds, db.Options{DataDir: s.dataDir, PlainHTTPLimits: plainHTTPLimits(creds.Prefix, stepSetup)})
	if err != nil {
		return nil, err
	}
	defer d.Close()
	sc, err := d.Schema(ctx)
	if err != nil {
		return nil, err
	}
	getenv := func(k string) string {
		if k == DataDirVar {
			return s.dataDir
		}
		return ""
	}
	r := &applyRun{x: &cmdContext{IO: IO{In: strings.NewReader(""), Out: io.Discard, Err: io.Discard, Getenv: getenv}},
		flags: &applyFlags{}, file: &SetupFile{Site: pool.Site().String(), Store: st.Root}, res: &applyResult{},
		dir: s.dataDir, pool: pool, st: st, creds: creds, d: d, sc: sc, line: st.Line}
	if l := sc.Line(); l != "" {
		r.line = l
	}
	if urls := creds.StoreURLs(); len(urls) > 0 {
		r.url = urls[0]
	}
	res, err := undoJournal(ctx, r, id)
	if res == nil {
		return nil, err
	}
	out := &UninstallResult{Journal: res.Journal, Nothing: res.Nothing, Done: res.Done, Left: res.Left,
		NothingMsg: res.NothingMsg, DoneMsgs: res.DoneMsgs, LeftMsgs: res.LeftMsgs}
	if err != nil && errors.Is(err, context.Canceled) {
		return out, msg.Wrap(err, "error.app.uninstall_cancelled")
	}
	return out, err
}
