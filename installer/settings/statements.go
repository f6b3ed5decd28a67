package settings

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/ocsetup/ocsetup/installer/db"
	"github.com/ocsetup/ocsetup/installer/store"
)

// statements declares the transaction.
func (w *writer) statements(tx db.Tx) error {
	w.res.Done = nil
	w.installExtensions(tx)
	if err := w.grant(tx); err != nil {
		return err
	}
	w.addEvents(tx)
	created := w.createStatuses(tx)
	w.writeSettings(tx, created)
	return nil
}

// installExtensions: model/setting/extension install() of each code not
// yet installed; on 4.x with its extension column, extension_install and
// extension_path (oc@4.0.2.3:upload/admin/controller/marketplace/installer.php).
func (w *writer) installExtensions(tx db.Tx) {
	for _, e := range w.exts {
		if w.installed[e.Code] {
			continue
		}
		if w.line.AtLeast(store.Line40) {
			tx.Exec("INSERT INTO "+w.table("extension")+" (`extension`, `type`, `code`) VALUES (?, ?, ?)", e.Folder, e.Type, e.Code)
		} else {
			tx.Exec("INSERT INTO "+w.table("extension")+" (`type`, `code`) VALUES (?, ?)", e.Type, e.Code)
		}
		w.res.done("settings.direct.done.extension", "Type", e.Type, "Code", e.Code)
	}
	if !w.line.AtLeast(store.Line40) {
		return
	}
	if w.hasRows("extension_install") {
		return
	}
	p := w.opt.Package
	if p.Name == "" {
		p.Name = w.plan.Extension.Folder
	}
	if p.Version == "" {
		p.Version = "1.0"
	}
	cols := []string{"extension_id", "extension_download_id", "name", "code", "version", "author", "link", "status"}
	args := []any{0, 0, p.Name, w.plan.Extension.Folder, p.Version, p.Author, p.Link, 1}
	if w.sc.HasColumn("extension_install", "description") {
		cols, args = append(cols, "description"), append(args, "")
	}
	place := strings.Repeat("?, ", len(args)) + "NOW()"
	ins := tx.Exec("INSERT INTO "+w.table("extension_install")+" (`"+strings.Join(cols, "`, `")+"`, `date_added`) VALUES ("+place+")", args...)
	for _, path := range w.opt.ExtensionPaths {
		tx.Exec("INSERT INTO "+w.table("extension_path")+" (`extension_install_id`, `path`) VALUES (?, ?)", ins.InsertID(), path)
	}
	w.res.done("settings.direct.done.folder", "Folder", w.plan.Extension.Folder, "Count", len(w.opt.ExtensionPaths))
}

// hasRows reports whether the backup found rows of a table (read before
// the transaction).
func (w *writer) hasRows(table string) bool {
	for _, s := range w.prev.Slices {
		if s.Table == table && len(s.Rows) > 0 {
			return true
		}
	}
	return false
}

// grant adds access and modify permissions to the Administrator group, as
// model/user/user_group addPermission() does, in the line's encoding.
func (w *writer) grant(tx db.Tx) error {
	var cur string
	for _, s := range w.prev.Slices {
		if s.Table == "user_group" && len(s.Rows) == 1 && s.Rows[0]["permission"] != nil {
			cur = *s.Rows[0]["permission"]
		}
	}
	p, err := decodePermissions(w.line, cur)
	if err != nil {
		return fmt.Errorf("the Administrator group's permissions cannot be read: %w", err)
	}
	routes := []string{w.plan.Extension.PermissionRoute(w.line)}
	if w.plan.SubPermissions {
		for _, e := range w.plan.SubMethods {
			routes = append(routes, e.PermissionRoute(w.line))
		}
	}
	routes = append(routes, w.plan.ExtraPermissions...)
	changed := false
	for _, r := range routes {
		a, m := p.add("access", r), p.add("modify", r)
		changed = changed || a || m
	}
	if !changed {
		return nil
	}
	v, err := p.encode(w.line)
	if err != nil {
		return err
	}
	tx.Exec("UPDATE "+w.table("user_group")+" SET permission = ? WHERE user_group_id = ?", v, w.group)
	w.res.done("settings.direct.done.permissions", "Routes", strings.Join(routes, ", "))
	return nil
}

// addEvents replaces the extension's events by code, as amazon_ps's
// deleteEvents()/addEvents() do.
func (w *writer) addEvents(tx db.Tx) {
	if len(w.plan.Events) == 0 {
		return
	}
	if w.eventCols == nil {
		w.res.note("settings.direct.note.no_events")
		return
	}
	seen := map[string]bool{}
	for _, e := range w.plan.Events {
		if !seen[e.Code] {
			seen[e.Code] = true
			tx.Exec("DELETE FROM "+w.table("event")+" WHERE `code` = ?", e.Code)
		}
	}
	for _, e := range w.plan.Events {
		cols := []string{"code", "trigger", "action"}
		vals := []string{"?", "?", "?"}
		args := []any{e.Code, e.Trigger, e.Action}
		for _, extra := range []struct {
			col, val string
			arg      any
		}{{"description", "?", ""}, {"status", "?", 1}, {"sort_order", "?", 0}, {"date_added", "NOW()", nil}} {
			if w.eventCols[extra.col] {
				cols, vals = append(cols, extra.col), append(vals, extra.val)
				if extra.val == "?" {
					args = append(args, extra.arg)
				}
			}
		}
		tx.Exec("INSERT INTO "+w.table("event")+" (`"+strings.Join(cols, "`, `")+"`) VALUES ("+strings.Join(vals, ", ")+")", args...)
	}
	w.res.done("settings.direct.done.events", "Count", len(w.plan.Events))
}

// createStatuses adds the order statuses the settings name and the store
// lacks, in every language with one id (as localisation/order_status
// addOrderStatus() does); it returns their insert ids by name.
func (w *writer) createStatuses(tx db.Tx) map[string]any {
	out := map[string]any{}
	for key, names := range w.statusNeeds() {
		if len(w.langs) == 0 {
			continue
		}
		first := tx.Exec("INSERT INTO "+w.table("order_status")+" (`language_id`, `name`) VALUES (?, ?)", w.langs[0], names[0])
		for _, l := range w.langs[1:] {
			tx.Exec("INSERT INTO "+w.table("order_status")+" (`order_status_id`, `language_id`, `name`) VALUES (?, ?, ?)", first.InsertID(), l, names[0])
		}
		out[key] = first.InsertID()
		w.res.done("settings.direct.done.order_status", "Name", fmt.Sprintf("%q", names[0]))
	}
	return out
}

// writeSettings runs each editSetting(): every store-0 row of the code
// goes, then a row per key, arrays in the line's encoding.
func (w *writer) writeSettings(tx db.Tx, created map[string]any) {
	for _, g := range w.groups {
		tx.Exec("DELETE FROM "+w.table("setting")+" WHERE store_id = 0 AND `"+w.codeCol+"` = ?", g.Code)
		for _, s := range g.Settings {
			var value any = s.Value
			ser := 0
			switch {
			case s.IsList:
				value, ser = encodeList(w.line, s.List), 1
			case len(s.Status) > 0 && s.Value == "":
				if id := w.statusID(s.Status); id != 0 {
					value = strconv.FormatInt(id, 10)
				} else if ref, ok := created[strings.ToLower(s.Status[0])]; ok {
					value = ref
				}
			}
			tx.Exec("INSERT INTO "+w.table("setting")+" (store_id, `"+w.codeCol+"`, `key`, `value`, serialized) VALUES (0, ?, ?, ?, ?)", g.Code, s.Key, value, ser)
		}
		w.res.done("settings.direct.done.settings", "Count", len(g.Settings), "Code", g.Code)
	}
}

// administratorGroupID is user group 1 (Administrator, "Top
// Administrator" on 1.5), else the one of that name.
func administratorGroupID(ctx context.Context, d db.DB, sc *db.Schema) (int64, error) {
	t, err := db.Table(sc.Prefix, "user_group")
	if err != nil {
		return 0, err
	}
	row, err := d.QueryRow(ctx, "SELECT user_group_id FROM "+t+" WHERE user_group_id = 1 OR name IN ('Administrator', 'Top Administrator') ORDER BY user_group_id LIMIT 1")
	if err != nil {
		return 0, fmt.Errorf("could not find the Administrator user group: %w", err)
	}
	return strconv.ParseInt(row.String("user_group_id"), 10, 64)
}
