package admin

import (
	"slices"
	"strings"
)

// add records a control under its field.
func (f *Form) add(c *control, groupLabel, help string, required bool, tabs []string) {
	switch c.typ {
	case "submit", "button", "reset", "image":
		return
	}
	f.controls = append(f.controls, c)
	tab := ""
	if len(tabs) > 0 {
		tab = tabs[len(tabs)-1]
		if !slices.Contains(f.Tabs, tab) {
			f.Tabs = append(f.Tabs, tab)
		}
	}
	fl := f.Field(c.name)
	if fl == nil {
		fl = &Field{Name: c.name, Label: groupLabel, Help: help, Tab: tab, ID: c.id}
		f.Fields = append(f.Fields, fl)
	}
	if fl.Label == "" {
		fl.Label = groupLabel
	}
	// The visible control's id names the field (4.x puts a hidden "off"
	// input without an id before a checkbox).
	if c.id != "" && (fl.ID == "" || c.typ != "hidden" && len(fl.controls) > 0 && fl.controls[0].typ == "hidden") {
		fl.ID = c.id
	}
	fl.Required = fl.Required || required
	fl.controls = append(fl.controls, c)
}

// finish tells each field's kind from its controls, once the page is read.
func (f *Form) finish() {
	for _, fl := range f.Fields {
		var boxes, radios, hidden, texts int
		fl.Options = nil
		fl.Disabled, fl.ReadOnly = true, false
		for _, c := range fl.controls {
			fl.Disabled = fl.Disabled && c.disabled
			fl.ReadOnly = fl.ReadOnly || c.readOnly
			switch c.typ {
			case "checkbox":
				boxes++
				fl.Options = append(fl.Options, Option{Value: c.value, Label: c.label})
			case "radio":
				radios++
				fl.Options = append(fl.Options, Option{Value: c.value, Label: c.label})
			case "hidden":
				hidden++
			case "select":
				for _, o := range c.options {
					fl.Options = append(fl.Options, Option{Value: o.value, Label: o.label})
				}
			default:
				texts++
			}
		}
		first := fl.controls[0]
		switch {
		case first.tag == "select" && first.multiple:
			fl.Kind = MultiSelect
		case first.tag == "select":
			fl.Kind = Select
		case radios > 0:
			fl.Kind = Radio
		case boxes == 1 && !strings.HasSuffix(fl.Name, "[]"):
			fl.Kind = Checkbox
			if fl.Label == "" {
				fl.Label = fl.box().label
			}
		case boxes > 0:
			fl.Kind = CheckboxGroup
		case first.tag == "textarea":
			fl.Kind = TextArea
		case first.typ == "password":
			fl.Kind = Password
		case first.typ == "file":
			fl.Kind = File
		case hidden == len(fl.controls):
			fl.Kind = Hidden
		default:
			fl.Kind = Text
		}
		if fl.Label == "" {
			fl.Label = first.label
		}
		fl.refresh()
	}
}
