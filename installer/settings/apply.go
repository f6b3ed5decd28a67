package settings

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strings"

	"github.com/ocsetup/ocsetup/installer/admin"
	"github.com/ocsetup/ocsetup/installer/db"
	"github.com/ocsetup/ocsetup/installer/integrations"
	"github.com/ocsetup/ocsetup/installer/msg"
	"github.com/ocsetup/ocsetup/installer/pkg"
	"github.com/ocsetup/ocsetup/installer/store"
)

// Mode says how settings may be applied.
type Mode string

// The modes.
const (
	// Auto tries the admin and falls back to the database when no admin
	// session is possible (a failed login, a captcha, no admin address).
	Auto Mode = "auto"
	// AdminOnly never writes settings into the database directly.
	AdminOnly Mode = "admin"
	// DatabaseOnly skips the admin.
	DatabaseOnly Mode = "database"
)

// ParseMode reads a mode ("" is Auto).
func ParseMode(s string) (Mode, error) {
	switch Mode(s) {
	case "", Auto:
		return Auto, nil
	case AdminOnly, DatabaseOnly:
		return Mode(s), nil
	}
	return "", fmt.Errorf("%q: use auto, admin or database", s)
}

// AdminSession is what Apply needs of an admin session (*admin.Session
// has it).
type AdminSession interface {
	Install(ctx context.Context, ext admin.Extension) error
	OpenSettings(ctx context.Context, ext admin.Extension) (*admin.Settings, error)
	Save(ctx context.Context, f *admin.Form) (*admin.SaveResult, error)
	RefreshModifications(ctx context.Context) error
}

// SessionOpener opens an admin session (the merchant's login, or a
// temporary account it makes); done ends it and removes what it made.
type SessionOpener func(ctx context.Context) (s AdminSession, done func(context.Context) error, err error)

// Request is one Apply.
type Request struct {
	Plan *integrations.Plan
	Line store.Line
	Mode Mode
	// OpenAdmin opens the admin session; nil means no admin is reachable.
	OpenAdmin SessionOpener
	DB        db.DB
	Schema    *db.Schema
	Direct    DirectOptions
	// Refresh asks for a modification refresh (the package had
	// install.xml).
	Refresh bool
	// Creates is what the package's install() makes (read from its code):
	// on the database path, where install() does not run, Apply fails when
	// any of it is missing from the store.
	Creates pkg.Creates
}

// Via names the way the settings went in.
type Via string

// The ways.
const (
	ViaAdmin    Via = "admin"    // the store's own forms
	ViaDatabase Via = "database" // the fallback
	ViaNone     Via = "none"     // the profile configures no extension
)

// Result is what Apply did, for the user.
type Result struct {
	Via Via `json:"via"`
	// Why the database was used instead of the admin; WhyMsg is the same
	// as a message, for the app to show in the user's language.
	Why       string              `json:"why,omitempty"`
	WhyMsg    msg.Msg             `json:"-"`
	Installed bool                `json:"installed,omitempty"` // the extension was installed now
	Save      *admin.SaveResult   `json:"save,omitempty"`
	Direct    *DirectResult       `json:"direct,omitempty"`
	Refreshed bool                `json:"refreshed,omitempty"`
	Show      []integrations.Info `json:"show,omitempty"`
	Notices   []string            `json:"notices,omitempty"`
	// NoticeMsgs are the messages of Notices, by their English text, for
	// the app to show in the user's language.
	NoticeMsgs map[string]msg.Msg `json:"-"`
}

// notice adds a notice with its message.
func (r *Result) notice(m msg.Msg) {
	if r.NoticeMsgs == nil {
		r.NoticeMsgs = map[string]msg.Msg{}
	}
	r.Notices = append(r.Notices, m.English())
	r.NoticeMsgs[m.English()] = m
}

// MissingFieldsError: the extension's form lacks fields the profile
// fills, so nothing was saved (a renamed field is not guessed for).
type MissingFieldsError struct {
	Extension string
	Fields    []string
}

func (e *MissingFieldsError) Error() string { return e.Msg().English() }

// Msg is the error as a message, for the app to show in the user's
// language.
func (e *MissingFieldsError) Msg() msg.Msg {
	return msg.New("error.settings.missing_fields", "Extension", e.Extension, "Fields", strings.Join(e.Fields, ", "))
}

// InstallNotRunError: the settings went into the database, but the
// extension's own install() never ran, and what it creates is missing. The
// method may be listed at the checkout, but paying with it fails at the
// first query on its tables: the setup is not done.
type InstallNotRunError struct {
	Extension string
	Tables    []string // with the prefix
	Events    []string
	// Why no admin session was possible; WhyMsg is the same as a
	// message, with its first letter upper-case (zero when none).
	Why    string
	WhyMsg msg.Msg
	// Written: the settings went into the database anyway.
	Written bool
}

func (e *InstallNotRunError) Error() string { return e.Msg().English() }

// Msg is the error as a message, for the app to show in the user's
// language.
func (e *InstallNotRunError) Msg() msg.Msg {
	var missing msg.Msg
	switch {
	case len(e.Tables) > 0 && len(e.Events) > 0:
		missing = msg.New("error.settings.missing_tables_events", "Tables", strings.Join(e.Tables, ", "), "Events", strings.Join(e.Events, ", "))
	case len(e.Tables) > 0:
		missing = msg.New("error.settings.missing_tables", "Tables", strings.Join(e.Tables, ", "))
	default:
		missing = msg.New("error.settings.missing_events", "Events", strings.Join(e.Events, ", "))
	}
	var why any = upperFirst(e.Why)
	if !e.WhyMsg.IsZero() {
		why = e.WhyMsg
	}
	key := "error.settings.install_not_run"
	if e.Written {
		key = "error.settings.install_not_run_written"
	}
	return msg.New(key, "Extension", e.Extension, "Missing", missing, "Why", why)
}

// whyDatabase says why the settings went into the database rather than
// through the admin: key names the reason, cause is the admin's failure.
type whyDatabase struct {
	key   string
	cause error
}

// msg is the reason as a message, starting with a capital when upper.
func (w whyDatabase) msg(upper bool) msg.Msg {
	key := "settings.why." + w.key
	if upper {
		key = "settings.why_upper." + w.key
	}
	if w.cause != nil {
		return msg.New(key, "Cause", msg.CauseArg(w.cause))
	}
	return msg.New(key)
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// installRan checks, after a database write, that what the extension's
// install() creates exists: the profile's known tables (DirectResult's
// MissingTables) and the tables and events the package's code names.
func installRan(ctx context.Context, r Request, d *DirectResult, why whyDatabase) error {
	e := &InstallNotRunError{Extension: r.Plan.Extension.Code, Why: why.msg(false).English(), WhyMsg: why.msg(true), Written: d.Backup != "" || len(d.Done) > 0}
	seen := map[string]bool{}
	for _, t := range d.MissingTables {
		seen[t.Name] = true
		e.Tables = append(e.Tables, r.Schema.Prefix+t.Name)
	}
	for _, t := range r.Creates.Tables {
		if !seen[t] && !r.Schema.Has(t) {
			e.Tables = append(e.Tables, r.Schema.Prefix+t)
		}
	}
	if len(r.Creates.Events) > 0 && r.Schema.Has("event") {
		table, err := db.Table(r.Schema.Prefix, "event")
		if err != nil {
			return err
		}
		for _, code := range r.Creates.Events {
			_, err := r.DB.QueryRow(ctx, "SELECT event_id FROM "+table+" WHERE code = ?", code)
			switch {
			case errors.Is(err, db.ErrNoRows):
				e.Events = append(e.Events, code)
			case err != nil:
				return err
			}
		}
	}
	if len(e.Tables) == 0 && len(e.Events) == 0 {
		return nil
	}
	return e
}

// Apply puts a plan into the store: through the admin when it can (the
// extension's own install() and save run), else, in Auto mode, straight
// into the database (WriteDirect). Result.Via and Why say which way was
// used and why.
func Apply(ctx context.Context, r Request) (*Result, error) {
	p := r.Plan
	res := &Result{Show: p.Show, Notices: append([]string{}, p.Notices...), NoticeMsgs: maps.Clone(p.NoticeMsgs)}
	if p.Extension.Type == "" {
		res.Via = ViaNone
		return res, nil
	}
	var why whyDatabase
	switch {
	case r.Mode == DatabaseOnly:
		why = whyDatabase{key: "database"}
	case r.OpenAdmin == nil:
		why = whyDatabase{key: "no_admin"}
	default:
		err := viaAdmin(ctx, r, res)
		var le *admin.LoginError
		var ae *admin.Error
		switch {
		case err == nil:
			res.Via = ViaAdmin
			return res, nil
		case r.Mode == AdminOnly:
			return res, err
		case errors.As(err, &le), errors.As(err, &ae) && ae.Op == "reach the admin", errors.Is(err, admin.ErrLoggedOut):
			why = whyDatabase{key: "no_session", cause: err}
		default:
			// The admin was reached and answered: its answer stands.
			return res, err
		}
	}
	if p.SaveGroups(nil) == nil {
		// Nothing can be written without the admin; when the package's
		// install() creates something, name it, so the user knows what
		// the store lacks.
		if err := installRan(ctx, r, &DirectResult{}, why); err != nil {
			return res, fmt.Errorf("%w: %w", ErrNoFallback, err)
		}
		return res, msg.Wrap(ErrNoFallback, "error.settings.no_fallback_why", "Why", why.msg(false))
	}
	d, err := WriteDirect(ctx, r.DB, r.Schema, r.Line, p, r.Direct)
	res.Direct = d
	if err != nil {
		return res, err
	}
	res.Via, res.Why, res.WhyMsg = ViaDatabase, why.msg(false).English(), why.msg(false)
	if err := installRan(ctx, r, d, why); err != nil {
		return res, err
	}
	res.Notices = append(res.Notices, p.DatabaseNotices...)
	if r.Refresh {
		res.notice(msg.New("notice.settings.refresh"))
	}
	return res, nil
}

func viaAdmin(ctx context.Context, r Request, res *Result) (err error) {
	s, done, err := r.OpenAdmin(ctx)
	if err != nil {
		return err
	}
	defer func() {
		if derr := done(context.WithoutCancel(ctx)); derr != nil {
			if m, ok := msg.CauseArg(derr).(msg.Msg); ok {
				res.notice(m)
			} else {
				res.Notices = append(res.Notices, derr.Error())
			}
		}
	}()
	p := r.Plan
	if registered, err := RegisterFolder(ctx, r.DB, r.Schema, r.Line, p.Extension.Folder, r.Direct.Package, r.Direct.ExtensionPaths); err != nil {
		return err
	} else if registered {
		res.notice(msg.New("notice.settings.registered", "Folder", p.Extension.Folder))
	}
	installed, err := isInstalled(ctx, r.DB, r.Schema, p.Extension)
	if err != nil {
		return err
	}
	if !installed {
		if err := s.Install(ctx, p.Extension); err != nil {
			return err
		}
		res.Installed = true
	}
	if granted, err := GrantPermissions(ctx, r.DB, r.Schema, r.Line, p.ExtraPermissions...); err != nil {
		return err
	} else if granted {
		res.notice(msg.New("notice.settings.permissions", "Routes", strings.Join(p.ExtraPermissions, ", ")))
	}
	page, err := s.OpenSettings(ctx, p.Extension)
	if err != nil {
		return err
	}
	missing, err := integrations.FillForm(p, page.Form, statusByName)
	if err != nil {
		return err
	}
	if len(missing) > 0 {
		return &MissingFieldsError{Extension: p.Extension.Code, Fields: missing}
	}
	sr, err := s.Save(ctx, page.Form)
	if err != nil {
		return err
	}
	res.Save = sr
	if err := sr.Err(); err != nil {
		return err
	}
	if err := readBack(ctx, r.DB, r.Schema, r.Line, p); err != nil {
		res.Save.Saved = false
		return err
	}
	if r.Refresh {
		switch err := s.RefreshModifications(ctx); {
		case errors.Is(err, admin.ErrNoModifications):
		case err != nil:
			return err
		default:
			res.Refreshed = true
		}
	}
	return nil
}

func isInstalled(ctx context.Context, d db.DB, sc *db.Schema, e admin.Extension) (bool, error) {
	t, err := db.Table(sc.Prefix, "extension")
	if err != nil {
		return false, err
	}
	_, err = d.QueryRow(ctx, "SELECT extension_id FROM "+t+" WHERE `type` = ? AND `code` = ?", e.Type, e.Code)
	if errors.Is(err, db.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// statusByName picks the option of an order status list by its name.
func statusByName(names []string, options []admin.Option) (string, bool) {
	for _, n := range names {
		for _, o := range options {
			if strings.EqualFold(strings.TrimSpace(o.Label), n) {
				return o.Value, true
			}
		}
	}
	return "", false
}
