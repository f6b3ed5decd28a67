package app

import (
	"context"
	"sync"

	"github.com/ocsetup/ocsetup/installer/db"
	"github.com/ocsetup/ocsetup/installer/deploy"
	"github.com/ocsetup/ocsetup/installer/integrations"
	"github.com/ocsetup/ocsetup/installer/journal"
	"github.com/ocsetup/ocsetup/installer/msg"
	"github.com/ocsetup/ocsetup/installer/remote"
	"github.com/ocsetup/ocsetup/installer/store"
)

// Session is the connection of one setup: the site, its pool, the stores
// found and the one chosen. The GUI and the CLI both work through it.
type Session struct {
	dataDir string
	// reg is the integrations the session can set up.
	reg *integrations.Registry

	mu     sync.Mutex
	site   remote.Site
	pool   *remote.Pool
	stores []store.Store
	chosen *store.Store
	// accepted are the fingerprints the user trusted in this session, by
	// server address: the decision holds even when that login failed (a
	// wrong password), while the key is saved only after a login works.
	accepted map[string]string
	// acceptedDBCert is the database certificate's fingerprint the user
	// trusted (TrustDBCertificate).
	acceptedDBCert string

	steps steps

	// redact hides the secrets the session has seen (the hosting
	// password, the store's database password, API keys, secret settings)
	// in the texts the GUI shows; the CLI uses the same Redactor.
	redact *Redactor
}

// NewSession keeps trusted keys and certificates in dataDir and sets up
// reg's integrations.
func NewSession(dataDir string, reg *integrations.Registry) *Session {
	return &Session{dataDir: dataDir, reg: reg, redact: NewRedactor()}
}

// DataDir is where the session keeps trusted keys, certificates and records.
func (s *Session) DataDir() string { return s.dataDir }

// Redact hides every secret the session has seen in text shown to the
// user (status lines, errors, details).
func (s *Session) Redact(text string) string { return s.redact.Clean(text) }

// Hide adds secrets to what Redact hides (a value typed into the GUI).
func (s *Session) Hide(secrets ...string) { s.redact.Hide(secrets...) }

// watch makes the store's database password, once read from config.php
// under ctx, one of the hidden secrets.
func (s *Session) watch(ctx context.Context) context.Context {
	return db.WithSecretObserver(ctx, s.redact.Hide)
}

// Integrations are the integrations the session can set up.
func (s *Session) Integrations() *integrations.Registry { return s.reg }

// ConnectResult is what a connection attempt found.
type ConnectResult struct {
	Site   remote.Site
	Start  string
	Stores []store.Store
	// Recovery is what earlier, killed runs left on this site and what
	// connecting did about it: the same as every command that connects
	// (recoverSite). Cleaned, Pending, Interrupted and Notes are its parts.
	Recovery *Recovery
	// Cleaned names what an earlier, interrupted run had left on this
	// site and was removed now (database bridges, temporary admin
	// accounts, temporary API users).
	Cleaned []string
	// Pending are uploads to this site that a crash interrupted: the user
	// is offered to finish or roll them back.
	Pending []*deploy.Manifest
	// Interrupted are setups on this site that were killed before they
	// finished: the user is offered to complete or undo them.
	Interrupted []*journal.Journal
	// Notes are things the user should know (a leftover that could not be
	// removed).
	Notes []string
	// NoteErrors are Notes as errors, for the app to show in the user's
	// language.
	NoteErrors []error
}

// Connect logs in and looks for stores. accept is a fingerprint the user
// accepted after a KindUnknownKey error ("" on the first try). A previous
// connection is closed once the new one works.
func (s *Session) Connect(ctx context.Context, site remote.Site, accept string) (*ConnectResult, error) {
	if site.Host == "" || site.User == "" {
		return nil, msg.NewError("error.app.server_and_user")
	}
	ctx = s.watch(ctx)
	s.Hide(site.Password, site.KeyPassphrase)
	s.mu.Lock()
	if accept != "" {
		if s.accepted == nil {
			s.accepted = map[string]string{}
		}
		s.accepted[site.Addr()] = accept
	} else {
		accept = s.accepted[site.Addr()]
	}
	s.mu.Unlock()
	trust := remote.NewTrust(s.dataDir)
	trust.Accept = accept
	pool, err := remote.Open(ctx, site, trust, 0)
	if err != nil {
		return nil, err
	}
	res, err := Detect(ctx, pool)
	if err != nil {
		pool.Close()
		return nil, err
	}
	out := &ConnectResult{Site: site, Start: res.Start, Stores: res.Stores}
	s.cleanupLeftovers(ctx, pool, out)
	s.mu.Lock()
	old := s.pool
	s.site, s.pool, s.stores, s.chosen = site, pool, res.Stores, nil
	if len(res.Stores) == 1 {
		st := res.Stores[0]
		s.chosen = &st
	}
	s.mu.Unlock()
	if old != nil {
		old.Close()
	}
	return out, nil
}

// cleanupLeftovers removes what earlier, killed runs left on this site
// and finds what they interrupted, exactly as apply does (recoverSite);
// a store's database is opened only when a leftover is in it.
func (s *Session) cleanupLeftovers(ctx context.Context, pool *remote.Pool, out *ConnectResult) {
	rec := recoverSite(ctx, s.dataDir, pool, out.Stores, connectStoreDB(pool, db.Options{DataDir: s.dataDir}))
	out.Recovery = rec
	out.Cleaned, out.Notes, out.NoteErrors, out.Pending, out.Interrupted = rec.Removed, rec.Failed, rec.FailedErrors, rec.Pending, rec.Interrupted
}

// Choose picks one of the stores found.
func (s *Session) Choose(root string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, st := range s.stores {
		if st.Root == root {
			st := st
			s.chosen = &st
			return true
		}
	}
	return false
}

// Store is the chosen store; ok is false until one is chosen.
func (s *Session) Store() (store.Store, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.chosen == nil {
		return store.Store{}, false
	}
	return *s.chosen, true
}

// Pool is the open connection pool (nil before Connect).
func (s *Session) Pool() *remote.Pool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pool
}

// Close ends the connection and what the steps opened.
func (s *Session) Close() {
	s.closeSteps()
	s.mu.Lock()
	p := s.pool
	s.pool = nil
	s.mu.Unlock()
	if p != nil {
		p.Close()
	}
}

// Site is the connected site (with its secrets, in memory only).
func (s *Session) Site() (remote.Site, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.site, s.pool != nil
}
