//go:build unix

package testenv

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// NoiseCode is the code of the noise module's extension and event rows.
const NoiseCode = "ocnoise"

// MakeNoisy turns the store into its noisy twin: one that prints PHP
// messages into every page and before every JSON answer, as many live
// stores on shared hosting do. OpenCart 2.3.0.2 does it by itself on PHP 8.2
// once Display Errors is on (the installer's own setting); on the other
// lines a small module of ours, hooked to every controller of the
// storefront and the admin by events, raises a PHP 8 deprecation on each
// request, as many third-party modules do. Display Errors is on in both
// cases. docs/testing.md describes the twins.
func (e *Env) MakeNoisy(t testing.TB, rs RealStore) {
	t.Helper()
	if err := rs.makeNoisy(context.Background(), e.MySQL); err != nil {
		t.Fatalf("testenv: noisy OpenCart %s: %v", rs.Version, err)
	}
}

// The handler is called with the event's arguments, which it ignores;
// strlen(null) is deprecated since PHP 8.1.
const noiseBody = `
	public function noise() {
		return strlen(null) < 0 ? null : null;
	}
`

func (rs RealStore) makeNoisy(ctx context.Context, m MySQL) error {
	db, err := rootDB(m)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, "UPDATE `"+rs.Database+"`.oc_setting SET value = '1' WHERE `key` = 'config_error_display' AND store_id = 0"); err != nil {
		return err
	}
	if rs.Line == "2.3" {
		return nil
	}
	return rs.addEventModule(ctx, db, NoiseCode, noiseBody, map[string]string{
		"catalog/controller/*/before": "noise",
		"admin/controller/*/before":   "noise",
	})
}

// addEventModule writes a module of ours named code into the store, with
// methods (PHP source inside the controller class) in a controller of the
// catalog and of the admin, and hooks them to events: trigger -> method.
// 2.3 and 3.0 load extension/module/<code> from the applications'
// controller folders; 4.x loads an extension folder's classes once the
// folder is registered (see below).
func (rs RealStore) addEventModule(ctx context.Context, db *sql.DB, code, methods string, events map[string]string) error {
	q := func(query string, args ...any) error {
		_, err := db.ExecContext(ctx, strings.ReplaceAll(query, "DB.", "`"+rs.Database+"`."), args...)
		return err
	}
	camel := strings.ToUpper(code[:1]) + code[1:]
	files := map[string]string{}
	var action func(method string) string
	switch rs.Line {
	case "2.3", "3.0":
		for _, app := range []string{"catalog", "admin"} {
			files[app+"/controller/extension/module/"+code+".php"] = "<?php\nclass ControllerExtensionModule" + camel + " extends Controller {" + methods + "}\n"
		}
		action = func(method string) string { return "extension/module/" + code + "/" + method }
	default: // 4.x: an extension folder, registered so that its namespace loads
		for _, app := range []string{"catalog", "admin"} {
			ns := "Opencart\\" + strings.ToUpper(app[:1]) + app[1:] + "\\Controller\\Extension\\" + camel + "\\Module"
			files["extension/"+code+"/"+app+"/controller/module/"+code+".php"] = "<?php\nnamespace " + ns + ";\nclass " + camel + " extends \\Opencart\\System\\Engine\\Controller {" + methods + "}\n"
		}
		action = func(method string) string { return "extension/" + code + "/module/" + code + "." + method }
		// The storefront loads extension folders from oc_extension, the
		// admin from oc_extension_install (as the extension installer
		// leaves them).
		if err := q("INSERT INTO DB.oc_extension (extension, type, code) VALUES (?, 'module', ?)", code, code); err != nil {
			return err
		}
		cols, vals := "extension_id, extension_download_id, name, code, version, author, link, status, date_added", "0, 0, ?, ?, '1.0', 'ocsetup', '', 1, NOW()"
		if rs.Line == "4.1" {
			cols, vals = cols+", description", vals+", ''"
		}
		if err := q("INSERT INTO DB.oc_extension_install ("+cols+") VALUES ("+vals+")", code, code); err != nil {
			return err
		}
	}
	for rel, src := range files {
		p := filepath.Join(rs.Root, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			return err
		}
		if err := ChownTree(filepath.Join(rs.Root, strings.SplitN(rel, "/", 2)[0]), rs.Owner, rs.Group); err != nil {
			return err
		}
	}
	var cols, vals string
	switch rs.Line {
	case "2.3":
		cols, vals = "code, `trigger`, action, status, date_added", "?, ?, ?, 1, NOW()"
	case "3.0":
		cols, vals = "code, `trigger`, action, status, sort_order", "?, ?, ?, 1, 0"
	default:
		cols, vals = "code, description, `trigger`, action, status, sort_order", "?, 'ocsetup test module', ?, ?, 1, 0"
	}
	triggers := make([]string, 0, len(events))
	for trigger := range events {
		triggers = append(triggers, trigger)
	}
	sort.Strings(triggers)
	for _, trigger := range triggers {
		if err := q(fmt.Sprintf("INSERT INTO DB.oc_event (%s) VALUES (%s)", cols, vals), code, trigger, action(events[trigger])); err != nil {
			return err
		}
	}
	return nil
}
