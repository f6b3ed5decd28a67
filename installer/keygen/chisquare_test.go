package keygen

import (
	"crypto/rand"
	"math"
	"strings"
	"testing"
)

// falsePositive is the chance that TestCharacterDistribution fails with a
// correct generator: one in a billion for each of its two checks.
const falsePositive = 1e-9

// chiSquareSurvival returns P(X ≥ x) for X chi-square distributed with df
// degrees of freedom: the regularized upper incomplete gamma Q(df/2, x/2).
func chiSquareSurvival(df int, x float64) float64 {
	return gammaQ(float64(df)/2, x/2)
}

// gammaQ is the regularized upper incomplete gamma function, by the series
// for P when x < a+1 and by Lentz's continued fraction otherwise (Numerical
// Recipes, §6.2).
func gammaQ(a, x float64) float64 {
	if x <= 0 {
		return 1
	}
	lg, _ := math.Lgamma(a)
	front := math.Exp(-x + a*math.Log(x) - lg)
	if x < a+1 {
		sum, term := 1/a, 1/a
		for n := 1; n < 1000; n++ {
			term *= x / (a + float64(n))
			sum += term
			if math.Abs(term) < math.Abs(sum)*1e-16 {
				break
			}
		}
		return 1 - front*sum
	}
	const tiny = 1e-300
	b := x + 1 - a
	c := 1 / tiny
	d := 1 / b
	h := d
	for i := 1; i < 1000; i++ {
		an := -float64(i) * (float64(i) - a)
		b += 2
		d = an*d + b
		if math.Abs(d) < tiny {
			d = tiny
		}
		c = b + an/c
		if math.Abs(c) < tiny {
			c = tiny
		}
		d = 1 / d
		del := d * c
		h *= del
		if math.Abs(del-1) < 1e-16 {
			break
		}
	}
	return front * h
}

// chiSquareCritical returns the x with P(X ≥ x) = p, by bisection.
func chiSquareCritical(df int, p float64) float64 {
	lo, hi := 0.0, float64(df)
	for chiSquareSurvival(df, hi) > p {
		hi *= 2
	}
	for i := 0; i < 200; i++ {
		mid := (lo + hi) / 2
		if chiSquareSurvival(df, mid) > p {
			lo = mid
		} else {
			hi = mid
		}
	}
	return (lo + hi) / 2
}

// TestChiSquareMath checks the helper against published table values, so
// the threshold below is computed by code that is itself checked.
func TestChiSquareMath(t *testing.T) {
	cases := []struct {
		df   int
		x, p float64
	}{
		{1, 3.841458820694124, 0.05},
		{10, 18.307038053275146, 0.05},
		{10, 23.209251158954356, 0.01},
		{65, 84.82064550743, 0.05},
		{61, 80.23209683, 0.05},
	}
	for _, c := range cases {
		if got := chiSquareSurvival(c.df, c.x); math.Abs(got-c.p) > 1e-6 {
			t.Errorf("Q(df=%d, %v) = %v, want %v", c.df, c.x, got, c.p)
		}
		if got := chiSquareCritical(c.df, c.p); math.Abs(got-c.x) > 1e-4 {
			t.Errorf("critical(df=%d, %v) = %v, want %v", c.df, c.p, got, c.x)
		}
	}
	// df = 2 has the closed form exp(-x/2); test far in the tail.
	for _, x := range []float64{1, 10, 40, 80} {
		if got, want := chiSquareSurvival(2, x), math.Exp(-x/2); math.Abs(got-want) > want*1e-9 {
			t.Errorf("Q(df=2, %v) = %v, want %v", x, got, want)
		}
	}
}

// chiSquare returns the statistic for counts against a uniform expectation
// over cells.
func chiSquare(counts map[byte]int, cells string) float64 {
	total := 0
	for _, n := range counts {
		total += n
	}
	e := float64(total) / float64(len(cells))
	s := 0.0
	for i := 0; i < len(cells); i++ {
		d := float64(counts[cells[i]]) - e
		s += d * d / e
	}
	return s
}

// tally counts interior and end characters of many keys from gen.
func tally(t *testing.T, gen func() string, keys int) (inner, ends map[byte]int) {
	inner, ends = map[byte]int{}, map[byte]int{}
	for i := 0; i < keys; i++ {
		k := gen()
		ends[k[0]]++
		ends[k[len(k)-1]]++
		for j := 1; j < len(k)-1; j++ {
			inner[k[j]]++
		}
	}
	return inner, ends
}

const (
	sampleKeys   = 20000
	sampleLength = 64 // 1,240,000 interior and 40,000 end characters
)

func TestCharacterDistribution(t *testing.T) {
	if testing.Short() {
		t.Skip("samples 1.3 million characters")
	}
	inner, ends := tally(t, func() string {
		k, err := Generate(sampleLength)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}, sampleKeys)
	check := func(name string, counts map[byte]int, cells string) {
		df := len(cells) - 1
		limit := chiSquareCritical(df, falsePositive)
		stat := chiSquare(counts, cells)
		t.Logf("%s: chi-square %.1f with %d degrees of freedom, limit %.1f (p = %g)", name, stat, df, limit, falsePositive)
		if stat > limit {
			t.Errorf("%s characters are not uniform: chi-square %.1f > %.1f", name, stat, limit)
		}
	}
	check("interior", inner, Alphabet)
	check("end", ends, edgeAlphabet)
}

// TestChiSquareCatchesModuloBias shows the check has teeth: the same sample
// drawn with plain b%n (the bias Generate avoids) fails it.
func TestChiSquareCatchesModuloBias(t *testing.T) {
	if testing.Short() {
		t.Skip("samples 1.3 million characters")
	}
	biased := func() string {
		buf := make([]byte, sampleLength)
		if _, err := rand.Read(buf); err != nil {
			t.Fatal(err)
		}
		var sb strings.Builder
		for i, b := range buf {
			alpha := Alphabet
			if i == 0 || i == len(buf)-1 {
				alpha = edgeAlphabet
			}
			sb.WriteByte(alpha[int(b)%len(alpha)])
		}
		return sb.String()
	}
	inner, _ := tally(t, biased, sampleKeys)
	df := len(Alphabet) - 1
	limit := chiSquareCritical(df, falsePositive)
	if stat := chiSquare(inner, Alphabet); stat <= limit {
		t.Errorf("modulo-biased keys passed: chi-square %.1f ≤ %.1f", stat, limit)
	}
}
