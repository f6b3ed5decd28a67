package check

import (
	"context"
	"testing"

	"github.com/ocsetup/ocsetup/installer/remote"
	"github.com/ocsetup/ocsetup/installer/remote/memconn"
	"github.com/ocsetup/ocsetup/installer/store"
)

// TestStoreCheckTakesDiscovery: a store discovery found in this run is
// not listed again (its folder held what the check looks for), and one
// the caller did not just find is: here its folder is gone, which only
// the listing can tell.
func TestStoreCheckTakesDiscovery(t *testing.T) {
	srv := memconn.New("/")
	ctx := context.Background()
	pool, err := remote.OpenWith(ctx, srv.Site(), 1, srv.Dial)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	st := store.Store{Root: "/gone", Version: "3.0.3.8", Line: store.Line30}
	found := &state{s: &Setup{Files: pool, Store: st, StoreFound: true}}
	if r := found.storeRoot(ctx); r.Status != Pass {
		t.Errorf("store found in this run: %s %s", r.Status, r.Cause)
	}
	old := &state{s: &Setup{Files: pool, Store: st}}
	if r := old.storeRoot(ctx); r.Status != Fail {
		t.Errorf("store not found in this run, its folder gone: %s %s", r.Status, r.Cause)
	}
}
