package app

import (
	"archive/zip"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ocsetup/ocsetup/installer/integrations"
	"github.com/ocsetup/ocsetup/internal/testenv"
)

func TestUsesStoreAPI(t *testing.T) {
	for _, c := range []struct {
		integration, apiUser string
		want                 bool
	}{
		{"onebox", "", true},
		{"onebox", "Default", true},
		{"amazon_ps", "", false},
		{"amazon_ps", "Default", true}, // the setup asked for an API user; APS has no api_key of its own
		{"latitudepay", "", false},
		{"latitudepay", "Default", false}, // OCSETUP_SECRET_API_KEY is LatitudePay's key
		{"despatch_cloud", "Default", false},
		{"custom", "", false},
		{"nosuch", "Default", false},
	} {
		f := &SetupFile{Integration: c.integration, Access: Access{APIUser: c.apiUser}}
		p, _ := integrations.ByID(c.integration)
		if got := usesStoreAPI(p, f); got != c.want {
			t.Errorf("%s with api_user %q: %v, want %v", c.integration, c.apiUser, got, c.want)
		}
	}
}

// writeZip builds a package of our own.
func writeZip(t *testing.T, path string, files map[string]string) {
	t.Helper()
	f, err := os.Create(path)
	must(t, err)
	zw := zip.NewWriter(f)
	for name, body := range files {
		w, err := zw.Create(name)
		must(t, err)
		_, err = w.Write([]byte(body))
		must(t, err)
	}
	must(t, zw.Close())
	must(t, f.Close())
}

// layout3 is a package of our own laid out like the Amazon Payment
// Services 3.x .ocmod.zip: upload/… for 2.3–3.x, without install.json.
var layout3 = map[string]string{
	"upload/admin/controller/extension/payment/ocs_pay.php":                     "<?php\nclass ControllerExtensionPaymentOcsPay extends Controller {}\n",
	"upload/admin/language/en-gb/extension/payment/ocs_pay.php":                 "<?php\n$_['heading_title'] = 'OCS Pay';\n",
	"upload/admin/view/template/extension/payment/ocs_pay.twig":                 "{{ header }}\n",
	"upload/catalog/controller/extension/payment/ocs_pay.php":                   "<?php\nclass ControllerExtensionPaymentOcsPay extends Controller {}\n",
	"upload/catalog/model/extension/payment/ocs_pay.php":                        "<?php\nclass ModelExtensionPaymentOcsPay extends Model {}\n",
	"upload/system/library/ocspay.php":                                          "<?php\n",
	"upload/catalog/view/theme/default/template/extension/payment/ocs_pay.twig": "<div></div>\n",
}

// layout4 is an OpenCart 4 package of our own.
var layout4 = map[string]string{
	"install.json":                           `{"name": "OCS Pay", "version": "1.0.0", "author": "ocsetup tests", "link": "https://example.com/"}`,
	"admin/controller/payment/ocs_pay.php":   "<?php\nnamespace Opencart\\Admin\\Controller\\Extension\\OcsPay\\Payment;\nclass OcsPay extends \\Opencart\\System\\Engine\\Controller {}\n",
	"catalog/controller/payment/ocs_pay.php": "<?php\nnamespace Opencart\\Catalog\\Controller\\Extension\\OcsPay\\Payment;\nclass OcsPay extends \\Opencart\\System\\Engine\\Controller {}\n",
}

// treeOf lists the files under root (names and sizes), to tell that
// nothing was written.
func treeOf(t *testing.T, root string) string {
	t.Helper()
	var lines []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		if strings.HasPrefix(rel, "fixture-sessions") || strings.HasPrefix(rel, filepath.Join("system", "storage")) || strings.HasPrefix(rel, filepath.Join("image", "cache")) {
			// The admin's PHP sessions and the store's own caches (apply
			// opens the storefront, which resizes its images into
			// image/cache).
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		if !d.IsDir() {
			lines = append(lines, fmt.Sprintf("%s %d", rel, info.Size()))
		}
		return nil
	})
	must(t, err)
	return strings.Join(lines, "\n")
}

func diffLines(a, b string) string {
	have := map[string]bool{}
	for _, l := range strings.Split(a, "\n") {
		have[l] = true
	}
	var out []string
	for _, l := range strings.Split(b, "\n") {
		if !have[l] {
			out = append(out, "+ "+l)
		}
	}
	return strings.Join(out, "\n")
}

// TestApplyRefusesAPackageForAnotherLine: a 3.x-layout package (shaped
// like the Amazon Payment Services 3.x .ocmod.zip: upload/… without
// install.json) on the real OpenCart 4.0 and 4.1 stores, and a 4.x
// package on the real 3.0 store, are refused before anything is uploaded,
// with the reason and what to ask the vendor for: exit 1, the database
// and the files as they were.
func TestApplyRefusesAPackageForAnotherLine(t *testing.T) {
	env := testenv.Get(t)
	for _, c := range []struct {
		version string
		files   map[string]string
		ask     string
	}{{"4.0.2.3", layout3, "install.json"}, {"4.1.0.4", layout3, "install.json"}, {"3.0.3.9", layout4, "admin/controller/extension/<type>/"}} {
		t.Run(c.version, func(t *testing.T) {
			t.Parallel()
			s := newRealShop(t, env, c.version, testenv.SFTP)
			dir := t.TempDir()
			writeZip(t, filepath.Join(dir, "ocs_pay.ocmod.zip"), c.files)
			file := s.setupFile(t, "integration: custom\npackage: "+filepath.Join(dir, "ocs_pay.ocmod.zip")+"\nsettings:\n  code: ocs_pay\n")
			dbBefore := env.Dump(t, s.rs)
			filesBefore := treeOf(t, s.rs.Root)
			code, out, errOut := runApplyCLI(t, s.vars, "apply", file, "--trust-new")
			if code != 1 {
				t.Fatalf("exit %d:\n%s\n%s", code, out, errOut)
			}
			msg := out + errOut
			for _, want := range []string{"does not fit this store's OpenCart " + c.version[:3], "nothing was uploaded", "Ask the vendor", c.ask} {
				if !strings.Contains(msg, want) {
					t.Errorf("message lacks %q:\n%s", want, msg)
				}
			}
			if strings.Contains(msg, "files sent") {
				t.Errorf("something was uploaded:\n%s", msg)
			}
			if env.Dump(t, s.rs) != dbBefore {
				t.Error("the database changed")
			}
			if after := treeOf(t, s.rs.Root); after != filesBefore {
				t.Errorf("files changed:\n%s", diffLines(filesBefore, after))
			}
		})
	}
}
