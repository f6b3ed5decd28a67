// Package guitest starts the real application the way the README's run
// command does, on a virtual X display, and takes screenshots of it.
package guitest

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ocsetup/ocsetup/internal/testenv"
)

// needTools skips (or, under the test command, fails) without the X tools.
func needTools(t *testing.T, tools ...string) {
	t.Helper()
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv(testenv.RequiredVar) == "1" {
				t.Fatalf("%s is missing; scripts/test installs it", tool)
			}
			t.Skipf("%s is missing: run %s", tool, testenv.TestCommand)
		}
	}
}

// startXvfb starts a virtual display on a free number and returns ":N".
func startXvfb(t *testing.T) string {
	t.Helper()
	for n := 90; n < 190; n++ {
		if _, err := os.Stat(fmt.Sprintf("/tmp/.X%d-lock", n)); err == nil {
			continue
		}
		display := fmt.Sprintf(":%d", n)
		cmd := exec.Command("Xvfb", display, "-screen", "0", "1366x768x24", "-nolisten", "tcp")
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		sock := fmt.Sprintf("/tmp/.X11-unix/X%d", n)
		deadline := time.Now().Add(10 * time.Second)
		for time.Now().Before(deadline) {
			select {
			case <-done:
				deadline = time.Time{} // lost a race for this display; try the next
				continue
			default:
			}
			if _, err := os.Stat(sock); err == nil {
				t.Cleanup(func() {
					_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
					<-done
				})
				return display
			}
			time.Sleep(50 * time.Millisecond)
		}
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
	t.Fatal("no free X display")
	return ""
}

// TestRunCommandOpensWindow runs scripts/run, waits for the window, and saves
// a screenshot of the window (the Welcome screen) to screenshots/welcome.png.
func TestRunCommandOpensWindow(t *testing.T) {
	needTools(t, "Xvfb", "xdotool", "import")
	display := startXvfb(t)
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	// Fyne and Mesa write under HOME: give them a fresh one, but keep Go's
	// caches where they are, or the build would start cold.
	goenv, err := exec.Command("go", "env", "GOCACHE", "GOMODCACHE", "GOPATH").Output()
	if err != nil {
		t.Fatal(err)
	}
	dirs := strings.Fields(string(goenv))
	var out bytes.Buffer
	cmd := exec.Command(filepath.Join(root, "scripts", "run"))
	cmd.Env = append(os.Environ(), "DISPLAY="+display, "HOME="+t.TempDir(), "LANG=en_US.UTF-8",
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

	// The first build of a Fyne app takes minutes on a cold cache.
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
	shots := filepath.Join(root, "screenshots")
	// Give the first frame time to be drawn: wait until the screen shows
	// more than the empty root window.
	x.shotWhen(filepath.Join(t.TempDir(), "first.png"), func(img image.Image) bool { return colours(img) > 16 })
	// The merchant's laptop screen: the window fills 1366×768 (there is no
	// window manager to do it), and every step is taken at that size.
	x.run("xdotool", "windowsize", x.id, "1366", "768")
	x.click(700, 600) // an empty spot: the window redraws at its new size
	img := x.shotWhen(filepath.Join(shots, "1-welcome.png"), func(img image.Image) bool {
		return img.Bounds().Dx() == 1366 && img.Bounds().Dy() == 768 && colours(img) > 16
	})
	if b := img.Bounds(); b.Dx() != 1366 || b.Dy() != 768 {
		t.Fatalf("the window is %v, not 1366×768", b)
	}
	// The whole wizard on the built-in demo store (OneBox, every step),
	// clicked through as a user would: positions in the 1366×768 window,
	// the step's buttons at the top of each screen, Next at the bottom right.
	next := func() { x.click(1322, 745) }
	steps := []struct {
		shot  string
		do    func()
		quiet time.Duration // how long the screen must stay unchanged
	}{
		// Try a demo store: the store starts behind a moving progress bar,
		// which changes too little in half a second to count as work.
		{"2-connect.png", func() { x.click(288, 451) }, 3 * time.Second},
		{"3-trust.png", func() { x.click(322, 418) }, 500 * time.Millisecond},        // Connect and find the store
		{"", func() { x.click(767, 486) }, 500 * time.Millisecond},                   // Trust and connect
		{"", func() { next(); x.wait(); x.click(312, 202) }, 500 * time.Millisecond}, // Package: check what will change
		{"4-package.png", func() { x.click(439, 202) }, time.Second},                 // Upload
		{"5-database-access.png", func() { next(); x.wait(); x.click(789, 123) }, time.Second},
		{"6-api-access.png", func() {
			next()
			x.wait()
			// OneBox on the demo's 3.0 store uses "Default" and keeps its
			// key: no key row, so the addresses come right after the note.
			x.click(789, 390) // the provider's IP addresses
			x.run("xdotool", "type", "--window", x.id, "127.0.0.1")
			x.click(789, 489) // Allow the addresses for "Default"
		}, time.Second},
		{"", func() { next(); x.wait(); x.click(789, 105) }, 500 * time.Millisecond}, // Settings: show
		{"7-settings.png", func() { x.click(789, 379) }, time.Second},                // Save
		{"8-test.png", func() { next(); x.wait(); x.click(297, 123) }, 2 * time.Second},
		{"9-sync.png", func() { next(); x.wait(); x.click(789, 123) }, 2 * time.Second},
		{"10-finish.png", func() { next() }, time.Second},
	}
	for _, st := range steps {
		before := x.grab()
		st.do()
		img := x.settle(before, st.quiet)
		if b := img.Bounds(); b.Dx() != 1366 || b.Dy() != 768 {
			t.Errorf("%s: the window became %v", st.shot, b)
		}
		if st.shot != "" {
			writePNG(t, filepath.Join(shots, st.shot), img)
		}
	}
}

// xwin drives one window on the virtual display.
type xwin struct {
	t           *testing.T
	display, id string
}

func (x xwin) run(args ...string) {
	x.t.Helper()
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Env = append(os.Environ(), "DISPLAY="+x.display)
	if b, err := cmd.CombinedOutput(); err != nil {
		x.t.Fatalf("%v: %v: %s", args, err, b)
	}
}

func (x xwin) click(px, py int) {
	x.t.Helper()
	x.run("xdotool", "mousemove", "--window", x.id, fmt.Sprint(px), fmt.Sprint(py), "click", "1")
	time.Sleep(150 * time.Millisecond) // one frame or more: the next click lands on the new screen
}

// wait lets a screen change settle before the next click.
func (x xwin) wait() { time.Sleep(400 * time.Millisecond) }

// grab takes one screenshot of the window.
func (x xwin) grab() image.Image {
	x.t.Helper()
	p := filepath.Join(x.t.TempDir(), "shot.png")
	x.run("import", "-window", x.id, p)
	return readPNG(x.t, p)
}

// settle waits until the window shows something other than before and
// then stays unchanged for quiet (work in the background has finished),
// up to 60 s, and returns that picture.
func (x xwin) settle(before image.Image, quiet time.Duration) image.Image {
	x.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	last, since := before, time.Now()
	for time.Now().Before(deadline) {
		img := x.grab()
		if differs(img, last) {
			last, since = img, time.Now()
		} else if differs(last, before) && time.Since(since) >= quiet {
			return last
		}
		time.Sleep(100 * time.Millisecond)
	}
	x.t.Fatalf("the window did not change and settle within 60 s")
	return nil
}

func writePNG(t *testing.T, p string, img image.Image) {
	t.Helper()
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
}

// shotWhen takes screenshots until ready accepts one (up to 10 s).
func (x xwin) shotWhen(path string, ready func(image.Image) bool) image.Image {
	x.t.Helper()
	for i := 0; ; i++ {
		x.run("import", "-window", x.id, path)
		img := readPNG(x.t, path)
		if ready(img) {
			return img
		}
		if i == 100 {
			x.t.Fatalf("%s: the window never showed what was expected", path)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// differs reports whether two screenshots differ noticeably.
func differs(a, b image.Image) bool {
	if a.Bounds() != b.Bounds() {
		return true
	}
	n := 0
	for y := a.Bounds().Min.Y; y < a.Bounds().Max.Y; y += 4 {
		for x := a.Bounds().Min.X; x < a.Bounds().Max.X; x += 4 {
			if a.At(x, y) != b.At(x, y) {
				n++
			}
		}
	}
	return n > 500
}

func readPNG(t *testing.T, p string) image.Image {
	t.Helper()
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// colours counts distinct colours on a coarse grid, enough to tell a drawn
// window from an empty screen.
func colours(img image.Image) int {
	seen := map[[3]uint32]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 7 {
		for x := b.Min.X; x < b.Max.X; x += 7 {
			r, g, bb, _ := img.At(x, y).RGBA()
			seen[[3]uint32{r >> 8, g >> 8, bb >> 8}] = true
		}
	}
	return len(seen)
}
