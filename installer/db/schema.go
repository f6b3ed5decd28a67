package db

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/ocsetup/ocsetup/installer/store"
)

// Schema is what information_schema shows of the store's tables: which
// tables the prefix has, and the columns that tell OpenCart lines apart
// (docs/opencart.md §1 and §3).
type Schema struct {
	Database string `json:"database"`
	Server   string `json:"server"` // VERSION(), e.g. "10.11.6-MariaDB"
	Prefix   string `json:"prefix"`
	// Tables are the prefix's tables, without the prefix, sorted.
	Tables []string `json:"tables"`
	// Engines maps each of those tables to its storage engine ("MyISAM"
	// up to OpenCart 3.x, "InnoDB" from 4.0).
	Engines map[string]string `json:"engines"`
	// Columns of the tables in fingerprintTables that exist, without the
	// prefix, in table order.
	Columns map[string][]string `json:"columns"`
	// Types maps "table.column" to its DATA_TYPE for those tables.
	Types map[string]string `json:"-"`
	// OtherPrefixes are prefixes of other "…setting" tables in the
	// database, when the configured prefix has none (a wrong DB_PREFIX).
	OtherPrefixes []string `json:"other_prefixes,omitempty"`
}

// fingerprintTables are the tables whose columns are read.
var fingerprintTables = []string{"setting", "api", "api_ip", "api_session", "api_history", "extension",
	"extension_install", "extension_path", "modification", "event", "customer", "cart"}

// querier is what readSchema needs.
type querier interface {
	Query(ctx context.Context, query string, args ...any) (*Rows, error)
}

// likeEscape escapes LIKE's wildcards with "!" (the prefix's "_" would
// otherwise match any character).
func likeEscape(s string) string {
	return strings.NewReplacer("!", "!!", "%", "!%", "_", "!_").Replace(s)
}

// readSchema reads the schema through any route. The prefix travels as a
// placeholder here; the caller has checked it anyway.
func readSchema(ctx context.Context, q querier, prefix string) (*Schema, error) {
	s := &Schema{Prefix: prefix, Columns: map[string][]string{}, Types: map[string]string{}, Engines: map[string]string{}}
	row, err := q.Query(ctx, "SELECT DATABASE(), VERSION()")
	if err != nil {
		return nil, err
	}
	if row.Len() == 1 {
		s.Database, s.Server = row.Values[0][0].String, row.Values[0][1].String
	}
	tables, err := q.Query(ctx, "SELECT TABLE_NAME, ENGINE FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME LIKE ? ESCAPE '!'",
		likeEscape(prefix)+"%")
	if err != nil {
		return nil, err
	}
	for _, v := range tables.Values {
		if name := v[0].String; strings.HasPrefix(name, prefix) {
			t := strings.TrimPrefix(name, prefix)
			s.Tables = append(s.Tables, t)
			s.Engines[t] = v[1].String
		}
	}
	sort.Strings(s.Tables)

	args := make([]any, len(fingerprintTables))
	for i, t := range fingerprintTables {
		args[i] = prefix + t
	}
	cols, err := q.Query(ctx, "SELECT TABLE_NAME, COLUMN_NAME, DATA_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME IN (?"+
		strings.Repeat(", ?", len(args)-1)+") ORDER BY TABLE_NAME, ORDINAL_POSITION", args...)
	if err != nil {
		return nil, err
	}
	for _, v := range cols.Values {
		t := strings.TrimPrefix(v[0].String, prefix)
		s.Columns[t] = append(s.Columns[t], v[1].String)
		s.Types[t+"."+v[1].String] = strings.ToLower(v[2].String)
	}

	if !s.Has("setting") {
		others, err := q.Query(ctx, "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME LIKE ?", "%setting")
		if err != nil {
			return nil, err
		}
		for _, v := range others.Values {
			p := strings.TrimSuffix(v[0].String, "setting")
			if p != prefix {
				s.OtherPrefixes = append(s.OtherPrefixes, p)
			}
		}
	}
	return s, nil
}

// Has reports whether the prefix has the table (name without prefix).
func (s *Schema) Has(table string) bool {
	i := sort.SearchStrings(s.Tables, table)
	return i < len(s.Tables) && s.Tables[i] == table
}

// Transactional reports whether every table of the prefix can be rolled
// back (InnoDB and the like). OpenCart up to 3.x creates MyISAM tables,
// where a failed Tx leaves the statements before the failure written.
func (s *Schema) Transactional() bool {
	for _, t := range s.Tables {
		switch strings.ToLower(s.Engines[t]) {
		case "innodb", "xtradb", "rocksdb", "tokudb", "ndbcluster", "ndb":
		default:
			return false
		}
	}
	return len(s.Tables) > 0
}

// HasColumn reports whether a fingerprint table has the column.
func (s *Schema) HasColumn(table, column string) bool {
	for _, c := range s.Columns[table] {
		if c == column {
			return true
		}
	}
	return false
}

// SettingGroupColumn is "group" (1.5) or "code" (2.0 on), "" if unknown.
func (s *Schema) SettingGroupColumn() string {
	switch {
	case s.HasColumn("setting", "code"):
		return "code"
	case s.HasColumn("setting", "group"):
		return "group"
	}
	return ""
}

// APINameColumn is the api table's name column: "username" (2.0, 3.0 on)
// or "name" (2.1–2.3); "" without an api table.
func (s *Schema) APINameColumn() string {
	switch {
	case s.HasColumn("api", "username"):
		return "username"
	case s.HasColumn("api", "name"):
		return "name"
	}
	return ""
}

// APISecretColumn is "key" (2.1 on) or "password" (2.0); "" without one.
func (s *Schema) APISecretColumn() string {
	switch {
	case s.HasColumn("api", "key"):
		return "key"
	case s.HasColumn("api", "password"):
		return "password"
	}
	return ""
}

// Line is the OpenCart line the tables fit, "" when they fit none:
//
//	setting.group                                  1.5
//	setting.code, api.password (no api_ip)         2.0
//	api.name: event.status                         2.3
//	api.name: modification.xml mediumtext or
//	          customer.code                        2.2
//	api.name otherwise                             2.1
//	api.username + key, no extension.extension     3.0
//	extension.extension, no modification table    4.0
//	extension.extension and modification          4.1 (also api_history)
//
// Upgraded stores may keep older columns until the upgrade step runs, so
// Check compares this with VERSION and warns instead of deciding.
func (s *Schema) Line() store.Line {
	switch {
	case s.HasColumn("setting", "group"):
		return store.Line15
	case !s.HasColumn("setting", "code"):
		return ""
	case s.HasColumn("api", "password"):
		return store.Line20
	case s.HasColumn("api", "name"):
		switch {
		case s.HasColumn("event", "status"):
			return store.Line23
		case s.Types["modification.xml"] == "mediumtext" || s.HasColumn("customer", "code"):
			return store.Line22
		}
		return store.Line21
	case s.HasColumn("api", "username") && s.HasColumn("api", "key"):
		switch {
		case !s.HasColumn("extension", "extension"):
			return store.Line30
		case s.Has("modification") || s.Has("api_history"):
			return store.Line41
		}
		return store.Line40
	}
	return ""
}

// Check compares the tables with the VERSION the files show and returns
// what the user should know.
func (s *Schema) Check(version string) []store.Warning {
	if !s.Has("setting") {
		msg := fmt.Sprintf("The database has no table %ssetting, so DB_PREFIX (%q) does not match the store's tables.", s.Prefix, s.Prefix)
		if len(s.OtherPrefixes) > 0 {
			msg += fmt.Sprintf(" The database has OpenCart tables with the prefix %s.", quoteList(s.OtherPrefixes))
		}
		return []store.Warning{{Code: "schema-no-tables", Message: msg}}
	}
	got := s.Line()
	if got == "" {
		return []store.Warning{{Code: "schema-unknown", Message: "The database's tables do not look like any OpenCart line ocsetup knows."}}
	}
	want, ok := store.LineOf(version)
	if !ok || want == got {
		return nil
	}
	return []store.Warning{{Code: "schema-mismatch", Message: fmt.Sprintf(
		"The files say OpenCart %s, but the database's tables look like the %s line. An upgrade may not have finished (its last step changes the tables), or config.php points at another store's database. ocsetup follows what the database shows.",
		version, got)}}
}

func quoteList(list []string) string {
	q := make([]string, len(list))
	for i, s := range list {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, ", ")
}
