//go:build unix

package testenv

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
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
	q := func(query string, args ...any) error {
		_, err := db.ExecContext(ctx, strings.ReplaceAll(query, "DB.", "`"+rs.Database+"`."), args...)
		return err
	}
	if err := q("UPDATE DB.oc_setting SET value = '1' WHERE `key` = 'config_error_display' AND store_id = 0"); err != nil {
		return err
	}
	files := map[string]string{}
	var action string
	switch rs.Line {
	case "2.3":
		return nil
	case "3.0":
		for _, app := range []string{"catalog", "admin"} {
			files[app+"/controller/extension/module/"+NoiseCode+".php"] = "<?php\nclass ControllerExtensionModuleOcnoise extends Controller {" + noiseBody + "}\n"
		}
		action = "extension/module/" + NoiseCode + "/noise"
	default: // 4.x: an extension folder, registered so that its namespace loads
		for _, app := range []string{"catalog", "admin"} {
			ns := "Opencart\\" + strings.ToUpper(app[:1]) + app[1:] + "\\Controller\\Extension\\Ocnoise\\Module"
			files["extension/"+NoiseCode+"/"+app+"/controller/module/"+NoiseCode+".php"] = "<?php\nnamespace " + ns + ";\nclass Ocnoise extends \\Opencart\\System\\Engine\\Controller {" + noiseBody + "}\n"
		}
		action = "extension/" + NoiseCode + "/module/" + NoiseCode + ".noise"
		if err := q("INSERT INTO DB.oc_extension (extension, type, code) VALUES (?, 'module', ?)", NoiseCode, NoiseCode); err != nil {
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
	cols, vals := "code, `trigger`, action, status, sort_order", "?, ?, ?, 1, 0"
	if rs.Line != "3.0" {
		cols, vals = "code, description, `trigger`, action, status, sort_order", "?, 'ocsetup test noise', ?, ?, 1, 0"
	}
	for _, app := range []string{"catalog", "admin"} {
		if err := q(fmt.Sprintf("INSERT INTO DB.oc_event (%s) VALUES (%s)", cols, vals), NoiseCode, app+"/controller/*/before", action); err != nil {
			return err
		}
	}
	return nil
}
