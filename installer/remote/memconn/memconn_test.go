package memconn_test

import (
	"context"
	"testing"

	"github.com/ocsetup/ocsetup/installer/remote/memconn"
	"github.com/ocsetup/ocsetup/installer/remote/remotetest"
)

// TestConformance: the in-memory Conn keeps the contract the real servers
// keep (installer/remote's TestConformance runs the same suite on them).
func TestConformance(t *testing.T) {
	s := memconn.New("/home/test")
	if err := s.MkdirAll("/home/test/conformance"); err != nil {
		t.Fatal(err)
	}
	remotetest.Run(t, remotetest.Target{Dial: s.Dial, Dir: "/home/test/conformance", Start: "/home/test"})
	if _, open := s.Dials(); open != 0 {
		t.Errorf("%d connections left open", open)
	}
}

// TestPool: a pool over the server shares its files.
func TestPool(t *testing.T) {
	ctx := context.Background()
	s := memconn.New("")
	pool, err := s.Pool(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	if err := pool.WriteAtomic(ctx, "/config.php", []byte("<?php\n")); err != nil {
		t.Fatal(err)
	}
	if b, err := s.ReadFile("/config.php"); err != nil || string(b) != "<?php\n" {
		t.Fatalf("%q %v", b, err)
	}
	if got := s.Tree("/"); len(got) != 1 {
		t.Fatalf("tree %v (a temporary file left?)", got)
	}
	if err := pool.Close(); err != nil {
		t.Fatal(err)
	}
	if _, open := s.Dials(); open != 0 {
		t.Errorf("%d connections left open after the pool closed", open)
	}
}
