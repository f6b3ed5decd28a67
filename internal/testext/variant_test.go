package testext

import (
	"archive/zip"
	"context"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ocsetup/ocsetup/internal/testenv"
)

// shipModule is a module variant (Extensions > Modules) with a checkbox,
// a required password with a minimum length and a plain text field.
func shipModule() Variant {
	return Variant{Type: "module", Code: "ocship", Title: "ocsetup Test Ship", Fields: []Field{
		{Name: "status", Kind: Checkbox},
		{Name: "api_key", Kind: Password, Required: true, MinLength: 24},
		{Name: "order_prefix", Kind: Text},
	}}
}

// termsPayment is a payment variant whose hidden block is hidden by a
// <style> rule and whose multi-select is required unless a select says so,
// with an install.xml that edits a storefront template.
func termsPayment() Variant {
	return Variant{Type: "payment", Code: "ocpay_terms", Title: "ocsetup Terms Pay", HiddenAlert: "Pick at least one term!", InstallXML: true,
		InstallStatuses: []string{"Partially Paid"},
		XMLEdit:         &XMLEdit{Path: "catalog/view/theme/*/template/checkout/cart.twig", Search: "{{ content_top }}", Add: "<!-- ocpay_terms -->"},
		Fields: []Field{
			{Name: "status", Kind: Select},
			{Name: "product", Kind: Select, Options: []Option{{"BASIC", "Basic"}, {"PLUS", "Plus"}}},
			{Name: "payment_terms", Kind: MultiSelect, Options: []Option{{"6", "6 months"}, {"12", "12 months"}}, RequiredUnless: []string{"product", "BASIC"}},
			{Name: "api_key", Label: "API key", Kind: Text, Required: true},
		}}
}

// TestVariantShapes: the files of other variants follow their type and
// code, and the quirks asked for are in them.
func TestVariantShapes(t *testing.T) {
	for _, line := range Lines {
		files, err := FilesOf(line, shipModule())
		if err != nil {
			t.Fatal(err)
		}
		admin, catalog := "admin/controller/extension/module/ocship.php", "catalog/controller/extension/module/ocship.php"
		if line == "4.0" || line == "4.1" {
			admin, catalog = "extension/ocship/admin/controller/module/ocship.php", "extension/ocship/catalog/controller/module/ocship.php"
		}
		if files[admin] == nil || files[catalog] == nil {
			t.Errorf("%s: module files %v", line, keys(files))
		}
		for rel, b := range files {
			if strings.Contains(rel, "model") || strings.Contains(rel, "payment") || strings.Contains(string(b), "ocpay") {
				t.Errorf("%s: a module variant has %s (payment-only or ocpay's)", line, rel)
			}
		}
		if !strings.Contains(string(files[admin]), "'module_ocship'") && line != "2.3" {
			t.Errorf("%s: the settings are not saved under module_ocship", line)
		}
		if !strings.Contains(string(files[admin]), "< 24") {
			t.Errorf("%s: no minimum length in the validation", line)
		}

		p := PackageOf(t, line, termsPayment())
		got := entries(t, p)
		hasXML := got["install.xml"] != nil
		if want := line == "2.3" || line == "3.0"; hasXML != want {
			t.Errorf("%s: install.xml in the package: %v, want %v", line, hasXML, want)
		}
		if hasXML && !strings.Contains(read(t, got["install.xml"]), `<file path="catalog/view/theme/*/template/checkout/cart.twig">`) {
			t.Errorf("%s: install.xml does not edit cart.twig", line)
		}
		files, err = FilesOf(line, termsPayment())
		if err != nil {
			t.Fatal(err)
		}
		var view string
		for rel, b := range files {
			if strings.Contains(rel, "admin/view/") {
				view = string(b)
			}
		}
		for rel, b := range files {
			if strings.Contains(rel, "admin/controller/") && !strings.Contains(string(b), "$this->addOrderStatus('Partially Paid');") {
				t.Errorf("%s: install() does not add the order status", line)
			}
		}
		if !strings.Contains(view, "<style>") || !strings.Contains(view, ".ocpay_terms-hidden-alert { display: none; }") || strings.Contains(view, "display:none") {
			t.Errorf("%s: the hidden block is not hidden by a <style> rule:\n%s", line, view)
		}
	}
	if _, err := FilesOf("3.0", Variant{Type: "shipping", Code: "x", Title: "X"}); err == nil {
		t.Errorf("a variant of an unknown type was built")
	}
	if _, err := FilesOf("3.0", Variant{Type: "module", Code: "x", Title: "It's"}); err == nil {
		t.Errorf("a title that breaks PHP strings was accepted")
	}
}

func keys(m map[string][]byte) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// TestVariantCallbacksAndFiles: a payment variant's further callbacks are
// methods of its catalog controller on every line; further files land at
// their store paths on 2.3 and 3.0, beside the extension's; what cannot be
// built is refused with the reason.
func TestVariantCallbacksAndFiles(t *testing.T) {
	v := Variant{Type: "payment", Code: "ocpay_cb", Title: "ocsetup Callback Pay", Callbacks: []string{"response"}}
	for _, line := range Lines {
		files, err := FilesOf(line, v)
		if err != nil {
			t.Fatal(err)
		}
		catalog := "catalog/controller/extension/payment/ocpay_cb.php"
		if line == "4.0" || line == "4.1" {
			catalog = "extension/ocpay_cb/catalog/controller/payment/ocpay_cb.php"
		}
		if src := string(files[catalog]); !strings.Contains(src, "public function response(") || !strings.Contains(src, "public function confirm()") {
			t.Errorf("%s: the catalog controller lacks the callback or confirm:\n%s", line, src)
		}
		if plain, _ := FilesOf(line, Variant{Type: "payment", Code: "ocpay_cb", Title: "ocsetup Callback Pay"}); strings.Contains(string(plain[catalog]), "function response") {
			t.Errorf("%s: a callback without asking for one", line)
		}
	}
	subs := Variant{Type: "payment", Code: "ocpay_cb", Title: "ocsetup Callback Pay", SubMethods: []string{"installments", "apple_pay"}}
	files, err := FilesOf("3.0", subs)
	if err != nil {
		t.Fatal(err)
	}
	if src := string(files["admin/controller/extension/payment/ocpay_cb.php"]); !strings.Contains(src, "$this->saveSubMethods();") || !strings.Contains(src, "array('installments', 'apple_pay')") {
		t.Errorf("3.0: the save does not install the sub-methods:\n%s", src)
	}
	if php, err := exec.LookPath("php"); err == nil {
		p := filepath.Join(t.TempDir(), "admin.php")
		if err := os.WriteFile(p, files["admin/controller/extension/payment/ocpay_cb.php"], 0o644); err != nil {
			t.Fatal(err)
		}
		if out, err := exec.Command(php, "-l", p).CombinedOutput(); err != nil {
			t.Errorf("sub-methods: %v: %s", err, out)
		}
	}
	if _, err := FilesOf("2.3", subs); err == nil {
		t.Error("sub-methods built on 2.3")
	}
	withFiles := Variant{Type: "module", Code: "onebox", Title: "OneBox", Files: map[string]string{"catalog/onebox/cron.php": "<?php\n$apiKey = '';\n"}}
	for _, line := range []string{"2.3", "3.0"} {
		files, err := FilesOf(line, withFiles)
		if err != nil {
			t.Fatal(err)
		}
		if string(files["catalog/onebox/cron.php"]) != "<?php\n$apiKey = '';\n" || files["admin/controller/extension/module/onebox.php"] == nil {
			t.Errorf("%s: files %v", line, keys(files))
		}
		p := filepath.Join(t.TempDir(), withFiles.PackageName())
		if err := WriteVariantPackage(p, line, withFiles); err != nil {
			t.Fatal(err)
		}
		zr, err := zip.OpenReader(p)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, f := range zr.File {
			names = append(names, f.Name)
		}
		zr.Close()
		if !slices.Contains(names, "upload/catalog/onebox/cron.php") || !slices.Contains(names, "upload/catalog/onebox/") {
			t.Errorf("%s: the package holds %v", line, names)
		}
	}
	for name, bad := range map[string]struct {
		line string
		v    Variant
	}{
		"files on 4.x":        {"4.0", withFiles},
		"a path out":          {"3.0", Variant{Type: "module", Code: "x", Title: "X", Files: map[string]string{"../etc/passwd": ""}}},
		"an absolute path":    {"3.0", Variant{Type: "module", Code: "x", Title: "X", Files: map[string]string{"/etc/passwd": ""}}},
		"an extension's file": {"3.0", Variant{Type: "module", Code: "x", Title: "X", Files: map[string]string{"admin/controller/extension/module/x.php": ""}}},
		"a module's callback": {"3.0", Variant{Type: "module", Code: "x", Title: "X", Callbacks: []string{"response"}}},
		"confirm again":       {"3.0", Variant{Type: "payment", Code: "x", Title: "X", Callbacks: []string{"confirm"}}},
		"not a method name":   {"3.0", Variant{Type: "payment", Code: "x", Title: "X", Callbacks: []string{"a-b"}}},
	} {
		if _, err := FilesOf(bad.line, bad.v); err == nil {
			t.Errorf("%s: built", name)
		}
	}
}

// TestVariantSourcesParse runs php -l over every PHP source of the other
// variants.
func TestVariantSourcesParse(t *testing.T) {
	php, err := exec.LookPath("php")
	if err != nil {
		if os.Getenv(testenv.RequiredVar) == "1" {
			t.Fatal("php is not installed")
		}
		t.Skip("php is not installed")
	}
	callbacks := termsPayment()
	callbacks.Code, callbacks.Callbacks = "ocpay_cb", []string{"response", "checkPaymentStatus"}
	for _, v := range []Variant{shipModule(), termsPayment(), callbacks} {
		for _, line := range Lines {
			files, err := FilesOf(line, v)
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			for rel, b := range files {
				if !strings.HasSuffix(rel, ".php") && !strings.HasSuffix(rel, ".tpl") {
					continue
				}
				p := filepath.Join(dir, strings.ReplaceAll(rel, "/", "_"))
				if err := os.WriteFile(p, b, 0o644); err != nil {
					t.Fatal(err)
				}
				if out, err := exec.Command(php, "-l", p).CombinedOutput(); err != nil {
					t.Errorf("%s %s %s: %v: %s", v.Code, line, rel, err, out)
				}
			}
		}
	}
}

// TestModuleVariantOnEachLine installs a module variant through each real
// store's admin (Extensions > Modules), has its validation refuse a short
// key, saves it and uninstalls it.
func TestModuleVariantOnEachLine(t *testing.T) {
	e := testenv.Get(t)
	for _, line := range Lines {
		t.Run(line, func(t *testing.T) {
			rs := e.Store(t, realStoreVersions[line])
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			a, err := AdminLogin(ctx, rs)
			if err != nil {
				t.Fatal(err)
			}
			v := shipModule()
			a.Variant = v
			if err := a.InstallPackage(ctx, PackageOf(t, line, v)); err != nil {
				t.Fatalf("install %s: %v", v.Code, err)
			}
			db, err := storeDB(rs, e.MySQL)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if n := count(t, db, "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = 'oc_ocship_transaction'", rs.Database); n != 1 {
				t.Errorf("install() made no table oc_ocship_transaction")
			}
			if n := count(t, db, "SELECT COUNT(*) FROM oc_event WHERE code = 'ocship'"); n != 1 {
				t.Errorf("install() registered %d events with code ocship, want 1", n)
			}
			if n := count(t, db, "SELECT COUNT(*) FROM oc_extension WHERE type = 'module' AND code = 'ocship'"); n != 1 {
				t.Errorf("no module row for ocship")
			}
			p := v.Prefix(line)
			page, err := a.SettingsPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if page.Status != 200 || !strings.Contains(page.Body, `name="`+p+`api_key"`) || PHPMessages(page.Body) != nil {
				t.Fatalf("settings page: HTTP %d %.600s", page.Status, page.Body)
			}
			short := url.Values{p + "status": {"1"}, p + "api_key": {"too-short"}, p + "order_prefix": {"OC-"}}
			ans, err := a.PostValues(ctx, short)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(ans.Body, "API Key must be at least 24 characters!") {
				t.Errorf("a short key: the answer lacks the length error: %.600s", ans.Body)
			}
			good := url.Values{p + "status": {"1"}, p + "api_key": {"0123456789abcdef01234567"}, p + "order_prefix": {"OC-"}}
			if err := a.SaveValues(ctx, good); err != nil {
				t.Fatal(err)
			}
			if n := count(t, db, "SELECT COUNT(*) FROM oc_setting WHERE `code` = ? AND `key` = ? AND value = 'OC-'", v.SettingCode(line), p+"order_prefix"); n != 1 {
				t.Errorf("the settings were not saved under %s", v.SettingCode(line))
			}
			if err := a.UninstallExtension(ctx); err != nil {
				t.Fatal(err)
			}
			if n := count(t, db, "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = 'oc_ocship_transaction'", rs.Database); n != 0 {
				t.Errorf("uninstall() left the table")
			}
		})
	}
}
