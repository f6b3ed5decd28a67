package bridge

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

const testSecret = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

func TestRender(t *testing.T) {
	src, err := Render(testSecret, 30*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	s := string(src)
	if !strings.Contains(s, "$ocsetup_secret = '"+testSecret+"';") || !strings.Contains(s, "$ocsetup_ttl = 1800;") || strings.Contains(s, "{{") {
		t.Errorf("rendered header:\n%s", s[:strings.Index(s, "ocsetup_bridge_main(")])
	}
	for _, bad := range []struct {
		secret string
		ttl    time.Duration
	}{
		{"short", time.Minute},
		{strings.ToUpper(testSecret), time.Minute},
		{testSecret[:63] + "'", time.Minute},
		{testSecret, 0},
		{testSecret, MaxTTL + time.Second},
	} {
		if _, err := Render(bad.secret, bad.ttl); err == nil {
			t.Errorf("Render(%q, %v) accepted", bad.secret, bad.ttl)
		}
	}
}

// TestPHPLint runs php -l on the rendered bridge; the test servers'
// PHP is the one installed here.
func TestPHPLint(t *testing.T) {
	php, err := exec.LookPath("php")
	if err != nil {
		t.Skip("php is not installed; the test command installs it")
	}
	src, err := Render(testSecret, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	f := filepath.Join(t.TempDir(), "bridge.php")
	if err := os.WriteFile(f, src, 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(php, "-l", f).CombinedOutput(); err != nil {
		t.Fatalf("php -l: %v\n%s", err, out)
	}
}

// TestPHP54Syntax: the bridge must run on PHP 5.4, which no test server
// here has, so the constructs PHP 5.4 lacks are searched for in the code
// (comments removed): ??, ?->, arrow functions, spread, finally (5.5),
// ::class (5.5), <=>, return and parameter types, match, and calls to
// newer functions without a function_exists guard.
func TestPHP54Syntax(t *testing.T) {
	code := regexp.MustCompile(`(?s)/\*.*?\*/|//[^\n]*`).ReplaceAllString(source, "")
	for _, c := range []struct{ re, what string }{
		{`\?\?`, "?? (PHP 7.0)"},
		{`\?->`, "?-> (PHP 8.0)"},
		{`\bfn\s*\(`, "arrow functions (PHP 7.4)"},
		{`\.\.\.\$`, "variadics or spread (PHP 5.6)"},
		{`\bfinally\b`, "finally (PHP 5.5)"},
		{`::class\b`, "::class (PHP 5.5)"},
		{`<=>`, "<=> (PHP 7.0)"},
		{`\)\s*:\s*\??[a-zA-Z]+\s*\{`, "return types (PHP 7.0)"},
		{`function\s+\w+\s*\([^)]*\b(string|int|float|bool|array|iterable|mixed)\s+\$`, "scalar parameter types (PHP 7.0)"},
		{`\bmatch\s*\(`, "match (PHP 8.0)"},
		{`\byield\b`, "generators (PHP 5.5)"},
		{`\brandom_bytes\(|\brandom_int\(|\bintdiv\(|\barray_key_first\(|\bstr_contains\(|\bstr_starts_with\(`, "functions newer than 5.4"},
		{`\bempty\(\s*[a-z_]+\(`, "empty() of an expression (PHP 5.5)"},
	} {
		if loc := regexp.MustCompile(c.re).FindStringIndex(code); loc != nil {
			t.Errorf("uses %s: %q", c.what, code[max(0, loc[0]-30):min(len(code), loc[1]+30)])
		}
	}
	// hash_equals is 5.6: only behind function_exists.
	if strings.Count(code, "hash_equals(") != strings.Count(code, "function_exists('hash_equals')") {
		t.Error("hash_equals is called without a function_exists guard")
	}
}
