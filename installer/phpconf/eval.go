package phpconf

import (
	"strings"
	"unicode/utf8"

	"github.com/ocsetup/ocsetup/installer/msg"
)

// reason is why a value is computed on the server, as a message that
// follows the constant's name ("DB_HOST calls getenv()"); name is the
// part of the expression it is about.
func reason(kind string, name ...string) msg.Msg {
	if len(name) == 0 {
		return msg.New("phpconf.reason." + kind)
	}
	return msg.New("phpconf.reason."+kind, "Name", name[0])
}

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
func (e *evaluator) eval() (string, ValueType, msg.Msg) {
	v, typ, why := e.concat()
	if why.IsZero() && e.i < len(e.toks) {
		why = e.unsupported(e.toks[e.i])
	}
	if !why.IsZero() {
		return "", TypeUnknown, why
	}
	return v, typ, msg.Msg{}
}

func (e *evaluator) nextIs(op string) bool {
	return e.i < len(e.toks) && e.p.isOp(e.toks[e.i], op)
}

func (e *evaluator) concat() (string, ValueType, msg.Msg) {
	v, typ, why := e.term()
	if !why.IsZero() {
		return "", TypeUnknown, why
	}
	if !e.nextIs(".") {
		if len(v) > e.limit {
			return "", TypeUnknown, reason("too_long")
		}
		return v, typ, msg.Msg{}
	}
	if len(v) > e.limit {
		return "", TypeUnknown, reason("too_long")
	}
	var b strings.Builder
	b.WriteString(v)
	e.copied += len(v)
	for e.nextIs(".") {
		e.i++
		v, _, why := e.term()
		if !why.IsZero() {
			return "", TypeUnknown, why
		}
		if b.Len()+len(v) > e.limit {
			return "", TypeUnknown, reason("too_long")
		}
		b.WriteString(v)
		e.copied += len(v)
	}
	if b.Len() > e.limit {
		return "", TypeUnknown, reason("too_long")
	}
	return b.String(), TypeString, msg.Msg{}
}

func (e *evaluator) term() (string, ValueType, msg.Msg) {
	if e.i >= len(e.toks) {
		return "", TypeUnknown, reason("incomplete")
	}
	t := e.toks[e.i]
	e.i++
	text := e.p.text(t)
	switch t.Kind {
	case String:
		if t.Interpolated {
			if strings.HasSuffix(text, "`") {
				return "", TypeUnknown, reason("shell")
			}
			return "", TypeUnknown, reason("interpolated")
		}
		v, ok, err := stringLiteral(e.p.src, t)
		if err != nil {
			return "", TypeUnknown, reason("bad_escape")
		}
		if !ok {
			return "", TypeUnknown, reason("runtime_string")
		}
		return v, TypeString, msg.Msg{}
	case Heredoc:
		return "", TypeUnknown, reason("heredoc")
	case Number:
		return e.number(text, false)
	case Variable:
		return "", TypeUnknown, reason("variable", short(text))
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
			if !why.IsZero() {
				return "", TypeUnknown, why
			}
			if !e.nextIs(")") {
				if e.i < len(e.toks) {
					return "", TypeUnknown, e.unsupported(e.toks[e.i])
				}
				return "", TypeUnknown, reason("incomplete")
			}
			e.i++
			return v, typ, msg.Msg{}
		}
	}
	return "", TypeUnknown, e.unsupported(t)
}

func (e *evaluator) number(text string, negative bool) (string, ValueType, msg.Msg) {
	v, typ, ok := numberLiteral(text, negative)
	if !ok {
		return "", TypeUnknown, reason("bad_number", short(text))
	}
	return v, typ, msg.Msg{}
}

// constant resolves a name used as a value.
func (e *evaluator) constant(raw string) (string, ValueType, msg.Msg) {
	if e.nextIs("(") {
		return "", TypeUnknown, reason("call", short(raw))
	}
	if e.nextIs("::") {
		return "", TypeUnknown, reason("class_constant", short(raw))
	}
	name := strings.TrimPrefix(raw, `\`)
	switch strings.ToLower(name) {
	case "true":
		return "1", TypeBool, msg.Msg{}
	case "false":
		return "", TypeBool, msg.Msg{}
	case "null":
		return "", TypeNull, msg.Msg{}
	}
	switch {
	case strings.Contains(name, `\`):
		return "", TypeUnknown, reason("namespaced", short(raw))
	case magicConstants[strings.ToLower(name)]:
		return "", TypeUnknown, reason("magic", short(raw))
	}
	d, st := e.p.cfg.resolveBefore(name, e.before)
	switch st {
	case StatusResolved:
		return d.Value, d.Type, msg.Msg{}
	case StatusComputed:
		return "", TypeUnknown, reason("uses_computed", short(name))
	case StatusAmbiguous:
		return "", TypeUnknown, reason("uses_conditional", short(name))
	}
	return "", TypeUnknown, reason("uses_undefined", short(name))
}

func (e *evaluator) unsupported(t Token) msg.Msg {
	text := e.p.text(t)
	switch t.Kind {
	case Operator:
		return reason("operator", short(text))
	case String, Heredoc, Number:
		// Never quote literals: this may be about a password.
		return reason("literal")
	}
	return reason("uses", short(text))
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
