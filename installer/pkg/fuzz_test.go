package pkg

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// fuzzLimits keep each input cheap; the logic is the same as with the
// defaults.
var fuzzLimits = Limits{MaxEntries: 500, MaxTotalSize: 4 << 20, RatioMinSize: 64 << 10, MaxMetaSize: 256 << 10}

// FuzzOpenZip feeds arbitrary bytes to OpenZip: it must not panic or hang,
// every error must be a typed refusal, and an accepted package must hold
// only safe, readable files. Seeds: testdata/fuzz/FuzzOpenZip (written by
// TestWriteFuzzSeeds) and the fixtures below.
func FuzzOpenZip(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		start := time.Now()
		p, err := OpenZip(bytes.NewReader(data), int64(len(data)), "fuzz.ocmod.zip", fuzzLimits)
		if took := time.Since(start); took > 5*time.Second {
			t.Errorf("OpenZip took %v on %d bytes", took, len(data))
		}
		if err != nil {
			if p != nil {
				t.Fatal("package returned with an error")
			}
			if ReasonOf(err) == "" {
				t.Fatalf("untyped error from zip input: %v", err)
			}
			return
		}
		defer p.Close()
		if !slices.IsSortedFunc(p.Files, func(a, b File) int { return strings.Compare(a.Path, b.Path) }) {
			t.Error("files not sorted")
		}
		seen := map[string]bool{}
		var total int64
		for _, fl := range p.Files {
			if _, rerr := checkName(fl.Path); rerr != nil {
				t.Fatalf("unsafe path accepted: %q: %v", fl.Path, rerr)
			}
			k := foldKey(fl.Path)
			if seen[k] {
				t.Fatalf("case collision accepted: %q", fl.Path)
			}
			seen[k] = true
			total += fl.Size
			if got := readAll(t, fl); int64(len(got)) != fl.Size || sum(got) != fl.SHA256 {
				t.Fatalf("%s: read %d bytes, recorded %d", fl.Path, len(got), fl.Size)
			}
		}
		if total > fuzzLimits.MaxTotalSize {
			t.Fatalf("%d bytes accepted", total)
		}
		for _, v := range []string{"2.0.3.1", "3.0.3.8", "4.1.0.4"} {
			m, err := Map(p, Target{Version: v, AdminDir: "adm"})
			if err != nil {
				t.Fatalf("Map %s: %v", v, err)
			}
			for _, mf := range m.Files {
				if _, rerr := checkName(mf.To); rerr != nil {
					t.Fatalf("Map %s produced %q", v, mf.To)
				}
			}
			p.InstallSteps(m.Line)
		}
	})
}

// fuzzSeeds are the fixtures the other tests use, good and bad.
func fuzzSeeds(t testing.TB) map[string][]byte {
	wrapped := []zent{}
	for _, e := range pkg23() {
		e.name = "foo-1.2/" + e.name
		wrapped = append(wrapped, e)
	}
	return map[string][]byte{
		"upload":    makeZip(t, pkg23()...),
		"wrapped":   makeZip(t, wrapped...),
		"ocmod4":    makeZip(t, pkg4()...),
		"legacy":    makeZip(t, pkgMixed()...),
		"junk":      makeZip(t, append(good(), file("__MACOSX/upload/._foo.php", "x"), file("upload/.DS_Store", "x"))...),
		"traversal": makeZip(t, append(good(), file("upload/../../x.php", "x"))...),
		"symlink":   makeZip(t, append(good(), zent{name: "upload/l", body: "/etc", mode: fs.ModeSymlink | 0o777})...),
		"case":      makeZip(t, append(good(), file("upload/Admin/x.php", "x"))...),
		"sql":       makeZip(t, file("install.sql", installSQL), file("install.xml", "<modification><code>x</code></modification>"), file("upload/system/library/x.php", "<?php")),
	}
}

// TestWriteFuzzSeeds rewrites testdata/fuzz/FuzzOpenZip from fuzzSeeds when
// OCSETUP_WRITE_FUZZ_SEEDS=1; otherwise it checks the files are there.
func TestWriteFuzzSeeds(t *testing.T) {
	dir := filepath.Join("testdata", "fuzz", "FuzzOpenZip")
	seeds := fuzzSeeds(t)
	if os.Getenv("OCSETUP_WRITE_FUZZ_SEEDS") != "1" {
		for name := range seeds {
			if _, err := os.Stat(filepath.Join(dir, "seed-"+name)); err != nil {
				t.Errorf("seed missing (run with OCSETUP_WRITE_FUZZ_SEEDS=1): %v", err)
			}
		}
		return
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, b := range seeds {
		body := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", b)
		if err := os.WriteFile(filepath.Join(dir, "seed-"+name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
