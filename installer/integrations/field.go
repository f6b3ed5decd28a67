package integrations

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/ocsetup/ocsetup/installer/msg"
)

// Kind is what sort of value a field takes.
type Kind string

// Field kinds.
const (
	Text        Kind = "text"
	Secret      Kind = "secret" // a password, key or phrase: never in files or logs
	Bool        Kind = "bool"   // "1" or "0"
	OneOf       Kind = "choice" // one of Choices
	MultiChoice Kind = "multi"  // some of Choices, comma-separated in a setup file
	Number      Kind = "number" // a whole number
	OrderStatus Kind = "order-status"
)

// Choice is one allowed value of a field.
type Choice struct {
	Value string `json:"value"`
	Label string `json:"label"`
}

// Field is one thing a profile asks: what the wizard shows, what a setup
// file's settings may hold, and how it is checked. Secret fields come from
// the environment (OCSETUP_SECRET_<KEY>) or the keychain, never a file.
type Field struct {
	Key      string   `json:"key"` // name in setup files ("merchant_identifier")
	Label    string   `json:"label"`
	Help     string   `json:"help,omitempty"`
	Kind     Kind     `json:"kind"`
	Choices  []Choice `json:"choices,omitempty"`
	Default  string   `json:"default,omitempty"`
	Required bool     `json:"required,omitempty"`
	// MinLength and MaxLength bound text (in characters).
	MinLength int `json:"min_length,omitempty"`
	MaxLength int `json:"max_length,omitempty"`
	// Group is the tab or section the field belongs to.
	Group string `json:"group,omitempty"`
	// check adds a rule of the profile's own.
	check func(string) error
}

// IsSecret reports whether the value must stay out of files and logs.
func (f Field) IsSecret() bool { return f.Kind == Secret }

// Values are the user's answers, by field key. A multi-choice value is a
// comma-separated list.
type Values map[string]string

// List splits a multi-choice value.
func (v Values) List(key string) []string {
	var out []string
	for _, p := range strings.Split(v[key], ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// Problem is one field that cannot be used as given.
type Problem struct {
	Field   string `json:"field"`
	Label   string `json:"label"`
	Message string `json:"message"`
	// LabelMsg and MessageMsg are Label and Message as messages, for the
	// user's language (LabelMsg falls back to Label).
	LabelMsg   msg.Msg `json:"-"`
	MessageMsg msg.Msg `json:"-"`
}

// problem is the problem of field f (of the profile id) told by m.
func problem(id string, f Field, m msg.Msg) Problem {
	return Problem{Field: f.Key, Label: f.Label, Message: m.English(),
		LabelMsg: msg.Msg{Key: "field." + id + "." + f.Key, Own: f.Label}, MessageMsg: m}
}

// InputError lists every problem with the answers; nothing was changed.
type InputError struct {
	Profile  string
	Problems []Problem
	// ProfileMsg is Profile as a message, for the user's language.
	ProfileMsg msg.Msg
}

func (e *InputError) Error() string { return e.Msg().English() }

// Msg is the error as a message, for the user's language.
func (e *InputError) Msg() msg.Msg {
	var profile any = e.Profile
	if !e.ProfileMsg.IsZero() {
		profile = e.ProfileMsg
	}
	var list msg.Msg
	for i := len(e.Problems) - 1; i >= 0; i-- {
		p := e.Problems[i]
		var label, text any = p.Label, p.Message
		if !p.LabelMsg.IsZero() {
			label = p.LabelMsg
		}
		if !p.MessageMsg.IsZero() {
			text = p.MessageMsg
		}
		one := msg.New("error.input.problem", "Label", label, "Message", text)
		if list.IsZero() {
			list = one
		} else {
			list = msg.New("error.input.problems", "First", one, "Rest", list)
		}
	}
	if e.ProfileMsg.Key == "error.input.custom_extension" {
		return msg.New("error.input.cannot_use_custom", "Problems", list)
	}
	return msg.New("error.input.cannot_use", "Profile", profile, "Problems", list)
}

// resolve checks the answers against the fields and returns them with
// defaults filled in. Unknown keys are refused: a typo in a setup file
// must not pass silently.
func resolve(id, profile string, fields []Field, in Values) (Values, error) {
	out := Values{}
	var probs []Problem
	known := map[string]bool{}
	for _, f := range fields {
		known[f.Key] = true
		v, given := in[f.Key]
		v = strings.TrimSpace(v)
		if !given || v == "" {
			v = f.Default
		}
		if err := f.validate(v); err != nil {
			probs = append(probs, problem(id, f, msg.New("msg.text", "Text", msg.CauseArg(err))))
			continue
		}
		out[f.Key] = v
	}
	for _, k := range sortedKeys(in) {
		if !known[k] {
			probs = append(probs, problem(id, Field{Key: k, Label: k}, msg.New("error.input.unknown_setting", "Profile", profileMsg(id, profile), "Keys", keysOf(fields))))
		}
	}
	if len(probs) > 0 {
		return nil, &InputError{Profile: profile, ProfileMsg: profileMsg(id, profile), Problems: probs}
	}
	return out, nil
}

// profileMsg names a profile in a message: its name, or the custom
// extension in the user's words.
func profileMsg(id, name string) msg.Msg {
	if id == "custom" {
		return msg.New("error.input.custom_extension")
	}
	return msg.New("msg.text", "Text", name)
}

func keysOf(fields []Field) string {
	keys := make([]string, len(fields))
	for i, f := range fields {
		keys[i] = f.Key
	}
	return strings.Join(keys, ", ")
}

// validate returns what is wrong with v, "" when nothing.
func (f Field) validate(v string) error {
	if v == "" {
		if f.Required {
			if f.IsSecret() {
				return msg.NewError("error.field.required_secret", "Var", "OCSETUP_SECRET_"+strings.ToUpper(f.Key))
			}
			return msg.NewError("error.field.required")
		}
		return nil
	}
	n := len([]rune(v))
	switch {
	case f.MinLength > 0 && n < f.MinLength:
		return msg.NewError("error.field.too_short", "Count", n, "Min", f.MinLength)
	case f.MaxLength > 0 && n > f.MaxLength:
		return msg.NewError("error.field.too_long", "Count", n, "Max", f.MaxLength)
	}
	switch f.Kind {
	case Bool:
		if v != "0" && v != "1" {
			return msg.NewError("error.field.bool", "Value", fmt.Sprintf("%q", v))
		}
	case Number, OrderStatus:
		if _, err := strconv.ParseUint(v, 10, 32); err != nil {
			return msg.NewError("error.field.number", "Value", fmt.Sprintf("%q", v))
		}
	case OneOf:
		if !f.allows(v) {
			return msg.NewError("error.field.one_of", "Value", fmt.Sprintf("%q", v), "Choices", choiceList(f.Choices))
		}
	case MultiChoice:
		for _, p := range (Values{"x": v}).List("x") {
			if !f.allows(p) {
				return msg.NewError("error.field.some_of", "Value", fmt.Sprintf("%q", p), "Choices", choiceList(f.Choices))
			}
		}
	}
	if strings.ContainsAny(v, "\x00\r\n") && f.Kind != Text {
		return msg.NewError("error.field.line_break")
	}
	if f.check != nil {
		return f.check(v)
	}
	return nil
}

func (f Field) allows(v string) bool {
	return slices.ContainsFunc(f.Choices, func(c Choice) bool { return c.Value == v })
}

func choiceList(cs []Choice) string {
	parts := make([]string, len(cs))
	for i, c := range cs {
		parts[i] = c.Value
		if c.Label != "" && c.Label != c.Value {
			parts[i] += " (" + c.Label + ")"
		}
	}
	return strings.Join(parts, ", ")
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// Small constructors keep the profiles readable.

func boolField(key, label, def, help string) Field {
	return Field{Key: key, Label: label, Kind: Bool, Default: def, Help: help}
}

func choices(pairs ...string) []Choice {
	out := make([]Choice, 0, len(pairs)/2)
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, Choice{Value: pairs[i], Label: pairs[i+1]})
	}
	return out
}

// Validate says what is wrong with v for this field ("" when it is fine),
// for inline validation in the wizard's form.
func (f Field) Validate(v string) string {
	if err := f.validate(v); err != nil {
		return err.Error()
	}
	return ""
}

// ValidateError is Validate as an error (nil when v is fine), whose
// message the app shows in the user's language.
func (f Field) ValidateError(v string) error { return f.validate(v) }
