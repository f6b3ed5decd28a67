package app

import (
	"context"
	"errors"
	"io"
	"os"

	"sync"

	"github.com/ocsetup/ocsetup/installer/access"
	"github.com/ocsetup/ocsetup/installer/admin"
	"github.com/ocsetup/ocsetup/installer/check"
	"github.com/ocsetup/ocsetup/installer/db"
	"github.com/ocsetup/ocsetup/installer/deploy"
	"github.com/ocsetup/ocsetup/installer/integrations"
	"github.com/ocsetup/ocsetup/installer/journal"
	"github.com/ocsetup/ocsetup/installer/msg"
	"github.com/ocsetup/ocsetup/installer/pkg"
	"github.com/ocsetup/ocsetup/installer/remote"
	"github.com/ocsetup/ocsetup/installer/settings"
	"github.com/ocsetup/ocsetup/installer/store"
	"github.com/ocsetup/ocsetup/installer/webguard"
)

// The wizard's steps after Connect, as the GUI calls them. Each takes a
// context the user can cancel and keeps its result in the Session, so the
// next step (and Back) find it there.

// steps holds what the steps after Connect produced.
type steps struct {
	mu      sync.Mutex
	pkgPath string
	pkg     *pkg.Package
	plan    *deploy.Plan
	// coreConsent is the plan whose core files the user agreed to replace
	// (the GUI's dialog); a new plan needs a new consent.
	coreConsent *deploy.Plan
	manifest    *deploy.Manifest
	// uploads are every upload of the session, for the summary.
	uploads  []*deploy.Manifest
	creds    *db.Credentials
	db       db.DB
	attempts db.Attempts
	schema   *db.Schema
	apiUser  string
	apiKey   string
	ips      []string
	// values are the profile's answers saved by the Settings step.
	values integrations.Values
	// paymentMethod is the method whose checkout Test proves, as a setup
	// file's payment_method: "" the integration's own, "none" no checkout.
	paymentMethod string
	// What the steps did, for the Finish step's summary.
	apiResult *access.APIResult
	settings  *settings.Result
	// connectorFile is the connector's file the Settings step filled in
	// (OneBox's cron.php), "" when none.
	connectorFile string
	report        check.Report
	reportPath    string
	// journal is the session's setup journal (wizardjournal.go).
	journal *journal.Journal
}

var errNoStore = msg.NewError("error.app.no_store")

func (s *Session) engine(progress func(deploy.Progress)) (*deploy.Engine, error) {
	st, ok := s.Store()
	pool := s.Pool()
	if !ok || pool == nil {
		return nil, errNoStore
	}
	return &deploy.Engine{Files: pool, DataDir: s.dataDir, Trust: remote.NewTrust(s.dataDir), Progress: progress,
		Store: deploy.Store{Site: pool.Site().String(), Root: st.Root, Version: st.Version, AdminDir: st.AdminDir}}, nil
}

// PlanPackage reads a package and says what uploading it would do.
func (s *Session) PlanPackage(ctx context.Context, path string, fixes []deploy.FixID) (*deploy.Plan, error) {
	e, err := s.engine(nil)
	if err != nil {
		return nil, err
	}
	p, err := pkg.Open(path)
	if err != nil {
		return nil, err
	}
	pl, err := e.Plan(ctx, p, deploy.PlanOptions{Fixes: fixes})
	if err != nil {
		p.Close()
		return nil, err
	}
	s.steps.mu.Lock()
	if s.steps.pkg != nil {
		s.steps.pkg.Close()
	}
	s.steps.pkgPath, s.steps.pkg, s.steps.plan = path, p, pl
	s.steps.mu.Unlock()
	return pl, nil
}

// Upload sends the planned package, reporting progress.
func (s *Session) Upload(ctx context.Context, progress func(deploy.Progress)) (*deploy.Manifest, error) {
	e, err := s.engine(progress)
	if err != nil {
		return nil, err
	}
	s.steps.mu.Lock()
	pl, p := s.steps.plan, s.steps.pkg
	s.steps.mu.Unlock()
	if pl == nil || p == nil {
		return nil, msg.NewError("error.app.no_plan")
	}
	if err := deploy.CheckFit(pl); err != nil {
		return nil, err
	}
	// An upload a crash interrupted: the same package finishes it, as
	// apply and upload do; another one waits for its rollback.
	s.steps.mu.Lock()
	e.AllowCoreFiles = s.steps.coreConsent == pl
	s.steps.mu.Unlock()
	m, err := resumableUpload(s.dataDir, e.Files.Site(), e.Store, p)
	if err != nil {
		return nil, err
	}
	if m != nil {
		// The same login, whichever way its site was written down.
		e.Store.Site = m.Store.Site
		err = e.Resume(ctx, m, p)
	} else {
		m, err = e.Upload(ctx, pl, p)
	}
	if m != nil {
		s.steps.mu.Lock()
		s.steps.manifest = m
		s.steps.uploads = append(s.steps.uploads, m)
		s.steps.mu.Unlock()
		s.journalUpload(m.ID)
	}
	return m, err
}

// CoreFiles are the core files (config.php, index.php, .htaccess,
// .user.ini, php.ini) the current plan replaces or adds. Upload refuses
// such a plan until AllowCoreFiles was called for it.
func (s *Session) CoreFiles() []string {
	s.steps.mu.Lock()
	defer s.steps.mu.Unlock()
	if s.steps.plan == nil {
		return nil
	}
	return deploy.CoreFiles(s.steps.plan)
}

// AllowCoreFiles records the user's explicit consent to the current
// plan's core files (the GUI asks in a dialog; the CLI has
// --allow-core-files). It holds for this plan only.
func (s *Session) AllowCoreFiles() {
	s.steps.mu.Lock()
	s.steps.coreConsent = s.steps.plan
	s.steps.mu.Unlock()
}

// Rollback undoes every upload of this session.
func (s *Session) Rollback(ctx context.Context, progress func(deploy.Progress)) error {
	e, err := s.engine(progress)
	if err != nil {
		return err
	}
	s.steps.mu.Lock()
	uploads := append([]*deploy.Manifest(nil), s.steps.uploads...)
	s.steps.mu.Unlock()
	if len(uploads) == 0 {
		return msg.NewError("error.app.nothing_uploaded")
	}
	// Every upload of the session, newest first: the connector's
	// configured file goes back to the package's copy, then the package's
	// files go.
	for i := len(uploads) - 1; i >= 0; i-- {
		if err := e.Rollback(ctx, uploads[i], false); err != nil {
			return err
		}
		s.steps.mu.Lock()
		s.steps.uploads = s.steps.uploads[:i]
		if i > 0 {
			s.steps.manifest = s.steps.uploads[i-1]
		} else {
			s.steps.manifest = nil
		}
		s.steps.mu.Unlock()
	}
	return nil
}

// CredentialsResult is what the Credentials step shows.
type CredentialsResult struct {
	Credentials *db.Credentials
	Route       db.Route
	Attempts    db.Attempts
	Schema      *db.Schema
	// Warnings say that secrets will cross plain HTTP in the next steps
	// (the database bridge, the admin login), as apply warns on the
	// command line: shown before the Access and Settings steps send any.
	Warnings []msg.Msg
}

// UnknownCertificate is the database server's certificate that kept a
// MySQL route from being used because it is neither signed by a known
// authority nor trusted yet (first contact), or nil: what the GUI asks the
// user to trust, showing its fingerprint.
func (r *CredentialsResult) UnknownCertificate() *remote.Error {
	if r == nil {
		return nil
	}
	for _, a := range r.Attempts {
		var e *db.Error
		var re *remote.Error
		if errors.As(a.Err, &e) && e.Kind == db.KindCertificate && errors.As(e.Err, &re) && re.Kind == remote.KindUnknownKey {
			return re
		}
	}
	return nil
}

// UnknownHTTPSCertificate is the store's HTTPS certificate that stopped
// the bridge because no authority signed it and it was never trusted
// (nil when none did): the GUI shows its fingerprint and offers to pin it.
func (r *CredentialsResult) UnknownHTTPSCertificate() *webguard.CertError {
	if r == nil {
		return nil
	}
	for _, a := range r.Attempts {
		if ce := webguard.Certificate(a.Err); ce != nil && ce.Pinnable && ce.Fingerprint != "" {
			return ce
		}
	}
	return nil
}

// TrustHTTPSCertificate pins the store's HTTPS certificate with this
// fingerprint for addr (host:port) in known_certs: the user compared it
// and trusted it (the GUI's dialog); a different one stays refused.
func (s *Session) TrustHTTPSCertificate(addr, fingerprint string) error {
	return remote.NewTrust(s.dataDir).PinCert(addr, fingerprint)
}

// TrustDBCertificate accepts the database server's certificate with this
// fingerprint for the next ReadCredentials (the GUI's Trust button); it is
// pinned in known_certs once a login with it worked.
func (s *Session) TrustDBCertificate(fingerprint string) {
	s.mu.Lock()
	s.acceptedDBCert = fingerprint
	s.mu.Unlock()
}

// ReadCredentials reads config.php and reaches the database by the first
// route that works; the connection stays open for the next steps.
func (s *Session) ReadCredentials(ctx context.Context) (*CredentialsResult, error) {
	ctx = s.watch(ctx)
	st, ok := s.Store()
	pool := s.Pool()
	if !ok || pool == nil {
		return nil, errNoStore
	}
	creds, err := db.Read(ctx, pool, st)
	if err != nil {
		return nil, err
	}
	// The wizard's steps (access, settings, the journal and its undo)
	// run through this connection; the test makes its own.
	opt := db.Options{DataDir: s.dataDir, PlainHTTPLimits: plainHTTPLimits(creds.Prefix, stepSetup)}
	s.mu.Lock()
	if fp := s.acceptedDBCert; fp != "" {
		// The fingerprint the user trusted in the dialog: the MySQL
		// routes accept a certificate with it and pin it once the login
		// worked; any other certificate is still refused.
		opt.Trust = remote.NewTrust(s.dataDir)
		opt.Trust.Accept = fp
	}
	s.mu.Unlock()
	d, attempts, err := db.Connect(ctx, pool, creds, opt)
	if err != nil {
		return &CredentialsResult{Credentials: creds, Attempts: attempts}, err
	}
	sc, err := d.Schema(ctx)
	if err != nil {
		d.Close()
		return nil, err
	}
	s.steps.mu.Lock()
	if s.steps.db != nil {
		s.steps.db.Close()
	}
	s.steps.creds, s.steps.db, s.steps.attempts, s.steps.schema = creds, d, attempts, sc
	s.steps.mu.Unlock()
	res := &CredentialsResult{Credentials: creds, Route: d.Route(), Attempts: attempts, Schema: sc}
	if u := db.PlainHTTP(d); u != "" {
		res.Warnings = append(res.Warnings, db.PlainHTTPMsg(u))
	}
	// A certificate that fails is the Settings step's stop; here only
	// whether the admin has https at all matters.
	if adminURL, err := preferHTTPS(ctx, pool.Trust(), creds.Admin.HTTPSServer, creds.Admin.HTTPServer); err == nil {
		if w := webguard.PlainAdminMsg(adminURL); !w.IsZero() {
			res.Warnings = append(res.Warnings, w)
		}
	}
	return res, nil
}

// ApplyAccess creates or updates the integration's API user.
func (s *Session) ApplyAccess(ctx context.Context, user access.APIUser) (*access.APIResult, error) {
	st, ok := s.Store()
	s.steps.mu.Lock()
	d, sc := s.steps.db, s.steps.schema
	s.steps.mu.Unlock()
	if !ok {
		return nil, errNoStore
	}
	if d == nil {
		return nil, errNoDatabase
	}
	if err := s.journalChange(ctx, "", nil); err != nil {
		return nil, err
	}
	s.Hide(user.Key)
	res, err := access.EnsureAPIUser(ctx, d, sc, st.Line, user)
	if err != nil {
		return nil, err
	}
	s.Hide(res.Key)
	s.steps.mu.Lock()
	s.steps.apiUser, s.steps.apiKey, s.steps.ips, s.steps.apiResult = user.Name, res.Key, user.IPs, res
	s.steps.mu.Unlock()
	return res, nil
}

// SetPaymentMethod chooses the payment method whose checkout Test proves,
// as payment_method: does in a setup file ("none": no checkout check, for
// a store whose API must not be touched).
func (s *Session) SetPaymentMethod(method string) {
	s.steps.mu.Lock()
	s.steps.paymentMethod = method
	s.steps.mu.Unlock()
}

// RunTest runs "Test integration" on what the session set up.
func (s *Session) RunTest(ctx context.Context, integrationID string, progress func(check.Result)) (check.Report, error) {
	ctx = s.watch(ctx)
	st, ok := s.Store()
	pool := s.Pool()
	rep := check.Report{Integration: integrationID}
	if !ok || pool == nil {
		return rep, errNoStore
	}
	s.steps.mu.Lock()
	creds, user, key, ips := s.steps.creds, s.steps.apiUser, s.steps.apiKey, s.steps.ips
	s.steps.mu.Unlock()
	s.steps.mu.Lock()
	values := s.steps.values
	s.steps.mu.Unlock()
	prof, known := s.reg.ByID(integrationID)
	if known && !prof.Needs().APIUser {
		// The API checks cannot apply to an integration that does not use
		// the store's API: they are not run.
		user, key, ips = "", "", nil
	}
	answers := &SetupFile{Integration: integrationID, Settings: map[string]string{}, Access: Access{Cron: "app", APIUser: user, IPs: ips}, profile: prof}
	for k, v := range values {
		answers.Settings[k] = v
	}
	// The answers are in memory; the profile's checks read secrets through
	// getenv, so they are handed over the same way.
	getenv := func(k string) string {
		for f, v := range values {
			if SecretVar(f) == k {
				return v
			}
		}
		return ""
	}
	setup := &check.Setup{Files: pool, Store: st, APIUser: user, APIKey: key, ProviderIPs: ips, Extension: prof.Extension(),
		Profile: profileChecks(prof, answers, getenv), RecordUpload: recordUpload(s.dataDir, pool.Site())}
	if creds != nil {
		setup.StoreURL = preferredStoreURL(creds)
	}
	s.steps.mu.Lock()
	method := s.steps.paymentMethod
	s.steps.mu.Unlock()
	setup.Checkout = checkoutSpec(method, setup.Extension, admin.RecordPlace{DataDir: s.dataDir, Site: pool.Site(), Root: st.Root})
	setup.Connect = func(ctx context.Context, c *db.Credentials) (db.DB, error) {
		d, _, err := db.Connect(ctx, pool, c, db.Options{DataDir: s.dataDir, PlainHTTPLimits: plainHTTPLimits(c.Prefix, stepCheck)})
		return d, err
	}
	secret := []string{key}
	if known {
		for _, f := range prof.Fields(integrations.Target{Line: st.Line, Version: st.Version}) {
			if f.IsSecret() {
				secret = append(secret, values[f.Key])
			}
		}
	}
	if creds != nil {
		secret = append(secret, creds.Password.Reveal())
	}
	rep, err := runReport(ctx, rep, setup, progress, secret)
	if err != nil {
		return rep, err
	}
	if known {
		rep.Integration = prof.Name
	}
	// The report is kept where the Finish step says; failing to keep it
	// does not undo the test, it leaves the path empty.
	path, _ := s.saveReport(rep)
	s.steps.mu.Lock()
	s.steps.report, s.steps.reportPath = rep, path
	s.steps.mu.Unlock()
	return rep, nil
}

// StoreLine is the chosen store's line ("" before one is chosen).
func (s *Session) StoreLine() store.Line {
	st, _ := s.Store()
	return st.Line
}

// closeSteps releases what the steps hold.
func (s *Session) closeSteps() {
	s.steps.mu.Lock()
	defer s.steps.mu.Unlock()
	if s.steps.db != nil {
		s.steps.db.Close()
		s.steps.db = nil
	}
	if s.steps.pkg != nil {
		s.steps.pkg.Close()
		s.steps.pkg = nil
	}
}

// RollbackInterrupted rolls back an upload a crash interrupted (from
// ConnectResult.Pending), restoring what it replaced and removing what it
// created, temporary files included.
func (s *Session) RollbackInterrupted(ctx context.Context, m *deploy.Manifest) error {
	ctx = s.watch(ctx)
	e, err := s.engine(nil)
	if err != nil {
		return err
	}
	if sameSiteURL(m.Store.Site, s.Pool().Site()) {
		// The same login, whichever way its site was written down.
		e.Store.Site = m.Store.Site
	}
	return e.Rollback(ctx, m, false)
}

// OpenSync starts the sync engine on the session's store, as `ocsetup
// sync` does for a setup file; run its Engine.Run in a goroutine and
// Close it when the view goes away. warned (may be nil) is told the
// warnings about plain HTTP that notes gets, as messages.
func (s *Session) OpenSync(ctx context.Context, integrationID string, notes io.Writer, warned func(msg.Msg)) (*SyncSession, error) {
	ctx = s.watch(ctx)
	st, ok := s.Store()
	pool := s.Pool()
	if !ok || pool == nil {
		return nil, errNoStore
	}
	s.steps.mu.Lock()
	prof, _ := s.reg.ByID(integrationID)
	setup := &SetupFile{Site: pool.Site().String(), Store: st.Root, Integration: integrationID, profile: prof,
		Access: Access{APIUser: s.steps.apiUser, IPs: s.steps.ips}, Settings: map[string]string{}}
	// The answers of the Settings step: the job intervals come from there.
	for k, v := range s.steps.values {
		setup.Settings[k] = v
	}
	if s.steps.creds != nil {
		setup.StoreURL = preferredStoreURL(s.steps.creds)
	}
	s.steps.mu.Unlock()
	getenv := func(k string) string {
		if k == DataDirVar {
			return s.dataDir
		}
		return os.Getenv(k)
	}
	// The window shows the warnings through warned, in the user's
	// language; notes keeps their English for a log.
	return OpenSync(ctx, getenv, pool, setup, SyncOptions{RunJobs: true, Warned: warned}, Notes{W: notes, Lang: "en"})
}

// SettingsTarget is what the profiles need of the store (its currency,
// order statuses and address), read over the database the Credentials
// step opened.
func (s *Session) SettingsTarget(ctx context.Context) (integrations.Target, error) {
	st, ok := s.Store()
	s.steps.mu.Lock()
	d, sc, creds := s.steps.db, s.steps.schema, s.steps.creds
	s.steps.mu.Unlock()
	if !ok {
		return integrations.Target{}, errNoStore
	}
	if d == nil {
		return integrations.Target{}, errNoDatabase
	}
	return settings.ReadTarget(ctx, d, sc, st.Line, st.Version, creds.Catalog.HTTPServer)
}

// ApplySettings configures the integration's module the store's own way:
// through its admin with a temporary Administrator account (removed after,
// and after a crash at the next start), or, when the admin cannot be used,
// by writing what the extension's install and save would write.
func (s *Session) ApplySettings(ctx context.Context, id string, values integrations.Values) (*settings.Result, error) {
	ctx = s.watch(ctx)
	prof, ok := s.reg.ByID(id)
	if !ok {
		return nil, msg.NewError("error.app.unknown_integration", "ID", id)
	}
	t, err := s.SettingsTarget(ctx)
	if err != nil {
		return nil, err
	}
	for _, f := range prof.Fields(t) {
		if f.IsSecret() {
			s.Hide(values[f.Key])
		}
	}
	plan, err := prof.Plan(t, values)
	if err != nil {
		return nil, err
	}
	// The journal first, finished however the step ends: uninstall
	// reverses what the settings did.
	ext := plan.Extension
	if err := s.journalChange(ctx, id, &ext); err != nil {
		return nil, err
	}
	defer s.finishJournal(ctx)
	st, _ := s.Store()
	pool := s.Pool()
	s.steps.mu.Lock()
	d, sc, creds := s.steps.db, s.steps.schema, s.steps.creds
	s.steps.mu.Unlock()
	req := settings.Request{Plan: plan, Line: st.Line, Mode: settings.Auto, DB: d, Schema: sc,
		Direct: settings.DirectOptions{DataDir: s.dataDir}}
	if plan.Access != nil && plan.Access.ConfigFile != "" {
		// The connector's file (OneBox's cron.php) gets the store's address
		// and the key, through the package's atomic, manifest-recorded
		// upload: only that file differs, so only it is sent.
		if err := s.configureConnector(ctx, plan.Access.CronHost, plan.Access.APIKey); err != nil {
			return nil, err
		}
		s.steps.mu.Lock()
		s.steps.connectorFile = plan.Access.ConfigFile
		s.steps.mu.Unlock()
	}
	s.steps.mu.Lock()
	s.steps.values = values
	s.steps.mu.Unlock()
	adminURL, err := preferHTTPS(ctx, pool.Trust(), creds.Admin.HTTPSServer, creds.Admin.HTTPServer)
	if err != nil {
		return nil, err
	}
	if dialect, err := admin.DialectFor(st.Line, st.Version); err == nil && adminURL != "" {
		place := admin.RecordPlace{DataDir: s.dataDir, Site: pool.Site(), Root: st.Root, Database: sc.Database, Prefix: sc.Prefix}
		req.OpenAdmin = settings.TempAccountOpener(adminURL, dialect, d, sc, place, adminOptions(pool.Trust()))
	}
	res, err := settings.Apply(ctx, req)
	if err == nil {
		s.steps.mu.Lock()
		s.steps.settings = res
		s.steps.mu.Unlock()
	}
	return res, err
}

// configureConnector uploads the session's package again with the
// connector's config file filled in.
func (s *Session) configureConnector(ctx context.Context, host, key string) error {
	s.steps.mu.Lock()
	p := s.steps.pkg
	s.steps.mu.Unlock()
	if p == nil {
		return msg.NewError("error.app.connector_first")
	}
	configured, err := access.ConfigureOneBox(p, host, key)
	if err != nil {
		return err
	}
	e, err := s.engine(nil)
	if err != nil {
		return err
	}
	pl, err := e.Plan(ctx, configured, deploy.PlanOptions{})
	if err != nil {
		return err
	}
	m, err := e.Upload(ctx, pl, configured)
	if m != nil {
		s.steps.mu.Lock()
		s.steps.manifest = m
		s.steps.uploads = append(s.steps.uploads, m)
		s.steps.mu.Unlock()
		s.journalUpload(m.ID)
	}
	return err
}

// APIKey is the key the Access step gave the API user ("" before it ran):
// a connector's key field starts with it.
func (s *Session) APIKey() string {
	s.steps.mu.Lock()
	defer s.steps.mu.Unlock()
	return s.steps.apiKey
}
