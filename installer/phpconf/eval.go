package phpconf

import (
	"strings"
	"unicode/utf8"
)

// magicConstants are filled in by PHP from where the file sits or what
// encloses the code, so their value is never in the file.
var magicConstants = map[string]bool{
	"__line__": true, "__file__": true, "__dir__": true, "__function__": true,
	"__class__": true, "__trait__": true, "__method__": true, "__namespace__": true,
	"__property__": true, "__compiler_halt_offset__": true,
}

// evaluator resolves the small expression language config.php files use:
//
//	expr := term { "." term }
//	term := string | ["-"|"+"] number | true | false | null | CONSTANT | "(" expr ")"
//
// Anything else gives a reason instead of a value; the caller records the
// definition as computed.
type evaluator struct {
	p      *parser
	toks   []Token
	i      int
	before int // only constants defined before this offset exist yet
	limit  int // longest value allowed
	copied int // bytes copied while concatenating, charged to the budget
}

// eval returns the value, its type, and a non-empty reason when the
// expression cannot be evaluated from the file alone.
func (e *evaluator) eval() (string, ValueType, string) {
	v, typ, why := e.concat()
	if why == "" && e.i < len(e.toks) {
		why = e.unsupported(e.toks[e.i])
	}
	if why != "" {
		return "", TypeUnknown, why
	}
	return v, typ, ""
}

func (e *evaluator) nextIs(op string) bool {
	return e.i < len(e.toks) && e.p.isOp(e.toks[e.i], op)
}

func (e *evaluator) concat() (string, ValueType, string) {
	v, typ, why := e.term()
	if why != "" {
		return "", TypeUnknown, why
	}
	if !e.nextIs(".") {
		if len(v) > e.limit {
			return "", TypeUnknown, "builds a value too long to read"
		}
		return v, typ, ""
	}
	if len(v) > e.limit {
		return "", TypeUnknown, "builds a value too long to read"
	}
	var b strings.Builder
	b.WriteString(v)
	e.copied += len(v)
	for e.nextIs(".") {
		e.i++
		v, _, why := e.term()
		if why != "" {
			return "", TypeUnknown, why
		}
		if b.Len()+len(v) > e.limit {
			return "", TypeUnknown, "builds a value too long to read"
		}
		b.WriteString(v)
		e.copied += len(v)
	}
	if b.Len() > e.limit {
		return "", TypeUnknown, "builds a value too long to read"
	}
	return b.String(), TypeString, ""
}

func (e *evaluator) term() (string, ValueType, string) {
	if e.i >= len(e.toks) {
		return "", TypeUnknown, "is incomplete"
	}
	t := e.toks[e.i]
	e.i++
	text := e.p.text(t)
	switch t.Kind {
	case String:
		if t.Interpolated {
			if strings.HasSuffix(text, "`") {
				return "", TypeUnknown, "runs a shell command"
			}
			return "", TypeUnknown, "inserts variables into a double-quoted string"
		}
		v, ok, err := stringLiteral(e.p.src, t)
		if err != nil {
			return "", TypeUnknown, "has an invalid escape sequence in a string"
		}
		if !ok {
			return "", TypeUnknown, "uses a string PHP builds at run time"
		}
		return v, TypeString, ""
	case Heredoc:
		return "", TypeUnknown, "uses heredoc text, which is not read here"
	case Number:
		return e.number(text, false)
	case Variable:
		return "", TypeUnknown, "uses the variable " + short(text)
	case Name:
		return e.constant(text)
	case Operator:
		switch text {
		case "-", "+":
			if e.i < len(e.toks) && e.toks[e.i].Kind == Number {
				n := e.toks[e.i]
				e.i++
				return e.number(e.p.text(n), text == "-")
			}
		case "(":
			v, typ, why := e.concat()
			if why != "" {
				return "", TypeUnknown, why
			}
			if !e.nextIs(")") {
				if e.i < len(e.toks) {
					return "", TypeUnknown, e.unsupported(e.toks[e.i])
				}
				return "", TypeUnknown, "is incomplete"
			}
			e.i++
			return v, typ, ""
		}
	}
	return "", TypeUnknown, e.unsupported(t)
}

func (e *evaluator) number(text string, negative bool) (string, ValueType, string) {
	v, typ, ok := numberLiteral(text, negative)
	if !ok {
		return "", TypeUnknown, "has the invalid number " + short(text)
	}
	return v, typ, ""
}

// constant resolves a name used as a value.
func (e *evaluator) constant(raw string) (string, ValueType, string) {
	if e.nextIs("(") {
		return "", TypeUnknown, "calls " + short(raw) + "()"
	}
	if e.nextIs("::") {
		return "", TypeUnknown, "uses a class constant of " + short(raw)
	}
	name := strings.TrimPrefix(raw, `\`)
	switch strings.ToLower(name) {
	case "true":
		return "1", TypeBool, ""
	case "false":
		return "", TypeBool, ""
	case "null":
		return "", TypeNull, ""
	}
	switch {
	case strings.Contains(name, `\`):
		return "", TypeUnknown, "uses the namespaced constant " + short(raw)
	case magicConstants[strings.ToLower(name)]:
		return "", TypeUnknown, "uses " + short(raw) + ", which PHP fills in on the server"
	}
	d, st := e.p.cfg.resolveBefore(name, e.before)
	switch st {
	case StatusResolved:
		return d.Value, d.Type, ""
	case StatusComputed:
		return "", TypeUnknown, "uses " + short(name) + ", which is itself computed on the server"
	case StatusAmbiguous:
		return "", TypeUnknown, "uses " + short(name) + ", whose definition depends on run-time conditions"
	}
	return "", TypeUnknown, "uses " + short(name) + ", which is not defined earlier in this file"
}

func (e *evaluator) unsupported(t Token) string {
	text := e.p.text(t)
	switch t.Kind {
	case Operator:
		return "uses the " + short(text) + " operator"
	case String, Heredoc, Number:
		// Never quote literals: this may be about a password.
		return "is not a plain value (a literal where PHP expects an operator)"
	}
	return "uses " + short(text)
}

// short keeps reasons readable when a token is long.
func short(s string) string {
	const max = 40
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "..."
}
