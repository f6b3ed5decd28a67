package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ocsetup/ocsetup/installer/integrations"
)

// TestSettingLists: a multi-value setting may be written as a list in YAML
// and JSON; it reaches the profile as the comma-separated value, and
// anything nested is refused with the setting's name.
func TestSettingLists(t *testing.T) {
	for _, c := range []struct {
		name, body, want, err string
	}{
		{"setup.yaml", "payment_terms: [6, \"12\"]\nproduct: LPAYPLUS\nempty:\nnull: ~\n", "6,12", ""},
		{"setup.yaml", "payment_terms:\n    - 6\n    - 18\n", "6,18", ""},
		{"setup.yaml", "payment_terms: \"6,12\"\n", "6,12", ""},
		{"setup.yaml", "payment_terms: [[6]]\n", "", "settings.payment_terms"},
		{"setup.yaml", "payment_terms: {a: 1}\n", "", "settings.payment_terms"},
	} {
		dir := t.TempDir()
		p := filepath.Join(dir, c.name)
		body := "site: sftp://u@127.0.0.1/shop\nintegration: latitudepay\nsettings:\n"
		for _, l := range strings.Split(strings.TrimSuffix(c.body, "\n"), "\n") {
			body += "  " + l + "\n"
		}
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		f, err := LoadSetupFile(p, integrations.Builtin())
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%q: err %v, want one naming %s", c.body, err, c.err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%q: %v", c.body, err)
		}
		if got := f.Settings["payment_terms"]; got != c.want {
			t.Errorf("%q: payment_terms = %q, want %q", c.body, got, c.want)
		}
		if v, ok := f.Settings["null"]; ok && v != "" {
			t.Errorf("a null setting read as %q", v)
		}
	}
	p := filepath.Join(t.TempDir(), "setup.json")
	if err := os.WriteFile(p, []byte(`{"site": "sftp://u@127.0.0.1/shop", "integration": "latitudepay", "settings": {"payment_terms": [6, 12], "names": ["a", "b"], "product": "LPAY"}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := LoadSetupFile(p, integrations.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	if f.Settings["payment_terms"] != "6,12" || f.Settings["names"] != "a,b" || f.Settings["product"] != "LPAY" {
		t.Errorf("JSON settings: %v", f.Settings)
	}
	if err := os.WriteFile(p, []byte(`{"site": "sftp://u@127.0.0.1/shop", "integration": "latitudepay", "settings": {"payment_terms": {"a": 1}}}`), 0o600); err == nil {
		if _, err := LoadSetupFile(p, integrations.Builtin()); err == nil || !strings.Contains(err.Error(), "settings.payment_terms") {
			t.Errorf("a nested JSON setting: %v", err)
		}
	}
}
