package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ocsetup/ocsetup/installer/integrations"
)

// TestSetupFileExampleLoads: the example `help apply` shows is a setup
// file that loads, in every language (only its comments are translated).
func TestSetupFileExampleLoads(t *testing.T) {
	for _, lang := range []string{"en", "ru"} {
		p := filepath.Join(t.TempDir(), "setup.yaml")
		if err := os.WriteFile(p, []byte(exampleSetupFile(lang)), 0o600); err != nil {
			t.Fatal(err)
		}
		f, err := LoadSetupFile(p, integrations.Builtin())
		if err != nil {
			t.Fatalf("%s: %v", lang, err)
		}
		if f.Integration != "onebox" || f.Access.IPs[0] != "203.0.113.7" || f.PackagePath() != filepath.Join(filepath.Dir(p), "onebox-opencart3.ocmod.zip") {
			t.Fatalf("%s: %+v", lang, f)
		}
	}
}

func TestSetupFileRefusals(t *testing.T) {
	for name, c := range map[string]struct{ ext, body, want string }{
		"secret in settings": {".yaml", "site: sftp://u@h/\nintegration: amazon_ps\nsettings:\n  access_code: x\n", "OCSETUP_SECRET_ACCESS_CODE"},
		"password in URL":    {".yaml", "site: sftp://u:pw@h/\nintegration: onebox\n", "OCSETUP_PASSWORD"},
		"unknown field":      {".yaml", "site: sftp://u@h/\nintegration: onebox\npassword: x\n", "password"},
		"unknown profile":    {".json", `{"site":"sftp://u@h/","integration":"paypal"}`, "not one of"},
		"bad cron":           {".json", `{"site":"sftp://u@h/","integration":"onebox","access":{"cron":"hourly"}}`, "access.cron"},
	} {
		p := filepath.Join(t.TempDir(), "s"+c.ext)
		if err := os.WriteFile(p, []byte(c.body), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := LoadSetupFile(p, integrations.Builtin()); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v (want %q)", name, err, c.want)
		}
	}
}
