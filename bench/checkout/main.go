// Command checkout times `ocsetup test` with the checkout check on the
// test environment's real OpenCart stores over loopback and prints a
// table: the whole test and the checkout check alone, per store. The goal
// is under 3 s for the whole test (bench/README.md).
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/ocsetup/ocsetup/internal/testenv"
)

var (
	runsFlag     = flag.Int("runs", 5, "runs per store; the table shows the median and the slowest")
	versionsFlag = flag.String("versions", strings.Join(testenv.RealVersions, ","), "the stores to time")
	binFlag      = flag.String("bin", "", "the ocsetup binary (default: built from this tree)")
)

func main() {
	flag.Parse()
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

type report struct {
	Overall string `json:"overall"`
	Checks  []struct {
		ID       string        `json:"id"`
		Status   string        `json:"status"`
		Cause    string        `json:"cause"`
		Duration time.Duration `json:"duration_ns"`
	} `json:"checks"`
}

type row struct {
	version           string
	total, checkout   []time.Duration
	overall, checkRes string
}

func run() error {
	env, err := testenv.Load()
	if err != nil {
		return err
	}
	site, ok := env.Sites[testenv.SFTP]
	if !ok {
		return fmt.Errorf("no %s site in the test environment", testenv.SFTP)
	}
	work, err := os.MkdirTemp("", "ocsetup-bench-checkout-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	bin := *binFlag
	if bin == "" {
		bin = filepath.Join(work, "ocsetup")
		build := exec.Command("go", "build", "-o", bin, ".")
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			return fmt.Errorf("go build: %w", err)
		}
	}
	var rows []row
	for _, v := range strings.Split(*versionsFlag, ",") {
		rs, ok := env.Stores[v]
		if !ok {
			return fmt.Errorf("no real OpenCart %s in the test environment: %s", v, env.RealStoresMissing)
		}
		r, err := timeStore(env, site, rs, bin, work)
		if err != nil {
			return fmt.Errorf("OpenCart %s: %w", v, err)
		}
		rows = append(rows, r)
	}
	fmt.Printf("\n`ocsetup test` with the checkout check, SFTP and the database on loopback, %d runs each (load %s)\n\n", *runsFlag, load())
	fmt.Println("| OpenCart | test, median | test, slowest | checkout check, median | result |")
	fmt.Println("|---|---|---|---|---|")
	for _, r := range rows {
		fmt.Printf("| %s | %s | %s | %s | %s; checkout %s |\n", r.version, ms(median(r.total)), ms(slowest(r.total)), ms(median(r.checkout)), r.overall, r.checkRes)
	}
	return nil
}

// timeStore restores the store, holding its lock as the tests do, and runs
// `ocsetup test` on it.
func timeStore(env *testenv.Env, site testenv.Site, rs testenv.RealStore, bin, work string) (row, error) {
	r := row{version: rs.Version}
	lock, err := os.OpenFile(filepath.Join(env.Base, "lock-store-"+rs.Version), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return r, err
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		return r, err
	}
	defer func() { _ = syscall.Flock(int(lock.Fd()), syscall.LOCK_UN) }()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	if err := rs.Restore(ctx, env.MySQL); err != nil {
		return r, err
	}
	root := rs.RemoteRoot(site)
	dir := filepath.Join(work, strings.ReplaceAll(rs.Version, ".", ""))
	if err := os.MkdirAll(filepath.Join(dir, "home"), 0o700); err != nil {
		return r, err
	}
	setup := filepath.Join(dir, "setup.yaml")
	body := fmt.Sprintf("site: sftp://%s@%s%s\nintegration: custom\npayment_method: cod\n", site.User, site.Addr(), root)
	if err := os.WriteFile(setup, []byte(body), 0o600); err != nil {
		return r, err
	}
	for i := 0; i < *runsFlag; i++ {
		cmd := exec.CommandContext(ctx, bin, "test", setup, "--trust-new", "--json")
		cmd.Env = append(os.Environ(), "OCSETUP_PASSWORD="+site.Password, "OCSETUP_HOME="+filepath.Join(dir, "home"))
		start := time.Now()
		out, err := cmd.Output()
		took := time.Since(start)
		var rep report
		if jerr := json.Unmarshal(out, &rep); jerr != nil {
			return r, fmt.Errorf("ocsetup test: %v %v: %s", err, jerr, out)
		}
		r.total = append(r.total, took)
		r.overall = rep.Overall
		for _, c := range rep.Checks {
			if c.ID == "checkout" {
				r.checkout = append(r.checkout, c.Duration)
				r.checkRes = c.Status
				if c.Status != "pass" {
					r.checkRes += " (" + c.Cause + ")"
				}
			}
		}
	}
	return r, nil
}

func median(d []time.Duration) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}

func slowest(d []time.Duration) time.Duration {
	var m time.Duration
	for _, x := range d {
		m = max(m, x)
	}
	return m
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f s", d.Seconds()) }

func load() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	return strings.Fields(string(b))[0]
}
