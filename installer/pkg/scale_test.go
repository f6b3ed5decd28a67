package pkg

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestManyDeepEntries opens an archive with as many files and folders as
// the limit allows, deep folder chains included (the worst case for the
// tree checks), and expects it in seconds.
func TestManyDeepEntries(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 20,000-entry zip")
	}
	// 300 chains of 60 folders with one file each, then flat files up to
	// the limit: 300×61 + 1 (upload/) + the flat files = 20,000 names.
	var ents []zent
	for i := 0; i < 300; i++ {
		ents = append(ents, zent{name: fmt.Sprintf("upload/d%03d/%sf.php", i, strings.Repeat("x/", 59)), body: "1", store: true})
	}
	for i := 0; len(ents) < DefaultMaxEntries-300*60-1; i++ {
		ents = append(ents, zent{name: fmt.Sprintf("upload/f%05d.php", i), body: "1", store: true})
	}
	b := makeZip(t, ents...)
	start := time.Now()
	p, err := openBytes(t, "big.zip", b, Limits{})
	took := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d entries, %d folders, %d KiB zip: opened in %v", len(p.Files), len(p.Dirs), len(b)>>10, took)
	if took > 20*time.Second {
		t.Errorf("took %v", took)
	}
	start = time.Now()
	m, err := Map(p, Target{Version: "2.0.3.1"})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("mapped %d files in %v", len(m.Files), time.Since(start))
	// One more folder level in one chain is refused.
	ents[0].name = "upload/d000/" + strings.Repeat("x/", 60) + "f.php"
	if _, err := openBytes(t, "big.zip", makeZip(t, ents...), Limits{}); ReasonOf(err) != ReasonTooManyEntries {
		t.Errorf("got %v", err)
	}
}
