package app

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/ocsetup/ocsetup/installer/db"
	"github.com/ocsetup/ocsetup/installer/remote"
)

// TestEarlierLeftoversOnlyBeforeRun: the test's leftovers check names what
// an earlier run left on this site, never what this run uploads while the
// check runs (its bridge, its probe: the check runs beside them), nor
// another site's files, nor what was removed meanwhile.
func TestEarlierLeftoversOnlyBeforeRun(t *testing.T) {
	dir := t.TempDir()
	here := remote.Site{Protocol: remote.SFTP, Host: "127.0.0.1", Port: 2222, User: "shop"}
	other := here
	other.User = "another"
	record := func(site remote.Site, p string) func() error {
		t.Helper()
		forget, err := db.RecordUpload(dir, site, p, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		return forget
	}
	forgetOld := record(here, "/shop/ocsetup-bridge-0ld.php")
	record(here, "/shop/ocsetup-bridge-0ld2.php")
	record(other, "/elsewhere/ocsetup-bridge-0th3r.php")

	leftovers := earlierLeftovers(dir, func() remote.Site { return here })
	record(here, "/shop/ocsetup-bridge-n3w.php") // this run's bridge
	record(here, "/shop/ocsetup-probe-n3w.php")  // and its probe

	ctx := context.Background()
	paths := func() []string {
		t.Helper()
		recs, err := leftovers(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, r := range recs {
			out = append(out, r.Path)
		}
		slices.Sort(out)
		return out
	}
	if got := paths(); len(got) != 2 || got[0] != "/shop/ocsetup-bridge-0ld.php" || got[1] != "/shop/ocsetup-bridge-0ld2.php" {
		t.Fatalf("leftovers = %q, want the two bridges recorded on this site before the run", got)
	}
	if err := forgetOld(); err != nil {
		t.Fatal(err)
	}
	if got := paths(); len(got) != 1 || got[0] != "/shop/ocsetup-bridge-0ld2.php" {
		t.Fatalf("after one was removed, leftovers = %q", got)
	}
}
