package deploy

import (
	"context"
	"errors"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/ocsetup/ocsetup/installer/msg"
	"github.com/ocsetup/ocsetup/installer/pkg"
	"github.com/ocsetup/ocsetup/installer/remote"
)

// ErrStale: the plan does not fit the store any more, or the package is not
// the one the plan or manifest was made for.
var ErrStale error = msg.NewError("error.deploy.stale")

// Upload carries out a plan: it writes the manifest first, backs up every
// file it replaces or removes, creates the folders, then sends the files
// under temporary names and renames each into place. On failure the
// manifest stays in-progress: Resume finishes it, Rollback undoes it.
func (e *Engine) Upload(ctx context.Context, pl *Plan, p *pkg.Package) (*Manifest, error) {
	if err := e.check(); err != nil {
		return nil, err
	}
	if !pl.Store.same(e.Store) || Describe(p).SHA256 != pl.Package.SHA256 {
		return nil, msg.Wrap(ErrStale, "error.deploy.stale_plan")
	}
	if core := CoreFiles(pl); len(core) > 0 && !e.AllowCoreFiles {
		return nil, &CoreFilesError{Paths: core}
	}
	m := &Manifest{ID: newID(), Created: time.Now().UTC(), State: StateInProgress, Store: e.Store,
		Package: pl.Package, Folders: pl.Folders, RemovedFolders: pl.RemoveFolders, Fixes: pl.Fixes,
		dir: manifestDir(e.DataDir)}
	for _, f := range pl.Files {
		en := Entry{Path: f.Path, Source: f.Source, Old: f.Old, New: f.New}
		switch f.Status {
		case StatusNew:
			en.Action = ActCreate
		case StatusChanged:
			en.Action = ActReplace
		case StatusIdentical:
			en.Action, en.Done = ActKeep, true
		case StatusRemove:
			en.Action, en.New = ActRemove, nil
		default:
			continue
		}
		if en.Action == ActCreate || en.Action == ActReplace {
			en.Temp = remote.TempName(e.Store.abs(f.Path))
		}
		if en.Action == ActReplace || en.Action == ActRemove {
			en.Backup = filepath.ToSlash(filepath.Join(m.ID, "backup", filepath.FromSlash(f.Path)))
		}
		m.Entries = append(m.Entries, en)
	}
	// The record exists before the first change.
	if err := m.save(); err != nil {
		return nil, msg.Wrap(err, "error.deploy.write_manifest")
	}
	return m, e.execute(ctx, m, p)
}

// Resume finishes an upload that stopped (Pending lists them) with the
// same package. Every step is safe to repeat.
func (e *Engine) Resume(ctx context.Context, m *Manifest, p *pkg.Package) error {
	if err := e.check(); err != nil {
		return err
	}
	if m.State != StateInProgress {
		return msg.NewError("error.deploy.not_interrupted", "ID", m.ID, "State", string(m.State))
	}
	if !m.Store.same(e.Store) {
		return msg.Wrap(ErrStale, "error.deploy.stale_store", "ID", m.ID, "Site", m.Store.Site, "Root", m.Store.Root)
	}
	if Describe(p).SHA256 != m.Package.SHA256 {
		return msg.Wrap(ErrStale, "error.deploy.stale_version", "ID", m.ID, "Package", m.Package.Name)
	}
	if m.dir == "" {
		m.dir = manifestDir(e.DataDir)
	}
	return e.execute(ctx, m, p)
}

func (e *Engine) execute(ctx context.Context, m *Manifest, p *pkg.Package) (err error) {
	defer func() {
		state := StateDone
		if err != nil {
			state = StateInProgress
		}
		if serr := m.setState(state, err); err == nil && serr != nil {
			err = msg.Wrap(serr, "error.deploy.save_manifest")
		}
	}()
	if err := m.setState(StateInProgress, nil); err != nil {
		return msg.Wrap(err, "error.deploy.save_manifest")
	}
	e.Fast = FastPath{}
	r, _ := e.retries()
	q := &queue{maxTries: r + 1}
	var bytes int64
	for i, en := range m.Entries {
		if en.Done || (en.Action != ActCreate && en.Action != ActReplace) {
			continue
		}
		f, ok := p.File(en.Source)
		if !ok {
			return msg.Wrap(ErrStale, "error.deploy.stale_source", "Path", en.Source)
		}
		q.tasks = append(q.tasks, packageTask(i, en.Path, e.Store.abs(en.Path), en.Temp, f))
		bytes += f.Size
	}
	// Larger files first: the tail of the upload is then many small files
	// that keep every connection busy.
	sort.SliceStable(q.tasks, func(i, j int) bool { return q.tasks[i].size > q.tasks[j].size })
	// The fast path's archive is built while the backups are made and
	// the folders created.
	var build func() (*archive, error)
	if e.FastPath && len(q.tasks) > 0 {
		type built struct {
			ar  *archive
			err error
		}
		ch := make(chan built, 1)
		tasks := slices.Clone(q.tasks)
		go func() {
			ar, err := buildArchive(e.Store.Root, tasks)
			ch <- built{ar, err}
		}()
		build = sync.OnceValues(func() (*archive, error) { b := <-ch; return b.ar, b.err })
		defer func() { _, _ = build() }() // the goroutine ends before execute returns
	}
	if err := e.backup(ctx, m); err != nil {
		return err
	}
	if err := e.removeForFix(ctx, m); err != nil {
		return err
	}
	t := e.transport()
	defer t.close()
	if len(m.Folders) > 0 {
		tr := newTracker(e.Progress, PhaseFolders, len(m.Folders), 0)
		abs := make([]string, len(m.Folders))
		for i, d := range m.Folders {
			abs[i] = e.Store.abs(d)
		}
		if err := t.mkdirs(ctx, abs); err != nil {
			return msg.Wrap(err, "error.deploy.create_folders")
		}
		tr.done(m.Folders[len(m.Folders)-1], 0)
	}
	tr := newTracker(e.Progress, PhaseUpload, len(q.tasks), bytes)
	var markErr error
	placed := func(tk *task) {
		if err := m.markDone(tk.index); err != nil && markErr == nil {
			markErr = err
		}
		tr.done(tk.rel, tk.size)
	}
	if e.FastPath && len(q.tasks) > 0 {
		e.Fast.Tried = true
		rest, ferr := e.extract(ctx, t, q.tasks, build, placed)
		var fb *fallback
		switch {
		case ferr == nil:
		case errors.As(ferr, &fb) && ctx.Err() == nil:
			e.Fast.Reason, e.Fast.ReasonMsg = fb.reason.English(), fb.reason
		default:
			return ferr
		}
		e.Fast.Files = len(q.tasks) - len(rest)
		e.Fast.Used = e.Fast.Files > 0
		q.tasks = rest
	}
	err = t.put(ctx, q, placed)
	if err != nil {
		return err
	}
	return markErr
}

// transport moves files over one kind of channel.
type transport interface {
	// mkdirs creates absolute folders, given parents first; existing
	// ones are fine.
	mkdirs(ctx context.Context, dirs []string) error
	// put uploads every task of q, calling done (from any goroutine, one
	// at a time) for each file renamed into place.
	put(ctx context.Context, q *queue, done func(*task)) error
	// remove deletes absolute files; missing ones are fine.
	remove(ctx context.Context, names []string) error
	close()
}

func (e *Engine) transport() transport {
	switch e.Files.Site().Protocol {
	case remote.SFTP:
		return &sftpTransport{files: e.Files, inFlight: e.inFlight()}
	case remote.FTP, remote.FTPS, remote.FTPSImplicit:
		r, b := e.retries()
		return &ftpTransport{files: e.Files, retries: r, backoff: b}
	}
	return &connTransport{files: e.Files}
}

// storeDir is a store-relative path's folder, "" for the root.
func storeDir(rel string) string {
	if d := path.Dir(rel); d != "." {
		return d
	}
	return ""
}

// CoreFiles are the store paths the plan's core-file warnings name: files a
// package should not replace without the user's explicit consent.
func CoreFiles(pl *Plan) []string {
	var out []string
	for _, w := range pl.Warnings {
		if w.Code == pkg.WarnCoreFile {
			out = append(out, w.Paths...)
		}
	}
	return out
}

// CoreFilesError is Upload's refusal of a plan that replaces core files
// without consent. Nothing was changed on the store.
type CoreFilesError struct{ Paths []string }

func (e *CoreFilesError) Error() string { return e.Msg().English() }

// Msg is the refusal as a message, for the app to show in the user's
// language.
func (e *CoreFilesError) Msg() msg.Msg {
	return msg.New("error.deploy.core_files", "Paths", strings.Join(e.Paths, ", "))
}
