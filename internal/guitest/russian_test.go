package guitest

import (
	"bytes"
	"context"
	"image"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// startApp runs scripts/run in the language of locale on a virtual
// display and returns its window once drawn, at the merchant's laptop
// size (1366×768), and the repository's root.
func startApp(t *testing.T, locale string) (xwin, string) {
	t.Helper()
	needTools(t, "Xvfb", "xdotool", "import")
	display := startXvfb(t)
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	goenv, err := exec.Command("go", "env", "GOCACHE", "GOMODCACHE", "GOPATH").Output()
	if err != nil {
		t.Fatal(err)
	}
	dirs := strings.Fields(string(goenv))
	var out bytes.Buffer
	cmd := exec.Command(filepath.Join(root, "scripts", "run"))
	// LANGUAGE and LC_ALL would win over LANG: the locale alone decides.
	cmd.Env = append(os.Environ(), "DISPLAY="+display, "HOME="+t.TempDir(), "LANG="+locale, "LANGUAGE=", "LC_ALL=", "LC_MESSAGES=",
		"GOCACHE="+dirs[0], "GOMODCACHE="+dirs[1], "GOPATH="+dirs[2])
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-exited
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 6*time.Minute)
	defer cancel()
	var id string
	for id == "" {
		select {
		case err := <-exited:
			t.Fatalf("scripts/run exited before a window appeared (%v):\n%s", err, out.String())
		case <-ctx.Done():
			t.Fatalf("no ocsetup window after 6 minutes:\n%s", out.String())
		case <-time.After(200 * time.Millisecond):
		}
		search := exec.Command("xdotool", "search", "--onlyvisible", "--name", "^ocsetup")
		search.Env = append(os.Environ(), "DISPLAY="+display)
		if b, err := search.Output(); err == nil {
			id = strings.Fields(string(b))[0]
		}
	}
	x := xwin{t: t, display: display, id: id}
	x.shotWhen(filepath.Join(t.TempDir(), "first.png"), func(img image.Image) bool { return colours(img) > 16 })
	x.run("xdotool", "windowsize", x.id, "1366", "768")
	x.click(700, 600)
	return x, root
}

// TestRussianScreenshots walks the whole wizard on the built-in demo
// store (OneBox, every step) in Russian, as a merchant whose system speaks
// Russian, and saves each screen to screenshots/ru/. The positions are
// those of the Russian layout.
func TestRussianScreenshots(t *testing.T) {
	x, root := startApp(t, "ru_RU.UTF-8")
	shots := filepath.Join(root, "screenshots", "ru")
	if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	x.shotWhen(filepath.Join(shots, "1-welcome.png"), func(img image.Image) bool {
		return img.Bounds().Dx() == 1366 && img.Bounds().Dy() == 768 && colours(img) > 16
	})
	next := func() { x.click(1322, 745) }
	steps := []struct {
		shot  string
		do    func()
		quiet time.Duration
	}{
		// Try a demo store: the store starts behind a moving progress bar,
		// which changes too little in half a second to count as work.
		{"2-connect.png", func() { x.click(332, 490) }, 3 * time.Second},
		{"3-trust.png", func() { x.click(322, 418) }, 500 * time.Millisecond},        // Connect and find the store
		{"", func() { x.click(767, 486) }, 500 * time.Millisecond},                   // Trust and connect
		{"", func() { next(); x.wait(); x.click(312, 202) }, 500 * time.Millisecond}, // Package: check what will change
		{"4-package.png", func() { x.click(484, 202) }, time.Second},                 // Upload
		{"5-database-access.png", func() { next(); x.wait(); x.click(789, 123) }, time.Second},
		{"6-api-access.png", func() {
			next()
			x.wait()
			// OneBox on the demo's 3.0 store uses "Default" and keeps its
			// key: no key row, so the addresses come right after the note.
			x.click(789, 408) // the provider's IP addresses
			x.run("xdotool", "type", "--window", x.id, "127.0.0.1")
			x.click(789, 508) // Allow the addresses for "Default"
		}, time.Second},
		{"", func() { next(); x.wait(); x.click(789, 128) }, 500 * time.Millisecond}, // Settings: show
		{"7-settings.png", func() { x.click(789, 402) }, time.Second},                // Save
		{"8-test.png", func() { next(); x.wait(); x.click(297, 123) }, 2 * time.Second},
		{"9-sync.png", func() { next(); x.wait(); x.click(789, 123) }, 2 * time.Second},
		{"10-finish.png", func() { next() }, time.Second},
	}
	for i, st := range steps {
		before := x.grab()
		st.do()
		img, ok := x.settleWithin(before, st.quiet, 30*time.Second)
		if !ok {
			if dir := os.Getenv("OCSETUP_SHOT_DEBUG"); dir != "" {
				writePNG(t, filepath.Join(dir, "stuck.png"), img)
			}
			t.Fatalf("step %d (%s): the window did not change and settle", i, st.shot)
		}
		if b := img.Bounds(); b.Dx() != 1366 || b.Dy() != 768 {
			t.Errorf("%s: the window became %v", st.shot, b)
		}
		name := st.shot
		if name == "" {
			name = filepath.Join(t.TempDir(), "step.png")
			if dir := os.Getenv("OCSETUP_SHOT_DEBUG"); dir != "" {
				name = filepath.Join(dir, "step-"+string(rune('a'+i))+".png")
			}
		} else {
			name = filepath.Join(shots, name)
		}
		writePNG(t, name, img)
	}
}

// settleWithin is settle with a time limit that returns the last picture
// and false when the window did not change and settle in time.
func (x xwin) settleWithin(before image.Image, quiet, limit time.Duration) (image.Image, bool) {
	x.t.Helper()
	deadline := time.Now().Add(limit)
	last, since := before, time.Now()
	for time.Now().Before(deadline) {
		img := x.grab()
		if differs(img, last) {
			last, since = img, time.Now()
		} else if differs(last, before) && time.Since(since) >= quiet {
			return last, true
		}
		time.Sleep(100 * time.Millisecond)
	}
	return last, false
}
