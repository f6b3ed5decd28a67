package phpconf

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

func mustParse(t *testing.T, src string) *Config {
	t.Helper()
	cfg, err := Parse([]byte(src))
	if err != nil {
		t.Fatalf("Parse(%q): %v", src, err)
	}
	return cfg
}

func TestParseDefinitionDetails(t *testing.T) {
	src := "<?php\n// define('A', 'commented');\n/* define('A', 'block'); */\n$s = \"define('A', 'in a string')\";\n" +
		"define('A', 'x' /* note */ . 'y');\n" +
		"if ($x) { define('B', 1); } else { define('B', 2); }\n" +
		"define('A', 'again');\n"
	cfg := mustParse(t, src)
	as := cfg.Get("A")
	if len(as) != 2 {
		t.Fatalf("Get(A) = %+v, want 2 definitions", as)
	}
	if as[0].Value != "xy" || as[0].Line != 5 || as[0].Source != "'x' /* note */ . 'y'" || as[0].Conditional {
		t.Errorf("first A = %+v", as[0])
	}
	if as[1].Value != "again" || as[1].Line != 7 {
		t.Errorf("second A = %+v", as[1])
	}
	if src[as[0].Offset:as[0].Offset+6] != "define" {
		t.Errorf("Offset %d does not point at define", as[0].Offset)
	}
	if d, st := cfg.Resolve("A"); st != StatusResolved || d.Value != "xy" {
		t.Errorf("Resolve(A) = %v %q, want the first definition", st, d.Value)
	}
	bs := cfg.Get("B")
	if len(bs) != 2 || !bs[0].Conditional || !bs[1].Conditional || bs[0].Value != "1" || bs[1].Value != "2" || bs[0].Type != TypeInt {
		t.Errorf("Get(B) = %+v", bs)
	}
	if _, st := cfg.Resolve("B"); st != StatusAmbiguous {
		t.Errorf("Resolve(B) status %v, want ambiguous", st)
	}
	if _, st := cfg.Resolve("a"); st != StatusMissing {
		t.Errorf("constants are case-sensitive; Resolve(a) = %v", st)
	}
	if got := cfg.Get("nope"); got != nil {
		t.Errorf("Get(nope) = %v", got)
	}
}

func TestParseComputedReasons(t *testing.T) {
	tests := map[string]string{
		`getenv('X') ?: 'y'`:       "calls getenv()",
		`$dir . '/catalog/'`:       "uses the variable $dir",
		`dirname(__FILE__) . '/'`:  "calls dirname()",
		`__DIR__ . '/x/'`:          "uses __DIR__",
		`UNDEFINED_YET . 'x'`:      "not defined earlier",
		`PHP_EOL`:                  "not defined earlier",
		`'a' ?: 'b'`:               "the ? operator",
		`'a' . `:                   "incomplete",
		`Foo::BAR`:                 "class constant",
		`\Foo\BAR`:                 "namespaced constant",
		`"x$y"`:                    "double-quoted",
		"`id`":                     "shell command",
		"<<<E\nabc\nE":             "heredoc",
		`1 + 2`:                    "the + operator",
		`08`:                       "invalid number",
		`['a']`:                    "the [ operator",
		`(string) 1`:               "uses string",
		`'a' 'b'`:                  "not a plain value",
		`COND . 'x'`:               "depends on run-time conditions",
		`COMPUTED . 'x'`:           "itself computed",
		`true ? 'a' : 'b'`:         "the ? operator",
		`('a' 'b')`:                "not a plain value",
		`constant('A')`:            "calls constant()",
		`-'1'`:                     "the - operator",
		`DEFINED_LATER . 'x'`:      "not defined earlier",
		`new Foo`:                  "uses new",
		`fn() => 1`:                "calls fn()",
		`['k' => 'v']['k']`:        "the [ operator",
		`"{$a['x']}"`:              "double-quoted",
		`'a' . "b$c"`:              "double-quoted",
		`__dir__`:                  "PHP fills in",
		`\__DIR__`:                 "PHP fills in",
		`$GLOBALS['x']`:            "variable $GLOBALS",
		`SELF_REFERENCE`:           "itself computed",
		`1.5 . UNDEFINED`:          "not defined earlier",
		`'ok' . (getenv('X'))`:     "calls getenv()",
		`'ok' . ('a' . $b)`:        "uses the variable $b",
		`null ?? 'x'`:              "the ?? operator",
		`0x`:                       "uses x",
		`1_`:                       "uses _",
		`'a' . 'b' . `:             "incomplete",
		`'a' . . 'b'`:              "the . operator",
		`.5 . .5`:                  "", // valid: "0.50.5"
		`'x' . true . null . 1e20`: "", // valid
	}
	for expr, want := range tests {
		src := "<?php\nif ($c) define('COND', 'c');\ndefine('COMPUTED', getenv('C'));\n" +
			"define('SELF_REFERENCE', SELF_REFERENCE);\ndefine('T', " + expr + ");\ndefine('DEFINED_LATER', 'x');\n"
		cfg, err := Parse([]byte(src))
		if err != nil {
			t.Errorf("%s: %v", expr, err)
			continue
		}
		d, st := cfg.Resolve("T")
		if want == "" {
			if st != StatusResolved {
				t.Errorf("%s: status %v (%s), want resolved", expr, st, d.Reason)
			}
			continue
		}
		if st != StatusComputed || !d.Computed || !strings.Contains(d.Reason, want) {
			t.Errorf("%s: status %v reason %q, want computed with %q", expr, st, d.Reason, want)
		}
		if d.Value != "" || d.Type != TypeUnknown {
			t.Errorf("%s: computed value %q type %v leaked", expr, d.Value, d.Type)
		}
	}
}

func TestParseConditional(t *testing.T) {
	src := `<?php
define('TOP', 1);
if ($a) define('BRACELESS', 1);
if ($a): define('ALT1', 1); define('ALT2', 1); elseif ($b): define('ALT3', 1); else: define('ALT4', 1); endif;
define('AFTER_ALT', 1);
while (false): define('W', 1); endwhile;
foreach ([] as $x) { define('LOOP', 1); }
switch ($a) { case 1: define('CASE', 1); }
defined('G') || define('G', 1);
$ok = define('ASSIGNED', 1);
class K { const IN_CLASS = 1; function f() { define('METHOD', 1); } }
$o->define('METHOD_CALL', 1);
K::define('STATIC_CALL', 1);
function define_it() {}
do define('DO', 1); while (false);
@define('AT', 1);
{ define('BLOCK', 1); }
?>
<p>html</p>
<?php define('REOPENED', 1);
const C1 = 'a', C2 = C1 . 'b';
exit;
define('DEAD', 1);
`
	cfg := mustParse(t, src)
	want := map[string]bool{ // name -> conditional
		"TOP": false, "BRACELESS": true, "ALT1": true, "ALT2": true, "ALT3": true, "ALT4": true,
		"AFTER_ALT": false, "W": true, "LOOP": true, "CASE": true, "G": true, "ASSIGNED": true,
		"METHOD": true, "DO": true, "AT": false, "BLOCK": true, "REOPENED": false,
		"C1": false, "C2": false, "DEAD": true,
	}
	for name, cond := range want {
		ds := cfg.Get(name)
		if len(ds) != 1 {
			t.Errorf("%s: %d definitions", name, len(ds))
			continue
		}
		if ds[0].Conditional != cond {
			t.Errorf("%s: Conditional = %v, want %v", name, ds[0].Conditional, cond)
		}
	}
	for _, name := range []string{"IN_CLASS", "METHOD_CALL", "STATIC_CALL"} {
		if len(cfg.Get(name)) != 0 {
			t.Errorf("%s should not be a definition", name)
		}
	}
	if v, _ := cfg.Value("C2"); v != "ab" {
		t.Errorf("C2 = %q", v)
	}
	if n := len(cfg.Definitions()); n != len(want) {
		t.Errorf("%d definitions, want %d", n, len(want))
	}
}

func TestParseNamespaceConst(t *testing.T) {
	cfg := mustParse(t, "<?php namespace Shop; const A = 'x'; define('B', 'y');")
	if len(cfg.Get("A")) != 0 {
		t.Error("namespaced const recorded as a global constant")
	}
	if v, ok := cfg.Value("B"); !ok || v != "y" {
		t.Error("define() in a namespace defines a global constant")
	}
}

func TestParseSkipped(t *testing.T) {
	cfg := mustParse(t, "<?php\ndefine($name, 'v');\ndefine('ONLY_NAME');\ndefine('A', 'b', true);\ndefine('X' . 'Y', 1);\ndefine('E', );\n")
	sk := cfg.Skipped()
	if len(sk) != 4 {
		t.Fatalf("Skipped() = %+v, want 4", sk)
	}
	if sk[0].Line != 2 || sk[0].Source != "define($name, 'v')" || sk[0].Reason == "" {
		t.Errorf("skipped[0] = %+v", sk[0])
	}
	if v, ok := cfg.Value("A"); !ok || v != "b" {
		t.Errorf("three-argument define not read: %q", v)
	}
}

func TestParseErrors(t *testing.T) {
	for _, src := range []string{
		"<?php define('A', 'b'",
		"<?php define('A', 'b' ?> x",
		"<?php define('A', 'b'];",
		"<?php define('A', 'unterminated);",
		"<?php const A = 'b'",
		"<?php define('A', \"\\u{110000}\");",
	} {
		_, err := Parse([]byte(src))
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("%q: error %v, want *SyntaxError", src, err)
		}
	}
	if _, err := Parse(make([]byte, MaxInputSize+1)); !errors.Is(err, ErrTooLarge) {
		t.Errorf("oversized input: %v", err)
	}
	if _, err := Parse(make([]byte, MaxInputSize)); err != nil {
		t.Errorf("input of exactly MaxInputSize: %v", err)
	}
}

// TestParseBoundsWork feeds inputs built to make a naive evaluator slow or
// huge: doubling constant chains, long concatenations, deep parentheses.
func TestParseBoundsWork(t *testing.T) {
	var b strings.Builder
	b.WriteString("<?php define('C0', '" + strings.Repeat("x", 1000) + "');\n")
	for i := 1; i < 200; i++ {
		fmt.Fprintf(&b, "define('C%d', C%d . C%d);\n", i, i-1, i-1)
	}
	b.WriteString("define('LONG', 'a'" + strings.Repeat(" . C0", 1000) + ");\n")
	b.WriteString("define('DEEP', " + strings.Repeat("(", 1500) + "'d'" + strings.Repeat(")", 1500) + ");\n")
	b.WriteString("define('WIDE', " + strings.Repeat("'w' . ", 5000) + "'w');\n")
	start := time.Now()
	cfg := mustParse(t, b.String())
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Parse took %v", d)
	}
	total := 0
	for _, d := range cfg.Definitions() {
		if len(d.Value) > maxValueLen {
			t.Errorf("%s has %d bytes", d.Name, len(d.Value))
		}
		total += len(d.Value)
	}
	if total > maxValueBudget {
		t.Errorf("resolved %d bytes in total", total)
	}
	if v, ok := cfg.Value("DEEP"); !ok || v != "d" {
		t.Errorf("DEEP = %q %v", v, ok)
	}
	if v, ok := cfg.Value("C6"); !ok || len(v) != 64000 {
		t.Errorf("C6: %d bytes, %v", len(v), ok)
	}
	for _, name := range []string{"C7", "LONG"} {
		if d, st := cfg.Resolve(name); st != StatusComputed || !strings.Contains(d.Reason, "too long") {
			t.Errorf("%s: %v %q", name, st, d.Reason)
		}
	}
	if d, st := cfg.Resolve("C100"); st != StatusComputed || !strings.Contains(d.Reason, "C99") {
		t.Errorf("C100: %v %q", st, d.Reason)
	}
	if len(cfg.Skipped()) != 1 || !strings.Contains(cfg.Skipped()[0].Reason, "too long") {
		t.Errorf("WIDE should be skipped as too long: %+v", cfg.Skipped())
	}
}
