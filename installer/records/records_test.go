package records

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

type rec struct{ Name string }

func TestWriteReadRemove(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "things")
	f, err := Write(dir, "a", rec{Name: "a"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Write(dir, "b", rec{Name: "b"}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "bad.json"), []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := ReadAll(dir, "thing record", func(r *rec) bool { return r.Name != "" })
	if len(got) != 2 || err == nil || !strings.Contains(err.Error(), "thing record") {
		t.Fatalf("%+v %v", got, err)
	}
	if err := Remove(f); err != nil {
		t.Fatal(err)
	}
	if err := Remove(f); err != nil {
		t.Fatalf("second remove: %v", err)
	}
	if got, _ := ReadAll(filepath.Join(dir, "none"), "x", func(*rec) bool { return true }); got != nil {
		t.Fatal("records in a missing folder")
	}
}
