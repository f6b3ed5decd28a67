package app

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"path"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ocsetup/ocsetup/installer/access"
	"github.com/ocsetup/ocsetup/installer/admin"
	"github.com/ocsetup/ocsetup/installer/db"
	"github.com/ocsetup/ocsetup/installer/deploy"
	"github.com/ocsetup/ocsetup/installer/integrations"
	"github.com/ocsetup/ocsetup/installer/journal"
	"github.com/ocsetup/ocsetup/installer/keygen"
	"github.com/ocsetup/ocsetup/installer/msg"
	"github.com/ocsetup/ocsetup/installer/phpconf"
	"github.com/ocsetup/ocsetup/installer/pkg"
	"github.com/ocsetup/ocsetup/installer/remote"
	"github.com/ocsetup/ocsetup/installer/settings"
	"github.com/ocsetup/ocsetup/installer/store"
	"github.com/ocsetup/ocsetup/installer/webguard"
	"github.com/ocsetup/ocsetup/installer/webtrust"
)

// AdminPasswordVar holds the merchant's admin password for --admin-user
// (SecretVar("admin_password")).
var AdminPasswordVar = SecretVar("admin_password")

// applyFlags are apply's own flags besides the connection flags.
type applyFlags struct {
	connectFlags
	via       string
	adminUser string
	adminURL  string
	reveal    bool
	// displayOff lets ocsetup switch Display Errors off on a store that
	// prints PHP messages (recorded and undone with the setup).
	displayOff bool
	allowCore  bool
}

func (c *CLI) addApply() {
	var f applyFlags
	c.add(&command{name: "apply", args: "SETUP_FILE", summary: "cli.apply.summary",
		details:  "cli.apply.details",
		moreHelp: func(lang string) string { return "\n" + exampleSetupFile(lang) + applyProfilesHelp(c.reg, lang) },
		run: func(ctx context.Context, x *cmdContext) error {
			if len(x.args) != 1 {
				return usage("cli.one_setup_file", "Command", "apply")
			}
			mode, err := settings.ParseMode(f.via)
			if err != nil {
				return usage("cli.apply.bad_via", "Cause", msg.CauseArg(err))
			}
			file, err := LoadSetupFile(x.args[0], x.reg)
			if err != nil {
				return err
			}
			res, err := runApply(ctx, x, &f, mode, file)
			if res != nil {
				if f.json {
					enc := json.NewEncoder(x.Out)
					enc.SetIndent("", "  ")
					if jerr := enc.Encode(res.masked(f.reveal)); jerr != nil {
						return jerr
					}
				} else {
					res.print(x, f.reveal)
				}
			}
			if err != nil {
				return exitError{code: 1, err: err}
			}
			return nil
		}})
	c.flagSets["apply"] = func(fs *flag.FlagSet) {
		f.define(fs)
		fs.StringVar(&f.via, "settings-via", "auto", "cli.apply.flag.settings_via")
		fs.StringVar(&f.adminUser, "admin-user", "", "cli.flag.admin_user")
		fs.StringVar(&f.adminURL, "admin-url", "", "cli.flag.admin_url")
		fs.BoolVar(&f.reveal, "reveal", false, "cli.apply.flag.reveal")
		fs.BoolVar(&f.displayOff, "display-errors-off", false, "cli.apply.flag.display_errors_off")
		fs.BoolVar(&f.allowCore, "allow-core-files", false, "cli.apply.flag.allow_core_files")
	}
}

// applyProfilesHelp lists each integration's settings, generated from the
// profiles so that it never drifts from what apply accepts.
func applyProfilesHelp(reg *integrations.Registry, lang string) string {
	var b strings.Builder
	b.WriteString("\n" + msg.New("cli.apply.help.settings").In(lang) + "\n")
	t := integrations.Target{Line: store.Line30, Currency: "AUD", StoreURL: "https://shop.example.com/"}
	for _, p := range reg.All() {
		// The setup file's own field, typed as it is in every language.
		const field = "integration"
		fmt.Fprintf(&b, "\n  %s: %s   # %s\n", field, p.ID, msg.Msg{Key: "integration." + p.ID + ".name", Own: p.Name}.In(lang))
		if p.Closed != "" {
			fmt.Fprintf(&b, "  # %s\n", msg.Msg{Key: "integration." + p.ID + ".closed", Own: p.Closed}.In(lang))
		}
		for _, fl := range p.Fields(t) {
			switch {
			case fl.IsSecret():
				fmt.Fprintf(&b, "  #   %s: %s\n", fl.Key, msg.New("cli.apply.help.secret", "Var", SecretVar(fl.Key)).In(lang))
			default:
				line := fmt.Sprintf("  #   %s: %s", fl.Key, fl.Default)
				var notes []string
				if fl.Required {
					notes = append(notes, msg.New("cli.apply.help.required").In(lang))
				}
				if len(fl.Choices) > 0 {
					vals := make([]string, len(fl.Choices))
					for i, c := range fl.Choices {
						vals[i] = c.Value
					}
					notes = append(notes, strings.Join(vals, " | "))
				}
				if len(notes) > 0 {
					line += "   # " + strings.Join(notes, "; ")
				}
				b.WriteString(line + "\n")
			}
		}
	}
	return b.String()
}

// applyResult is what apply did, for the user and for --json.
type applyResult struct {
	Integration string       `json:"integration"`
	Store       *store.Store `json:"store,omitempty"`
	DBRoute     db.Route     `json:"db_route,omitempty"`
	Removed     []string     `json:"removed_leftovers,omitempty"`
	Package     *packageStep `json:"package,omitempty"`
	Access      *accessStep  `json:"access,omitempty"`
	// Modification is the package's install.xml, registered as the
	// store's installer does.
	Modification *modificationStep   `json:"modification,omitempty"`
	Settings     *settingsStep       `json:"settings,omitempty"`
	Show         []integrations.Info `json:"show,omitempty"`
	Notices      []string            `json:"notices,omitempty"`
	// Warnings are the security warnings printed while running (plain
	// HTTP), for --json.
	Warnings []string `json:"warnings,omitempty"`
	// PHPMessages counts the PHP messages the storefront's home page
	// showed when ocsetup connected (Display Errors on).
	PHPMessages   int                `json:"php_messages,omitempty"`
	DisplayErrors *displayErrorsStep `json:"display_errors,omitempty"`
	// Journal is the setup journal's ID: ocsetup uninstall reverses it.
	Journal string `json:"journal,omitempty"`
	// Interrupted are journals of earlier runs on this store that were
	// killed before they finished.
	Interrupted []string `json:"interrupted,omitempty"`
	// PendingUploads are uploads to this store a crash interrupted
	// (manifest IDs), LeftoverErrors what an earlier run left that could
	// not be removed (see Recovery).
	PendingUploads []string `json:"pending_uploads,omitempty"`
	LeftoverErrors []string `json:"leftover_errors,omitempty"`
	// Earlier says what killed runs interrupted and how to finish or
	// undo it.
	Earlier []string `json:"earlier,omitempty"`

	// The texts above as messages, for the user's language: what
	// recovery removed or could not, Earlier, the notices by their
	// English, and the labels of Show that ocsetup made.
	removedMsgs  []msg.Msg
	leftoverErrs []error
	earlierMsgs  []msg.Msg
	noticeMsgs   map[string]msg.Msg
	labels       []showLabel
}

// showLabel is the message of a label in Show, by its English.
type showLabel struct {
	english string
	m       msg.Msg
}

func (res *applyResult) earlier(m msg.Msg) {
	res.Earlier, res.earlierMsgs = append(res.Earlier, m.English()), append(res.earlierMsgs, m)
}

// displayErrorsStep is the Display Errors switch.
type displayErrorsStep struct {
	Switched bool   `json:"switched"`
	Reverted string `json:"reverted,omitempty"` // why the switch was undone at once
	// reverted is Reverted as a message, for the user's language.
	reverted msg.Msg
	Record   string `json:"record,omitempty"` // the undo record in the data folder
	Example  string `json:"example,omitempty"`
}

type packageStep struct {
	Skipped  string `json:"skipped,omitempty"`
	Manifest string `json:"manifest,omitempty"`
	// Resumed: the upload finished one a killed run had begun.
	Resumed bool `json:"resumed,omitempty"`
	Sent    int  `json:"files_sent"`
	Same    int  `json:"files_identical"`
}

type accessStep struct {
	APIUser  *access.APIResult `json:"api_user,omitempty"`
	Config   string            `json:"config_file,omitempty"`
	Cron     string            `json:"cron,omitempty"`
	CronNote string            `json:"cron_note,omitempty"`
	// cronNote is CronNote as a message, for the user's language.
	cronNote msg.Msg
}

func (s *accessStep) note(m msg.Msg) { s.CronNote, s.cronNote = m.English(), m }

type settingsStep struct {
	Via settings.Via `json:"via"`
	Why string       `json:"why,omitempty"`
	// why is Why as a message, for the user's language.
	why       msg.Msg
	Installed bool                   `json:"installed,omitempty"`
	Refreshed bool                   `json:"refreshed,omitempty"`
	Saved     *admin.SaveResult      `json:"save,omitempty"`
	Direct    *settings.DirectResult `json:"direct,omitempty"`
}

// applyRun holds what the steps share.
type applyRun struct {
	x       *cmdContext
	flags   *applyFlags
	file    *SetupFile
	res     *applyResult
	dir     string
	pool    *remote.Pool
	st      store.Store
	creds   *db.Credentials
	d       db.DB
	sc      *db.Schema
	line    store.Line
	url     string
	plan    *integrations.Plan
	paths   []string // 4.x extension paths from the upload
	ocmod   bool     // the package has install.xml
	xml     *pkg.OCMOD
	pkgInf  settings.PackageInfo
	creates pkg.Creates // what the package's install() makes
	journal *journal.Journal
	// recovery is what killed runs left, from recoverSite.
	recovery *Recovery
	// The package, its plan and the engine, from prepareUpload.
	pk  *pkg.Package
	pl  *deploy.Plan
	eng *deploy.Engine
	// resume is an interrupted upload of the same package to finish.
	resume *deploy.Manifest
}

func runApply(ctx context.Context, x *cmdContext, f *applyFlags, mode settings.Mode, file *SetupFile) (*applyResult, error) {
	profile := file.Profile() // LoadSetupFile found it
	r := &applyRun{x: x, flags: f, file: file, res: &applyResult{Integration: profile.ID}}
	dir, err := DataDir(x.Getenv)
	if err != nil {
		return nil, err
	}
	r.dir = dir
	if f.fingerprint == "" {
		f.fingerprint = file.Fingerprint
	}
	if err := r.site(ctx); err != nil {
		return r.res, err
	}
	defer r.pool.Close()
	defer func() {
		// Closing removes a bridge; one that could not remove itself is
		// named with its path, never passed over in silence.
		if err := r.d.Close(); err != nil {
			fmt.Fprintln(r.x.Err, r.x.T("cli.warning_wide", "Text", r.x.ErrorText(err)))
		}
	}()

	// Every answer is checked before anything changes.
	target, err := settings.ReadTarget(ctx, r.d, r.sc, r.line, r.st.Version, r.url)
	if err != nil {
		return r.res, err
	}
	target.DB = &integrations.DBLogin{Host: r.creds.Host, Port: r.creds.Port, Database: r.creds.Database, User: r.creds.User, Password: r.creds.Password.Reveal()}
	values := integrations.Values{}
	for k, v := range file.Settings {
		values[k] = v
	}
	for _, fl := range profile.Fields(target) {
		if v := x.Getenv(SecretVar(fl.Key)); fl.IsSecret() && v != "" {
			values[fl.Key] = v
		}
	}
	for k, v := range file.Settings {
		if v == "" && secretLooking.MatchString(k) {
			if values[k] = x.Getenv(SecretVar(k)); values[k] == "" {
				return r.res, msg.NewError("error.cli.apply.secret_setting", "Name", k, "Var", SecretVar(k))
			}
		}
	}
	if r.plan, err = profile.Plan(target, values); err != nil {
		return r.res, err
	}
	r.res.Show, r.res.Notices, r.res.noticeMsgs = r.plan.Show, r.plan.Notices, r.plan.NoticeMsgs
	if mode == settings.DatabaseOnly && r.plan.Extension.Type != "" && r.plan.SaveGroups(nil) == nil {
		// Known before anything changes: refused here, not after the
		// upload and the API user went in.
		return r.res, msg.Wrap(settings.ErrNoFallback, "error.cli.apply.no_fallback")
	}
	adminLogin, err := r.adminLogin()
	if err != nil {
		return r.res, err
	}

	if err := r.prepareUpload(ctx); err != nil {
		return r.res, err
	}
	if r.pk != nil {
		defer r.pk.Close()
	}

	// From here on the store changes: the journal is written first, and
	// finished whatever happens, so that uninstall can reverse the run.
	if err := r.beginJournal(ctx); err != nil {
		return r.res, err
	}
	defer r.finishJournal(ctx)
	if err := r.displayErrors(ctx); err != nil {
		return r.res, err
	}
	if err := r.upload(ctx); err != nil {
		return r.res, err
	}
	if err := r.modification(ctx); err != nil {
		return r.res, err
	}
	if err := r.access(ctx); err != nil {
		return r.res, err
	}
	return r.res, r.settings(ctx, mode, adminLogin)
}

// site connects, finds the store, reaches its database and removes what
// killed runs left (bridges, temporary admin accounts).
func (r *applyRun) site(ctx context.Context) error {
	pool, err := r.flags.connect(ctx, r.x, r.file.Site)
	if err != nil {
		return err
	}
	r.pool = pool
	found, err := Detect(ctx, pool)
	if err != nil {
		pool.Close()
		return err
	}
	st, err := pickStore(found.Stores, r.file.Store)
	if err != nil {
		pool.Close()
		return err
	}
	r.st, r.res.Store = st, &st
	routes := db.AllRoutes()
	if r.file.DBRoutes != "" {
		if routes, err = db.ParseRoutes(r.file.DBRoutes); err != nil {
			pool.Close()
			return fmt.Errorf("db_routes: %w", err)
		}
	}
	if r.creds, err = db.Read(ctx, pool, st); err != nil {
		pool.Close()
		return err
	}
	var dbErr error
	connectDB := func(ctx context.Context) error {
		if dbErr != nil {
			return dbErr // tried once already, for a leftover
		}
		d, attempts, err := db.Connect(ctx, pool, r.creds, db.Options{Routes: routes, DataDir: r.dir, StoreURL: r.file.StoreURL,
			PlainHTTPLimits: plainHTTPLimits(r.creds.Prefix, stepSetup, stepRecovery)})
		if err != nil {
			dbErr = err
			return err
		}
		sc, err := d.Schema(ctx)
		if err != nil {
			d.Close()
			dbErr = err
			return err
		}
		r.d, r.sc, r.res.DBRoute = d, sc, attempts[len(attempts)-1].Route
		if u := db.PlainHTTP(d); u != "" {
			// Said before any secret goes through the bridge.
			w := db.PlainHTTPMsg(u)
			r.res.Warnings = append(r.res.Warnings, w.English())
			fmt.Fprintln(r.x.Err, r.x.T("cli.warning_wide", "Text", w))
		}
		return nil
	}
	// What killed runs left is removed (and what they interrupted named)
	// the way the wizard does it; the database is opened for that only
	// when a leftover needs it, and then kept for the run.
	r.recovery = recoverSite(ctx, r.dir, pool, []store.Store{st}, func(ctx context.Context, _ store.Store) (db.DB, *db.Schema, func(), error) {
		if r.d == nil {
			if err := connectDB(ctx); err != nil {
				return nil, nil, nil, err
			}
		}
		return r.d, r.sc, nil, nil
	})
	r.res.Removed, r.res.LeftoverErrors = r.recovery.Removed, r.recovery.Failed
	r.res.removedMsgs, r.res.leftoverErrs = r.recovery.RemovedMsgs(), r.recovery.FailedErrors
	for _, m := range r.recovery.Pending {
		r.res.PendingUploads = append(r.res.PendingUploads, m.ID)
		r.res.earlier(msg.New("cli.apply.earlier_upload", "Notice", PendingNoticeMsg(m), "Name", Name, "Site", r.file.Site, "ID", m.ID))
	}
	for _, j := range r.recovery.Interrupted {
		r.res.Interrupted = append(r.res.Interrupted, j.ID)
		r.res.earlier(msg.New("cli.apply.earlier_setup", "Notice", InterruptedNoticeMsg(j), "Name", Name, "ID", j.ID))
	}
	if r.d == nil {
		if err := connectDB(ctx); err != nil {
			pool.Close()
			return err
		}
	}
	r.line = st.Line
	if l := r.sc.Line(); l != "" {
		r.line = l // what the tables show counts (an unfinished upgrade)
	}
	r.url = r.file.StoreURL
	if r.url == "" {
		if urls := r.creds.StoreURLs(); len(urls) > 0 {
			r.url = urls[0]
		}
	}
	return nil
}

func pickStore(stores []store.Store, want string) (store.Store, error) {
	if want != "" {
		for _, s := range stores {
			if path.Clean(s.Root) == path.Clean(want) {
				return s, nil
			}
		}
		return store.Store{}, msg.NewError("error.cli.apply.no_store_in", "Folder", want, "Roots", roots(stores))
	}
	if len(stores) != 1 {
		return store.Store{}, msg.NewError("error.cli.apply.many_stores", "Count", len(stores), "Roots", roots(stores))
	}
	return stores[0], nil
}

func roots(stores []store.Store) string {
	out := make([]string, len(stores))
	for i, s := range stores {
		out[i] = s.Root
	}
	return strings.Join(out, ", ")
}

// adminLogin is the merchant's login, or nil for a temporary account.
func (r *applyRun) adminLogin() (*admin.Login, error) {
	if r.flags.adminUser == "" {
		return nil, nil
	}
	pw := r.x.Getenv(AdminPasswordVar)
	if pw == "" {
		return nil, msg.NewError("error.cli.apply.admin_password", "User", r.flags.adminUser, "Var", AdminPasswordVar)
	}
	return &admin.Login{Username: r.flags.adminUser, Password: pw}, nil
}

// upload sends the package with the deploy engine.
func (r *applyRun) prepareUpload(ctx context.Context) error {
	if r.file.Package == "" {
		return nil
	}
	p, err := pkg.Open(r.file.PackagePath())
	if err != nil {
		return err
	}
	r.pk = p
	r.ocmod, r.xml = p.Install.XML != nil, p.Install.XML
	if r.creates, err = p.InstallCreates(); err != nil {
		return err
	}
	if j := p.Install.JSON; j != nil {
		r.pkgInf = settings.PackageInfo{Name: j.Name, Version: j.Version, Author: j.Author, Link: j.Link}
	}
	r.eng = &deploy.Engine{Files: r.pool, DataDir: r.dir, Trust: remote.NewTrust(r.dir),
		Store: deploy.Store{Root: r.st.Root, Version: r.st.Version, AdminDir: r.st.AdminDir}}
	if r.pl, err = r.eng.Plan(ctx, p, deploy.PlanOptions{}); err != nil {
		return err
	}
	for _, w := range r.pl.Warnings {
		fmt.Fprintln(r.x.Err, r.x.T("cli.warning_wide", "Text", r.x.MsgOr(w.Message, w.Msg)))
	}
	r.eng.AllowCoreFiles = r.flags.allowCore
	// A package for another line is refused here, before anything on the
	// store changes.
	if err := deploy.CheckFit(r.pl); err != nil {
		return err
	}
	// So is one that an interrupted upload of another package is in the
	// way of; the same package finishes that upload.
	r.resume, err = resumableUpload(r.dir, r.pool.Site(), deploy.Store{Root: r.st.Root}, p)
	return err
}

// upload sends the package prepared by prepareUpload with the deploy engine.
func (r *applyRun) upload(ctx context.Context) error {
	if r.pk == nil {
		return nil
	}
	p, pl, eng := r.pk, r.pl, r.eng
	r.journal.Creates = r.creates
	m := r.resume
	var err error
	if m != nil {
		eng.Store.Site = m.Store.Site // the same login (resumableUpload)
		err = eng.Resume(ctx, m, p)
	} else {
		m, err = eng.Upload(ctx, pl, p)
	}
	if err != nil {
		return err
	}
	r.journal.Manifest = m.ID
	if err := r.journal.Save(); err != nil {
		return err
	}
	step := &packageStep{Manifest: m.ID, Resumed: r.resume != nil, Sent: pl.Counts[deploy.StatusNew] + pl.Counts[deploy.StatusChanged], Same: pl.Counts[deploy.StatusIdentical]}
	r.res.Package = step
	if pl.Code != "" {
		seen := map[string]bool{}
		for _, f := range pl.Files {
			rest, ok := strings.CutPrefix(f.Path, "extension/")
			if !ok || !strings.HasPrefix(rest, pl.Code+"/") {
				continue
			}
			for p := rest; p != "." && p != "" && !seen[p]; p = path.Dir(p) {
				seen[p] = true
			}
		}
		for p := range seen {
			r.paths = append(r.paths, p)
		}
		sort.Strings(r.paths)
	}
	return nil
}

// access makes the store's API user, writes the connector's config file
// and its cron job, for integrations that need them.
func (r *applyRun) access(ctx context.Context) error {
	need := r.plan.Access
	name := r.file.Access.APIUser
	if need == nil && name == "" {
		return nil
	}
	step := &accessStep{}
	r.res.Access = step
	// The setup file is the merchant's written instruction (its template
	// names the user), so the key of the user it names may be replaced.
	u := access.APIUser{Name: name, IPs: r.file.Access.IPs, ReplaceKey: true}
	if need != nil {
		if u.Name == "" {
			u.Name = need.APIUser
		}
		u.Key, u.ReuseKey = need.APIKey, need.KeepKey && u.Name == need.APIUser
	}
	if u.Key == "" {
		// An API user for an integration that brings no key of its own:
		// a new random one, shown to hand over.
		key, err := keygen.Generate(keygen.MinStoreAPI)
		if err != nil {
			return err
		}
		u.Key = key
		label := msg.New("cli.apply.api_key_of", "User", u.Name)
		r.res.Show = append(r.res.Show, integrations.Info{Label: label.English(), Value: key, Secret: true})
		r.res.labels = append(r.res.labels, showLabel{label.English(), label})
	}
	res, err := access.EnsureAPIUser(ctx, r.d, r.sc, r.line, u)
	if err != nil {
		return err
	}
	step.APIUser = res
	if need != nil && res.KeptKey && res.Key != need.APIKey {
		// The connector is given the key the user kept, and that is the
		// key to hand over.
		for i, info := range r.res.Show {
			if info.Value == need.APIKey {
				r.res.Show[i].Value = res.Key
			}
		}
		need.APIKey = res.Key
	}
	if need == nil || need.ConfigFile == "" {
		return nil
	}
	file := path.Join(r.st.Root, need.ConfigFile)
	src, err := r.pool.ReadFile(ctx, file, 1<<20)
	if err != nil {
		return msg.Wrap(err, "error.cli.apply.connector_config", "File", need.ConfigFile)
	}
	out, err := phpconf.SetOneBoxCron(src, need.CronHost, need.APIKey)
	if err != nil {
		return fmt.Errorf("%s: %w", need.ConfigFile, err)
	}
	if err := r.journalFile(file, src, out); err != nil {
		return err
	}
	if err := r.pool.WriteAtomic(ctx, file, out); err != nil {
		return err
	}
	step.Config = file
	return r.cron(ctx, need, step)
}

// cron adds the connector's job to the account's crontab over SSH.
func (r *applyRun) cron(ctx context.Context, need *integrations.AccessNeed, step *accessStep) error {
	mode := r.file.Access.Cron
	if mode == "" {
		mode = "auto"
	}
	if mode == "none" || need.Schedule == "" {
		return nil
	}
	if mode == "app" {
		step.note(msg.New("cli.apply.cron.app", "Schedule", need.Schedule))
		return nil
	}
	job := access.Job{ID: r.file.Integration + ":" + r.st.Root, Schedule: need.Schedule,
		Command: "cd " + quoteForShell(r.st.Root) + " && " + need.Command}
	err := r.pool.Do(ctx, func(c remote.Conn) error {
		client, ok := remote.SSHClient(c)
		if !ok {
			return access.ErrNoCrontab
		}
		runner := access.SSHRunner{Client: client}
		previous, err := access.CronLine(ctx, runner, job.ID)
		if err != nil {
			return err
		}
		if err := r.journalCron(job.ID, previous); err != nil {
			return err
		}
		res, err := access.EnsureCron(ctx, runner, job)
		step.Cron = string(res)
		return err
	})
	if errors.Is(err, access.ErrNoCrontab) && mode == "auto" {
		step.note(msg.New("cli.apply.cron.no_crontab", "Job", need.Schedule+" "+job.Command))
		return nil
	}
	return err
}

func quoteForShell(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// settings installs and configures the extension.
func (r *applyRun) settings(ctx context.Context, mode settings.Mode, login *admin.Login) error {
	open, err := r.adminOpener(ctx, login)
	if err != nil {
		return err
	}
	paths := r.paths
	if len(paths) == 0 && r.line.AtLeast(store.Line40) && r.plan.Extension.Folder != "" {
		paths = r.remotePaths(ctx, r.plan.Extension.Folder)
	}
	res, err := settings.Apply(ctx, settings.Request{Plan: r.plan, Line: r.line, Mode: mode, OpenAdmin: open, DB: r.d, Schema: r.sc,
		Direct: settings.DirectOptions{DataDir: r.dir, ExtensionPaths: paths, Package: r.pkgInf}, Refresh: r.ocmod, Creates: r.creates})
	if res != nil {
		r.res.Settings = &settingsStep{Via: res.Via, Why: res.Why, why: res.WhyMsg, Installed: res.Installed, Refreshed: res.Refreshed, Saved: res.Save, Direct: res.Direct}
		r.res.Notices, r.res.noticeMsgs = res.Notices, res.NoticeMsgs
	}
	return err
}

// adminOpener opens the store's admin: the merchant's login, or a
// temporary account; nil when no admin address is known.
func (r *applyRun) adminOpener(ctx context.Context, login *admin.Login) (settings.SessionOpener, error) {
	d, err := admin.DialectFor(r.line, r.st.Version)
	if err != nil {
		return nil, err
	}
	adminURL := r.flags.adminURL
	if adminURL == "" {
		// HTTPS first; a certificate that fails stops here (webguard).
		if adminURL, err = preferHTTPS(ctx, r.pool.Trust(), r.creds.Admin.HTTPSServer, r.creds.Admin.HTTPServer); err != nil {
			return nil, err
		}
		if adminURL == "" && r.url != "" {
			adminURL = r.url + r.st.AdminDir + "/"
		}
	}
	if w := webguard.PlainAdminMsg(adminURL); !w.IsZero() {
		// Said before the opener logs in with a password.
		r.res.Warnings = append(r.res.Warnings, w.English())
		fmt.Fprintln(r.x.Err, r.x.T("cli.warning_wide", "Text", w))
	}
	opt := adminOptions(r.pool.Trust())
	switch {
	case adminURL == "":
		return nil, nil
	case login != nil:
		return settings.LoginOpener(adminURL, d, *login, opt), nil
	}
	place := admin.RecordPlace{DataDir: r.dir, Site: r.pool.Site(), Root: r.st.Root, Database: r.sc.Database, Prefix: r.sc.Prefix}
	return settings.TempAccountOpener(adminURL, d, r.d, r.sc, place, opt), nil
}

// storeHTTP is a client for the store's pages: its https checked with the
// certificates the user pinned for the store (trust), as the bridge's and
// the checks' are.
func storeHTTP(timeout time.Duration, trust *remote.Trust) *http.Client {
	return webtrust.Client(&http.Client{Timeout: timeout}, trust)
}

// adminOptions are the admin session's: its HTTPS checked with the
// certificates the user pinned for the store (trust), as the bridge's and
// the checks' are.
func adminOptions(trust *remote.Trust) admin.Options {
	return admin.Options{UserAgent: Name + "/" + Version, HTTPClient: storeHTTP(60*time.Second, trust)}
}

// preferHTTPS is webguard.PreferHTTPS with the store's pinned
// certificates.
func preferHTTPS(ctx context.Context, trust *remote.Trust, httpsURL, httpURL string) (string, error) {
	return webguard.PreferHTTPS(ctx, storeHTTP(15*time.Second, trust), httpsURL, httpURL)
}

// remotePaths lists a 4.x extension folder already on the store, as
// extension_path rows name its folders and files.
func (r *applyRun) remotePaths(ctx context.Context, folder string) []string {
	var out []string
	var walk func(rel string, depth int)
	walk = func(rel string, depth int) {
		if depth > 8 {
			return
		}
		list, err := r.pool.List(ctx, path.Join(r.st.Root, "extension", rel))
		if err != nil {
			return
		}
		out = append(out, rel)
		for _, fi := range list {
			child := path.Join(rel, fi.Name)
			if fi.IsDir() {
				walk(child, depth+1)
			} else {
				out = append(out, child)
			}
		}
	}
	walk(folder, 0)
	sort.Strings(out)
	return out
}

// masked is the result with secrets hidden unless revealed.
func (res *applyResult) masked(reveal bool) *applyResult {
	cp := *res
	cp.Show = nil
	for _, in := range res.Show {
		if in.Secret && !reveal {
			in.Value = mask(in.Value)
		}
		cp.Show = append(cp.Show, in)
	}
	return &cp
}

func mask(s string) string {
	if s == "" {
		return ""
	}
	return "********"
}

func (res *applyResult) print(x *cmdContext, reveal bool) {
	labels := []string{"setup", "store", "database", "removed", "warning", "earlier", "undo", "display", "package",
		"ocmod", "api_user", "config", "cron", "settings", "to_do", "note", "copy"}
	width := 10 // the English column, kept as it was
	for _, k := range labels {
		width = max(width, utf8.RuneCountInString(x.T("cli.apply.label."+k)))
	}
	row := func(k, v string) {
		label := ""
		if k != "" {
			label = x.T("cli.apply.label." + k)
		}
		fmt.Fprintf(x.Out, "%s%s %s\n", label, strings.Repeat(" ", width-utf8.RuneCountInString(label)), v)
	}
	text := x.MsgOr
	row("setup", res.Integration)
	if s := res.Store; s != nil {
		row("store", x.T("cli.credentials.store", "Root", s.Root, "Version", s.Version, "Line", string(s.Line)))
	}
	if res.DBRoute != "" {
		row("database", x.T("cli.apply.reached", "Route", res.DBRoute.TitleMsg()))
	}
	for i, l := range res.Removed {
		if i < len(res.removedMsgs) {
			l = x.Msg(res.removedMsgs[i])
		}
		row("removed", x.T("cli.apply.removed", "What", l))
	}
	for i, l := range res.LeftoverErrors {
		if i < len(res.leftoverErrs) {
			l = x.ErrorText(res.leftoverErrs[i])
		}
		row("warning", l)
	}
	for i, l := range res.Earlier {
		if i < len(res.earlierMsgs) {
			l = x.Msg(res.earlierMsgs[i])
		}
		row("earlier", l)
	}
	if res.Journal != "" {
		row("undo", x.T("cli.apply.undo", "Name", Name, "ID", res.Journal))
	}
	if d := res.DisplayErrors; d != nil && d.Reverted != "" {
		row("display", x.T("cli.apply.display.reverted", "Count", res.PHPMessages, "Why", text(d.Reverted, d.reverted)))
	} else if d != nil && d.Switched {
		row("display", x.T("cli.apply.display.switched", "Count", res.PHPMessages, "Record", d.Record))
	} else if res.PHPMessages > 0 {
		row("display", x.T("cli.apply.display.on", "Count", res.PHPMessages, "Name", Name))
	}
	if p := res.Package; p != nil {
		if p.Resumed {
			row("package", x.T("cli.apply.package.resumed", "ID", p.Manifest))
		}
		row("package", x.T("cli.apply.package.sent", "Count", p.Sent, "Same", p.Same, "ID", p.Manifest))
	}
	if m := res.Modification; m != nil {
		switch {
		case m.Note != "":
			row("ocmod", text(m.Note, m.note))
		case m.Same:
			row("ocmod", x.T("cli.apply.ocmod.same", "Code", m.Code))
		default:
			row("ocmod", x.T("cli.apply.ocmod.registered", "Code", m.Code))
		}
	}
	if a := res.Access; a != nil {
		if u := a.APIUser; u != nil {
			row("api_user", x.T("cli.apply.api_user", "ID", u.APIID, "Created", yesNo(x, u.Created), "Updated", yesNo(x, u.Updated), "IPs", fmt.Sprint(u.IPsAdded)))
		}
		if a.Config != "" {
			row("config", x.T("cli.apply.config_updated", "File", a.Config))
		}
		if a.Cron != "" {
			row("cron", x.T("cli.apply.cron."+a.Cron))
		}
		if a.CronNote != "" {
			row("cron", text(a.CronNote, a.cronNote))
		}
	}
	if s := res.Settings; s != nil {
		switch s.Via {
		case settings.ViaAdmin:
			row("settings", x.T("cli.apply.settings.admin"))
		case settings.ViaDatabase:
			row("settings", x.T("cli.apply.settings.database", "Why", text(s.Why, s.why)))
			if s.Direct != nil {
				for i, d := range s.Direct.Done {
					if i < len(s.Direct.DoneMsgs) {
						d = x.Msg(s.Direct.DoneMsgs[i])
					}
					row("", d)
				}
				row("undo", x.T("cli.apply.settings.backup", "File", s.Direct.Backup))
				for _, t := range s.Direct.MissingTables {
					row("to_do", x.T("cli.apply.settings.create_table", "Table", t.Name, "Create", t.Create))
				}
				for i, n := range s.Direct.Notes {
					if i < len(s.Direct.NoteMsgs) {
						n = x.Msg(s.Direct.NoteMsgs[i])
					}
					row("note", n)
				}
			}
		case settings.ViaNone:
			row("settings", x.T("cli.apply.settings.none"))
		}
	}
	for _, in := range res.masked(reveal).Show {
		row("copy", res.infoLabel(x, in)+": "+in.Value)
	}
	for _, n := range res.Notices {
		row("note", text(n, res.noticeMsgs[n]))
	}
}

// infoLabel is the label of a value to hand over, in the user's language.
func (res *applyResult) infoLabel(x *cmdContext, in integrations.Info) string {
	for _, l := range res.labels {
		if l.english == in.Label {
			return x.Msg(l.m)
		}
	}
	if in.Key == "" {
		return in.Label
	}
	return x.Msg(msg.Msg{Key: "info." + in.Key, Own: in.Label})
}

// yesNo is a yes-or-no fact as the result prints it.
func yesNo(x *cmdContext, b bool) string {
	if b {
		return x.T("cli.true")
	}
	return x.T("cli.false")
}
