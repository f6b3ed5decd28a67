package app

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/ocsetup/ocsetup/installer/check"
	"github.com/ocsetup/ocsetup/installer/msg"
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
	c.add(&command{name: "fleet", args: "test|apply|uninstall FLEET_FILE", summary: "cli.fleet.summary",
		details: "cli.fleet.details",
		run: func(ctx context.Context, x *cmdContext) error {
			if len(x.args) != 2 || (x.args[0] != "test" && x.args[0] != "apply" && x.args[0] != "uninstall") {
				return usage("cli.fleet.usage")
			}
			verb := x.args[0]
			if f.concurrency < 1 || f.concurrency > 64 {
				return usage("cli.fleet.concurrency")
			}
			var applyOnly []string
			x.flags.Visit(func(fl *flag.Flag) {
				if fl.Name == "settings-via" || fl.Name == "display-errors-off" {
					applyOnly = append(applyOnly, "--"+fl.Name)
				}
			})
			if verb != "apply" && len(applyOnly) > 0 {
				return usage("cli.fleet.apply_only", "Flag", applyOnly[0])
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
					return usage("cli.apply.bad_via", "Cause", msg.CauseArg(err))
				}
				action = fleetApply(f.trustNew, mode, f.displayOff)
			}
			if f.report != "" && fleetReportWriter(f.report, FleetReport{}) == nil {
				return usage("cli.test.report_ext")
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
				fmt.Fprintln(x.Out, x.T("cli.fleet.summary_line", "Count", s.Stores, "Passed", s.Passed, "Warned", s.Warned, "Failed", s.Failed, "Took", s.Duration.String()))
				for _, row := range rep.Stores {
					if row.Result == check.Fail {
						for _, fl := range row.Failures {
							fl = fl.In(x.lang)
							fmt.Fprintln(x.Out, x.T("cli.fleet.fail_line", "ID", row.ID, "Check", fl.Check, "Cause", fl.Cause, "Fix", fl.Fix))
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
		fs.IntVar(&f.concurrency, "concurrency", DefaultFleetConcurrency, "cli.fleet.flag.concurrency")
		fs.StringVar(&f.report, "report", "", "cli.fleet.flag.report")
		fs.BoolVar(&f.json, "json", false, "cli.fleet.flag.json")
		fs.BoolVar(&f.restart, "restart", false, "cli.fleet.flag.restart")
		fs.BoolVar(&f.trustNew, "trust-new", false, "cli.fleet.flag.trust_new")
		fs.StringVar(&f.via, "settings-via", "auto", "cli.fleet.flag.settings_via")
		fs.BoolVar(&f.displayOff, "display-errors-off", false, "cli.fleet.flag.display_errors_off")
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

// fleetInterrupted is the error of a run that stopped before every store
// was done; the next run carries on.
func fleetInterrupted(done, total int) error {
	return msg.NewError("error.cli.fleet.interrupted", "Done", done, "Count", total)
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
	lang := Language(stdio.Getenv)
	r := &fleetRun{fleet: fleet, command: o.Command, concurrency: o.Concurrency, stdio: stdio, keys: o.Keychain,
		action: o.action, recorded: o.recorded, state: state, progress: &fleetProgress{n: Notes{W: out, Lang: lang}, concurrency: o.Concurrency}}
	begun := time.Now()
	rows, complete, err := r.run(ctx)
	if err != nil {
		return FleetReport{}, err
	}
	if !complete {
		return FleetReport{}, exitError{code: 1, err: fleetInterrupted(len(rows), len(fleet.Stores))}
	}
	rep := newFleetReport(o.Command, fleet.path, rows, time.Since(begun))
	if o.Report != "" {
		written := rep
		if lang != "en" {
			// The report in the user's language; English stays the
			// report it always was.
			written = rep.In(lang)
		}
		if err := writeFleetReport(o.Report, written); err != nil {
			return rep, msg.Wrap(err, "error.cli.fleet.report_write")
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
	n           Notes
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
		p.n.Line("cli.fleet.carrying_on", "Done", done, "Count", total)
	}
}

func (p *fleetProgress) start(id string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.running++
	p.n.Line("cli.fleet.start", "ID", fmt.Sprintf("%-20s", id), "Status", p.status())
}

func (p *fleetProgress) finish(row FleetRow, interrupted bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.running--
	if interrupted {
		p.n.Line("cli.fleet.stop", "ID", fmt.Sprintf("%-20s", row.ID), "Status", p.status())
		return
	}
	p.done++
	p.finishedHere++
	if row.Result == check.Fail {
		p.failed++
	}
	result := msg.New("cli.fleet.result." + string(row.Result)).In(p.n.Lang)
	p.n.Line("cli.fleet.finish", "Result", result+strings.Repeat(" ", max(0, 6-utf8.RuneCountInString(result))), "ID", fmt.Sprintf("%-20s", row.ID),
		"Took", row.Duration.Round(100*time.Millisecond).String(), "Status", p.status())
}

// status is "[7/20 done, 4 running, 1 failed, about 35s left]".
func (p *fleetProgress) status() string {
	left := ""
	if n := p.total - p.done; p.finishedHere > 0 && n > 0 {
		// Stores finish at the rate seen so far in this run.
		per := time.Since(p.begun) / time.Duration(p.finishedHere)
		left = msg.New("cli.fleet.left", "Left", (per * time.Duration(n)).Round(time.Second).String()).In(p.n.Lang)
	}
	return msg.New("cli.fleet.status", "Done", p.done, "Count", p.total, "Running", p.running, "Failed", p.failed, "Left", left).In(p.n.Lang)
}

// exampleFleetFile is the fleet file `ocsetup help fleet` shows, its
// comments in lang.
func exampleFleetFile(lang string) string { return msg.New("cli.fleet.example_fleet_file").In(lang) }
