package admin

import (
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/ocsetup/ocsetup/installer/msg"
)

// Kind is what sort of input a form field is.
type Kind string

// The kinds of field a settings form has.
const (
	Text          Kind = "text" // also email, number, url, tel, date… inputs
	Password      Kind = "password"
	TextArea      Kind = "textarea"
	Hidden        Kind = "hidden"
	Select        Kind = "select"
	MultiSelect   Kind = "multiselect"
	Radio         Kind = "radio"
	Checkbox      Kind = "checkbox"       // one box: on or off
	CheckboxGroup Kind = "checkbox-group" // several boxes of one name ("x[]"): a set of values
	File          Kind = "file"           // listed, never sent
)

// Option is one choice of a select, radio or checkbox group.
type Option struct {
	Value string `json:"value"`
	Label string `json:"label"`
}

// Field is the form's view of all controls that share a name, as the
// user sees them: a label, the tab it is on, its choices and its current
// values (what the browser would send now).
type Field struct {
	Name     string   `json:"name"`
	Kind     Kind     `json:"kind"`
	Label    string   `json:"label,omitempty"`
	Help     string   `json:"help,omitempty"`
	Tab      string   `json:"tab,omitempty"`
	ID       string   `json:"id,omitempty"`
	Options  []Option `json:"options,omitempty"`
	Values   []string `json:"values"`
	Required bool     `json:"required,omitempty"`
	ReadOnly bool     `json:"read_only,omitempty"`
	Disabled bool     `json:"disabled,omitempty"`

	controls []*control
}

// Value is the first current value, "" when there is none.
func (f *Field) Value() string {
	if len(f.Values) == 0 {
		return ""
	}
	return f.Values[0]
}

// control is one HTML element that sends (or may send) a value.
type control struct {
	tag      string // input, select, textarea
	typ      string // input type, lower case
	name     string
	id       string
	value    string // input/textarea value
	checked  bool
	options  []*option // select
	multiple bool
	disabled bool
	readOnly bool
	label    string // label of this control (for radio and checkbox: its choice)
}

type option struct {
	value, label string
	selected     bool
	disabled     bool
}

// Form is one HTML form of an admin page.
type Form struct {
	// Action is the absolute URL the form posts to.
	Action  *url.URL `json:"-"`
	Method  string   `json:"method"`
	Enctype string   `json:"enctype"`
	ID      string   `json:"id,omitempty"`
	// AJAX: 4.x posts the form by script and reads JSON
	// (data-oc-toggle="ajax").
	AJAX   bool     `json:"ajax"`
	Fields []*Field `json:"fields"`
	// Tabs are the tab titles in page order.
	Tabs []string `json:"tabs,omitempty"`

	controls []*control // document order: the order the browser sends
}

// Field returns the field of that name, nil if the form has none.
func (f *Form) Field(name string) *Field {
	for _, x := range f.Fields {
		if x.Name == name {
			return x
		}
	}
	return nil
}

// SetError says why a value was not put into a form.
type SetError struct {
	Field  string
	Reason string
	// ReasonMsg is Reason as a message.
	ReasonMsg msg.Msg
}

// setError is a SetError with its reason as a message.
func setError(field string, reason msg.Msg) *SetError {
	return &SetError{Field: field, Reason: reason.English(), ReasonMsg: reason}
}

func (e *SetError) Error() string { return e.Msg().English() }

// Msg is the error as a message, for the app to show in the user's
// language.
func (e *SetError) Msg() msg.Msg {
	reason := e.ReasonMsg
	if reason.IsZero() {
		reason = msg.New("error.admin.form_reason.own", "Reason", e.Reason)
	}
	return msg.New("error.admin.form_field", "Field", e.Field, "Reason", reason)
}

// Set fills the field as a person would: types into text fields, picks
// options, ticks boxes. For a single checkbox "1", "true", "on", "yes"
// and the box's own value tick it; "0", "false", "off", "no" and "" clear
// it. A value that is not one of a choice field's options is refused.
func (f *Form) Set(name string, values ...string) error {
	fl := f.Field(name)
	if fl == nil {
		return setError(name, msg.New("error.admin.form_reason.no_field"))
	}
	if fl.Disabled {
		return setError(name, msg.New("error.admin.form_reason.disabled"))
	}
	one := func() (string, error) {
		if len(values) != 1 {
			return "", setError(name, msg.New("error.admin.form_reason.one_value", "Got", len(values)))
		}
		return values[0], nil
	}
	switch fl.Kind {
	case Text, Password, TextArea, Hidden:
		texts := fl.textControls()
		if len(values) != len(texts) && !(len(texts) == 1 && len(values) == 1) {
			return setError(name, msg.New("error.admin.form_reason.inputs", "Inputs", len(texts), "Got", len(values)))
		}
		for i, c := range texts {
			c.value = values[i]
		}
	case Select:
		v, err := one()
		if err != nil {
			return err
		}
		c := fl.controls[0]
		if !hasOption(c.options, v) {
			return setError(name, msg.New("error.admin.form_reason.not_a_choice", "Value", strconv.Quote(v), "Choices", optionList(fl.Options)))
		}
		for _, o := range c.options {
			o.selected = o.value == v
		}
	case MultiSelect:
		c := fl.controls[0]
		for _, v := range values {
			if !hasOption(c.options, v) {
				return setError(name, msg.New("error.admin.form_reason.not_a_choice", "Value", strconv.Quote(v), "Choices", optionList(fl.Options)))
			}
		}
		for _, o := range c.options {
			o.selected = slices.Contains(values, o.value)
		}
	case Radio:
		v, err := one()
		if err != nil {
			return err
		}
		found := false
		for _, c := range fl.controls {
			if c.typ == "radio" && c.value == v {
				found = true
			}
		}
		if !found {
			return setError(name, msg.New("error.admin.form_reason.not_a_choice", "Value", strconv.Quote(v), "Choices", optionList(fl.Options)))
		}
		for _, c := range fl.controls {
			if c.typ == "radio" {
				c.checked = c.value == v
			}
		}
	case Checkbox:
		v, err := one()
		if err != nil {
			return err
		}
		box := fl.box()
		switch strings.ToLower(v) {
		case "1", "true", "on", "yes", strings.ToLower(box.value):
			box.checked = true
		case "0", "false", "off", "no", "":
			box.checked = false
		default:
			return setError(name, msg.New("error.admin.form_reason.checkbox", "Value", strconv.Quote(v)))
		}
	case CheckboxGroup:
		for _, v := range values {
			found := false
			for _, c := range fl.controls {
				if c.typ == "checkbox" && c.value == v {
					found = true
				}
			}
			if !found {
				return setError(name, msg.New("error.admin.form_reason.not_a_choice", "Value", strconv.Quote(v), "Choices", optionList(fl.Options)))
			}
		}
		for _, c := range fl.controls {
			if c.typ == "checkbox" {
				c.checked = slices.Contains(values, c.value)
			}
		}
	default:
		return setError(name, msg.New("error.admin.form_reason.kind", "Kind", string(fl.Kind)))
	}
	fl.refresh()
	return nil
}

func hasOption(opts []*option, v string) bool {
	for _, o := range opts {
		if o.value == v && !o.disabled {
			return true
		}
	}
	return false
}

func optionList(opts []Option) string {
	parts := make([]string, len(opts))
	for i, o := range opts {
		parts[i] = o.Value
		if o.Label != "" && o.Label != o.Value {
			parts[i] += " = " + o.Label
		}
	}
	return strings.Join(parts, ", ")
}

// textControls are the controls that take typed text.
func (f *Field) textControls() []*control {
	var out []*control
	for _, c := range f.controls {
		if c.tag == "textarea" || c.tag == "input" && c.typ != "checkbox" && c.typ != "radio" && c.typ != "file" {
			out = append(out, c)
		}
	}
	return out
}

// box is the checkbox of a Checkbox field (which may also have a hidden
// input of the same name that sends the "off" value, as 4.x forms do:
// oc@4.0.2.3:upload/extension/opencart/admin/view/template/payment/cod.twig).
func (f *Field) box() *control {
	for _, c := range f.controls {
		if c.typ == "checkbox" {
			return c
		}
	}
	return f.controls[0]
}

// refresh recomputes Values from the controls.
func (f *Field) refresh() {
	f.Values = f.Values[:0]
	for _, c := range f.controls {
		f.Values = append(f.Values, c.successful()...)
	}
	// A hidden "off" value followed by a ticked box: PHP keeps the last
	// value of a repeated name, so the field's value is the box's.
	if f.Kind == Checkbox && len(f.Values) > 1 {
		f.Values = f.Values[len(f.Values)-1:]
	}
}

// Values returns the current value of every field, for display and tests.
func (f *Form) Values() map[string][]string {
	out := map[string][]string{}
	for _, fl := range f.Fields {
		out[fl.Name] = append([]string(nil), fl.Values...)
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// ParseForms reads the forms of an admin page (base is the page's
// address, against which actions are resolved), for callers that fetched
// a page themselves.
func ParseForms(base *url.URL, body []byte) ([]*Form, error) {
	pg, err := parsePage(base, body)
	if err != nil {
		return nil, err
	}
	return pg.forms, nil
}
