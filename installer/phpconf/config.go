package phpconf

import "github.com/ocsetup/ocsetup/installer/msg"

// ValueType is the PHP type of a constant's value.
type ValueType uint8

// Value types. TypeUnknown is used for computed values.
const (
	TypeUnknown ValueType = iota
	TypeString
	TypeInt
	TypeFloat
	TypeBool
	TypeNull
)

var valueTypeNames = [...]string{"unknown", "string", "int", "float", "bool", "null"}

func (t ValueType) String() string {
	if int(t) < len(valueTypeNames) {
		return valueTypeNames[t]
	}
	return "unknown"
}

// Definition is one define('NAME', ...) call (or top-level const NAME = ...)
// found in the file.
type Definition struct {
	Name string
	// Value is PHP's string form of the value: what echo or "." would give
	// (3306 gives "3306", true gives "1", false and null give ""). It is
	// empty when Computed.
	Value string
	Type  ValueType
	// Computed means the value is only known when PHP runs the file on the
	// server (getenv(), a variable, __DIR__, a function call, "?:", a
	// constant that is itself computed or not defined earlier in the file).
	// Reason says why in plain words; Source has the expression.
	Computed bool
	Reason   string
	// ReasonMsg is Reason as a message, for the app to show in the
	// user's language.
	ReasonMsg msg.Msg
	// Source is the value expression exactly as written in the file.
	Source string
	// Offset is the byte offset of the define keyword (of the constant's
	// name in a const statement); Line is its 1-based line.
	Offset int
	Line   int
	// Conditional is set when the definition may not run, or may run
	// after another one: inside if/else, a loop, a function or class, a
	// braceless "if (...) define(...)", after "||" / "or" / "?", or after a
	// top-level return or exit.
	Conditional bool
}

// Skipped is a define(...) call that Parse found but could not read, for
// example because the constant's name is itself computed.
type Skipped struct {
	Offset int
	Line   int
	Source string // the whole call as written
	Reason string
}

// Status says what Resolve could decide about a constant.
type Status uint8

const (
	// StatusMissing: the file does not define the constant.
	StatusMissing Status = iota
	// StatusResolved: the definition PHP uses is known and so is its value.
	StatusResolved
	// StatusComputed: the definition PHP uses is known, but its value is
	// computed on the server.
	StatusComputed
	// StatusAmbiguous: which definition PHP uses (if any) depends on
	// run-time conditions, because the first one is conditional.
	StatusAmbiguous
)

var statusNames = [...]string{"missing", "resolved", "computed", "ambiguous"}

func (s Status) String() string {
	if int(s) < len(statusNames) {
		return statusNames[s]
	}
	return "unknown"
}

// Config is what Parse read from a config file.
type Config struct {
	defs    []Definition
	byName  map[string][]int // indexes into defs, in file order
	skipped []Skipped
}

// Definitions returns every definition in file order.
func (c *Config) Definitions() []Definition {
	return append([]Definition(nil), c.defs...)
}

// Skipped returns the define calls that could not be read.
func (c *Config) Skipped() []Skipped {
	return append([]Skipped(nil), c.skipped...)
}

// Get returns every definition of name (case-sensitive, as PHP constants
// are), in file order: more than one when the file defines it in several
// if/else branches or, by mistake, twice.
func (c *Config) Get(name string) []Definition {
	var out []Definition
	for _, i := range c.byName[name] {
		out = append(out, c.defs[i])
	}
	return out
}

// Resolve returns the definition PHP uses for name and how far it could be
// decided from the file alone. PHP keeps the first define() that runs and
// ignores later ones with a warning, so the answer is the first definition
// when that one is unconditional; when the first one is conditional the
// status is StatusAmbiguous and the returned definition is that first one.
func (c *Config) Resolve(name string) (Definition, Status) {
	return c.resolveBefore(name, -1)
}

// Value returns the value of name when Resolve gives StatusResolved.
func (c *Config) Value(name string) (string, bool) {
	d, st := c.Resolve(name)
	return d.Value, st == StatusResolved
}

// resolveBefore is Resolve restricted to definitions that start before
// offset (all of them when offset < 0): a constant used in an expression
// must be defined earlier in the file.
func (c *Config) resolveBefore(name string, offset int) (Definition, Status) {
	idx := c.byName[name]
	if len(idx) == 0 {
		return Definition{}, StatusMissing
	}
	d := c.defs[idx[0]]
	switch {
	case offset >= 0 && d.Offset >= offset:
		return Definition{}, StatusMissing
	case d.Conditional:
		return d, StatusAmbiguous
	case d.Computed:
		return d, StatusComputed
	}
	return d, StatusResolved
}

func (c *Config) add(d Definition) {
	if c.byName == nil {
		c.byName = make(map[string][]int)
	}
	c.byName[d.Name] = append(c.byName[d.Name], len(c.defs))
	c.defs = append(c.defs, d)
}
