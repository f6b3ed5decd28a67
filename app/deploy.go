package app

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/ocsetup/ocsetup/installer/deploy"
	"github.com/ocsetup/ocsetup/installer/pkg"
	"github.com/ocsetup/ocsetup/installer/remote"
	"github.com/ocsetup/ocsetup/installer/store"
)

// deployFlags are the flags of plan, upload, rollback and manifests.
type deployFlags struct {
	connectFlags
	fixTrap  bool
	storeURL string
	manifest string
	force    bool
	// allowCore is consent to replacing core files (config.php, .htaccess…).
	allowCore bool
	// perFile turns the one-archive fast path off.
	perFile bool
}

func (f *deployFlags) define(fs *flag.FlagSet) {
	f.connectFlags.define(fs)
	fs.BoolVar(&f.fixTrap, "fix-hidden-page", false, "OpenCart 1.5/2.0: leave out admin/controller/extension/<type>/ and back up and remove such folders on the server (they hide Extensions pages)")
	fs.StringVar(&f.storeURL, "store-url", "", "the shop's address (http://…/), for the check that PHP runs in the package's folder")
	fs.StringVar(&f.manifest, "manifest", "", "rollback: the manifest ID (default: the latest of this store)")
	fs.BoolVar(&f.force, "force", false, "rollback: even when a later upload changed the same files")
	fs.BoolVar(&f.perFile, "per-file", false, "upload: send every file over FTP/SFTP, never one archive unpacked by a temporary PHP extractor (the fast path, tried when --store-url is given)")
	fs.BoolVar(&f.allowCore, "allow-core-files", false, "upload: let the package replace core files (config.php, index.php, .htaccess, .user.ini, php.ini), which the plan warns about")
}

func (c *CLI) addDeploy() {
	var f deployFlags
	c.add(&command{name: "plan", args: "URL PACKAGE", summary: "show what uploading a package would do; nothing is changed",
		details: `Reads the package (.ocmod.zip, .zip or folder) and the store, and lists each file as
new, changed, identical or skipped, the folders to create, the bytes to send and
the warnings for this OpenCart line. Exit status 0.`,
		run: func(ctx context.Context, x *cmdContext) error { return f.runPlan(ctx, x, false) }})
	c.add(&command{name: "upload", args: "URL PACKAGE", summary: "upload a package: backed up, atomic, verified, with a manifest for rollback",
		details: `Writes a manifest, backs up every file it replaces, creates the folders, uploads the
files under temporary names and renames each into place, then verifies sizes (and
hashes over SFTP with a shell) and, with --store-url, that PHP runs there.
With --store-url the files go as one archive that a temporary, signed PHP file
unpacks on the server (each file under a temporary name, renamed into place),
where PHP has zip support and writes files as the account's owner; otherwise,
or with --per-file, file by file, and the reason is printed.
An upload that was interrupted is finished when the same package is uploaded again.`,
		run: func(ctx context.Context, x *cmdContext) error { return f.runPlan(ctx, x, true) }})
	c.add(&command{name: "rollback", args: "URL", summary: "undo an upload (or an interrupted one) from its manifest",
		details: `Removes the files and folders the upload created and restores the replaced ones byte
for byte from the local backup. Without --manifest, the latest upload of the store.`,
		run: f.runRollback})
	c.add(&command{name: "manifests", args: "URL", summary: "list the uploads ocsetup made to a store",
		run: f.runManifests})
	for _, n := range []string{"plan", "upload", "rollback", "manifests"} {
		c.flagSets[n] = f.define
	}
}

// openEngine connects and picks the store: exactly one must be found at
// the URL's folder (or the login folder and the usual places).
func (f *deployFlags) openEngine(ctx context.Context, x *cmdContext, rawURL string) (*deploy.Engine, func(), error) {
	e, _, _, closeFn, err := f.openStore(ctx, x, rawURL)
	return e, closeFn, err
}

// openStore is openEngine that also hands back the connection and the
// store found.
func (f *deployFlags) openStore(ctx context.Context, x *cmdContext, rawURL string) (*deploy.Engine, *remote.Pool, store.Store, func(), error) {
	pool, err := f.connect(ctx, x, rawURL)
	if err != nil {
		return nil, nil, store.Store{}, nil, err
	}
	// Discovery, the plan and the upload work in parallel: the other
	// connections log in while the first one starts discovery.
	pool.Warm(ctx)
	res, err := Detect(ctx, pool)
	if err != nil {
		pool.Close()
		return nil, nil, store.Store{}, nil, err
	}
	if len(res.Stores) == 0 {
		pool.Close()
		return nil, nil, store.Store{}, nil, errors.New("no OpenCart store was found at this address")
	}
	if len(res.Stores) != 1 {
		var roots []string
		for _, s := range res.Stores {
			roots = append(roots, s.Root)
		}
		pool.Close()
		return nil, nil, store.Store{}, nil, usageText(fmt.Sprintf("%d stores were found (%s); add the folder of the one you mean to the URL, e.g. %s://%s@%s%s",
			len(res.Stores), strings.Join(roots, ", "), res.Protocol, pool.Site().User, res.Host, roots[0]))
	}
	st := res.Stores[0]
	dir, err := DataDir(x.Getenv)
	if err != nil {
		pool.Close()
		return nil, nil, store.Store{}, nil, err
	}
	// Extractors, bridges and probes a killed run left on this site go first.
	_, _ = cleanupBridges(ctx, dir, pool)
	e := &deploy.Engine{Files: pool, DataDir: dir, Trust: remote.NewTrust(dir),
		Store:    deploy.Store{Site: pool.Site().String(), Root: st.Root, Version: st.Version, AdminDir: st.AdminDir},
		StoreURL: f.storeURL, FastPath: f.storeURL != "" && !f.perFile}
	if !f.json {
		e.Progress = textProgress(x.Err)
	}
	return e, pool, st, func() { pool.Close() }, nil
}

// textProgress prints a line per phase and every few seconds.
func textProgress(w io.Writer) func(deploy.Progress) {
	var last time.Time
	var phase deploy.Phase
	return func(p deploy.Progress) {
		done := p.FilesDone == p.FilesTotal
		if p.Phase == phase && !done && time.Since(last) < 2*time.Second {
			return
		}
		phase, last = p.Phase, time.Now()
		eta := ""
		if p.ETA > 0 && !done {
			eta = fmt.Sprintf(", %s left", p.ETA.Round(time.Second))
		}
		fmt.Fprintf(w, "%-8s %d/%d files, %s of %s%s\n", p.Phase, p.FilesDone, p.FilesTotal, size(p.BytesDone), size(p.BytesTotal), eta)
	}
}

func size(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// uploadResult is the JSON of `ocsetup upload`.
type uploadResult struct {
	Plan     *deploy.Plan     `json:"plan"`
	Manifest string           `json:"manifest"`
	Resumed  bool             `json:"resumed,omitempty"`
	Verify   *deploy.Report   `json:"verify,omitempty"`
	Counts   map[string]int   `json:"counts,omitempty"`
	Pending  []pendingSummary `json:"pending,omitempty"`
	FastPath *deploy.FastPath `json:"fast_path,omitempty"`
}

type pendingSummary struct {
	ID      string `json:"id"`
	Package string `json:"package"`
	State   string `json:"state"`
}

func (f *deployFlags) runPlan(ctx context.Context, x *cmdContext, doUpload bool) error {
	if len(x.args) != 2 {
		return usageText("give the site URL and the package")
	}
	p, err := pkg.Open(x.args[1])
	if err != nil {
		return err
	}
	defer p.Close()
	e, closeFn, err := f.openEngine(ctx, x, x.args[0])
	if err != nil {
		return err
	}
	defer closeFn()
	res := &uploadResult{}
	// An interrupted upload of this store comes first: the same package
	// finishes it; anything else must wait for a rollback.
	pending, err := deploy.Pending(e.DataDir)
	if err != nil {
		return err
	}
	for _, m := range pending {
		if m.Store.Site != e.Store.Site || m.Store.Root != e.Store.Root {
			continue
		}
		if doUpload && m.State == deploy.StateInProgress && m.Package.SHA256 == deploy.Describe(p).SHA256 {
			fmt.Fprintf(x.Err, "Finishing the interrupted upload %s of %s.\n", m.ID, m.Package.Name)
			if err := e.Resume(ctx, m, p); err != nil {
				return err
			}
			res.Manifest, res.Resumed = m.ID, true
			return f.finish(ctx, x, e, m, res)
		}
		res.Pending = append(res.Pending, pendingSummary{m.ID, m.Package.Name, string(m.State)})
		if doUpload {
			return fmt.Errorf("the upload %s of %s to this store did not finish (%s). Upload the same package again to finish it, or undo it with: %s rollback %s --manifest %s",
				m.ID, m.Package.Name, m.State, Name, x.args[0], m.ID)
		}
	}
	var opts deploy.PlanOptions
	if f.fixTrap {
		opts.Fixes = append(opts.Fixes, deploy.FixHiddenPages)
	}
	pl, err := e.Plan(ctx, p, opts)
	if err != nil {
		return err
	}
	res.Plan = pl
	if !doUpload {
		if f.json {
			return writeJSON(x.Out, res)
		}
		printPlan(x.Out, pl)
		for _, ps := range res.Pending {
			fmt.Fprintf(x.Out, "\nwarning: the upload %s of %s did not finish (%s); upload it again to finish it, or roll it back.\n", ps.ID, ps.Package, ps.State)
		}
		return nil
	}
	if !f.json {
		printPlan(x.Err, pl)
	}
	e.AllowCoreFiles = f.allowCore
	m, err := e.Upload(ctx, pl, p)
	if m != nil {
		res.Manifest = m.ID
	}
	if err != nil {
		if m != nil {
			return fmt.Errorf("%w\nThe upload stopped; manifest %s records what was done. Run the same upload again to finish it, or: %s rollback %s --manifest %s", err, m.ID, Name, x.args[0], m.ID)
		}
		return err
	}
	return f.finish(ctx, x, e, m, res)
}

func (f *deployFlags) finish(ctx context.Context, x *cmdContext, e *deploy.Engine, m *deploy.Manifest, res *uploadResult) error {
	if e.Fast.Tried {
		fp := e.Fast
		res.FastPath = &fp
		if !f.json {
			switch {
			case fp.Reason == "":
				fmt.Fprintf(x.Err, "fast path: %d files sent as one archive and unpacked on the server\n", fp.Files)
			case fp.Used:
				fmt.Fprintf(x.Err, "fast path: %d files unpacked on the server, the rest sent one by one: %s\n", fp.Files, fp.Reason)
			default:
				fmt.Fprintf(x.Err, "fast path not used, files sent one by one: %s\n", fp.Reason)
			}
		}
	}
	rep, err := e.Verify(ctx, m, f.storeURL)
	if err != nil {
		return err
	}
	res.Verify = rep
	res.Counts = map[string]int{}
	for a, n := range m.Counts() {
		res.Counts[string(a)] = n
	}
	if f.json {
		if err := writeJSON(x.Out, res); err != nil {
			return err
		}
	} else {
		printVerify(x.Out, m, rep)
	}
	if !rep.OK() {
		return exitError{code: 1, err: errors.New("the upload finished, but the check found problems (see above); roll it back with: " + Name + " rollback URL --manifest " + m.ID)}
	}
	return nil
}

func (f *deployFlags) runRollback(ctx context.Context, x *cmdContext) error {
	if len(x.args) != 1 {
		return usageText("rollback takes one URL")
	}
	e, pool, st, closeFn, err := f.openStore(ctx, x, x.args[0])
	if err != nil {
		return err
	}
	defer closeFn()
	var m *deploy.Manifest
	if f.manifest != "" {
		if m, err = deploy.LoadManifest(e.DataDir, f.manifest); err != nil {
			return err
		}
	} else {
		all, err := deploy.Manifests(e.DataDir, e.Store)
		if err != nil {
			return err
		}
		for i := len(all) - 1; i >= 0 && m == nil; i-- {
			if all[i].State != deploy.StateRolledBack {
				m = all[i]
			}
		}
		if m == nil {
			return errors.New("ocsetup has no upload to roll back on this store")
		}
	}
	if !f.force {
		if err := refuseInstalled(ctx, e.DataDir, pool, st, m); err != nil {
			return err
		}
	}
	if err := e.Rollback(ctx, m, f.force); err != nil {
		return err
	}
	if f.json {
		return writeJSON(x.Out, map[string]string{"manifest": m.ID, "state": string(m.State)})
	}
	fmt.Fprintf(x.Out, "Rolled back %s (%s): the store's files are as they were before it.\n", m.ID, m.Package.Name)
	return nil
}

func (f *deployFlags) runManifests(ctx context.Context, x *cmdContext) error {
	if len(x.args) != 1 {
		return usageText("manifests takes one URL")
	}
	e, closeFn, err := f.openEngine(ctx, x, x.args[0])
	if err != nil {
		return err
	}
	defer closeFn()
	all, err := deploy.Manifests(e.DataDir, e.Store)
	if err != nil {
		return err
	}
	if f.json {
		if all == nil {
			all = []*deploy.Manifest{}
		}
		return writeJSON(x.Out, all)
	}
	if len(all) == 0 {
		fmt.Fprintln(x.Out, "No uploads by ocsetup on this store.")
	}
	for _, m := range all {
		c := m.Counts()
		fmt.Fprintf(x.Out, "%s  %-12s %s  %d created, %d replaced, %d removed, %d unchanged\n", m.ID, m.State, m.Package.Name,
			c[deploy.ActCreate], c[deploy.ActReplace], c[deploy.ActRemove], c[deploy.ActKeep])
	}
	return nil
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func printPlan(w io.Writer, pl *deploy.Plan) {
	fmt.Fprintf(w, "store:    %s (OpenCart %s)\npackage:  %s, %d files, %s\n", pl.Store.Root, pl.Store.Version, pl.Package.Name, pl.Package.Files, pl.Package.Layout)
	fmt.Fprintf(w, "plan:     %d new, %d changed, %d identical, %d skipped, %d to remove; %d folders to create; %s to send\n",
		pl.Counts[deploy.StatusNew], pl.Counts[deploy.StatusChanged], pl.Counts[deploy.StatusIdentical], pl.Counts[deploy.StatusSkipped],
		pl.Counts[deploy.StatusRemove], len(pl.Folders), size(pl.Bytes))
	fmt.Fprintf(w, "compared: %s\n", pl.Compared)
	for _, fx := range pl.Fixes {
		fmt.Fprintf(w, "fix:      %s\n", fx)
	}
	for _, wn := range pl.Warnings {
		fmt.Fprintf(w, "warning:  %s\n", wn.Message)
	}
	for _, fo := range pl.FixOffered {
		if fo == deploy.FixHiddenPages {
			fmt.Fprintln(w, "offer:    add --fix-hidden-page to leave those folders out and back up and remove them on the server")
		}
	}
	shown := 0
	for _, f := range pl.Files {
		if f.Status == deploy.StatusIdentical {
			continue
		}
		if shown == 20 {
			fmt.Fprintln(w, "          … (--json lists every file)")
			break
		}
		why := ""
		if f.Why != "" {
			why = "  (" + f.Why + ")"
		}
		fmt.Fprintf(w, "  %-9s %s%s\n", f.Status, f.Path, why)
		shown++
	}
}

func printVerify(w io.Writer, m *deploy.Manifest, r *deploy.Report) {
	c := m.Counts()
	fmt.Fprintf(w, "uploaded: manifest %s: %d created, %d replaced (backed up), %d removed, %d unchanged\n", m.ID,
		c[deploy.ActCreate], c[deploy.ActReplace], c[deploy.ActRemove], c[deploy.ActKeep])
	fmt.Fprintf(w, "checked:  %d files by size, %d by SHA-256 on the server\n", r.Files, r.Hashed)
	if r.HashNote != "" {
		fmt.Fprintf(w, "note:     %s\n", r.HashNote)
	}
	for _, l := range [][]string{r.Missing, r.WrongSize, r.WrongHash, r.Leftovers} {
		for _, p := range l {
			fmt.Fprintf(w, "problem:  %s\n", p)
		}
	}
	switch {
	case r.Probe == nil:
		fmt.Fprintln(w, "php:      not checked (give --store-url to check that PHP runs in the package's folder)")
	case r.Probe.Ran:
		fmt.Fprintf(w, "php:      runs in %s (%s)\n", r.Probe.Folder, r.Probe.URL)
	default:
		fmt.Fprintf(w, "php:      PROBLEM: %s (%s)\n", r.Probe.Detail, r.Probe.URL)
	}
}
