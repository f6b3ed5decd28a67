package pkg

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"hash/crc32"
	"io"
	"runtime"
	"testing"
	"time"
)

// bitWriter writes a deflate bit stream (least significant bit first).
type bitWriter struct {
	out   []byte
	acc   uint64
	nbits uint
}

func (w *bitWriter) bits(v uint64, n uint) {
	w.acc |= v << w.nbits
	w.nbits += n
	for w.nbits >= 8 {
		w.out = append(w.out, byte(w.acc))
		w.acc >>= 8
		w.nbits -= 8
	}
}

// code writes a Huffman code, which deflate stores most significant bit
// first.
func (w *bitWriter) code(v uint64, n uint) {
	for i := int(n) - 1; i >= 0; i-- {
		w.bits(v>>uint(i)&1, 1)
	}
}

func (w *bitWriter) flush() []byte {
	if w.nbits > 0 {
		w.out = append(w.out, byte(w.acc))
	}
	return w.out
}

// zeroDeflate hand-builds a deflate stream of n zero bytes with the fixed
// Huffman code (RFC 1951 §3.2.6): one literal 0, then copies of length 258
// at distance 1 (13 bits each), then literal zeros. Writing it is fast
// even under the race detector, unlike compressing 100 MiB.
func zeroDeflate(n int64) []byte {
	w := &bitWriter{out: make([]byte, 0, n/158+64)}
	w.bits(1, 1) // BFINAL
	w.bits(1, 2) // BTYPE = fixed Huffman
	lit0 := func() { w.code(0x30, 8) }
	if n > 0 {
		lit0()
		n--
	}
	for ; n >= 258; n -= 258 {
		w.code(0xC5, 8) // length code 285 = 258
		w.code(0, 5)    // distance code 0 = 1
	}
	for ; n > 0; n-- {
		lit0()
	}
	w.code(0, 7) // end of block (256)
	return w.flush()
}

func zeroCRC(n int64) uint32 {
	chunk := make([]byte, 1<<20)
	var c uint32
	for ; n > 0; n -= int64(len(chunk)) {
		c = crc32.Update(c, crc32.IEEETable, chunk[:min(n, int64(len(chunk)))])
	}
	return c
}

func TestZeroDeflate(t *testing.T) {
	for _, n := range []int64{0, 1, 257, 258, 259, 1000, 1 << 20} {
		got, err := io.ReadAll(flate.NewReader(bytes.NewReader(zeroDeflate(n))))
		if err != nil || int64(len(got)) != n || bytes.ContainsFunc(got, func(r rune) bool { return r != 0 }) {
			t.Fatalf("zeroDeflate(%d) inflates to %d bytes, %v", n, len(got), err)
		}
	}
}

// bombZip is a zip holding one file of size zeros whose header claims
// claim bytes.
func bombZip(t *testing.T, size, claim int64) []byte {
	data := zeroDeflate(size)
	return makeZip(t, append(good(), zent{raw: &zip.FileHeader{
		Name: "upload/image/catalog/zero.png", Method: zip.Deflate,
		CRC32: zeroCRC(size), CompressedSize64: uint64(len(data)), UncompressedSize64: uint64(claim),
	}, body: string(data)})...)
}

// openMeasured opens b and reports how long it took and how many bytes
// were allocated meanwhile.
func openMeasured(b []byte, lim Limits) (time.Duration, uint64, error) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	p, err := OpenZip(bytes.NewReader(b), int64(len(b)), "bomb.zip", lim)
	took := time.Since(start)
	runtime.ReadMemStats(&after)
	if p != nil {
		p.Close()
	}
	return took, after.TotalAlloc - before.TotalAlloc, err
}

func TestZipBomb(t *testing.T) {
	const size = 100 << 20
	cases := []struct {
		name  string
		claim int64
		want  Reason
	}{
		// The header tells the truth: refused before inflating anything.
		{"honest header", size, ReasonRatio},
		// The header claims 512 KiB, under the ratio floor: inflating
		// must stop right past the claim.
		{"lying header", 512 << 10, ReasonCorrupt},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := bombZip(t, size, c.claim)
			t.Logf("%d MiB of zeros in a %d KiB zip (%.0f:1)", size>>20, len(b)>>10, float64(size)/float64(len(b)))
			took, alloc, err := openMeasured(b, Limits{})
			if ReasonOf(err) != c.want {
				t.Fatalf("got %v, want %s", err, c.want)
			}
			t.Logf("refused in %v, %d KiB allocated", took, alloc>>10)
			if alloc > 8<<20 {
				t.Errorf("allocated %d MiB while refusing", alloc>>20)
			}
			if took > 5*time.Second {
				t.Errorf("took %v", took)
			}
		})
	}
}

// TestReaderStopsAtCap drives the reader with a header-less stream that
// never ends: the real-bytes check must stop one byte past the cap.
func TestReaderStopsAtCap(t *testing.T) {
	lim := Limits{}.withDefaults()
	var served int64
	e := entry{raw: "x", name: "x", size: 10, csize: 1000, open: func() (io.ReadCloser, error) {
		return io.NopCloser(countingZeros{&served}), nil
	}}
	r := reader{lim: lim, remaining: lim.MaxTotalSize, zip: true}
	_, err := r.read(e, false, false)
	if ReasonOf(err) != ReasonRatio {
		t.Fatalf("got %v", err)
	}
	if cap := lim.fileCap(1000); served > cap+int64(len(r.buf)) {
		t.Errorf("read %d bytes for a cap of %d", served, cap)
	}
	// Folder files have no ratio, only the total.
	served = 0
	e.csize = -1
	r = reader{lim: Limits{MaxTotalSize: 3 << 20}.withDefaults(), remaining: 3 << 20}
	if _, err := r.read(e, false, false); ReasonOf(err) != ReasonTooLarge {
		t.Fatalf("folder: got %v", err)
	}
}

type countingZeros struct{ n *int64 }

func (c countingZeros) Read(p []byte) (int, error) {
	clear(p)
	*c.n += int64(len(p))
	return len(p), nil
}

func TestSmallCompressibleFileAccepted(t *testing.T) {
	// 900 KiB of zeros inflate 1000:1 but stay under RatioMinSize.
	mustOpen(t, "x.zip", append(good(), file("upload/image/catalog/blank.bmp", string(make([]byte, 900<<10))))...)
}
