package pkg

import (
	"fmt"
	"regexp"
	"strings"
)

// SQLScript is install.sql read the way OpenCart 2.x runs it
// (oc@2.0.3.1:upload/admin/controller/extension/installer.php, sql()):
// line by line, skipping lines that start with "--" or "#", a statement
// ending at a line whose last non-blank character is ";", and every
// " `oc_" (space, backtick, oc_) replaced by the store's table prefix
// before the statement is sent. 3.x and 4.x never run it.
type SQLScript struct {
	MetaFile
	// Statements as OpenCart would send them, before the prefix is
	// replaced; ForPrefix applies it.
	Statements []string
	// Tables lists each table a statement creates, alters, fills or drops,
	// as written, without backticks.
	Tables []string
	// UsesPrefix is set when the script contains " `oc_", which OpenCart
	// rewrites to the store's prefix.
	UsesPrefix bool
	// PrefixedTables use that exact form and follow the store's prefix.
	PrefixedTables []string
	// FixedTables start with oc_ but are not written as " `oc_…": they keep
	// the oc_ prefix on a store whose prefix differs.
	FixedTables []string
	// Destructive lists DROP, TRUNCATE and DELETE statements (their start).
	Destructive []string
	// Problems found in the script, in plain language.
	Problems []string

	seen map[string]bool // "list\x00table" pairs already added
}

// The table a statement works on, after its leading keywords. The
// separator before the name is captured so " `oc_" can be told apart from
// "\n`oc_", which OpenCart does not rewrite.
var sqlTarget = regexp.MustCompile("(?is)^(?:create\\s+(?:temporary\\s+)?table(?:\\s+if\\s+not\\s+exists)?" +
	"|alter\\s+(?:ignore\\s+)?table|drop\\s+(?:temporary\\s+)?table(?:\\s+if\\s+exists)?|truncate(?:\\s+table)?" +
	"|insert\\s+(?:(?:low_priority|delayed|high_priority|ignore)\\s+)*into|replace\\s+(?:(?:low_priority|delayed)\\s+)*into" +
	"|update(?:\\s+(?:low_priority|ignore))*|delete\\s+(?:(?:low_priority|quick|ignore)\\s+)*from|rename\\s+table)" +
	"(\\s+)(`[^`]+`|[A-Za-z0-9_$]+)")

func parseSQL(m MetaFile) *SQLScript {
	s := &SQLScript{MetaFile: m}
	if m.TooLarge {
		s.Problems = append(s.Problems, fmt.Sprintf("%d bytes, too large to inspect", m.Size))
		return s
	}
	text := string(m.Data)
	if strings.HasPrefix(text, "\ufeff") {
		s.Problems = append(s.Problems, "starts with a byte-order mark, which OpenCart sends to MySQL as part of the first statement")
	}
	s.UsesPrefix = strings.Contains(text, " `oc_")
	var cur strings.Builder
	lineNo, startLine := 0, 0
	// PHP's file() keeps each line's "\n"; so does SplitAfter.
	for _, line := range strings.SplitAfter(text, "\n") {
		lineNo++
		if line == "" || strings.HasPrefix(line, "--") || strings.HasPrefix(line, "#") {
			continue
		}
		if cur.Len() == 0 {
			startLine = lineNo
		}
		cur.WriteString(line)
		if strings.HasSuffix(strings.TrimRight(line, " \t\r\n\v\f"), ";") {
			s.addStatement(cur.String(), startLine)
			cur.Reset()
		}
	}
	if rest := strings.TrimSpace(cur.String()); rest != "" {
		s.Problems = append(s.Problems, fmt.Sprintf("the text from line %d on does not end with \";\", so OpenCart never runs it", startLine))
	}
	return s
}

func (s *SQLScript) addStatement(stmt string, line int) {
	s.Statements = append(s.Statements, stmt)
	body := strings.TrimSpace(stripLeadingComments(stmt))
	if strings.Contains(strings.TrimSuffix(stripLiterals(body), ";"), ";") {
		s.Problems = append(s.Problems, fmt.Sprintf("line %d holds more than one statement; OpenCart sends them as one query, which MySQL rejects", line))
	}
	upper := strings.ToUpper(body)
	if strings.HasPrefix(upper, "DROP") || strings.HasPrefix(upper, "TRUNCATE") || strings.HasPrefix(upper, "DELETE") {
		s.Destructive = append(s.Destructive, firstLine(body))
	}
	m := sqlTarget.FindStringSubmatch(body)
	if m == nil {
		return
	}
	sep, name := m[1], m[2]
	quoted := strings.HasPrefix(name, "`")
	name = strings.Trim(name, "`")
	s.addTable(&s.Tables, "all", name)
	switch {
	case !strings.HasPrefix(name, "oc_"):
	case quoted && strings.HasSuffix(sep, " "):
		s.addTable(&s.PrefixedTables, "prefixed", name)
	default:
		s.addTable(&s.FixedTables, "fixed", name)
	}
}

// addTable appends name to list once.
func (s *SQLScript) addTable(list *[]string, kind, name string) {
	if s.seen == nil {
		s.seen = map[string]bool{}
	}
	if k := kind + "\x00" + name; !s.seen[k] {
		s.seen[k] = true
		*list = append(*list, name)
	}
}

// ForPrefix returns the statements with OpenCart's replacement applied for
// a store whose DB_PREFIX is prefix.
func (s *SQLScript) ForPrefix(prefix string) []string {
	out := make([]string, len(s.Statements))
	for i, st := range s.Statements {
		out[i] = strings.ReplaceAll(st, " `oc_", " `"+prefix)
	}
	return out
}

// stripLeadingComments drops /* … */ blocks and blank space at the start.
func stripLeadingComments(s string) string {
	for {
		s = strings.TrimLeft(s, " \t\r\n")
		if !strings.HasPrefix(s, "/*") {
			return s
		}
		end := strings.Index(s, "*/")
		if end < 0 {
			return ""
		}
		s = s[end+2:]
	}
}

// stripLiterals removes quoted strings and identifiers, so a ";" inside
// 'text' is not taken for a statement end.
func stripLiterals(s string) string {
	var b strings.Builder
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote == 0 && (c == '\'' || c == '"' || c == '`'):
			quote = c
		case quote == 0:
			b.WriteByte(c)
		case c == '\\' && quote != '`':
			i++
		case c == quote:
			quote = 0
		}
	}
	return b.String()
}

func firstLine(s string) string {
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		s = s[:i]
	}
	if r := []rune(s); len(r) > 100 {
		s = string(r[:100]) + "…"
	}
	return s
}
