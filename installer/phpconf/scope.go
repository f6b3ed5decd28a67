package phpconf

import "strings"

// ctrlKind tells which control keyword opened a parenthesis, so that a ":"
// after its ")" can be recognised as alternative syntax (if (...): endif;).
type ctrlKind uint8

const (
	ctrlNone   ctrlKind = iota
	ctrlOpener          // if, while, for, foreach, switch, declare
	ctrlElseif          // continues an if block instead of opening one
)

type ctrlOpen struct {
	parens int // paren depth before the "("
	kind   ctrlKind
}

// scope follows just enough of PHP's block structure to tell whether a
// statement always runs exactly once: it must start a statement at the top
// level, outside braces and "if (...): ... endif;" blocks, and no top-level
// return/exit/die may come before it. A braceless "if (x) stmt;" is caught
// because stmt then does not start a statement (it follows ")").
type scope struct {
	stmtStart   bool // the next token starts a statement
	braces      int
	parens      int
	alt         int // open alternative-syntax blocks
	ctrl        []ctrlOpen
	pendingCtrl ctrlKind // control keyword seen, its "(" not yet
	afterCtrl   ctrlKind // the ")" of a control structure just closed
	dead        bool     // a top-level return/exit/die has been seen
}

// step moves past the significant token t and reports whether t started a
// statement.
func (s *scope) step(t Token, src []byte) (start bool) {
	start, afterCtrl, pending := s.stmtStart, s.afterCtrl, s.pendingCtrl
	s.stmtStart, s.afterCtrl, s.pendingCtrl = false, ctrlNone, ctrlNone
	text := string(src[t.Start:t.End])
	switch t.Kind {
	case OpenTag, CloseTag:
		s.stmtStart = true // "?>" ends a statement like ";"
	case Operator:
		switch text {
		case ";":
			s.stmtStart = true
		case "{":
			s.braces++
			s.stmtStart = true
		case "}":
			if s.braces > 0 {
				s.braces--
			}
			s.stmtStart = true
		case "(":
			if pending != ctrlNone {
				s.ctrl = append(s.ctrl, ctrlOpen{parens: s.parens, kind: pending})
			}
			s.parens++
		case ")":
			if s.parens > 0 {
				s.parens--
			}
			if n := len(s.ctrl); n > 0 && s.ctrl[n-1].parens == s.parens {
				s.afterCtrl = s.ctrl[n-1].kind
				s.ctrl = s.ctrl[:n-1]
			}
		case ":":
			if afterCtrl != ctrlNone {
				if afterCtrl == ctrlOpener {
					s.alt++
				}
				s.stmtStart = true
			}
		case "@":
			s.stmtStart = start // @define(...) still runs as a statement
		}
	case Name:
		switch strings.ToLower(text) {
		case "if", "while", "for", "foreach", "switch", "declare":
			s.pendingCtrl = ctrlOpener
		case "elseif":
			s.pendingCtrl = ctrlElseif
		case "endif", "endwhile", "endfor", "endforeach", "endswitch", "enddeclare":
			if s.alt > 0 {
				s.alt--
			}
		case "return", "exit", "die", "__halt_compiler":
			if s.unconditional(start) {
				s.dead = true
			}
		}
	}
	return start
}

// unconditional reports whether a statement that starts now (start) runs
// exactly once whenever the file is included.
func (s *scope) unconditional(start bool) bool {
	return start && s.braces == 0 && s.alt == 0 && !s.dead
}
