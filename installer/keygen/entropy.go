package keygen

import "math"

// EntropyBits returns how many bits of randomness a key of length characters
// made by Generate carries: log2(62) for each end character and log2(66) for
// each character in between. It returns 0 for a length below 1.
func EntropyBits(length int) float64 {
	switch {
	case length < 1:
		return 0
	case length == 1:
		return math.Log2(float64(len(edgeAlphabet)))
	}
	return 2*math.Log2(float64(len(edgeAlphabet))) + float64(length-2)*math.Log2(float64(len(Alphabet)))
}
