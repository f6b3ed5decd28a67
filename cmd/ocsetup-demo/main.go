// ocsetup-demo runs ocsetup's demo store: a throwaway OpenCart store on
// 127.0.0.1 (SFTP, database, storefront). ocsetup starts it for
// `ocsetup demo` and the wizard's "Try a demo store"; it is a program of
// its own so that its database engine costs ocsetup nothing until then.
// The protocol between the two is described in installer/demoprog.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/ocsetup/ocsetup/installer/demo"
	"github.com/ocsetup/ocsetup/installer/demoprog"
	"github.com/ocsetup/ocsetup/installer/store"
)

// startTimeout bounds the store's start; a fresh store is up in about a
// second.
const startTimeout = 2 * time.Minute

func main() {
	fs := flag.NewFlagSet("ocsetup-demo", flag.ContinueOnError)
	line := fs.String("line", string(demoprog.DefaultLine), "the OpenCart line of the store")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: ocsetup-demo [--line L]\n\n"+
			"Runs ocsetup's demo store until its standard input ends or it is interrupted;\n"+
			"ocsetup starts it for `ocsetup demo`, which is the command to use.\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(os.Args[1:]); err != nil {
		os.Exit(2)
	}
	if fs.NArg() != 0 {
		fs.Usage()
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, store.Line(*line), os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		stop()
		os.Exit(1)
	}
}

// run starts the store, reports it on out and keeps it until in ends or
// ctx does; then it removes it.
func run(ctx context.Context, line store.Line, in io.Reader, out io.Writer) (err error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	// The end of stdin is ocsetup's way to stop us, and what a crashed
	// ocsetup leaves us with.
	go func() {
		_, _ = io.Copy(io.Discard, in)
		cancel()
	}()
	startCtx, cancelStart := context.WithTimeout(ctx, startTimeout)
	d, err := demo.Start(startCtx, demo.Options{Line: line})
	cancelStart()
	if err != nil {
		if ctx.Err() != nil {
			return nil // asked to stop while starting: nothing is left
		}
		return err
	}
	defer func() {
		if cerr := d.Close(); cerr != nil {
			err = errors.Join(err, fmt.Errorf("remove the demo store: %w", cerr))
		}
	}()
	pkg, err := demo.WriteSamplePackage(d.WorkDir())
	if err != nil {
		return err
	}
	ready := demoprog.Ready{Line: d.Line(), Version: d.Version(), Site: d.Site(), StoreRoot: d.StoreRoot(),
		StoreURL: d.StoreURL(), WorkDir: d.WorkDir(), Package: pkg}
	if err := json.NewEncoder(out).Encode(ready); err != nil {
		return err
	}
	<-ctx.Done()
	return nil
}
