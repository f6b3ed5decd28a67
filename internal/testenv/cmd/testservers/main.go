//go:build linux

// Command testservers starts the real servers the tests use, writes their
// endpoints as JSON, and stops them all on SIGINT/SIGTERM. scripts/test runs it.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/ocsetup/ocsetup/internal/testenv"
)

func main() {
	base := flag.String("dir", "", "folder for the servers' files (every component root-owned, not world-writable)")
	out := flag.String("out", "", "where to write the endpoints as JSON")
	releases := flag.String("opencart", os.Getenv(testenv.ReleasesVar), "folder with the OpenCart release tarballs and SHA256SUMS, installed as real stores")
	flag.Parse()
	if *base == "" || *out == "" {
		fmt.Fprintln(os.Stderr, "usage: testservers -dir DIR -out FILE")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	s, err := testenv.Start(ctx, *base, *releases)
	if err != nil {
		fmt.Fprintln(os.Stderr, "testservers:", err)
		os.Exit(1)
	}
	b, _ := json.MarshalIndent(s.Env, "", "  ")
	// Written under another name and renamed, so that scripts/test never
	// reads half a file.
	tmp := *out + ".tmp"
	err = os.WriteFile(tmp, b, 0o600)
	if err == nil {
		err = os.Rename(tmp, *out)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "testservers:", err)
		s.Stop()
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "testservers: ready (%s)\n", *out)
	<-ctx.Done()
	s.Stop()
	fmt.Fprintln(os.Stderr, "testservers: stopped")
}
