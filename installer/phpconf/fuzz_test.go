package phpconf

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// The seed corpora live in testdata/fuzz/<FuzzName>/ (run by plain
// "go test"); the testdata PHP files are added as seeds here as well.

func addTestdataSeeds(f *testing.F, add func([]byte)) {
	files, _ := filepath.Glob("testdata/*/*.php")
	for _, file := range files {
		if src, err := os.ReadFile(file); err == nil {
			add(src)
		}
	}
}

func FuzzParse(f *testing.F) {
	addTestdataSeeds(f, func(b []byte) { f.Add(b) })
	f.Fuzz(func(t *testing.T, src []byte) {
		cfg, err := Parse(src)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) && !errors.Is(err, ErrTooLarge) {
				t.Fatalf("unexpected error type %T: %v", err, err)
			}
			return
		}
		for _, d := range cfg.Definitions() {
			if d.Offset < 0 || d.Offset >= len(src) || d.Line < 1 {
				t.Fatalf("bad position %+v", d)
			}
			if d.Source == "" || !bytes.Contains(src, []byte(d.Source)) {
				t.Fatalf("source %q not in the input", d.Source)
			}
			if d.Computed != (d.Reason != "") || d.Computed && (d.Value != "" || d.Type != TypeUnknown) {
				t.Fatalf("inconsistent definition %+v", d)
			}
			if len(d.Value) > maxValueLen {
				t.Fatalf("value of %d bytes", len(d.Value))
			}
			if got := cfg.Get(d.Name); len(got) == 0 {
				t.Fatalf("Get(%q) lost a definition", d.Name)
			}
		}
		db, problems := DBSettings(cfg)
		for _, p := range problems {
			if p.Code == "" || p.Message == "" {
				t.Fatalf("empty problem %+v", p)
			}
		}
		if db.Port < 1 || db.Port > 65535 {
			t.Fatalf("port %d", db.Port)
		}
	})
}

func FuzzTokenize(f *testing.F) {
	addTestdataSeeds(f, func(b []byte) { f.Add(b) })
	f.Fuzz(func(t *testing.T, src []byte) {
		toks, err := Tokenize(src)
		checkCoverage(t, src, toks, err == nil)
		for _, tok := range toks {
			if tok.Kind != String || tok.Interpolated {
				continue
			}
			// Every non-interpolated string the lexer accepts decodes.
			if _, ok, err := stringLiteral(src, tok); !ok || err != nil {
				t.Fatalf("string %q does not decode: %v", tok.Text(src), err)
			}
		}
	})
}

func FuzzSetVariables(f *testing.F) {
	files, _ := filepath.Glob("testdata/onebox/*.php")
	for _, file := range files {
		if src, err := os.ReadFile(file); err == nil {
			f.Add(src, "https://shop.example.com/", newKey)
			f.Add(src, `it's \ "odd"`, "")
		}
	}
	f.Add([]byte("<?php $host='a';$apiKey=\"b\";"), "x", "y")
	f.Fuzz(func(t *testing.T, src []byte, host, key string) {
		values := map[string]string{"host": host, "apiKey": key}
		out, err := SetVariables(src, values)
		if err != nil {
			return
		}
		// Same tokens, and only the two assigned literals differ.
		a, errA := Tokenize(src)
		b, errB := Tokenize(out)
		if errA != nil || errB != nil || len(a) != len(b) {
			t.Fatalf("token streams differ: %v %v %d %d", errA, errB, len(a), len(b))
		}
		changed := 0
		for i := range a {
			if a[i].Kind != b[i].Kind {
				t.Fatalf("token %d kind %v became %v", i, a[i].Kind, b[i].Kind)
			}
			if !bytes.Equal(src[a[i].Start:a[i].End], out[b[i].Start:b[i].End]) {
				changed++
				if a[i].Kind != String {
					t.Fatalf("non-string token %d changed", i)
				}
			}
		}
		if changed > 2 {
			t.Fatalf("%d tokens changed", changed)
		}
		found := findAssignments(out, b, values)
		for name, want := range values {
			got, _, _ := stringLiteral(out, found[name][0].value)
			if got != want {
				t.Fatalf("$%s = %q, want %q", name, got, want)
			}
		}
		again, err := SetVariables(out, values)
		if err != nil || !bytes.Equal(again, out) {
			t.Fatalf("second edit differs: %v", err)
		}
	})
}
