package demoprog

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/ocsetup/ocsetup/installer/store"
	"github.com/ocsetup/ocsetup/internal/sibling"
)

// ProgramVar names the demo program's path when it is not beside ocsetup
// (the tests, or a binary built with plain `go build`).
const ProgramVar = "OCSETUP_DEMO_PROGRAM"

// stopTimeout is how long Stop waits for the program to remove its store
// before it kills it.
const stopTimeout = 30 * time.Second

// program is the demo program as it ships beside ocsetup.
var program = sibling.Program{Name: "ocsetup-demo", EnvVar: ProgramVar, What: "the demo store", Package: "./cmd/ocsetup-demo"}

// Name is the demo program's file name on this system.
func Name() string { return sibling.Exe(program.Name) }

// Ready is what the demo program prints, as one JSON line, once its store
// answers.
type Ready struct {
	Line      store.Line `json:"line"`
	Version   string     `json:"version"`
	Site      Site       `json:"site"`
	StoreRoot string     `json:"store_root"` // as the SFTP account shows it
	StoreURL  string     `json:"store_url"`
	// WorkDir is a private folder on this machine for files that go with
	// the demo (a setup file); it is removed with the demo.
	WorkDir string `json:"work_dir"`
	// Package is a small extension to upload, inside WorkDir.
	Package string `json:"package"`
}

// Find returns the demo program: $OCSETUP_DEMO_PROGRAM when set, else
// ocsetup-demo in the folder of the running executable, where scripts/run
// and the release put it.
func Find(getenv func(string) string) (string, error) { return program.Find(getenv) }

// Process is a running demo program.
type Process struct {
	// Ready is what the program reported when its store was ready.
	Ready Ready

	cmd     *exec.Cmd
	stdin   io.Closer
	stderr  *tail
	exited  chan struct{}
	waitErr error // set before exited is closed

	stopOnce sync.Once
	stopErr  error
}

// Start runs the demo program with a store of line ("" = DefaultLine) and
// waits until the store is ready. ctx bounds the start only: the program
// runs until Stop.
func Start(ctx context.Context, program string, line store.Line) (p *Process, err error) {
	var args []string
	if line != "" {
		args = append(args, "--line", string(line))
	}
	// Not CommandContext: ctx bounds the start, and a cancelled start
	// still has to let the program remove what it made (see below).
	cmd := exec.Command(program, args...)
	detach(cmd)
	p = &Process{cmd: cmd, stderr: &tail{max: 64 << 10}, exited: make(chan struct{})}
	cmd.Stderr = p.stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	p.stdin = stdin
	// A pipe of our own for stdout: exec's StdoutPipe may not be read
	// while Wait runs, and Wait runs from the start here.
	outR, outW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	cmd.Stdout = outW
	err = cmd.Start()
	outW.Close()
	if err != nil {
		outR.Close()
		return nil, fmt.Errorf("start the demo program %s: %w", program, err)
	}
	go func() {
		p.waitErr = cmd.Wait()
		close(p.exited)
	}()

	type lineResult struct {
		b   []byte
		err error
	}
	first := make(chan lineResult, 1)
	go func() {
		defer outR.Close()
		br := bufio.NewReader(outR)
		b, err := br.ReadBytes('\n')
		first <- lineResult{b, err}
		// Anything more is not for us; reading it on keeps the
		// program from blocking on a full pipe.
		_, _ = io.Copy(io.Discard, br)
	}()

	select {
	case r := <-first:
		if r.err == nil {
			if err := json.Unmarshal(r.b, &p.Ready); err != nil {
				_ = p.Stop()
				return nil, fmt.Errorf("the demo program %s printed %q, not its store's details: %w", program, bytes.TrimSpace(r.b), err)
			}
			return p, nil
		}
		// No line: the program ended before its store was ready.
		<-p.exited
		return nil, p.failure("the demo store did not start")
	case <-ctx.Done():
		// Closing stdin asks it to remove what it made so far.
		if err := p.Stop(); err != nil {
			return nil, errors.Join(ctx.Err(), err)
		}
		return nil, ctx.Err()
	}
}

// Done is closed when the program has ended, after Stop or on its own.
func (p *Process) Done() <-chan struct{} { return p.exited }

// Stop asks the program to stop (it removes its store, folder and ports)
// and waits for it; a program that does not stop within 30 s is killed.
// Calling it again returns the first result.
func (p *Process) Stop() error {
	p.stopOnce.Do(func() {
		_ = p.stdin.Close()
		timer := time.NewTimer(stopTimeout)
		defer timer.Stop()
		select {
		case <-p.exited:
		case <-timer.C:
			_ = p.cmd.Process.Kill()
			<-p.exited
			p.stopErr = fmt.Errorf("the demo program did not stop within %s and was killed; its folder %s may remain",
				stopTimeout, filepath.Dir(p.Ready.WorkDir))
			return
		}
		if p.waitErr != nil {
			p.stopErr = p.failure("the demo program failed")
		}
	})
	return p.stopErr
}

// failure describes how the program ended, with what it printed on stderr.
func (p *Process) failure(what string) error {
	msg := strings.TrimSpace(p.stderr.String())
	if msg == "" {
		return fmt.Errorf("%s: %s %v", what, p.cmd.Path, p.waitErr)
	}
	return fmt.Errorf("%s: %s", what, msg)
}

// tail keeps the last max bytes written to it.
type tail struct {
	mu  sync.Mutex
	max int
	buf []byte
}

func (t *tail) Write(b []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, b...)
	if over := len(t.buf) - t.max; over > 0 {
		t.buf = append(t.buf[:0], t.buf[over:]...)
	}
	return len(b), nil
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.buf)
}
