package db

import (
	"fmt"
	"strings"
)

// Which statements may run where. A transaction's boundaries belong to
// this package (and to the bridge), never to the SQL it runs: MySQL
// commits implicitly before and after DDL (CREATE, ALTER, DROP, TRUNCATE,
// RENAME), LOCK/UNLOCK TABLES, SET autocommit=1, BEGIN/START TRANSACTION
// and more, and COMMIT/ROLLBACK/SAVEPOINT would end or split ours. So the
// rules are allow-lists, the same here and in assets/bridge/bridge.php:
//
//   - Query: SELECT, SHOW, DESC, DESCRIBE (run in a transaction that is
//     rolled back, so even a SELECT that calls a writing function changes
//     nothing);
//   - Tx: INSERT, UPDATE, DELETE, REPLACE, and SET of @user_variables
//     only (SET autocommit, SET TRANSACTION, SET @@… are refused);
//   - everywhere: one statement, no ";" outside quotes, no executable
//     comments (/*! … */, /*M! … */), which MySQL runs as SQL.
//
// DDL is therefore impossible through this channel. Creating an
// extension's tables is the extension's own install() job, run through
// the admin channel.
var (
	queryKeywords = []string{"SELECT", "SHOW", "DESC", "DESCRIBE"}
	execKeywords  = []string{"INSERT", "UPDATE", "DELETE", "REPLACE"}
)

// StatementError says why a statement was refused before anything ran.
type StatementError struct {
	Index  int // position in the transaction (0 for a query)
	Reason string
}

func (e *StatementError) Error() string {
	return fmt.Sprintf("statement %d was refused and nothing ran: it %s", e.Index+1, e.Reason)
}

// skeleton returns sql with comments removed and each quoted string or
// identifier replaced by " q ", or the reason the statement is refused.
func skeleton(sql string) (string, string) {
	var b strings.Builder
	n := len(sql)
	for i := 0; i < n; {
		c := sql[i]
		switch {
		case c == '\'' || c == '"' || c == '`':
			j, closed := i+1, false
			for j < n {
				if sql[j] == '\\' && c != '`' {
					j += 2
					continue
				}
				if sql[j] == c {
					if j+1 < n && sql[j+1] == c {
						j += 2
						continue
					}
					closed = true
					break
				}
				j++
			}
			if !closed {
				return "", "has an unterminated quote"
			}
			b.WriteString(" q ")
			i = j + 1
		case c == '#' || c == '-' && i+1 < n && sql[i+1] == '-' && (i+2 >= n || sql[i+2] <= ' '):
			j := strings.IndexByte(sql[i:], '\n')
			if j < 0 {
				i = n
			} else {
				i += j + 1
			}
			b.WriteByte(' ')
		case c == '/' && i+1 < n && sql[i+1] == '*':
			if i+2 < n && (sql[i+2] == '!' || (sql[i+2] == 'M' || sql[i+2] == 'm') && i+3 < n && sql[i+3] == '!') {
				return "", "contains an executable comment (/*! */), which MySQL runs as SQL"
			}
			j := strings.Index(sql[i+2:], "*/")
			if j < 0 {
				return "", "has an unterminated comment"
			}
			i += 2 + j + 2
			b.WriteByte(' ')
		case c == ';':
			return "", `contains ";": send one statement at a time, without a semicolon`
		default:
			b.WriteByte(c)
			i++
		}
	}
	return b.String(), ""
}

// checkStatement returns "" when sql may run as a query (exec false) or
// inside a transaction (exec true), else the reason it is refused.
func checkStatement(sql string, exec bool) string {
	sk, why := skeleton(sql)
	if why != "" {
		return why
	}
	t := strings.TrimLeft(sk, " \t\r\n\f\v(")
	end := 0
	for end < len(t) && 'a' <= t[end]|0x20 && t[end]|0x20 <= 'z' {
		end++
	}
	if end == 0 {
		return "does not start with a statement keyword"
	}
	word := strings.ToUpper(t[:end])
	if !exec {
		if contains(queryKeywords, word) {
			return ""
		}
		return "is a " + word + " statement; queries may only read (SELECT, SHOW, DESC, DESCRIBE)"
	}
	if contains(execKeywords, word) {
		return ""
	}
	if word == "SET" {
		for _, seg := range topLevelSplit(t[end:]) {
			seg = strings.TrimLeft(seg, " \t\r\n\f\v")
			if !strings.HasPrefix(seg, "@") || strings.HasPrefix(strings.TrimLeft(seg[1:], " \t\r\n\f\v"), "@") {
				return "sets something other than a @user_variable (autocommit, a transaction or session setting could end the transaction)"
			}
		}
		return ""
	}
	return "is a " + word + " statement; in a transaction only INSERT, UPDATE, DELETE, REPLACE and SET @variable may run (MySQL would commit around " + word + ", or it would end the transaction)"
}

// topLevelSplit splits a skeleton at commas outside parentheses.
func topLevelSplit(s string) []string {
	var out []string
	depth, start := 0, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '(':
			depth++
		case ')':
			depth--
		case ',':
			if depth == 0 {
				out = append(out, s[start:i])
				start = i + 1
			}
		}
	}
	return append(out, s[start:])
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
