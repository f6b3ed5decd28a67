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
	"unicode/utf8"

	"github.com/ocsetup/ocsetup/installer/deploy"
	"github.com/ocsetup/ocsetup/installer/msg"
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
	fs.BoolVar(&f.fixTrap, "fix-hidden-page", false, "cli.deploy.flag.fix_hidden_page")
	fs.StringVar(&f.storeURL, "store-url", "", "cli.deploy.flag.store_url")
	fs.StringVar(&f.manifest, "manifest", "", "cli.deploy.flag.manifest")
	fs.BoolVar(&f.force, "force", false, "cli.deploy.flag.force")
	fs.BoolVar(&f.perFile, "per-file", false, "cli.deploy.flag.per_file")
	fs.BoolVar(&f.allowCore, "allow-core-files", false, "cli.deploy.flag.allow_core_files")
}

func (c *CLI) addDeploy() {
	var f deployFlags
	c.add(&command{name: "plan", args: "URL PACKAGE", summary: "cli.plan.summary",
		details: "cli.plan.details",
		run:     func(ctx context.Context, x *cmdContext) error { return f.runPlan(ctx, x, false) }})
	c.add(&command{name: "upload", args: "URL PACKAGE", summary: "cli.upload.summary",
		details: "cli.upload.details",
		run:     func(ctx context.Context, x *cmdContext) error { return f.runPlan(ctx, x, true) }})
	c.add(&command{name: "rollback", args: "URL", summary: "cli.rollback.summary",
		details: "cli.rollback.details",
		run:     f.runRollback})
	c.add(&command{name: "manifests", args: "URL", summary: "cli.manifests.summary",
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
		return nil, nil, store.Store{}, nil, msg.NewError("error.cli.no_store")
	}
	if len(res.Stores) != 1 {
		var roots []string
		for _, s := range res.Stores {
			roots = append(roots, s.Root)
		}
		pool.Close()
		return nil, nil, store.Store{}, nil, usage("cli.deploy.many_stores", "Count", len(res.Stores), "Roots", strings.Join(roots, ", "),
			"Example", fmt.Sprintf("%s://%s@%s%s", res.Protocol, pool.Site().User, res.Host, roots[0]))
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
		e.Progress = textProgress(x.Notes())
	}
	return e, pool, st, func() { pool.Close() }, nil
}

// textProgress prints a line per phase and every few seconds.
func textProgress(n Notes) func(deploy.Progress) {
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
			eta = msg.New("cli.deploy.progress.left", "ETA", p.ETA.Round(time.Second).String()).In(n.Lang)
		}
		phase := msg.New("cli.deploy.phase." + string(p.Phase)).In(n.Lang)
		width := 8
		if l := utf8.RuneCountInString(phase); l > width {
			width = l
		}
		n.Line("cli.deploy.progress", "Phase", phase+strings.Repeat(" ", width-utf8.RuneCountInString(phase)),
			"Done", p.FilesDone, "Count", p.FilesTotal, "BytesDone", size(p.BytesDone), "BytesTotal", size(p.BytesTotal), "ETA", eta)
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
		return usage("cli.deploy.url_and_package")
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
			x.Notes().Line("cli.deploy.finishing", "ID", m.ID, "Package", m.Package.Name)
			if err := e.Resume(ctx, m, p); err != nil {
				return err
			}
			res.Manifest, res.Resumed = m.ID, true
			return f.finish(ctx, x, e, m, res)
		}
		res.Pending = append(res.Pending, pendingSummary{m.ID, m.Package.Name, string(m.State)})
		if doUpload {
			return msg.NewError("error.cli.deploy.pending", "ID", m.ID, "Package", m.Package.Name,
				"State", msg.Msg{Key: "recovery.state." + string(m.State), Own: string(m.State)}, "Name", Name, "Site", x.args[0])
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
		printPlan(x, x.Out, pl)
		for _, ps := range res.Pending {
			fmt.Fprintf(x.Out, "\n%s\n", x.T("cli.warning", "Text", msg.New("cli.deploy.pending_plan", "ID", ps.ID, "Package", ps.Package,
				"State", msg.Msg{Key: "recovery.state." + ps.State, Own: ps.State})))
		}
		return nil
	}
	if !f.json {
		printPlan(x, x.Err, pl)
	}
	e.AllowCoreFiles = f.allowCore
	m, err := e.Upload(ctx, pl, p)
	if m != nil {
		res.Manifest = m.ID
	}
	if err != nil {
		if m != nil {
			return errors.Join(err, msg.NewError("error.cli.deploy.stopped", "ID", m.ID, "Name", Name, "Site", x.args[0]))
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
			reason := x.MsgOr(fp.Reason, fp.ReasonMsg)
			switch {
			case fp.Reason == "":
				x.Notes().Line("cli.deploy.fast.all", "Count", fp.Files)
			case fp.Used:
				x.Notes().Line("cli.deploy.fast.some", "Count", fp.Files, "Reason", reason)
			default:
				x.Notes().Line("cli.deploy.fast.none", "Reason", reason)
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
		printVerify(x, m, rep)
	}
	if !rep.OK() {
		return exitError{code: 1, err: msg.NewError("error.cli.deploy.check_failed", "Name", Name, "ID", m.ID)}
	}
	return nil
}

func (f *deployFlags) runRollback(ctx context.Context, x *cmdContext) error {
	if len(x.args) != 1 {
		return usage("cli.one_url", "Command", "rollback")
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
			return msg.NewError("error.cli.deploy.nothing_to_roll_back", "Name", Name)
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
	fmt.Fprintln(x.Out, x.T("cli.deploy.rolled_back", "ID", m.ID, "Package", m.Package.Name))
	return nil
}

func (f *deployFlags) runManifests(ctx context.Context, x *cmdContext) error {
	if len(x.args) != 1 {
		return usage("cli.one_url", "Command", "manifests")
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
		fmt.Fprintln(x.Out, x.T("cli.deploy.no_uploads", "Name", Name))
	}
	for _, m := range all {
		c := m.Counts()
		state := x.Msg(msg.Msg{Key: "recovery.state." + string(m.State), Own: string(m.State)})
		fmt.Fprintf(x.Out, "%s  %s %s  %s\n", m.ID, state+strings.Repeat(" ", max(0, 12-utf8.RuneCountInString(state))), m.Package.Name,
			x.T("cli.deploy.counts", "Created", c[deploy.ActCreate], "Replaced", c[deploy.ActReplace], "Removed", c[deploy.ActRemove], "Unchanged", c[deploy.ActKeep]))
	}
	return nil
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func printPlan(x *cmdContext, w io.Writer, pl *deploy.Plan) {
	layout := x.MsgOr(pl.Package.Layout, pl.Package.LayoutMsg)
	fmt.Fprintln(w, x.T("cli.plan.store", "Root", pl.Store.Root, "Version", pl.Store.Version))
	fmt.Fprintln(w, x.T("cli.plan.package", "Package", pl.Package.Name, "Count", pl.Package.Files, "Layout", layout))
	fmt.Fprintln(w, x.T("cli.plan.counts", "New", pl.Counts[deploy.StatusNew], "Changed", pl.Counts[deploy.StatusChanged],
		"Identical", pl.Counts[deploy.StatusIdentical], "Skipped", pl.Counts[deploy.StatusSkipped],
		"Remove", pl.Counts[deploy.StatusRemove], "Folders", len(pl.Folders), "Size", size(pl.Bytes)))
	fmt.Fprintln(w, x.T("cli.plan.compared", "How", pl.Compared.Msg()))
	for i, fx := range pl.Fixes {
		text := fx
		if i < len(pl.FixMsgs) {
			text = x.Msg(pl.FixMsgs[i])
		}
		fmt.Fprintln(w, x.T("cli.plan.fix", "Text", text))
	}
	for _, wn := range pl.Warnings {
		text := x.MsgOr(wn.Message, wn.Msg)
		fmt.Fprintln(w, x.T("cli.warning_wide", "Text", text))
	}
	for _, fo := range pl.FixOffered {
		if fo == deploy.FixHiddenPages {
			fmt.Fprintln(w, x.T("cli.plan.offer_fix_hidden_page"))
		}
	}
	statuses := []deploy.Status{deploy.StatusNew, deploy.StatusChanged, deploy.StatusIdentical, deploy.StatusSkipped, deploy.StatusRemove}
	width := 9 // the English column, kept as it was
	for _, st := range statuses {
		width = max(width, utf8.RuneCountInString(x.T("package.status."+string(st))))
	}
	shown := 0
	for _, f := range pl.Files {
		if f.Status == deploy.StatusIdentical {
			continue
		}
		if shown == 20 {
			fmt.Fprintln(w, x.T("cli.plan.more"))
			break
		}
		why := ""
		if f.Why != "" {
			text := x.MsgOr(f.Why, f.WhyMsg)
			why = "  (" + text + ")"
		}
		status := x.T("package.status." + string(f.Status))
		fmt.Fprintf(w, "  %s%s %s%s\n", status, strings.Repeat(" ", width-utf8.RuneCountInString(status)), f.Path, why)
		shown++
	}
}

func printVerify(x *cmdContext, m *deploy.Manifest, r *deploy.Report) {
	w := x.Out
	c := m.Counts()
	fmt.Fprintln(w, x.T("cli.upload.uploaded", "ID", m.ID, "Created", c[deploy.ActCreate], "Replaced", c[deploy.ActReplace],
		"Removed", c[deploy.ActRemove], "Unchanged", c[deploy.ActKeep]))
	fmt.Fprintln(w, x.T("cli.upload.checked", "Count", r.Files, "Hashed", r.Hashed))
	if r.HashNote != "" {
		text := x.MsgOr(r.HashNote, r.HashNoteMsg)
		fmt.Fprintln(w, x.T("cli.upload.note", "Text", text))
	}
	for _, l := range [][]string{r.Missing, r.WrongSize, r.WrongHash, r.Leftovers} {
		for _, p := range l {
			fmt.Fprintln(w, x.T("cli.upload.problem", "Text", p))
		}
	}
	switch {
	case r.Probe == nil:
		fmt.Fprintln(w, x.T("cli.upload.php_unchecked"))
	case r.Probe.Ran:
		fmt.Fprintln(w, x.T("cli.upload.php_runs", "Folder", r.Probe.Folder, "URL", r.Probe.URL))
	default:
		text := x.MsgOr(r.Probe.Detail, r.Probe.DetailMsg)
		fmt.Fprintln(w, x.T("cli.upload.php_problem", "Text", text, "URL", r.Probe.URL))
	}
}
