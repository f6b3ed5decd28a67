package keygen

import (
	"bytes"
	"errors"
	"io"
	"math"
	"strings"
	"testing"
)

func TestGenerateLengths(t *testing.T) {
	for _, n := range []int{24, 32, 64, 256} {
		k, err := Generate(n)
		if err != nil {
			t.Fatalf("Generate(%d): %v", n, err)
		}
		if len(k) != n {
			t.Errorf("Generate(%d) gave %d characters", n, len(k))
		}
		if err := Valid(k, n); err != nil {
			t.Errorf("Valid(Generate(%d)): %v", n, err)
		}
	}
	k, err := Generate(0)
	if err != nil || len(k) != DefaultLength {
		t.Errorf("Generate(0) = %d characters, %v; want %d", len(k), err, DefaultLength)
	}
}

func TestGenerateRejectsLengths(t *testing.T) {
	for _, n := range []int{-1, 1, 23, 257, 1 << 20} {
		k, err := Generate(n)
		if !errors.Is(err, ErrLength) {
			t.Errorf("Generate(%d) = %q, %v; want ErrLength", n, k, err)
		}
		if err != nil && !strings.Contains(err.Error(), "between 24 and 256") {
			t.Errorf("Generate(%d) error does not give the range: %v", n, err)
		}
	}
}

func TestGenerateAlphabetOnly(t *testing.T) {
	for i := 0; i < 2000; i++ {
		k, err := Generate(MaxLength)
		if err != nil {
			t.Fatal(err)
		}
		for j := 0; j < len(k); j++ {
			set := Alphabet
			if j == 0 || j == len(k)-1 {
				set = edgeAlphabet
			}
			if strings.IndexByte(set, k[j]) < 0 {
				t.Fatalf("key %q has %q at %d, outside %q", k, k[j], j, set)
			}
		}
	}
}

func TestAlphabetIsSafe(t *testing.T) {
	if len(Alphabet) != 66 || len(edgeAlphabet) != 62 {
		t.Fatalf("alphabet sizes %d/%d, want 66/62", len(Alphabet), len(edgeAlphabet))
	}
	seen := map[rune]bool{}
	for _, r := range Alphabet {
		if seen[r] {
			t.Errorf("%q twice in Alphabet", r)
		}
		seen[r] = true
		if strings.ContainsRune("'\"\\$&+%#?/=;<>` \t\r\n", r) {
			t.Errorf("unsafe %q in Alphabet", r)
		}
	}
}

func TestNoRepeats(t *testing.T) {
	const n = 100000
	seen := make(map[string]struct{}, n)
	for i := 0; i < n; i++ {
		k, err := Generate(MinLength)
		if err != nil {
			t.Fatal(err)
		}
		if _, dup := seen[k]; dup {
			t.Fatalf("key %q repeated after %d keys", k, i)
		}
		seen[k] = struct{}{}
	}
}

// TestPickIsExact walks every byte value: each character must be reachable
// from the same number of byte values, which is what "no modulo bias"
// means.
func TestPickIsExact(t *testing.T) {
	for _, alpha := range []string{Alphabet, edgeAlphabet} {
		counts := map[byte]int{}
		for b := 0; b < 256; b++ {
			if c, ok := pick(alpha, byte(b)); ok {
				counts[c]++
			}
		}
		want := 256 / len(alpha)
		if len(counts) != len(alpha) {
			t.Fatalf("%d characters reachable, want %d", len(counts), len(alpha))
		}
		for c, n := range counts {
			if n != want {
				t.Errorf("alphabet of %d: %q reachable from %d bytes, want %d", len(alpha), c, n, want)
			}
		}
	}
}

// TestGenerateSkipsRejectedBytes feeds bytes the interior must reject
// (≥198) but the ends accept (<248).
func TestGenerateSkipsRejectedBytes(t *testing.T) {
	src := bytes.Repeat([]byte{200}, 4*MinLength)
	src = append(src, bytes.Repeat([]byte{1}, 4*MinLength)...)
	k, err := generate(bytes.NewReader(src), MinLength)
	if err != nil {
		t.Fatal(err)
	}
	// First character: byte 200 → 200%62 = 14 → 'O'. Interior: the 200s are
	// skipped until the 1s come → 'B'. Last: 'B' too.
	want := "O" + strings.Repeat("B", MinLength-1)
	if k != want {
		t.Errorf("got %q, want %q", k, want)
	}
}

type constReader byte

func (c constReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(c)
	}
	return len(p), nil
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, io.ErrUnexpectedEOF }

func TestGenerateBrokenSource(t *testing.T) {
	if _, err := generate(constReader(255), 32); err == nil {
		t.Error("a source of only 0xff bytes gave a key")
	}
	if _, err := generate(errReader{}, 32); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("read error not passed on: %v", err)
	}
}

func TestEntropyBits(t *testing.T) {
	l62, l66 := math.Log2(62), math.Log2(66)
	cases := []struct {
		n    int
		want float64
	}{
		{0, 0},
		{1, l62},
		{24, 2*l62 + 22*l66},
		{32, 2*l62 + 30*l66},
		{64, 2*l62 + 62*l66},
		{256, 2*l62 + 254*l66},
	}
	for _, c := range cases {
		if got := EntropyBits(c.n); math.Abs(got-c.want) > 1e-9 {
			t.Errorf("EntropyBits(%d) = %v, want %v", c.n, got, c.want)
		}
	}
	// Rounded values as the documentation states them.
	for n, want := range map[int]float64{24: 144.9, 32: 193.2, 64: 386.7} {
		if got := math.Round(EntropyBits(n)*10) / 10; got != want {
			t.Errorf("EntropyBits(%d) ≈ %v, want %v", n, got, want)
		}
	}
}
