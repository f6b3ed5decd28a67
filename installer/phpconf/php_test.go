package phpconf

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// These tests run the real PHP interpreter, when one is installed, on the
// same files the parser reads, and require that every value the parser
// claims to know is exactly the value PHP computes: escapes, number
// formatting and constant chains included.

type phpConst struct {
	typ   ValueType
	value string
}

var phpTypes = map[string]ValueType{
	"string": TypeString, "integer": TypeInt, "double": TypeFloat, "boolean": TypeBool, "NULL": TypeNull,
}

// phpScript includes the file (hiding its output and surviving errors) and
// prints each user constant as "hex(name) type hex((string)value)".
const phpScript = `ob_start();
try { include $argv[1]; } catch (Throwable $e) { fwrite(STDERR, get_class($e) . ": " . $e->getMessage() . " on line " . $e->getLine() . "\n"); }
ob_end_clean();
foreach ((get_defined_constants(true)['user'] ?? []) as $k => $v) {
	echo bin2hex($k), " ", gettype($v), " ", bin2hex(is_scalar($v) || $v === null ? (string)$v : ''), "\n";
}`

func requirePHP(t *testing.T) string {
	t.Helper()
	php, err := exec.LookPath("php")
	if err != nil {
		t.Skip("php is not on PATH; skipping the cross-check against real PHP")
	}
	return php
}

// phpConstants returns the constants PHP defines when it includes file.
func phpConstants(t *testing.T, php, file string) map[string]phpConst {
	t.Helper()
	// -n: no php.ini, so precision and short_open_tag have their built-in
	// defaults; a bare environment so getenv() returns false everywhere.
	cmd := exec.Command(php, "-n", "-d", "display_errors=stderr", "-d", "short_open_tag=1", "-r", phpScript, file)
	cmd.Env = []string{"PATH=/usr/bin:/bin"}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("php %s: %v\n%s", file, err, stderr.String())
	}
	// The script catches Throwable and prints "Class: message"; a parse
	// error means PHP refused a file our parser accepted.
	if strings.Contains(stderr.String(), "ParseError") || strings.Contains(stderr.String(), "CompileError") {
		t.Errorf("php %s: %s", file, stderr.String())
	}
	out := make(map[string]phpConst)
	for _, line := range strings.Split(stdout.String(), "\n") {
		if line == "" {
			continue
		}
		parts := strings.SplitN(line, " ", 3)
		if len(parts) != 3 {
			t.Fatalf("php %s: bad output line %q", file, line)
		}
		name, err1 := hex.DecodeString(parts[0])
		value, err2 := hex.DecodeString(parts[2])
		typ, ok := phpTypes[parts[1]]
		if err1 != nil || err2 != nil || !ok {
			t.Fatalf("php %s: bad output line %q", file, line)
		}
		out[string(name)] = phpConst{typ, string(value)}
	}
	return out
}

// crossCheck compares Parse(file) with what PHP defines.
func crossCheck(t *testing.T, php, file string) {
	t.Helper()
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := Parse(src)
	if err != nil {
		t.Fatalf("Parse(%s): %v", file, err)
	}
	want := phpConstants(t, php, file)
	resolved := 0
	for _, d := range cfg.Definitions() {
		got, st := cfg.Resolve(d.Name)
		if st != StatusResolved || got.Offset != d.Offset {
			continue
		}
		resolved++
		pc, ok := want[d.Name]
		if !ok {
			t.Errorf("%s: parser resolved %s = %q but PHP does not define it", file, d.Name, got.Value)
			continue
		}
		if pc.value != got.Value || pc.typ != got.Type {
			t.Errorf("%s: %s: parser says %s %q, PHP says %s %q", file, d.Name, got.Type, got.Value, pc.typ, pc.value)
		}
	}
	for name := range want {
		if _, st := cfg.Resolve(name); st == StatusMissing {
			t.Errorf("%s: PHP defines %s but the parser did not find it", file, name)
		}
	}
	if resolved == 0 {
		t.Errorf("%s: nothing resolved, nothing compared", file)
	}
}

func TestConfigFilesMatchPHP(t *testing.T) {
	php := requirePHP(t)
	files, err := filepath.Glob("testdata/config/*.php")
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata: %v", err)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			crossCheck(t, php, file)
		})
	}
}

// escapeCases are literals whose decoding must match PHP byte for byte.
var escapeCases = []string{
	// single quotes: only \' and \\ are escapes
	`'a\'b'`, `'a\\b'`, `'a\b'`, `'\\\''`, `'\n\t\x41\u{41}'`, `'trailing\\'`, `'\\\\'`, `'"'`, `'$x {$y}'`,
	`''`, `'multi
line'`,
	// double quotes
	`"\n\t\r\v\e\f\\\$\""`, `"\0\00\000\0000"`, `"\1\12\123\1234"`, `"\400\777\378"`,
	`"\x\x4\x41\x414\xg\xFF"`, `"\X41"`,
	`"\u{41}\u{263A}\u{1F600}\u{0000000041}\u{D800}\u{10FFFF}\u{0}"`, `"\u263A\u"`,
	`"\q\8\9\'\a\b"`, `"$"`, `"$1 $ {"`, `"{}"`, `"a{"`, `"\{"`, `"{\$x}"`, `"\\$"`,
	`"caf` + "\xc3\xa9" + `"`, `"bad utf8 ` + "\xff\xfe" + `"`,
	`b'bin'`, `B"bin\n"`,
	// numbers
	`0`, `-0`, `0777`, `0o17`, `0O17`, `0x1A`, `0X1a`, `0b101`, `1_000_000`, `1.5`, `.5`, `1.`,
	`1e3`, `1E-7`, `1.e3`, `-1.5e300`, `1_0.5_0`, `9223372036854775807`, `9223372036854775808`,
	`-9223372036854775808`, `-9223372036854775807`, `0x7FFFFFFFFFFFFFFF`, `0xFFFFFFFFFFFFFFFF`,
	`0b11111111111111111111111111111111111111111111111111111111111111111`, `07777777777777777777777`,
	`1e400`, `-1e400`, `0.30000000000000004`, `123456789012345678`, `100000000000000000000`, `1e15`,
	`1e14`, `99999999999999.5`, `0.0001`, `0.00001`, `-0.0`, `2.5`, `1/3`, `+7`,
	// constants and concatenation
	`TRUE`, `False`, `NULL`, `\true`, `1 . 'x'`, `'x' . 1.5`, `true . 'x'`, `null . 'y'`, `false . 'z'`,
	`('a' . 'b') . 'c'`, `-1 . 'x'`, `1.0 . ''`, `(((('deep'))))`,
}

func TestEscapesMatchPHP(t *testing.T) {
	php := requirePHP(t)
	var b strings.Builder
	b.WriteString("<?php\n")
	for i, lit := range escapeCases {
		b.WriteString("define('C")
		b.WriteString(strings.Repeat("x", i)) // unique, no digits needed
		b.WriteString("', ")
		b.WriteString(lit)
		b.WriteString(");\n")
	}
	file := filepath.Join(t.TempDir(), "escapes.php")
	if err := os.WriteFile(file, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	crossCheck(t, php, file)

	// Every case must be resolved, not merely skipped as computed.
	cfg, err := Parse([]byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	for i, d := range cfg.Definitions() {
		if d.Computed && escapeCases[i] != `1/3` {
			t.Errorf("%s: computed (%s), want resolved", escapeCases[i], d.Reason)
		}
	}
}

// TestRandomLiteralsMatchPHP builds many random string literals from the
// characters that matter to PHP's escape rules and checks each decoded
// value against PHP. The seed is fixed so failures reproduce.
func TestRandomLiteralsMatchPHP(t *testing.T) {
	php := requirePHP(t)
	for seed := 1; seed <= 5; seed++ {
		randomLiteralsMatchPHP(t, php, seed)
	}
}

func randomLiteralsMatchPHP(t *testing.T, php string, seed int) {
	rng := rand.New(rand.NewPCG(uint64(seed), 2))
	const alphabet = `\\\\\\'"$${}}xXuU01234789abfAFentrvq ` + "\n\x00\xff"
	var b strings.Builder
	b.WriteString("<?php\n")
	n := 0
	for attempt := 0; n < 2000; attempt++ {
		if attempt > 100000 {
			t.Fatalf("only %d usable literals generated", n)
		}
		body := make([]byte, rng.IntN(12))
		for i := range body {
			body[i] = alphabet[rng.IntN(len(alphabet))]
		}
		quote := byte('\'')
		if rng.IntN(2) == 0 {
			quote = '"'
		}
		lit := string(quote) + string(body) + string(quote)
		stmt := fmt.Sprintf("define('R%d', %s);\n", n, lit)
		// Keep only literals that are complete statements for our lexer,
		// as PHP would otherwise reject the whole file.
		toks, err := Tokenize([]byte("<?php " + stmt))
		// Interpolated strings are computed, so there is nothing to compare,
		// and some (such as "${}") do not even compile.
		if err != nil || len(toks) != 10 || toks[6].Kind != String || toks[6].Interpolated {
			continue
		}
		b.WriteString(stmt)
		n++
	}
	file := filepath.Join(t.TempDir(), "random.php")
	if err := os.WriteFile(file, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	crossCheck(t, php, file)
	cfg, _ := Parse([]byte(b.String()))
	resolved := 0
	for _, d := range cfg.Definitions() {
		if !d.Computed {
			resolved++
		}
	}
	if resolved != n {
		t.Errorf("only %d of %d random literals resolved; the comparison is too weak", resolved, n)
	}
}

// TestRandomNumbersMatchPHP checks number literals of every form, and
// PHP's float-to-string formatting, on random values.
func TestRandomNumbersMatchPHP(t *testing.T) {
	php := requirePHP(t)
	rng := rand.New(rand.NewPCG(7, 7))
	digits := func(set string, n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = set[rng.IntN(len(set))]
		}
		return string(b)
	}
	var b strings.Builder
	b.WriteString("<?php\n")
	for i := 0; i < 3000; i++ {
		var lit string
		switch rng.IntN(7) {
		case 0:
			lit = digits("123456789", 1) + digits("0123456789", rng.IntN(25))
		case 1:
			lit = "0x" + digits("0123456789abcdefABCDEF", 1+rng.IntN(20))
		case 2:
			lit = "0" + digits("01234567", 1+rng.IntN(25))
		case 3:
			lit = "0b" + digits("01", 1+rng.IntN(70))
		case 4:
			lit = digits("0123456789", 1+rng.IntN(18)) + "." + digits("0123456789", rng.IntN(18))
		case 5:
			lit = digits("0123456789", 1+rng.IntN(3)) + "." + digits("0123456789", rng.IntN(5)) +
				"e" + digits("+-", 1) + digits("0123456789", 1+rng.IntN(3))
		case 6:
			lit = "0." + strings.Repeat("0", rng.IntN(8)) + digits("123456789", 1+rng.IntN(16))
		}
		if rng.IntN(4) == 0 {
			lit = "-" + lit
		}
		fmt.Fprintf(&b, "define('N%d', %s);\n", i, lit)
	}
	file := filepath.Join(t.TempDir(), "numbers.php")
	if err := os.WriteFile(file, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	crossCheck(t, php, file)
}
