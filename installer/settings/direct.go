package settings

import (
	"context"
	"errors"
	"regexp"
	"strconv"
	"strings"

	"github.com/ocsetup/ocsetup/installer/admin"
	"github.com/ocsetup/ocsetup/installer/db"
	"github.com/ocsetup/ocsetup/installer/integrations"
	"github.com/ocsetup/ocsetup/installer/msg"
	"github.com/ocsetup/ocsetup/installer/store"
)

var columnRE = regexp.MustCompile(`^[a-z_][a-z0-9_]*$`)

// DirectOptions tune WriteDirect.
type DirectOptions struct {
	// DataDir is the app's data folder, where the previous rows are kept
	// (required: without it nothing is written).
	DataDir string
	// ExtensionPaths are the 4.x extension's folders and files below
	// extension/ ("despatch_cloud", "despatch_cloud/admin/controller/module/despatch_cloud.php"…),
	// for its extension_path rows. 4.x only; required there.
	ExtensionPaths []string
	// Package describes the 4.x extension for extension_install.
	Package PackageInfo
}

// PackageInfo is a 4.x extension's install.json.
type PackageInfo struct {
	Name, Version, Author, Link string
}

// DirectResult says what WriteDirect did.
type DirectResult struct {
	// Backup is the file with the rows as they were (see Undo).
	Backup string `json:"backup"`
	// Done lists the changes, in plain words.
	Done []string `json:"done"`
	// MissingTables are tables the extension's install() creates that the
	// store lacks; the database channel runs no DDL, so the user is given
	// the statements (with the prefix filled in).
	MissingTables []integrations.Table `json:"missing_tables,omitempty"`
	Notes         []string             `json:"notes,omitempty"`
	// DoneMsgs and NoteMsgs are Done and Notes as messages, for the
	// user's language.
	DoneMsgs []msg.Msg `json:"-"`
	NoteMsgs []msg.Msg `json:"-"`
}

// done records a change made.
func (r *DirectResult) done(key string, pairs ...any) {
	m := msg.New(key, pairs...)
	r.Done, r.DoneMsgs = append(r.Done, m.English()), append(r.DoneMsgs, m)
}

// note records a note for the user.
func (r *DirectResult) note(key string, pairs ...any) {
	m := msg.New(key, pairs...)
	r.Notes, r.NoteMsgs = append(r.Notes, m.English()), append(r.NoteMsgs, m)
}

// ErrNoFallback: the plan has no known save logic (a custom extension).
var ErrNoFallback error = msg.NewError("error.settings.no_fallback")

// WriteDirect writes a plan straight into the database, reproducing the
// extension's install() and save the way the line's admin runs them
// (docs/opencart.md §4): the extension rows (sub-methods too), the
// Administrator group's permissions in the line's encoding, the events,
// missing order statuses, and every editSetting() call of the save
// handler with the line's code column and array encoding; on 4.x also
// extension_install and extension_path, without which the Extensions page
// removes the extension again. The rows it can touch are read and saved
// first (Backup), and everything is written in one transaction.
func WriteDirect(ctx context.Context, d db.DB, sc *db.Schema, line store.Line, plan *integrations.Plan, opt DirectOptions) (*DirectResult, error) {
	if plan.Extension.Type == "" {
		return &DirectResult{}, nil // nothing to configure (OneBox)
	}
	if plan.SaveGroups(nil) == nil {
		return nil, ErrNoFallback
	}
	if err := db.CheckPrefix(sc.Prefix); err != nil {
		return nil, err
	}
	if err := plan.Extension.Check(line); err != nil {
		return nil, err
	}
	if opt.DataDir == "" {
		return nil, msg.NewError("error.settings.no_data_dir")
	}
	w := &writer{d: d, sc: sc, line: line, plan: plan, opt: opt, res: &DirectResult{}}
	if line.AtLeast(store.Line40) && len(opt.ExtensionPaths) == 0 {
		return nil, msg.NewError("error.settings.upload_first", "Line", string(line), "Folder", plan.Extension.Folder)
	}
	if err := w.prepare(ctx); err != nil {
		return nil, err
	}
	backup, err := readBackup(ctx, d, sc, plan.Profile, w.slices())
	if err != nil {
		return nil, err
	}
	if err := backup.save(opt.DataDir); err != nil {
		return nil, msg.Wrap(err, "error.settings.backup")
	}
	w.res.Backup = backup.File
	w.prev = backup
	if err := d.Tx(ctx, w.statements); err != nil {
		var se *db.SQLError
		if errors.As(err, &se) && se.NotRolledBack {
			// MyISAM kept the statements before the failure: put the
			// kept rows back, so that nothing stays half-written.
			if uerr := Undo(context.WithoutCancel(ctx), d, sc, backup); uerr != nil {
				return w.res, msg.Wrap(err, "error.settings.undo_failed_too", "UndoErr", msg.CauseArg(uerr), "File", backup.File)
			}
			return w.res, msg.Wrap(err, "error.settings.put_back", "File", backup.File)
		}
		return w.res, err
	}
	for _, t := range plan.Tables {
		if !sc.Has(t.Name) {
			t.Create = strings.ReplaceAll(t.Create, "{prefix}", sc.Prefix)
			w.res.MissingTables = append(w.res.MissingTables, t)
		}
	}
	if len(w.res.MissingTables) > 0 {
		w.res.note("settings.direct.note.missing_tables")
	}
	return w.res, nil
}

// writer is one WriteDirect run.
type writer struct {
	d    db.DB
	sc   *db.Schema
	line store.Line
	plan *integrations.Plan
	opt  DirectOptions
	res  *DirectResult
	prev *Backup

	group     int64             // the Administrator group
	langs     []int64           // language ids
	statuses  map[string]int64  // order status name (lower case) → id
	post      integrations.Post // the plan's post over the stored settings
	installed map[string]bool   // extension codes with a row already
	codeCol   string            // setting.code, or setting.group on 1.5
	exts      []admin.Extension // main + sub-methods
	eventCols map[string]bool   // columns of the event table
	groups    []integrations.SettingGroup
}

func (w *writer) table(name string) string {
	t, _ := db.Table(w.sc.Prefix, name) // the prefix was checked
	return t
}

// prepare reads what the statements depend on.
func (w *writer) prepare(ctx context.Context) error {
	w.codeCol = w.sc.SettingGroupColumn()
	if w.codeCol == "" {
		return errors.New("the setting table has neither a code nor a group column")
	}
	var err error
	if w.group, err = administratorGroupID(ctx, w.d, w.sc); err != nil {
		return err
	}
	langs, err := w.d.Query(ctx, "SELECT language_id FROM "+w.table("language")+" ORDER BY language_id")
	if err != nil {
		return err
	}
	for i := 0; i < langs.Len(); i++ {
		id, _ := strconv.ParseInt(langs.Row(i).String("language_id"), 10, 64)
		w.langs = append(w.langs, id)
	}
	w.statuses = map[string]int64{}
	st, err := w.d.Query(ctx, "SELECT order_status_id, name FROM "+w.table("order_status"))
	if err != nil {
		return err
	}
	for i := 0; i < st.Len(); i++ {
		id, _ := strconv.ParseInt(st.Row(i).String("order_status_id"), 10, 64)
		w.statuses[strings.ToLower(st.Row(i).String("name"))] = id
	}
	w.exts = append([]admin.Extension{w.plan.Extension}, w.plan.SubMethods...)
	w.installed = map[string]bool{}
	for _, e := range w.exts {
		row, err := w.d.QueryRow(ctx, "SELECT extension_id FROM "+w.table("extension")+" WHERE `type` = ? AND `code` = ?", e.Type, e.Code)
		switch {
		case err == nil:
			_ = row
			w.installed[e.Code] = true
		case !errors.Is(err, db.ErrNoRows):
			return err
		}
	}
	// The form shows the settings the store has and posts them back; the
	// plan's entries go over them.
	mainCode := w.plan.Extension.SettingCode(w.line)
	rows, err := w.d.Query(ctx, "SELECT `key`, `value`, `serialized` FROM "+w.table("setting")+" WHERE store_id = 0 AND `"+w.codeCol+"` = ?", mainCode)
	if err != nil {
		return err
	}
	var prev integrations.Post
	for i := 0; i < rows.Len(); i++ {
		r := rows.Row(i)
		e := integrations.Entry{Name: r.String("key"), Values: []string{r.String("value")}}
		if r.String("serialized") == "1" {
			e.List, e.Values = true, decodeList(r.String("value"))
			e.Name += "[]"
		}
		prev = append(prev, e)
	}
	w.post = w.plan.Post.Merge(prev)
	w.groups = w.plan.SaveGroups(w.post)
	if w.sc.Has("event") {
		w.eventCols = map[string]bool{}
		for _, c := range w.sc.Columns["event"] {
			w.eventCols[c] = true
		}
	}
	return nil
}

// slices are the rows the statements can touch.
func (w *writer) slices() []Slice {
	var out []Slice
	for _, g := range w.groups {
		out = append(out, Slice{Table: "setting", Where: []Cond{{Column: "store_id", Value: "0"}, {Column: w.codeCol, Value: g.Code}}})
	}
	for _, e := range w.exts {
		out = append(out, Slice{Table: "extension", Where: []Cond{{Column: "type", Value: e.Type}, {Column: "code", Value: e.Code}}})
	}
	out = append(out, Slice{Table: "user_group", Where: []Cond{{Column: "user_group_id", Value: strconv.FormatInt(w.group, 10)}}})
	if w.eventCols != nil {
		seen := map[string]bool{}
		for _, e := range w.plan.Events {
			if !seen[e.Code] {
				seen[e.Code] = true
				out = append(out, Slice{Table: "event", Where: []Cond{{Column: "code", Value: e.Code}}})
			}
		}
	}
	for _, names := range w.statusNeeds() {
		out = append(out, Slice{Table: "order_status", Where: []Cond{{Column: "name", Value: names[0]}}})
	}
	if w.line.AtLeast(store.Line40) {
		f := w.plan.Extension.Folder
		out = append(out,
			Slice{Table: "extension_install", Where: []Cond{{Column: "code", Value: f}}},
			Slice{Table: "extension_path", Where: []Cond{{Column: "path", Value: f}}},
			Slice{Table: "extension_path", Where: []Cond{{Column: "path", Value: likeEscape(f) + "/%", Like: true}}})
	}
	return out
}

// statusNeeds are the order statuses a setting names that the store lacks.
func (w *writer) statusNeeds() map[string][]string {
	out := map[string][]string{}
	for _, g := range w.groups {
		for _, s := range g.Settings {
			if len(s.Status) > 0 && s.Value == "" && w.statusID(s.Status) == 0 {
				out[strings.ToLower(s.Status[0])] = s.Status
			}
		}
	}
	return out
}

func (w *writer) statusID(names []string) int64 {
	for _, n := range names {
		if id := w.statuses[strings.ToLower(n)]; id != 0 {
			return id
		}
	}
	return 0
}

func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(s)
}
