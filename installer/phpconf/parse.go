package phpconf

import (
	"bytes"
	"fmt"
	"strings"
)

// Bounds on evaluation, so that no input makes Parse slow or large. Real
// values are paths, URLs and passwords well under a kilobyte.
const (
	maxExprTokens  = 4096     // tokens in one define() call
	maxValueLen    = 64 << 10 // bytes in one resolved value
	maxValueBudget = 16 << 20 // bytes kept or copied while resolving, all values together
)

// Parse reads the define('NAME', value) calls of an OpenCart config.php or
// admin/config.php (and top-level const NAME = value statements outside a
// namespace). Values made of string literals, numbers, true/false/null and
// constants defined earlier, joined with ".", are resolved exactly as PHP
// would (escapes included); anything else is kept as a computed definition
// with its source text. Commented-out defines are not definitions.
//
// Parse returns an error only for input PHP itself would refuse to compile
// (an unterminated string, a define( call that is never closed), and for
// input larger than MaxInputSize.
func Parse(src []byte) (*Config, error) {
	if len(src) > MaxInputSize {
		return nil, ErrTooLarge
	}
	p := &parser{
		src:   src,
		lx:    NewLexer(src),
		cfg:   &Config{},
		lines: lineCounter{src: src, line: 1},
	}
	for {
		t, ok := p.next()
		if !ok {
			break
		}
		if err := p.step(t); err != nil {
			return nil, err
		}
	}
	if err := p.lx.Err(); err != nil {
		return nil, err
	}
	return p.cfg, nil
}

// parser walks the significant tokens once. Besides the scope it tracks
// the previous token (to tell define() from ->define()) and namespaces.
type parser struct {
	src   []byte
	lx    *Lexer
	cfg   *Config
	lines lineCounter
	scope scope

	peeked  Token
	hasPeek bool

	prev       Token // previous significant token
	namespaced bool  // a namespace statement has been seen
	valueBytes int   // total size of resolved values so far
}

// next returns the next token that is not whitespace, a comment or HTML.
func (p *parser) next() (Token, bool) {
	if p.hasPeek {
		p.hasPeek = false
		return p.peeked, true
	}
	for {
		t, ok := p.lx.Next()
		if !ok {
			return Token{}, false
		}
		switch t.Kind {
		case Whitespace, Comment, InlineHTML:
			continue
		}
		return t, true
	}
}

func (p *parser) peek() (Token, bool) {
	if !p.hasPeek {
		t, ok := p.next()
		if !ok {
			return Token{}, false
		}
		p.peeked, p.hasPeek = t, true
	}
	return p.peeked, true
}

func (p *parser) text(t Token) string { return string(p.src[t.Start:t.End]) }

// isOp reports whether t is the operator op.
func (p *parser) isOp(t Token, op string) bool {
	return t.Kind == Operator && string(p.src[t.Start:t.End]) == op
}

func (p *parser) step(t Token) error {
	prev := p.prev
	p.prev = t
	start := p.scope.step(t, p.src)
	if t.Kind != Name {
		return nil
	}
	switch strings.ToLower(strings.TrimPrefix(p.text(t), `\`)) {
	case "namespace":
		if start {
			p.namespaced = true
		}
	case "define":
		return p.define(t, prev, start)
	case "const":
		if start && p.scope.braces == 0 {
			return p.constStmt()
		}
	}
	return nil
}

// define handles a "define" name token: when it is a call of the global
// define() function, the call is read and recorded.
func (p *parser) define(t, prev Token, start bool) error {
	switch {
	case prev.Kind == Operator && (p.isOp(prev, "->") || p.isOp(prev, "?->") || p.isOp(prev, "::")):
		return nil // a method or static call named define
	case prev.Kind == Name:
		switch strings.ToLower(p.text(prev)) {
		case "function", "fn", "new", "const", "use":
			return nil
		}
	}
	if nt, ok := p.peek(); !ok || !p.isOp(nt, "(") {
		return nil
	}
	p.next()
	args, closing, tooLong, err := p.collectArgs(t.Start)
	if err != nil {
		return err
	}
	p.prev = closing
	line := p.lines.at(t.Start)
	skip := func(reason string) {
		p.cfg.skipped = append(p.cfg.skipped, Skipped{
			Offset: t.Start,
			Line:   line,
			Source: string(p.src[t.Start:closing.End]),
			Reason: reason,
		})
	}
	if tooLong {
		skip("the define() call is too long to read")
		return nil
	}
	if n := len(args); n > 1 && len(args[n-1]) == 0 {
		args = args[:n-1] // trailing comma, allowed since PHP 7.3
	}
	if len(args) < 2 || len(args) > 3 {
		skip(fmt.Sprintf("define() takes 2 arguments, this call has %d", len(args)))
		return nil
	}
	name, ok := p.constName(args[0])
	if !ok {
		skip("the constant's name is not a plain string")
		return nil
	}
	if len(args[1]) == 0 {
		skip("the value is missing")
		return nil
	}
	p.record(name, args[1], t.Start, line, !p.scope.unconditional(start))
	return nil
}

// collectArgs reads a call's arguments after its "(" up to the matching
// ")", split at top-level commas. Past maxExprTokens it only looks for the
// end and reports tooLong.
func (p *parser) collectArgs(start int) (args [][]Token, closing Token, tooLong bool, err error) {
	var cur []Token
	depth, count := 0, 0
	for {
		t, ok := p.next()
		if !ok {
			if err := p.lx.Err(); err != nil {
				return nil, Token{}, false, err
			}
			return nil, Token{}, false, syntaxError(p.src, start, "define( is never closed")
		}
		if t.Kind == CloseTag || t.Kind == OpenTag {
			return nil, Token{}, false, syntaxError(p.src, t.Start, "?> inside a define( call")
		}
		count++
		if count > maxExprTokens {
			tooLong = true
		}
		if t.Kind == Operator {
			switch p.text(t) {
			case "(", "[", "{", "#[":
				depth++
			case ")", "]", "}":
				if depth == 0 {
					if p.src[t.Start] != ')' {
						return nil, Token{}, false, syntaxError(p.src, t.Start, "unbalanced %s in a define( call", p.text(t))
					}
					return append(args, cur), t, tooLong, nil
				}
				depth--
			case ",":
				if depth == 0 && !tooLong {
					args = append(args, cur)
					cur = nil
					continue
				}
			}
		}
		if !tooLong {
			cur = append(cur, t)
		}
	}
}

// constStmt reads "const A = expr, B = expr;" at the top level (the const
// keyword has been consumed).
func (p *parser) constStmt() error {
	conditional := p.scope.alt > 0 || p.scope.dead
	for {
		nameTok, ok := p.next()
		if !ok || nameTok.Kind != Name {
			return p.skipStatement(nameTok, ok)
		}
		eq, ok := p.next()
		if !ok || !p.isOp(eq, "=") {
			return p.skipStatement(eq, ok)
		}
		var expr []Token
		depth := 0
		for {
			t, ok := p.next()
			if !ok {
				if err := p.lx.Err(); err != nil {
					return err
				}
				return syntaxError(p.src, nameTok.Start, "const statement is never ended")
			}
			end := t.Kind == CloseTag || t.Kind == OpenTag
			if t.Kind == Operator {
				switch p.text(t) {
				case "(", "[", "{", "#[":
					depth++
				case ")", "]", "}":
					depth--
				case ",", ";":
					end = depth <= 0
				}
			}
			if !end {
				if len(expr) <= maxExprTokens {
					expr = append(expr, t)
				}
				continue
			}
			if len(expr) > 0 && len(expr) <= maxExprTokens && !p.namespaced {
				// In a namespace, const defines ns\NAME, not the global
				// constant config.php readers look for.
				p.record(p.text(nameTok), expr, nameTok.Start, p.lines.at(nameTok.Start), conditional)
			}
			if p.isOp(t, ",") {
				break
			}
			p.prev, p.scope.stmtStart = t, true
			return nil
		}
	}
}

// skipStatement skips to the end of a statement we do not understand.
func (p *parser) skipStatement(t Token, ok bool) error {
	for ok {
		if p.isOp(t, ";") || t.Kind == CloseTag {
			p.prev, p.scope.stmtStart = t, true
			return nil
		}
		t, ok = p.next()
	}
	return p.lx.Err()
}

// constName returns the name given to define(): a single plain string.
func (p *parser) constName(arg []Token) (string, bool) {
	if len(arg) != 1 {
		return "", false
	}
	name, ok, err := stringLiteral(p.src, arg[0])
	return name, ok && err == nil
}

// record evaluates a definition's value and adds it to the config.
func (p *parser) record(name string, expr []Token, offset, line int, conditional bool) {
	d := Definition{
		Name:        name,
		Source:      string(p.src[expr[0].Start:expr[len(expr)-1].End]),
		Offset:      offset,
		Line:        line,
		Conditional: conditional,
	}
	ev := evaluator{p: p, toks: expr, before: offset, limit: max(0, min(maxValueLen, maxValueBudget-p.valueBytes))}
	v, typ, reason := ev.eval()
	if !reason.IsZero() {
		d.Computed, d.Reason, d.ReasonMsg = true, reason.English(), reason
	} else {
		d.Value, d.Type = v, typ
	}
	// Charge what was kept and what was copied on the way, so that many
	// failing concatenations cannot add up to unbounded work either.
	p.valueBytes += max(len(d.Value), ev.copied)
	p.cfg.add(d)
}

// lineCounter turns increasing byte offsets into line numbers without
// rescanning the file from the start each time.
type lineCounter struct {
	src  []byte
	off  int
	line int
}

func (l *lineCounter) at(off int) int {
	if off < l.off {
		l.off, l.line = 0, 1
	}
	l.line += bytes.Count(l.src[l.off:off], []byte{'\n'})
	l.off = off
	return l.line
}
