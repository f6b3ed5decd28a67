package testext

import (
	"archive/zip"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ocsetup/ocsetup/internal/testenv"
)

func entries(t *testing.T, p string) map[string]*zip.File {
	t.Helper()
	r, err := zip.OpenReader(p)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	out := map[string]*zip.File{}
	for _, f := range r.File {
		out[f.Name] = f
	}
	return out
}

func read(t *testing.T, f *zip.File) string {
	t.Helper()
	rc, err := f.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestPackageLayout checks each line's package against what that line's
// installer reads.
func TestPackageLayout(t *testing.T) {
	want := map[string][]string{
		"2.3": {
			"upload/admin/controller/extension/payment/ocpay.php",
			"upload/admin/language/en-gb/extension/payment/ocpay.php",
			"upload/admin/view/template/extension/payment/ocpay.tpl",
			"upload/catalog/controller/extension/payment/ocpay.php",
			"upload/catalog/model/extension/payment/ocpay.php",
			"upload/catalog/language/en-gb/extension/payment/ocpay.php",
			"upload/catalog/view/theme/default/template/extension/payment/ocpay.tpl",
			"install.xml", "__MACOSX/upload/._index.php",
		},
		"3.0": {
			"upload/admin/controller/extension/payment/ocpay.php",
			"upload/admin/view/template/extension/payment/ocpay.twig",
			"upload/catalog/model/extension/payment/ocpay.php",
			"upload/catalog/view/theme/default/template/extension/payment/ocpay.twig",
			"install.xml", "__MACOSX/upload/._index.php",
		},
		"4.0": {
			"install.json", "admin/controller/payment/ocpay.php", "admin/language/en-gb/payment/ocpay.php",
			"admin/view/template/payment/ocpay.twig", "catalog/controller/payment/ocpay.php",
			"catalog/model/payment/ocpay.php", "catalog/language/en-gb/payment/ocpay.php",
			"catalog/view/template/payment/ocpay.twig",
		},
	}
	want["4.1"] = want["4.0"]
	for _, line := range Lines {
		t.Run(line, func(t *testing.T) {
			p := Package(t, line)
			if filepath.Base(p) != "ocpay.ocmod.zip" {
				t.Errorf("package name %s: the installers take the code from NAME.ocmod.zip", filepath.Base(p))
			}
			got := entries(t, p)
			for _, name := range want[line] {
				if got[name] == nil {
					t.Errorf("no %s in the package", name)
				}
			}
			for name, f := range got {
				if !strings.HasPrefix(name, "__MACOSX/") && !strings.HasSuffix(name, "/") && strings.TrimSpace(read(t, f)) == "" {
					t.Errorf("%s is empty", name)
				}
			}
			switch line {
			case "2.3", "3.0":
				if x := got["install.xml"]; x == nil || !strings.Contains(read(t, x), "<code>ocpay</code>") {
					t.Errorf("install.xml lacks the modification code")
				}
				if got["install.json"] != nil {
					t.Errorf("install.json in a %s package", line)
				}
				prefix := Prefix(line)
				if !strings.Contains(read(t, got["upload/catalog/model/extension/payment/ocpay.php"]), "'"+prefix+"status'") {
					t.Errorf("the catalog model does not read %sstatus", prefix)
				}
			default:
				var info map[string]string
				if err := json.Unmarshal([]byte(read(t, got["install.json"])), &info); err != nil {
					t.Fatal(err)
				}
				// 4.x's installer wants each of these 3 to 128 characters long.
				for _, k := range []string{"name", "version", "author", "link"} {
					if n := len(info[k]); n < 3 || n > 128 {
						t.Errorf("install.json %s = %q", k, info[k])
					}
				}
				src := read(t, got["admin/controller/payment/ocpay.php"])
				if !strings.Contains(src, `namespace Opencart\Admin\Controller\Extension\Ocpay\Payment;`) {
					t.Errorf("the admin controller is not in the extension's namespace")
				}
				for name := range got {
					if strings.HasPrefix(name, "upload/") || strings.HasPrefix(name, "__MACOSX") {
						t.Errorf("%s in a 4.x package", name)
					}
				}
			}
		})
	}
}

// TestSourcesParse runs php -l over every PHP source of the extension.
func TestSourcesParse(t *testing.T) {
	php, err := exec.LookPath("php")
	if err != nil {
		if os.Getenv(testenv.RequiredVar) == "1" {
			t.Fatal("php is not installed")
		}
		t.Skip("php is not installed")
	}
	for _, line := range Lines {
		files, err := Files(line)
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		for rel, b := range files {
			if !strings.HasSuffix(rel, ".php") && !strings.HasSuffix(rel, ".tpl") {
				continue
			}
			p := filepath.Join(dir, filepath.Base(rel))
			if err := os.WriteFile(p, b, 0o644); err != nil {
				t.Fatal(err)
			}
			if out, err := exec.Command(php, "-l", p).CombinedOutput(); err != nil {
				t.Errorf("%s %s: %v: %s", line, rel, err, out)
			}
		}
	}
}
