package phpconf

import (
	"bytes"
	"encoding/hex"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const newKey = "4vQ7Tj7sWLbmlhmyBzLeqszRJfJIwI1RPE84FMx6"

func TestSetOneBoxCronKeepsEveryOtherByte(t *testing.T) {
	for _, file := range []string{"testdata/onebox/cron.php", "testdata/onebox/cron_crlf.php"} {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		out, err := SetOneBoxCron(src, "https://new-shop.example.com/", newKey)
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		// Build the expected file by hand: only the two literals change,
		// and the double-quoted key becomes single-quoted.
		want := bytes.Replace(src, []byte("'http://old-shop.example/'  ;"), []byte("'https://new-shop.example.com/'  ;"), 1)
		want = bytes.Replace(want, []byte(`"OLDKEYOLDKEYOLDKEYOLDKEY"`), []byte("'"+newKey+"'"), 1)
		if !bytes.Equal(out, want) {
			t.Errorf("%s: output differs from the expected edit:\n%s", file, out)
		}
		// Running it again with the same values changes nothing.
		again, err := SetOneBoxCron(out, "https://new-shop.example.com/", newKey)
		if err != nil || !bytes.Equal(again, out) {
			t.Errorf("%s: second edit not idempotent: %v", file, err)
		}
	}
}

func TestSetVariablesEscapesLikePHP(t *testing.T) {
	src, err := os.ReadFile("testdata/onebox/cron.php")
	if err != nil {
		t.Fatal(err)
	}
	values := map[string]string{
		"host":    `http://x/it's\`,
		"$apiKey": `a\'b\\c'd\` + "\n\x00\xff" + `$e "f"`,
	}
	out, err := SetVariables(src, values)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(out, []byte(`$host   =   'http://x/it\'s\\'  ;`)) {
		t.Errorf("host literal not written as expected:\n%s", out)
	}
	// Read the values back through the parser's own decoder...
	toks, err := Tokenize(out)
	if err != nil {
		t.Fatal(err)
	}
	found := findAssignments(out, toks, map[string]string{"host": "", "apiKey": ""})
	for name, want := range map[string]string{"host": values["host"], "apiKey": values["$apiKey"]} {
		got, _, _ := stringLiteral(out, found[name][0].value)
		if got != want {
			t.Errorf("$%s reads back as %q, want %q", name, got, want)
		}
	}
	// ...and through PHP itself.
	php, err := exec.LookPath("php")
	if err != nil {
		t.Skip("php is not on PATH")
	}
	file := filepath.Join(t.TempDir(), "cron.php")
	if err := os.WriteFile(file, out, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(php, "-n", "-r",
		`ob_start(); include $argv[1]; ob_end_clean(); echo bin2hex($host), " ", bin2hex($apiKey);`, file)
	got, err := cmd.Output()
	if err != nil {
		t.Fatalf("php: %v", err)
	}
	parts := strings.Fields(string(got))
	if len(parts) != 2 {
		t.Fatalf("php output %q", got)
	}
	for i, want := range []string{values["host"], values["$apiKey"]} {
		b, _ := hex.DecodeString(parts[i])
		if string(b) != want {
			t.Errorf("PHP reads %q, want %q", b, want)
		}
	}
}

func TestSetVariablesRefuses(t *testing.T) {
	two := map[string]string{"host": "https://a.example/", "apiKey": newKey}
	tests := []struct {
		src  string
		want error
		line int
	}{
		{"<?php\n$host = 'x';\n", ErrNotAssigned, 0},
		{"<?php\n$host = 'x';\n$apiKey = 'k';\n$host = 'y';\n", ErrAssignedTwice, 4},
		{"<?php\n$host = 'x';\n$apiKey = 'k';\n$host .= '/';\n", ErrAssignedTwice, 4},
		{"<?php\n$host = 'x';\n$apiKey = 'k';\n$apiKey++;\n", ErrAssignedTwice, 4},
		{"<?php\n$host = HTTP_SERVER;\n$apiKey = 'k';\n", ErrNotLiteral, 2},
		{"<?php\n$host = 'a' . 'b';\n$apiKey = 'k';\n", ErrNotLiteral, 2},
		{"<?php\n$host = \"http://$domain/\";\n$apiKey = 'k';\n", ErrNotLiteral, 2},
		{"<?php\n$host = getenv('H');\n$apiKey = 'k';\n", ErrNotLiteral, 2},
		{"<?php\n$host = <<<'E'\nx\nE;\n$apiKey = 'k';\n", ErrNotLiteral, 2},
		{"<?php\n$host = `hostname`;\n$apiKey = 'k';\n", ErrNotLiteral, 2},
		{"<?php\n$host .= 'x';\n$apiKey = 'k';\n", ErrNotLiteral, 2},
		{"<?php\nif ($x) {\n$host = 'x';\n}\n$apiKey = 'k';\n", ErrNotTopLevel, 3},
		{"<?php\nif ($x) $host = 'x';\n$apiKey = 'k';\n", ErrNotTopLevel, 2},
		{"<?php\nfunction f() { $host = 'x'; }\n$apiKey = 'k';\n", ErrNotTopLevel, 2},
		{"<?php\n$apiKey = 'k';\nreturn;\n$host = 'x';\n", ErrNotTopLevel, 4},
		{"<?php\n// $host = 'x';\n$apiKey = 'k';\n", ErrNotAssigned, 0},
	}
	for _, tc := range tests {
		out, err := SetVariables([]byte(tc.src), two)
		var ve *VariableError
		if out != nil || !errors.As(err, &ve) || !errors.Is(err, tc.want) {
			t.Errorf("%q: got %v, want %v", tc.src, err, tc.want)
			continue
		}
		if ve.Line != tc.line {
			t.Errorf("%q: line %d, want %d", tc.src, ve.Line, tc.line)
		}
		if !strings.Contains(err.Error(), "$"+ve.Name) {
			t.Errorf("%q: message %q does not name the variable", tc.src, err)
		}
	}
	if _, err := SetVariables([]byte("<?php $x = 'a';"), map[string]string{"1x": "v"}); err == nil {
		t.Error("bad variable name accepted")
	}
	if _, err := SetVariables([]byte("<?php $x = 'a"), map[string]string{"x": "v"}); err == nil {
		t.Error("broken file accepted")
	}
}

func TestSetVariablesAllowsReads(t *testing.T) {
	src := "<?php $host='a';$apiKey = \"b\" ?>\n<?php echo $host == 'a' ? $apiKey : $host; $x = [$host => 1];"
	out, err := SetVariables([]byte(src), map[string]string{"host": "H", "apiKey": "K"})
	if err != nil {
		t.Fatal(err)
	}
	want := "<?php $host='H';$apiKey = 'K' ?>\n<?php echo $host == 'a' ? $apiKey : $host; $x = [$host => 1];"
	if string(out) != want {
		t.Errorf("got  %q\nwant %q", out, want)
	}
}

func TestOneBoxValidators(t *testing.T) {
	goodHosts := []string{"https://shop.example.com/", "http://localhost/", "http://10.0.0.2:8080/shop/", "https://магазин.рф/"}
	badHosts := []string{
		"", "shop.example.com/", "ftp://shop.example.com/", "https://shop.example.com", "https:///",
		"https://shop.example.com/?a=1/", "https://shop.example.com/#x/", "https://shop example.com/",
		"https://shop.example.com/\n", "https://sh'op.example.com/", `https://shop.example.com\`,
		"HTTPS://shop.example.com/",
	}
	for _, h := range goodHosts {
		if err := ValidateOneBoxHost(h); err != nil {
			t.Errorf("ValidateOneBoxHost(%q) = %v, want nil", h, err)
		}
	}
	for _, h := range badHosts {
		if err := ValidateOneBoxHost(h); err == nil {
			t.Errorf("ValidateOneBoxHost(%q) accepted", h)
		}
	}
	goodKeys := []string{newKey, strings.Repeat("a", 24), strings.Repeat("Zz9-_.", 43)}
	badKeys := []string{
		"", strings.Repeat("a", 23), newKey + " ", " " + newKey, newKey + "'", newKey + `"`, newKey + `\`,
		newKey + "$", newKey + "\t", newKey + "\x00", newKey + "\xff", "abc\u00a0" + newKey,
	}
	for _, k := range goodKeys {
		if err := ValidateOneBoxAPIKey(k); err != nil {
			t.Errorf("ValidateOneBoxAPIKey(%q) = %v, want nil", k, err)
		}
	}
	for _, k := range badKeys {
		err := ValidateOneBoxAPIKey(k)
		if err == nil {
			t.Errorf("ValidateOneBoxAPIKey(%q) accepted", k)
		} else if strings.Contains(err.Error(), k) && k != "" {
			t.Errorf("error message repeats the key: %v", err)
		}
	}
	src, _ := os.ReadFile("testdata/onebox/cron.php")
	if _, err := SetOneBoxCron(src, "https://new.example/", "short"); err == nil {
		t.Error("SetOneBoxCron accepted a short key")
	}
	if _, err := SetOneBoxCron(src, "new.example", newKey); err == nil {
		t.Error("SetOneBoxCron accepted a host without scheme")
	}
}
