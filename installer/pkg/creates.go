package pkg

import (
	"io"
	"regexp"
	"sort"
	"strings"
)

// Creates is what an extension's install code makes in the database: the
// tables (without the prefix) and the event codes. A store where they are
// missing has files and settings but not the extension's own install(),
// and its checkout fails at the first query on those tables.
type Creates struct {
	Tables []string `json:"tables,omitempty"`
	Events []string `json:"events,omitempty"`
}

// Empty reports that the install code creates nothing ocsetup can name.
func (c Creates) Empty() bool { return len(c.Tables) == 0 && len(c.Events) == 0 }

var (
	// CREATE TABLE [IF NOT EXISTS] `" . DB_PREFIX . "name`, in the forms
	// modules write it: backquoted or not, the prefix concatenated.
	createTableRE = regexp.MustCompile(`(?i)CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?` + "`?" + `\s*["']\s*\.\s*DB_PREFIX\s*\.\s*["']\s*([A-Za-z0-9_]+)`)
	// addEvent('code', … (up to 3.x and 4.0.0–4.0.1) and
	// addEvent(['code' => 'code', … (4.0.2 and later).
	addEventRE = regexp.MustCompile(`addEvent\(\s*(?:\[\s*['"]code['"]\s*=>\s*)?['"]([A-Za-z0-9_.\-]+)['"]`)
)

// InstallCreates reads the package's admin PHP files (controllers and
// models, where install() lives) for the tables and events they create.
// It reads what the code says, not what it would do at run time: a table
// whose name is computed is not found, so an empty answer proves nothing.
func (p *Package) InstallCreates() (Creates, error) {
	tables, events := map[string]bool{}, map[string]bool{}
	for _, f := range p.Files {
		if !strings.HasSuffix(f.Path, ".php") || !isAdminCode(f.Path) {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return Creates{}, err
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return Creates{}, err
		}
		src := string(b)
		for _, m := range createTableRE.FindAllStringSubmatch(src, -1) {
			tables[m[1]] = true
		}
		for _, m := range addEventRE.FindAllStringSubmatch(src, -1) {
			events[m[1]] = true
		}
	}
	return Creates{Tables: sortedKeys(tables), Events: sortedKeys(events)}, nil
}

// isAdminCode: admin/controller|model/… up to 3.x, <folder>/admin/… or
// admin/… inside a 4.x extension.
func isAdminCode(p string) bool {
	return strings.Contains("/"+p, "/admin/controller/") || strings.Contains("/"+p, "/admin/model/")
}

func sortedKeys(m map[string]bool) []string {
	if len(m) == 0 {
		return nil
	}
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
