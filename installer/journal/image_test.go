package journal

import (
	"slices"
	"testing"
)

// TestUncomparedTables: a table both images hold with other columns (the
// API users read directly, then over the plain-HTTP bridge without their
// key) is named, and Diff leaves it out rather than guess; a table with
// the same columns is compared.
func TestUncomparedTables(t *testing.T) {
	s := func(v string) *string { return &v }
	before := Image{
		"api":     {Columns: []string{"api_id", "username", "key"}, Key: []string{"api_id"}, Rows: [][]*string{{s("1"), s("Default"), s("k1")}}},
		"setting": {Columns: []string{"setting_id", "key", "value"}, Key: []string{"setting_id"}, Rows: [][]*string{{s("1"), s("a"), s("1")}}},
	}
	after := Image{
		"api":     {Columns: []string{"api_id", "username"}, Key: []string{"api_id"}, Rows: [][]*string{{s("1"), s("Default")}, {s("2"), s("ocsetup")}}},
		"setting": {Columns: []string{"setting_id", "key", "value"}, Key: []string{"setting_id"}, Rows: [][]*string{{s("1"), s("a"), s("2")}}},
	}
	if got := Uncompared(before, after); !slices.Equal(got, []string{"api"}) {
		t.Errorf("uncompared: %v, want [api]", got)
	}
	changes := Diff(before, after)
	if len(changes) != 1 || changes[0].Table != "setting" {
		t.Errorf("diff: %+v, want the setting's change only", changes)
	}
	if got := Uncompared(before, before); len(got) != 0 {
		t.Errorf("the same image: %v", got)
	}
}
