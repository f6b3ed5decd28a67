package app

import (
	"context"
	"fmt"
	"path"
	"strings"

	"github.com/ocsetup/ocsetup/installer/admin"
	"github.com/ocsetup/ocsetup/installer/check"
	"github.com/ocsetup/ocsetup/installer/db"
	"github.com/ocsetup/ocsetup/installer/deploy"
	"github.com/ocsetup/ocsetup/installer/journal"
	"github.com/ocsetup/ocsetup/installer/msg"
	"github.com/ocsetup/ocsetup/installer/pkg"
	"github.com/ocsetup/ocsetup/installer/remote"
	"github.com/ocsetup/ocsetup/installer/store"
)

// Recovery is what earlier runs that were killed (a crash, a closed
// window, SIGKILL) left on a site, and what the start of this run did
// about it. The wizard's Connect and every command that connects build it
// with recoverSite, so both faces remove the same leftovers and offer the
// same unfinished work.
type Recovery struct {
	// Removed names each leftover removed now ("temporary admin account
	// ocsetup_1a2b", "database bridge /shop/ocsetup-bridge-….php").
	Removed []string `json:"removed,omitempty"`
	// removed are the items of Removed: what (kind) and which (name).
	removed [][2]string
	// Bridges are the database bridges among Removed.
	Bridges []db.BridgeRecord `json:"-"`
	// Failed says, for each leftover that could not be removed, why and
	// what to do.
	Failed []string `json:"failed,omitempty"`
	// FailedErrors are Failed as errors, for the app to show in the
	// user's language (ErrorText).
	FailedErrors []error `json:"-"`
	// Pending are uploads to these stores that a crash interrupted: the
	// same package finishes them, or a rollback undoes them.
	Pending []*deploy.Manifest `json:"-"`
	// Interrupted are setups (journals) on these stores that were killed
	// before they finished: completed by running the setup again, or
	// undone by uninstall.
	Interrupted []*journal.Journal `json:"-"`
}

// Empty reports whether there is nothing to tell.
func (r *Recovery) Empty() bool {
	return r == nil || len(r.Removed)+len(r.Failed)+len(r.Pending)+len(r.Interrupted) == 0
}

// storeDBOpener opens the database of one of the site's stores for the
// cleanup; release is called when it is no longer needed.
type storeDBOpener func(ctx context.Context, st store.Store) (d db.DB, sc *db.Schema, release func(), err error)

// recoverSite runs at the start of every run that connects to a site,
// before the run opens its own database route:
//   - the database bridges earlier runs left on the site are removed
//     (first: a bridge this run opens later must not be taken for one);
//   - the temporary Administrator accounts and the checkout check's
//     temporary API users that earlier runs left in a store's database are
//     removed (open reaches the database, only when there is one);
//   - uploads and setups a crash interrupted on these stores are listed,
//     for the caller to offer.
//
// Leftovers of other sites and stores stay recorded until ocsetup
// connects to them.
func recoverSite(ctx context.Context, dataDir string, pool *remote.Pool, stores []store.Store, open storeDBOpener) *Recovery {
	rec := &Recovery{}
	site := pool.Site()
	left, err := cleanupBridges(ctx, dataDir, pool)
	if err != nil {
		rec.fail(err)
	}
	for _, l := range left {
		switch {
		case l.Removed:
			rec.remove("database bridge", l.Record.Path)
			rec.Bridges = append(rec.Bridges, l.Record)
		case l.Err != nil:
			rec.fail(msg.Wrap(l.Err, "error.recovery.bridge_left", "Path", l.Record.Path))
		}
	}
	ours := func(root string) (store.Store, bool) {
		for _, st := range stores {
			if path.Clean(st.Root) == path.Clean(root) {
				return st, true
			}
		}
		return store.Store{}, false
	}
	thisSite := func(ctx context.Context, p admin.RecordPlace) (db.DB, *db.Schema, func(), error) {
		st, ok := ours(p.Root)
		if !db.SameSite(p.Site, site) || !ok || open == nil {
			return nil, nil, nil, admin.ErrSkipStore
		}
		return open(ctx, st)
	}
	accounts, err := admin.CleanupLeftovers(ctx, dataDir, thisSite)
	if err != nil {
		rec.fail(err)
	}
	for _, a := range accounts {
		switch {
		case a.Removed:
			rec.remove("temporary admin account", a.Record.Username)
		case a.Err != nil:
			rec.fail(msg.Wrap(a.Err, "error.recovery.admin_left", "User", a.Record.Username, "Root", a.Record.Place.Root))
		}
	}
	apiUsers, err := check.CleanupAPILeftovers(ctx, dataDir, thisSite)
	if err != nil {
		rec.fail(err)
	}
	for _, a := range apiUsers {
		switch {
		case a.Removed:
			rec.remove("temporary API user", a.Record.Username)
		case a.Err != nil:
			rec.fail(msg.Wrap(a.Err, "error.recovery.api_left", "User", a.Record.Username, "Root", a.Record.Place.Root))
		}
	}
	pending, err := deploy.Pending(dataDir)
	if err != nil {
		rec.fail(err)
	}
	for _, m := range pending {
		if _, ok := ours(m.Store.Root); ok && sameSiteURL(m.Store.Site, site) {
			rec.Pending = append(rec.Pending, m)
		}
	}
	journals, err := journal.List(dataDir)
	if err != nil {
		rec.fail(err)
	}
	for _, j := range journals {
		if _, ok := ours(j.Root); ok && j.State == journal.Running && db.SameSite(j.Site, site) {
			rec.Interrupted = append(rec.Interrupted, j)
		}
	}
	return rec
}

// fail records a leftover that could not be removed.
func (r *Recovery) fail(err error) {
	r.Failed = append(r.Failed, err.Error())
	r.FailedErrors = append(r.FailedErrors, err)
}

// RemovedMsgs are Removed as messages ("database bridge {{.Name}}"), for
// the app to show in the user's language.
func (r *Recovery) RemovedMsgs() []msg.Msg {
	var out []msg.Msg
	if r == nil {
		return nil
	}
	for _, l := range r.removed {
		m := msg.New("recovery.kind."+strings.ToLower(strings.ReplaceAll(l[0], " ", "_")), "Name", l[1])
		m.Own = l[0] + " " + l[1]
		out = append(out, m)
	}
	return out
}

func (r *Recovery) remove(kind, name string) {
	r.removed = append(r.removed, [2]string{kind, name})
	r.Removed = append(r.Removed, kind+" "+name)
}

// PendingNotice says what an interrupted upload is, in the same words in
// both faces; each face adds how to act on it.
func PendingNotice(m *deploy.Manifest) string { return PendingNoticeMsg(m).English() }

// PendingNoticeMsg is PendingNotice as a message, for the app to show in
// the user's language.
func PendingNoticeMsg(m *deploy.Manifest) msg.Msg {
	return msg.New("recovery.pending_notice", "ID", m.ID, "Package", m.Package.Name, "Root", m.Store.Root,
		"Started", m.Created.Local().Format("2006-01-02 15:04"), "State", msg.Msg{Key: "recovery.state." + string(m.State), Own: string(m.State)})
}

// InterruptedNotice says what an interrupted setup is, in the same words
// in both faces; each face adds how to complete or undo it.
func InterruptedNotice(j *journal.Journal) string {
	// The journal's integration ID: the words need no registry, so both
	// faces (and a run with another registry) say the same.
	return InterruptedNoticeMsg(j).English()
}

// InterruptedNoticeMsg is InterruptedNotice as a message, for the app to
// show in the user's language.
func InterruptedNoticeMsg(j *journal.Journal) msg.Msg {
	var name any = j.Integration
	if j.Integration == "" {
		name = msg.New("recovery.an_integration")
	}
	return msg.New("recovery.interrupted_notice", "Integration", name, "Root", j.Root, "ID", j.ID,
		"Started", j.Started.Local().Format("2006-01-02 15:04"))
}

// connectStoreDB reads a store's config.php and reaches its database by
// the first of opt's routes that works: the opener of the cleanup for
// faces that have not opened the database yet (the wizard's Connect).
func connectStoreDB(pool *remote.Pool, opt db.Options) storeDBOpener {
	return func(ctx context.Context, st store.Store) (db.DB, *db.Schema, func(), error) {
		creds, err := db.Read(ctx, pool, st)
		if err != nil {
			return nil, nil, nil, err
		}
		opt := opt
		if opt.PlainHTTPLimits == nil {
			opt.PlainHTTPLimits = plainHTTPLimits(creds.Prefix, stepRecovery)
		}
		d, _, err := db.Connect(ctx, pool, creds, opt)
		if err != nil {
			return nil, nil, nil, err
		}
		sc, err := d.Schema(ctx)
		if err != nil {
			d.Close()
			return nil, nil, nil, err
		}
		return d, sc, func() { d.Close() }, nil
	}
}

// resumableUpload is the rule for an upload to a store that a crash
// interrupted, the same for the wizard's Package step, apply and upload:
// the same package finishes it (returned, to Resume); any other upload
// waits until it is finished or rolled back (the error says how).
func resumableUpload(dataDir string, site remote.Site, st deploy.Store, p *pkg.Package) (*deploy.Manifest, error) {
	pending, err := deploy.Pending(dataDir)
	if err != nil {
		return nil, err
	}
	sum := deploy.Describe(p).SHA256
	for _, m := range pending {
		if !sameSiteURL(m.Store.Site, site) || path.Clean(m.Store.Root) != path.Clean(st.Root) {
			continue
		}
		if m.State == deploy.StateInProgress && m.Package.SHA256 == sum {
			return m, nil
		}
		return nil, msg.NewError("error.app.pending_upload", "Notice", PendingNoticeMsg(m), "Name", Name, "ID", m.ID)
	}
	return nil, nil
}

// writeNotes tells a command's user what recoverSite did and found, a
// line each (apply prints the same in its result).
func (r *Recovery) writeNotes(n Notes, site string) {
	for _, l := range r.removed {
		n.Line("cli.recovery.removed."+strings.ToLower(strings.ReplaceAll(l[0], " ", "_")), "Name", l[1])
	}
	for _, err := range r.FailedErrors {
		fmt.Fprintln(n.W, msg.New("cli.warning", "Text", errorIn(err, n.Lang)).In(n.Lang))
	}
	for _, m := range r.Pending {
		n.Warn("cli.recovery.pending", "Notice", PendingNoticeMsg(m), "Name", Name, "Site", site, "ID", m.ID)
	}
	for _, j := range r.Interrupted {
		n.Warn("cli.recovery.interrupted", "Notice", InterruptedNoticeMsg(j), "Name", Name, "ID", j.ID)
	}
}

// sameSiteURL reports whether a manifest's site (a URL, with or without
// the folder the user gave) is the login site is.
func sameSiteURL(u string, site remote.Site) bool {
	s, err := remote.ParseURL(u)
	return err == nil && db.SameSite(s, site)
}
