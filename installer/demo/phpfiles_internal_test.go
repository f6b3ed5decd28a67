package demo

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ocsetup/ocsetup/installer/phpconf"
)

// get fetches a path of the demo's store and returns status and body.
func get(t *testing.T, d *Demo, p string) (int, string) {
	t.Helper()
	resp, err := http.Get(strings.TrimSuffix(d.StoreURL(), "/") + p)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

func put(t *testing.T, d *Demo, rel, content string) {
	t.Helper()
	p := filepath.Join(d.AccountDir(), StoreFolder, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func startInternal(t *testing.T) *Demo {
	t.Helper()
	d, err := Start(context.Background(), Options{TempDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = d.Close() })
	return d
}

// TestPHPFiles: ocsetup's probes get what PHP would print; other PHP
// gets an error that says the demo runs none; missing files are 404.
func TestPHPFiles(t *testing.T) {
	d := startInternal(t)
	put(t, d, "catalog/ocsetup-probe-0123abcd.php", "<?php\n// ocsetup checks that PHP runs here; it deletes this file at once.\necho strrev('fedcba');\n")
	put(t, d, "ocsetup-probe-99ff.php", "<?php\nheader('Content-Type: application/json');\n"+
		"echo json_encode(array('token' => '99ff', 'php' => PHP_VERSION, 'self_owner' => fileowner(__FILE__), 'written_owner' => $w === false ? -1 : $w));\n")
	put(t, d, "catalog/other.php", "<?php echo 'hello';\n")
	put(t, d, "ocsetup-probe-aa.php", "<?php echo 'not a probe of ours';\n")
	for _, c := range []struct {
		path   string
		status int
		want   string
	}{
		{"/catalog/ocsetup-probe-0123abcd.php", 200, "abcdef"},
		{"/ocsetup-probe-99ff.php", 200, `"token":"99ff"`},
		{"/catalog/other.php", 500, "runs no PHP"},
		{"/ocsetup-probe-aa.php", 500, "runs no PHP"},
		{"/catalog/missing.php", 404, "Page Not Found!"},
		{"/config.php.bak", 404, "Page Not Found!"},
	} {
		status, body := get(t, d, c.path)
		if status != c.status || !strings.Contains(body, c.want) {
			t.Errorf("%s: %d %q, want %d with %q", c.path, status, body, c.status, c.want)
		}
	}
}

// TestSampleCron: the sample connector's cron.php logs in with the key
// ocsetup wrote into it and says so in log.txt; without a key it reports
// the key as invalid, in words the sync view recognises.
func TestSampleCron(t *testing.T) {
	ctx := context.Background()
	d := startInternal(t)
	pkgDir, err := WriteSamplePackage(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile(filepath.Join(pkgDir, "upload", filepath.FromSlash(sampleCronPath)))
	if err != nil {
		t.Fatal(err)
	}
	put(t, d, sampleCronPath, string(src))
	if _, body := get(t, d, "/"+sampleCronPath); !strings.Contains(body, "API key is invalid") {
		t.Fatalf("without settings: %q", body)
	}

	key := strings.Repeat("k", 64)
	if err := d.storeDB.exec(ctx, "UPDATE "+d.storeDB.table("api")+" SET `key` = ? WHERE username = 'Default'", key); err != nil {
		t.Fatal(err)
	}
	if err := d.storeDB.exec(ctx, "INSERT INTO "+d.storeDB.table("api_ip")+" SET api_id = 1, ip = '127.0.0.1'"); err != nil {
		t.Fatal(err)
	}
	configured, err := phpconf.SetOneBoxCron(src, d.StoreURL(), key)
	if err != nil {
		t.Fatal(err)
	}
	put(t, d, sampleCronPath, string(configured))
	status, body := get(t, d, "/"+sampleCronPath)
	if status != 200 || !strings.Contains(body, "Logged in to the store's API (api_token)") {
		t.Fatalf("configured: %d %q", status, body)
	}
	n, err := d.storeDB.value(ctx, "SELECT COUNT(*) FROM "+d.storeDB.table("api_session")+" WHERE api_id = 1")
	if err != nil || n != "1" {
		t.Errorf("api_session rows: %s %v", n, err)
	}
	log, err := os.ReadFile(filepath.Join(d.AccountDir(), StoreFolder, "catalog", "onebox", "log.txt"))
	if err != nil || strings.Count(string(log), "\n") != 2 || !strings.Contains(string(log), "Logged in") {
		t.Errorf("log.txt: %q %v", log, err)
	}
}

func TestPHPStringVar(t *testing.T) {
	src := []byte("<?php\n$host = 'http://x/';\n$apiKey = 'a\\'b\\\\c';\n$other = \"q\";\n")
	for name, want := range map[string]string{"host": "http://x/", "apiKey": `a'b\c`} {
		if got, ok := phpStringVar(src, name); !ok || got != want {
			t.Errorf("$%s = %q %v, want %q", name, got, ok, want)
		}
	}
	if _, ok := phpStringVar(src, "other"); ok {
		t.Error("a double-quoted value was read as single-quoted")
	}
}
