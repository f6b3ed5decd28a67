package app

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/ocsetup/ocsetup/installer/access"
	"github.com/ocsetup/ocsetup/installer/admin"
	"github.com/ocsetup/ocsetup/installer/deploy"
	"github.com/ocsetup/ocsetup/installer/journal"
	"github.com/ocsetup/ocsetup/installer/msg"
	"github.com/ocsetup/ocsetup/installer/remote"
	"github.com/ocsetup/ocsetup/installer/settings"
)

func (c *CLI) addUninstall() {
	var f applyFlags
	var id string
	c.add(&command{name: "uninstall", args: "SETUP_FILE", summary: "cli.uninstall.summary",
		details: "cli.uninstall.details",
		run: func(ctx context.Context, x *cmdContext) error {
			if len(x.args) != 1 {
				return usage("cli.one_setup_file", "Command", "uninstall")
			}
			file, err := LoadSetupFile(x.args[0], x.reg)
			if err != nil {
				return err
			}
			res, err := runUninstall(ctx, x, &f, file, id)
			if res != nil {
				if f.json {
					enc := json.NewEncoder(x.Out)
					enc.SetIndent("", "  ")
					if jerr := enc.Encode(res); jerr != nil {
						return jerr
					}
				} else {
					res.print(x)
				}
			}
			if err != nil {
				return exitError{code: 1, err: err}
			}
			return nil
		}})
	c.flagSets["uninstall"] = func(fs *flag.FlagSet) {
		f.define(fs)
		fs.StringVar(&id, "journal", "", "cli.uninstall.flag.journal")
		fs.StringVar(&f.adminUser, "admin-user", "", "cli.flag.admin_user")
		fs.StringVar(&f.adminURL, "admin-url", "", "cli.flag.admin_url")
	}
}

// uninstallResult is what uninstall did.
type uninstallResult struct {
	Journal string `json:"journal,omitempty"`
	// Nothing is set when there was nothing to undo.
	Nothing string   `json:"nothing,omitempty"`
	Done    []string `json:"done,omitempty"`
	Left    []string `json:"left,omitempty"`
	// NothingMsg, DoneMsgs and LeftMsgs are the same as messages, one for
	// one, for the app to show in the user's language.
	NothingMsg msg.Msg   `json:"-"`
	DoneMsgs   []msg.Msg `json:"-"`
	LeftMsgs   []msg.Msg `json:"-"`
}

// nothing says there was nothing to undo.
func (res *uninstallResult) nothing(m msg.Msg) { res.Nothing, res.NothingMsg = m.English(), m }

// done adds what the undo did.
func (res *uninstallResult) done(m msg.Msg) {
	res.Done, res.DoneMsgs = append(res.Done, m.English()), append(res.DoneMsgs, m)
}

// left adds what the undo left as it is.
func (res *uninstallResult) left(m msg.Msg) {
	res.Left, res.LeftMsgs = append(res.Left, m.English()), append(res.LeftMsgs, m)
}

func (res *uninstallResult) print(x *cmdContext) {
	w := x.Out
	if res.Nothing != "" {
		fmt.Fprintln(w, x.Msg(res.NothingMsg))
		return
	}
	fmt.Fprintln(w, x.T("cli.uninstall.journal", "ID", res.Journal))
	for _, d := range res.DoneMsgs {
		fmt.Fprintln(w, x.T("cli.uninstall.undone", "Text", d))
	}
	for _, l := range res.LeftMsgs {
		fmt.Fprintln(w, x.T("cli.uninstall.left", "Text", l))
	}
}

func runUninstall(ctx context.Context, x *cmdContext, f *applyFlags, file *SetupFile, id string) (*uninstallResult, error) {
	r := &applyRun{x: x, flags: f, file: file, res: &applyResult{Integration: file.Integration}}
	dir, err := DataDir(x.Getenv)
	if err != nil {
		return nil, err
	}
	r.dir = dir
	if f.fingerprint == "" {
		f.fingerprint = file.Fingerprint
	}
	if err := r.site(ctx); err != nil {
		return nil, err
	}
	defer r.pool.Close()
	defer r.d.Close()
	return undoJournal(ctx, r, id)
}

// undoJournal reverses the journal id on r's store (the newest one not
// yet undone when id is ""): `ocsetup uninstall` and the wizard's
// Uninstall and Undo both run it.
func undoJournal(ctx context.Context, r *applyRun, id string) (*uninstallResult, error) {
	journals, err := journalsFor(r.dir, r)
	if err != nil && len(journals) == 0 {
		return nil, err
	}
	var j *journal.Journal
	for _, c := range journals {
		if id != "" && c.ID == id || id == "" && c.State != journal.Undone {
			j = c
			break
		}
	}
	res := &uninstallResult{}
	switch {
	case j == nil && id != "":
		return nil, msg.NewError("uninstall.err.no_journal", "ID", id, "Site", r.pool.Site().String(), "Root", r.st.Root, "Dir", r.dir)
	case j == nil:
		res.nothing(msg.New("uninstall.outcome.nothing"))
		return res, nil
	case j.State == journal.Undone:
		res.Journal = j.ID
		res.nothing(msg.New("uninstall.outcome.nothing_undone", "ID", j.ID, "When", j.Undone.Format(time.RFC1123)))
		return res, nil
	}
	res.Journal = j.ID
	login, err := r.adminLogin()
	if err != nil {
		return res, err
	}
	u := &undoRun{applyRun: r, j: j, res: res}
	return res, u.run(ctx, login)
}

// undoRun reverses one journal.
type undoRun struct {
	*applyRun
	j   *journal.Journal
	res *uninstallResult
}

// uninstaller is what undo needs of an admin session beyond settings'.
type uninstaller interface {
	Uninstall(ctx context.Context, ext admin.Extension) error
	RefreshModifications(ctx context.Context) error
}

func (u *undoRun) run(ctx context.Context, login *admin.Login) error {
	j := u.j
	ext := admin.Extension{Type: j.Extension.Type, Code: j.Extension.Code, Folder: j.Extension.Folder}
	installedNow := false
	if ext.Type != "" {
		var err error
		if installedNow, err = extensionInstalled(ctx, u.d, u.sc, ext.Type, ext.Code); err != nil {
			return err
		}
	}
	changes := j.Changes
	if j.State == journal.Running {
		// The run was interrupted before it could list its changes: they
		// are the difference between the store before it and now.
		now, err := journal.Capture(ctx, u.d, u.sc)
		if err != nil {
			return err
		}
		changes = journal.Diff(j.Before, now)
		// A table read over another route than before the run (the
		// plain-HTTP bridge hides secret columns) cannot be compared:
		// its changes are not undone, and the result says so.
		for _, table := range journal.Uncompared(j.Before, now) {
			u.res.left(msg.New("uninstall.kept.uncompared", "Table", u.sc.Prefix+table))
		}
	}
	refresh := false
	for _, c := range changes {
		refresh = refresh || c.Table == "modification"
	}

	open, err := u.adminOpener(ctx, login)
	if err != nil {
		return err
	}
	var sess uninstaller
	var done func(context.Context) error
	var adminErr error
	if open != nil && (installedNow && !j.ExtensionWasInstalled || refresh) {
		var s settings.AdminSession
		s, done, adminErr = open(ctx)
		if adminErr == nil {
			var ok bool
			if sess, ok = s.(uninstaller); !ok {
				adminErr = msg.NewError("uninstall.err.no_uninstall")
			}
		}
	}
	if done != nil {
		defer func() { _ = done(context.WithoutCancel(ctx)) }()
	}
	var errs []error
	var ours map[string]bool
	if installedNow && !j.ExtensionWasInstalled {
		switch {
		case sess != nil:
			before, err := journal.Capture(ctx, u.d, u.sc)
			if err != nil {
				return err
			}
			if err := sess.Uninstall(ctx, ext); err != nil {
				errs = append(errs, msg.Wrap(err, "uninstall.err.own", "Code", ext.Code))
			} else {
				u.res.done(msg.New("uninstall.did.extension", "Code", ext.Code))
			}
			// What the store's uninstall changed is ocsetup's doing: those
			// rows go back to the journal's image whatever they hold now
			// (3.0 rewrites the permission lists in another JSON shape).
			after, err := journal.Capture(ctx, u.d, u.sc)
			if err != nil {
				return err
			}
			ours = journal.Touched(j.Before, journal.Diff(before, after))
		default:
			var why any = msg.New("uninstall.kept.no_admin")
			if adminErr != nil {
				why = msg.CauseArg(adminErr)
			}
			u.res.left(msg.New("uninstall.kept.own", "Why", why, "Tables", fmt.Sprint(j.Creates.Tables)))
		}
	}
	n, _, err := journal.Undo(ctx, u.d, u.sc, j.Before, changes, ours)
	var changed *journal.ChangedSinceError
	switch {
	case errors.As(err, &changed):
		u.res.left(msg.New("uninstall.kept.changed", "Rows", strings.Join(changed.Rows, "; ")))
	case err != nil:
		return errors.Join(append(errs, msg.Wrap(err, "uninstall.err.rows"))...)
	}
	if n > 0 {
		u.res.done(msg.New("uninstall.did.rows", "Count", n))
	}
	if ok, err := UndoDisplayErrors(ctx, u.dir, u.pool, u.d, u.sc, u.st.Root); err != nil {
		errs = append(errs, msg.Wrap(err, "uninstall.err.display_errors"))
	} else if ok {
		u.res.done(msg.New("uninstall.did.display_errors"))
	}
	if refresh && len(j.ModCache) > 0 {
		// The cache as it was matches the modifications as they were.
		var mc ModCache
		if err := json.Unmarshal(j.ModCache, &mc); err != nil {
			errs = append(errs, msg.Wrap(err, "uninstall.err.journal_cache"))
		} else if err := mc.restore(ctx, u.pool); err != nil {
			errs = append(errs, msg.Wrap(err, "uninstall.err.cache"))
		} else {
			u.res.done(msg.New("uninstall.did.cache"))
		}
	} else if refresh {
		if sess == nil {
			u.res.left(msg.New("uninstall.kept.cache"))
		} else if err := sess.RefreshModifications(ctx); err != nil {
			errs = append(errs, msg.Wrap(err, "uninstall.err.refresh"))
		} else {
			u.res.done(msg.New("uninstall.did.refreshed"))
		}
	}
	// The connector's config file goes back before the upload's rollback,
	// which expects the file as it was uploaded.
	for _, f := range j.Files {
		if err := u.restoreFile(ctx, f); err != nil {
			errs = append(errs, err)
		}
	}
	if j.Cron != nil {
		if err := u.restoreCron(ctx, *j.Cron); err != nil {
			errs = append(errs, err)
		}
	}
	// Newest upload first: each rollback expects the files as the upload
	// after it found them.
	if j.Manifest != "" {
		ids := []string{j.Manifest}
		for i := len(j.Earlier) - 1; i >= 0; i-- {
			ids = append(ids, j.Earlier[i])
		}
		for _, id := range ids {
			if err := u.rollbackFiles(ctx, id); err != nil {
				errs = append(errs, err)
				break
			}
		}
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	j.State, j.Undone = journal.Undone, time.Now().UTC()
	return j.Save()
}

// rollbackFiles rolls one of the setup's uploads back from its manifest.
func (u *undoRun) rollbackFiles(ctx context.Context, id string) error {
	m, err := deploy.LoadManifest(u.dir, id)
	if err != nil {
		return msg.Wrap(err, "uninstall.err.manifest", "ID", id)
	}
	if m.State == deploy.StateRolledBack {
		return nil
	}
	eng := &deploy.Engine{Files: u.pool, DataDir: u.dir, Trust: remote.NewTrust(u.dir),
		Store: deploy.Store{Root: u.st.Root, Version: u.st.Version, AdminDir: u.st.AdminDir}}
	if err := eng.Rollback(ctx, m, false); err != nil {
		return msg.Wrap(err, "uninstall.err.rollback")
	}
	u.res.done(msg.New("uninstall.did.files", "ID", m.ID))
	return nil
}

// restoreFile puts back a file the setup rewrote (the connector's config
// file), unless it was changed since: then it is left and named.
func (u *undoRun) restoreFile(ctx context.Context, f journal.FileEdit) error {
	cur, err := u.pool.ReadFile(ctx, f.Path, 1<<20)
	if err != nil {
		u.res.left(msg.New("uninstall.kept.unreadable", "Path", f.Path, "Cause", msg.CauseArg(err)))
		return nil
	}
	sum := sha256.Sum256(cur)
	switch {
	case bytes.Equal(cur, f.Before):
		return nil
	case hex.EncodeToString(sum[:]) != f.After:
		u.res.left(msg.New("uninstall.kept.file_changed", "Path", f.Path))
		return nil
	}
	if err := u.pool.WriteAtomic(ctx, f.Path, f.Before); err != nil {
		return msg.Wrap(err, "uninstall.err.file", "Path", f.Path)
	}
	u.res.done(msg.New("uninstall.did.file", "Path", f.Path))
	return nil
}

// restoreCron puts the setup's crontab line back as it was (removed when
// the setup added it).
func (u *undoRun) restoreCron(ctx context.Context, c journal.CronEdit) error {
	var changed bool
	err := u.pool.Do(ctx, func(conn remote.Conn) error {
		client, ok := remote.SSHClient(conn)
		if !ok {
			return access.ErrNoCrontab
		}
		var err error
		changed, err = access.RestoreCron(ctx, access.SSHRunner{Client: client}, c.ID, c.Previous)
		return err
	})
	switch {
	case errors.Is(err, access.ErrNoCrontab):
		u.res.left(msg.New("uninstall.kept.crontab", "Cause", msg.CauseArg(err), "ID", c.ID))
		return nil
	case err != nil:
		return msg.Wrap(err, "uninstall.err.crontab")
	case changed:
		u.res.done(msg.New("uninstall.did.cron"))
	}
	return nil
}
