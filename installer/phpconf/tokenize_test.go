package phpconf

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

type tk struct {
	kind TokenKind
	text string
}

func lex(t *testing.T, src string) []tk {
	t.Helper()
	toks, err := Tokenize([]byte(src))
	if err != nil {
		t.Fatalf("Tokenize(%q): %v", src, err)
	}
	checkCoverage(t, []byte(src), toks, true)
	out := make([]tk, len(toks))
	for i, x := range toks {
		out[i] = tk{x.Kind, x.Text([]byte(src))}
	}
	return out
}

// checkCoverage asserts that toks cover src without gaps or overlaps.
func checkCoverage(t testing.TB, src []byte, toks []Token, complete bool) {
	t.Helper()
	pos := 0
	for i, x := range toks {
		if x.Start != pos || x.End <= x.Start || x.End > len(src) {
			t.Fatalf("token %d %v [%d,%d) does not continue at %d", i, x.Kind, x.Start, x.End, pos)
		}
		pos = x.End
	}
	if complete && pos != len(src) {
		t.Fatalf("tokens end at %d of %d", pos, len(src))
	}
}

func TestTokenize(t *testing.T) {
	W, N, O, S, C := Whitespace, Name, Operator, String, Comment
	tests := []struct {
		src  string
		want []tk
	}{
		{"a<?php echo 1; ?>\nb", []tk{{InlineHTML, "a"}, {OpenTag, "<?php "}, {N, "echo"}, {W, " "}, {Number, "1"},
			{O, ";"}, {W, " "}, {CloseTag, "?>\n"}, {InlineHTML, "b"}}},
		{"<?PHP\r\nx", []tk{{OpenTag, "<?PHP\r\n"}, {N, "x"}}},
		{"<?php", []tk{{OpenTag, "<?php"}}},
		{"<?= $a ?>", []tk{{OpenTag, "<?="}, {W, " "}, {Variable, "$a"}, {W, " "}, {CloseTag, "?>"}}},
		{"<? x", []tk{{OpenTag, "<?"}, {W, " "}, {N, "x"}}},
		{"<?php // c ?>x", []tk{{OpenTag, "<?php "}, {C, "// c "}, {CloseTag, "?>"}, {InlineHTML, "x"}}},
		{"<?php # c\n#[A]", []tk{{OpenTag, "<?php "}, {C, "# c\n"}, {O, "#["}, {N, "A"}, {O, "]"}}},
		{"<?php /* a */ /** b */", []tk{{OpenTag, "<?php "}, {C, "/* a */"}, {W, " "}, {C, "/** b */"}}},
		{"<?php /* open", []tk{{OpenTag, "<?php "}, {C, "/* open"}}},
		{`<?php 'a\'b' "a\"b" b'x' B"y"`, []tk{{OpenTag, "<?php "}, {S, `'a\'b'`}, {W, " "}, {S, `"a\"b"`}, {W, " "},
			{S, "b'x'"}, {W, " "}, {S, `B"y"`}}},
		{`<?php "{$a["k"]}" x`, []tk{{OpenTag, "<?php "}, {S, `"{$a["k"]}"`}, {W, " "}, {N, "x"}}},
		{`<?php "${a}{$b->c("}")}"`, []tk{{OpenTag, "<?php "}, {S, `"${a}{$b->c("}")}"`}}},
		{"<?php <<<EOT\nhello $x\nEOT;", []tk{{OpenTag, "<?php "}, {Heredoc, "<<<EOT\nhello $x\nEOT"}, {O, ";"}}},
		{"<?php <<<'EOT'\n$x\n  EOT\n", []tk{{OpenTag, "<?php "}, {Heredoc, "<<<'EOT'\n$x\n  EOT"}, {W, "\n"}}},
		{"<?php <<< \"E\"\r\nE)", []tk{{OpenTag, "<?php "}, {Heredoc, "<<< \"E\"\r\nE"}, {O, ")"}}},
		{"<?php <<<EOT\nEOTX\nEOT", []tk{{OpenTag, "<?php "}, {Heredoc, "<<<EOT\nEOTX\nEOT"}}},
		{"<?php $a <<<1", []tk{{OpenTag, "<?php "}, {Variable, "$a"}, {W, " "}, {O, "<<"}, {O, "<"}, {Number, "1"}}},
		{"<?php $$a", []tk{{OpenTag, "<?php "}, {O, "$"}, {Variable, "$a"}}},
		{`<?php \define(Foo\Bar namespace\x`, []tk{{OpenTag, "<?php "}, {N, `\define`}, {O, "("}, {N, `Foo\Bar`}, {W, " "},
			{N, `namespace\x`}}},
		{"<?php 0x1F 1_000 1.5e-3 .5 1..2 0b1 0o7 1_", []tk{{OpenTag, "<?php "}, {Number, "0x1F"}, {W, " "},
			{Number, "1_000"}, {W, " "}, {Number, "1.5e-3"}, {W, " "}, {Number, ".5"}, {W, " "}, {Number, "1."},
			{Number, ".2"}, {W, " "}, {Number, "0b1"}, {W, " "}, {Number, "0o7"}, {W, " "}, {Number, "1"}, {N, "_"}}},
		{"<?php ?-><=>**=...??=.=", []tk{{OpenTag, "<?php "}, {O, "?->"}, {O, "<=>"}, {O, "**="}, {O, "..."},
			{O, "??="}, {O, ".="}}},
		{"<?php \x01é", []tk{{OpenTag, "<?php "}, {Bad, "\x01"}, {N, "é"}}},
		{"<?php __halt_compiler(); <?php define('X', 1);", []tk{{OpenTag, "<?php "}, {N, "__halt_compiler"}, {O, "("},
			{O, ")"}, {O, ";"}, {InlineHTML, " <?php define('X', 1);"}}},
		{"<?php `ls $d`", []tk{{OpenTag, "<?php "}, {S, "`ls $d`"}}},
	}
	for _, tc := range tests {
		got := lex(t, tc.src)
		if len(got) != len(tc.want) {
			t.Errorf("%q:\n got %v\nwant %v", tc.src, got, tc.want)
			continue
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Errorf("%q: token %d = %v, want %v", tc.src, i, got[i], tc.want[i])
			}
		}
	}
}

func TestInterpolatedFlag(t *testing.T) {
	tests := map[string]bool{
		`'$a'`: false, `"$a"`: true, `"\$a"`: false, `"{$a}"`: true, `"${a}"`: true, `"$"`: false, `"$1"`: false,
		`"{ $a}"`: true, `"\{$a}"`: true, "`ls`": true, "<<<E\n$a\nE": true, "<<<'E'\n$a\nE": false,
		"<<<E\n\\$a\nE": false, `"a{b}"`: false,
	}
	for lit, want := range tests {
		toks, err := Tokenize([]byte("<?php " + lit))
		if err != nil {
			t.Fatalf("%s: %v", lit, err)
		}
		if len(toks) != 2 {
			t.Fatalf("%s: %d tokens", lit, len(toks))
		}
		if toks[1].Interpolated != want {
			t.Errorf("%s: Interpolated = %v, want %v", lit, toks[1].Interpolated, want)
		}
	}
}

func TestTokenizeErrors(t *testing.T) {
	tests := []string{
		"<?php 'abc",
		"<?php \"abc",
		"<?php \"{$a",
		"<?php \"{$a['x]}\"",
		"<?php <<<EOT\nabc\n",
		`<?php "\u{zz}"`,
		`<?php "\u{}"`,
		`<?php "\u{110000}"`,
		`<?php "\u{0000000000110000}"`,
		"<?php " + strings.Repeat(`"{$a[`, 100) + "1",
	}
	for _, src := range tests {
		toks, err := Tokenize([]byte(src))
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("%q: error %v, want a *SyntaxError", src, err)
			continue
		}
		if se.Line < 1 || se.Offset < 0 || se.Offset > len(src) {
			t.Errorf("%q: bad position %+v", src, se)
		}
		checkCoverage(t, []byte(src), toks, false)
	}
	if _, err := Tokenize(make([]byte, MaxInputSize+1)); !errors.Is(err, ErrTooLarge) {
		t.Errorf("oversized input: %v", err)
	}
}

func TestTokenizeTestdataCoverage(t *testing.T) {
	files, _ := filepath.Glob("testdata/*/*.php")
	if len(files) == 0 {
		t.Fatal("no testdata")
	}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		toks, err := Tokenize(src)
		if err != nil {
			t.Errorf("%s: %v", f, err)
		}
		checkCoverage(t, src, toks, true)
	}
}
