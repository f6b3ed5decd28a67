package sync

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"sort"
	"testing"
	"time"

	"github.com/ocsetup/ocsetup/installer/db"
)

// probeStore answers orderQueries' probe over ids with gaps, whose dates
// grow with the id; it counts the probes.
type probeStore struct {
	ids    []int64
	dates  map[int64]string
	probes int
}

func (p *probeStore) Query(_ context.Context, _ string, args ...any) (*db.Rows, error) {
	p.probes++
	from := args[0].(int64)
	i := sort.Search(len(p.ids), func(i int) bool { return p.ids[i] >= from })
	r := &db.Rows{Columns: []string{"order_id", "date_added"}}
	if i < len(p.ids) {
		id := p.ids[i]
		r.Values = [][]sql.NullString{{{String: fmt.Sprint(id), Valid: true}, {String: p.dates[id], Valid: true}}}
	}
	return r, nil
}

func (p *probeStore) Schema(context.Context) (*db.Schema, error) { return nil, nil }

// TestFirstSince: the search finds the first recent order like a full
// scan would, from nothing and from an earlier answer, in few probes.
func TestFirstSince(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for round := range 200 {
		p := &probeStore{dates: map[int64]string{}}
		n := rng.IntN(3000)
		id, at := int64(0), base
		for range n {
			id += 1 + rng.Int64N(3)
			at = at.Add(time.Duration(rng.IntN(120)) * time.Minute)
			p.ids = append(p.ids, id)
			p.dates[id] = at.Format(dbTime)
		}
		top := id
		since := base.Add(time.Duration(rng.IntN(n*60+1)) * time.Minute).Format(dbTime)
		want := top + 1
		for _, i := range p.ids {
			if p.dates[i] >= since {
				want = i
				break
			}
		}
		o := &orderQueries{sqlProbe: "probe"}
		got, err := o.firstSince(context.Background(), p, since, 0, top)
		if err != nil {
			t.Fatal(err)
		}
		// Any id after the last old order up to the first recent one is right.
		if got > want || got <= lastBefore(p.ids, want) {
			t.Fatalf("round %d: got %d, want %d", round, got, want)
		}
		if p.probes > 2*bitsLen(top)+2 {
			t.Errorf("round %d: %d probes for %d orders", round, p.probes, n)
		}
		// From an earlier answer a little before, a few probes suffice.
		earlier := max(lastBefore(p.ids, want)-3, 0)
		p.probes = 0
		again, err := o.firstSince(context.Background(), p, since, earlier, top)
		if err != nil || again > want || again <= lastBefore(p.ids, want) {
			t.Fatalf("round %d: from %d got %d, want %d", round, earlier, again, want)
		}
		if earlier > 0 && p.probes > 8 {
			t.Errorf("round %d: %d probes from a close start", round, p.probes)
		}
	}
}

// lastBefore is the last id before want (-1 if none).
func lastBefore(ids []int64, want int64) int64 {
	last := int64(-1)
	for _, id := range ids {
		if id >= want {
			break
		}
		last = id
	}
	return last
}

func bitsLen(n int64) int {
	b := 0
	for ; n > 0; n >>= 1 {
		b++
	}
	return b
}
