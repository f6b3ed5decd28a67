package phpconf

import (
	"bytes"
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Reasons SetVariables refuses to edit a variable; test with errors.Is on
// the returned *VariableError.
var (
	ErrNotAssigned   = errors.New("is not assigned in the file")
	ErrAssignedTwice = errors.New("is assigned more than once")
	ErrNotLiteral    = errors.New("is not assigned a plain string literal")
	ErrNotTopLevel   = errors.New("is assigned inside a block or condition, not at the top of the file")
)

// VariableError says which variable SetVariables could not edit and why.
type VariableError struct {
	Name string // without the "$"
	Line int    // line of the offending assignment; 0 when not assigned
	Err  error  // ErrNotAssigned, ErrAssignedTwice, ErrNotLiteral or ErrNotTopLevel
}

func (e *VariableError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("phpconf: $%s %v (line %d)", e.Name, e.Err, e.Line)
	}
	return fmt.Sprintf("phpconf: $%s %v", e.Name, e.Err)
}

func (e *VariableError) Unwrap() error { return e.Err }

// assignOps are the operators that change a variable.
var assignOps = map[string]bool{
	"=": true, ".=": true, "+=": true, "-=": true, "*=": true, "/=": true, "%=": true,
	"**=": true, "??=": true, "&=": true, "|=": true, "^=": true, "<<=": true, ">>=": true,
}

// assignment is one place where a wanted variable is changed.
type assignment struct {
	at       Token // the variable
	value    Token // the string literal, when literal
	topLevel bool
	literal  bool // "$name = 'text';" or "$name = "text";" without interpolation
}

// SetVariables replaces the string literal in each top-level statement
// "$name = '...';" whose name is a key of values (with or without the "$")
// by a single-quoted literal of the new value, and leaves every other byte
// of src as it was: comments, spacing, line endings, other variables.
//
// It refuses (with a *VariableError, and without changing anything) when a
// variable is not assigned, is assigned or modified more than once, is
// assigned inside a block or condition, or is assigned anything but one
// plain string literal. A variable that is only read is not an assignment.
// Changes through list(), references or $GLOBALS are not looked for; the
// connector files this is meant for have none.
func SetVariables(src []byte, values map[string]string) ([]byte, error) {
	if len(src) > MaxInputSize {
		return nil, ErrTooLarge
	}
	want := make(map[string]string, len(values))
	for k, v := range values {
		name := strings.TrimPrefix(k, "$")
		if name == "" || !isLabelStart(name[0]) || strings.IndexFunc(name, func(r rune) bool {
			return r < 0x80 && !isLabelChar(byte(r))
		}) >= 0 {
			return nil, fmt.Errorf("phpconf: %q is not a PHP variable name", k)
		}
		want[name] = v
	}
	toks, err := Tokenize(src)
	if err != nil {
		return nil, err
	}
	found := findAssignments(src, toks, want)

	names := make([]string, 0, len(want))
	for name := range want {
		names = append(names, name)
	}
	sort.Strings(names)
	type edit struct {
		start, end int
		text       string
	}
	var edits []edit
	for _, name := range names {
		as := found[name]
		fail := func(a assignment, err error) error {
			return &VariableError{Name: name, Line: lineOf(src, a.at.Start), Err: err}
		}
		switch {
		case len(as) == 0:
			return nil, &VariableError{Name: name, Err: ErrNotAssigned}
		case len(as) > 1:
			return nil, fail(as[1], ErrAssignedTwice)
		case !as[0].topLevel:
			return nil, fail(as[0], ErrNotTopLevel)
		case !as[0].literal:
			return nil, fail(as[0], ErrNotLiteral)
		}
		v := as[0].value
		edits = append(edits, edit{v.Start, v.End, quoteSingle(want[name])})
	}
	sort.Slice(edits, func(i, j int) bool { return edits[i].start < edits[j].start })

	var out bytes.Buffer
	last := 0
	for _, e := range edits {
		out.Write(src[last:e.start])
		out.WriteString(e.text)
		last = e.end
	}
	out.Write(src[last:])
	result := out.Bytes()
	if err := checkEdited(result, want); err != nil {
		return nil, err
	}
	return result, nil
}

// findAssignments lists, per wanted variable, every statement that
// assigns or modifies it.
func findAssignments(src []byte, toks []Token, want map[string]string) map[string][]assignment {
	var sig []Token
	for _, t := range toks {
		switch t.Kind {
		case Whitespace, Comment, InlineHTML:
			continue
		}
		sig = append(sig, t)
	}
	isOp := func(k int, ops ...string) bool {
		if k < 0 || k >= len(sig) || sig[k].Kind != Operator {
			return false
		}
		text := string(src[sig[k].Start:sig[k].End])
		for _, op := range ops {
			if text == op {
				return true
			}
		}
		return false
	}
	found := make(map[string][]assignment)
	var sc scope
	for k, t := range sig {
		start := sc.step(t, src)
		if t.Kind != Variable {
			continue
		}
		name := string(src[t.Start+1 : t.End])
		if _, ok := want[name]; !ok {
			continue
		}
		nextOp := ""
		if k+1 < len(sig) && sig[k+1].Kind == Operator {
			nextOp = string(src[sig[k+1].Start:sig[k+1].End])
		}
		if !assignOps[nextOp] && !isOp(k+1, "++", "--") && !isOp(k-1, "++", "--") {
			continue // only read here
		}
		a := assignment{at: t, topLevel: sc.unconditional(start)}
		if nextOp == "=" && k+2 < len(sig) {
			v := sig[k+2]
			ended := k+3 < len(sig) && (isOp(k+3, ";") || sig[k+3].Kind == CloseTag)
			if _, ok, err := stringLiteral(src, v); ok && err == nil && ended {
				a.value, a.literal = v, true
			}
		}
		found[name] = append(found[name], a)
	}
	return found
}

// checkEdited re-reads the edited file and confirms that each variable now
// reads back as exactly the requested value; a failure here is a bug, and
// it is better to refuse than to upload a broken file.
func checkEdited(out []byte, want map[string]string) error {
	toks, err := Tokenize(out)
	if err != nil {
		return fmt.Errorf("phpconf: internal error: edited file does not tokenize: %w", err)
	}
	found := findAssignments(out, toks, want)
	for name, v := range want {
		as := found[name]
		if len(as) != 1 || !as[0].literal {
			return fmt.Errorf("phpconf: internal error: $%s not found after editing", name)
		}
		got, _, _ := stringLiteral(out, as[0].value)
		if got != v {
			return fmt.Errorf("phpconf: internal error: $%s reads back differently after editing", name)
		}
	}
	return nil
}

func lineOf(src []byte, off int) int {
	return 1 + bytes.Count(src[:off], []byte{'\n'})
}

// ReadVariable reads the value of a top-level "$name = '...';" statement with
// the same rules SetVariables applies to the statement it would change:
// one assignment, at the top level, of one plain string literal.
func ReadVariable(src []byte, name string) (string, error) {
	if len(src) > MaxInputSize {
		return "", ErrTooLarge
	}
	name = strings.TrimPrefix(name, "$")
	toks, err := Tokenize(src)
	if err != nil {
		return "", err
	}
	as := findAssignments(src, toks, map[string]string{name: ""})[name]
	fail := func(a assignment, err error) error {
		return &VariableError{Name: name, Line: lineOf(src, a.at.Start), Err: err}
	}
	switch {
	case len(as) == 0:
		return "", &VariableError{Name: name, Err: ErrNotAssigned}
	case len(as) > 1:
		return "", fail(as[1], ErrAssignedTwice)
	case !as[0].topLevel:
		return "", fail(as[0], ErrNotTopLevel)
	case !as[0].literal:
		return "", fail(as[0], ErrNotLiteral)
	}
	v, _, err := stringLiteral(src, as[0].value)
	return v, err
}
