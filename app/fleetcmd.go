package app

import (
	"context"
	"flag"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/ocsetup/ocsetup/installer/check"
	"github.com/ocsetup/ocsetup/installer/settings"
)

// fleetFlags are the flags of `ocsetup fleet`.
type fleetFlags struct {
	concurrency int
	report      string
	json        bool
	restart     bool
	trustNew    bool
	via         string
	displayOff  bool
}

func (c *CLI) addFleet() {
	var f fleetFlags
	c.add(&command{name: "fleet", args: "test|apply|uninstall FLEET_FILE", summary: "test, set up or reverse many stores at once, with one report",
		details: `Runs 'ocsetup test', 'ocsetup apply' or 'ocsetup uninstall' on every store of a
fleet file, several stores at once, and writes one report.

The fleet file (YAML or JSON) lists the stores, each with an id and the fields
of a setup file (see 'ocsetup help apply'):

` + ExampleFleetFile + `
Secrets never come from the file: each store's from OCSETUP_<ID>_PASSWORD,
OCSETUP_<ID>_KEY_PASSPHRASE and OCSETUP_<ID>_SECRET_<FIELD> (the id in upper
case, - as _), else from the keychain item of the site saved in the app under
saved_site (or the id). The plain OCSETUP_PASSWORD is not used.

Connections: --concurrency stores run at once, and never more connections to one
host and port than its stores' connections: allow (the smallest of them): stores
on the same host share it, each with its part.

One store's failure never stops the others. The run's progress is kept in the
data folder: when a run is killed or interrupted (Ctrl-C), the same command
carries on where it stopped and no finished store is done twice; --restart
starts over. Progress (stores done, running, failed, time left) goes to the
error output; --json prints the report as JSON instead and nothing else.

--report FILE writes the report: Markdown (.md), HTML (.html) or JSON (.json), by
the file's extension: a summary, then a row per store with its result, the
failing checks with cause and fix, the OpenCart version and line, the module
version, and the time taken. It holds no password, key or phrase. The app opens
any of the three and goes to a store's saved site.

Exit status 0 when every store passed (warnings pass), 1 when one failed or
the run was interrupted, 2 for bad usage.`,
		run: func(ctx context.Context, x *cmdContext) error {
			if len(x.args) != 2 || (x.args[0] != "test" && x.args[0] != "apply" && x.args[0] != "uninstall") {
				return usageText("fleet takes test, apply or uninstall, then a fleet file")
			}
			verb := x.args[0]
			if f.concurrency < 1 || f.concurrency > 64 {
				return usageText("--concurrency must be 1 to 64")
			}
			var applyOnly []string
			x.flags.Visit(func(fl *flag.Flag) {
				if fl.Name == "settings-via" || fl.Name == "display-errors-off" {
					applyOnly = append(applyOnly, "--"+fl.Name)
				}
			})
			if verb != "apply" && len(applyOnly) > 0 {
				return usageText(applyOnly[0] + " is for fleet apply")
			}
			var action fleetAction
			switch verb {
			case "test":
				action = fleetTest(f.trustNew)
			case "uninstall":
				action = fleetUninstall(f.trustNew)
			default:
				mode, err := settings.ParseMode(f.via)
				if err != nil {
					return usageText("--settings-via " + err.Error())
				}
				action = fleetApply(f.trustNew, mode, f.displayOff)
			}
			if f.report != "" && fleetReportWriter(f.report, FleetReport{}) == nil {
				return usageText("--report: name the file .md, .html or .json")
			}
			fleet, err := LoadFleetFile(x.args[1], x.reg)
			if err != nil {
				return err
			}
			rep, err := RunFleet(ctx, x.IO, FleetOptions{Command: verb, Concurrency: f.concurrency, Restart: f.restart,
				Keychain: c.fleetKeychain(), Quiet: f.json, Report: f.report, action: action}, fleet)
			if err != nil {
				return err
			}
			if f.json {
				if err := rep.JSON(x.Out); err != nil {
					return err
				}
			} else {
				s := rep.Summary
				fmt.Fprintf(x.Out, "%d stores: %d passed, %d with warnings, %d failed (%s)\n", s.Stores, s.Passed, s.Warned, s.Failed, s.Duration)
				for _, row := range rep.Stores {
					if row.Result == check.Fail {
						for _, fl := range row.Failures {
							fmt.Fprintf(x.Out, "FAIL %s: %s: %s %s\n", row.ID, fl.Check, fl.Cause, fl.Fix)
						}
					}
				}
			}
			if !rep.AllPassed() {
				return exitError{code: 1}
			}
			return nil
		}})
	c.flagSets["fleet"] = func(fs *flag.FlagSet) {
		fs.IntVar(&f.concurrency, "concurrency", DefaultFleetConcurrency, "how many stores at once (1 to 64)")
		fs.StringVar(&f.report, "report", "", "write the combined report to FILE (.md, .html or .json)")
		fs.BoolVar(&f.json, "json", false, "print the report as JSON, and no progress")
		fs.BoolVar(&f.restart, "restart", false, "forget an interrupted run and start over")
		fs.BoolVar(&f.trustNew, "trust-new", false, "accept and remember an unknown host key or certificate")
		fs.StringVar(&f.via, "settings-via", "auto", "apply only: how settings go in: auto, admin, database")
		fs.BoolVar(&f.displayOff, "display-errors-off", false, "apply only: switch Display Errors off on stores that print PHP messages (recorded, undone with the setup)")
	}
}

// fleetKeychain is the OS keychain, unless a test set another.
func (c *CLI) fleetKeychain() Keychain {
	if c.keys != nil {
		return c.keys
	}
	return NewOSKeychain()
}

// FleetOptions tune RunFleet.
type FleetOptions struct {
	Command     string // test, apply or uninstall
	Concurrency int    // 0: DefaultFleetConcurrency
	Restart     bool
	Keychain    Keychain
	// Quiet: no progress on stdio.Err.
	Quiet bool
	// Report is the file to write the report to (.md, .html, .json), if
	// any: written before the run's state is forgotten, so that a report
	// that cannot be written leaves the run to carry on.
	Report string
	action fleetAction
	// recorded is told of each store saved in the state file (tests).
	recorded func(FleetRow)
}

// ErrFleetInterrupted is returned (wrapped) when a run stopped before
// every store was done; the next run carries on.
type fleetInterrupted struct {
	done, total int
}

func (e fleetInterrupted) Error() string {
	return fmt.Sprintf("interrupted after %d of %d stores; run the same command again to carry on (--restart to start over)", e.done, e.total)
}

// RunFleet tests or sets up every store of fleet and returns the combined
// report. A run that ctx interrupts keeps its progress and returns an
// error; the next run with the same command and file carries on.
func RunFleet(ctx context.Context, stdio IO, o FleetOptions, fleet *Fleet) (FleetReport, error) {
	dir, err := DataDir(stdio.Getenv)
	if err != nil {
		return FleetReport{}, err
	}
	if o.Concurrency == 0 {
		o.Concurrency = DefaultFleetConcurrency
	}
	state := newFleetStateFile(dir, o.Command, fleet)
	if o.Restart {
		if err := state.remove(); err != nil {
			return FleetReport{}, err
		}
	}
	out := stdio.Err
	if o.Quiet || out == nil {
		out = io.Discard
	}
	r := &fleetRun{fleet: fleet, command: o.Command, concurrency: o.Concurrency, stdio: stdio, keys: o.Keychain,
		action: o.action, recorded: o.recorded, state: state, progress: &fleetProgress{w: out, concurrency: o.Concurrency}}
	begun := time.Now()
	rows, complete, err := r.run(ctx)
	if err != nil {
		return FleetReport{}, err
	}
	if !complete {
		return FleetReport{}, exitError{code: 1, err: fleetInterrupted{done: len(rows), total: len(fleet.Stores)}}
	}
	rep := newFleetReport(o.Command, fleet.path, rows, time.Since(begun))
	if o.Report != "" {
		if err := writeFleetReport(o.Report, rep); err != nil {
			return rep, fmt.Errorf("the report could not be written (%w); the same command writes it without doing the stores again", err)
		}
	}
	// The run is complete: the next one starts afresh, slowest first. The
	// times only order the next run, so failing to keep them fails nothing.
	_ = state.saveTimes(rows)
	if err := state.remove(); err != nil {
		return rep, err
	}
	return rep, nil
}

// fleetProgress prints a line per store started or finished: stores done,
// running, failed, and the time left.
type fleetProgress struct {
	w           io.Writer
	concurrency int

	mu                           sync.Mutex
	total, done, running, failed int
	finishedHere                 int
	begun                        time.Time
}

func (p *fleetProgress) begin(total, done int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.total, p.done, p.begun = total, done, time.Now()
	if done > 0 {
		fmt.Fprintf(p.w, "carrying on an interrupted run: %d of %d stores were done\n", done, total)
	}
}

func (p *fleetProgress) start(id string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.running++
	fmt.Fprintf(p.w, "start  %-20s %s\n", id, p.status())
}

func (p *fleetProgress) finish(row FleetRow, interrupted bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.running--
	if interrupted {
		fmt.Fprintf(p.w, "stop   %-20s interrupted, not recorded %s\n", row.ID, p.status())
		return
	}
	p.done++
	p.finishedHere++
	if row.Result == check.Fail {
		p.failed++
	}
	fmt.Fprintf(p.w, "%-6s %-20s in %s %s\n", row.Result, row.ID, row.Duration.Round(100*time.Millisecond), p.status())
}

// status is "[7/20 done, 4 running, 1 failed, about 35s left]".
func (p *fleetProgress) status() string {
	s := fmt.Sprintf("[%d/%d done, %d running, %d failed", p.done, p.total, p.running, p.failed)
	if left := p.total - p.done; p.finishedHere > 0 && left > 0 {
		// Stores finish at the rate seen so far in this run.
		per := time.Since(p.begun) / time.Duration(p.finishedHere)
		s += fmt.Sprintf(", about %s left", (per * time.Duration(left)).Round(time.Second))
	}
	return s + "]"
}

// ExampleFleetFile is printed by `ocsetup help fleet`.
const ExampleFleetFile = `# ocsetup fleet file: the stores, everything but the secrets.
stores:
  - id: shop-berlin                 # OCSETUP_SHOP_BERLIN_PASSWORD, OCSETUP_SHOP_BERLIN_SECRET_API_KEY
    site: sftp://berlin@host1.example.com/public_html
    integration: onebox
    access:
      api_user: Default
      ips: [203.0.113.7]
    connections: 2                  # optional: connections the host allows (default 2)
    saved_site: Berlin shop         # optional: the app's saved site (keychain, GUI)
  - id: shop-paris
    site: ftps://paris@host2.example.com/www
    integration: onebox
    package: onebox-opencart3.ocmod.zip
`
