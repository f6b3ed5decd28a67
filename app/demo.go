package app

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/ocsetup/ocsetup/installer/demoprog"
	"github.com/ocsetup/ocsetup/installer/msg"
	"github.com/ocsetup/ocsetup/installer/store"
)

// DemoInfo is a running demo store as the user needs it: what `ocsetup
// demo` prints, and what the Welcome screen's "Try a demo store" button
// fills the Connect screen with (Site.Remote()).
type DemoInfo struct {
	Line      store.Line    `json:"line"`
	Version   string        `json:"version"`
	Site      demoprog.Site `json:"site"`
	StoreRoot string        `json:"store_root"`
	StoreURL  string        `json:"store_url"`
	// SetupFile is a setup file for apply, test and sync, and Package a
	// small extension to upload; both are removed with the demo.
	SetupFile string `json:"setup_file"`
	Package   string `json:"package"`
	// Commands are example command lines (the demo command fills them in
	// with the commands this build has).
	Commands []string `json:"commands,omitempty"`
}

// FindDemoProgram returns the demo program (see installer/demoprog):
// $OCSETUP_DEMO_PROGRAM, else ocsetup-demo beside this executable.
func FindDemoProgram(getenv func(string) string) (string, error) { return demoprog.Find(getenv) }

// StartDemo starts a demo store of line ("" = 3.0) in the demo program
// (FindDemoProgram), on 127.0.0.1 only, with a setup file and a sample
// package beside it. ctx bounds the start only: the store runs until stop,
// which ends it and removes everything it made; call it when the app quits.
// lang is the language of the setup file's comments.
func StartDemo(ctx context.Context, program, line, lang string) (info *DemoInfo, stop func() error, err error) {
	info, p, err := startDemo(ctx, program, line, lang)
	if err != nil {
		return nil, nil, err
	}
	return info, p.Stop, nil
}

func startDemo(ctx context.Context, program, line, lang string) (info *DemoInfo, p *demoprog.Process, err error) {
	p, err = demoprog.Start(ctx, program, store.Line(line))
	if err != nil {
		return nil, nil, err
	}
	defer func() {
		if err != nil {
			_ = p.Stop()
		}
	}()
	r := p.Ready
	info = &DemoInfo{Line: r.Line, Version: r.Version, Site: r.Site, StoreRoot: r.StoreRoot,
		StoreURL: r.StoreURL, Package: r.Package, SetupFile: filepath.Join(r.WorkDir, "demo-setup.yaml")}
	if err := writeDemoSetupFile(info, lang); err != nil {
		return nil, nil, err
	}
	return info, p, nil
}

// DemoIntegration is the integration the demo sets up: the sample package
// imitates OneBox CRM's API files.
const DemoIntegration = "onebox"

// demoSetupFile sets up OneBox CRM on the demo store: the sample package
// imitates its API files. The connector runs on the store's own server
// (here 127.0.0.1) and logs in with a key only, which 3.0 files under the
// user "Default"; the demo has no shell, so the app runs its job.
func demoSetupFile(info *DemoInfo) SetupFile {
	return SetupFile{
		Site:        info.Site.URL,
		Fingerprint: info.Site.Fingerprint,
		Store:       info.StoreRoot,
		StoreURL:    info.StoreURL,
		Integration: DemoIntegration,
		Package:     filepath.Base(info.Package),
		DBRoutes:    "direct",
		Access:      Access{APIUser: "Default", IPs: []string{"127.0.0.1"}, Cron: "app"},
		Settings:    map[string]string{"host": info.StoreURL},
	}
}

func writeDemoSetupFile(info *DemoInfo, lang string) error {
	body, err := yaml.Marshal(demoSetupFile(info))
	if err != nil {
		return err
	}
	var head strings.Builder
	for _, line := range strings.Split(msg.New("cli.demo.setup_file_head", "Version", info.Version, "Var", PasswordVar).In(lang), "\n") {
		fmt.Fprintf(&head, "# %s\n", line)
	}
	return os.WriteFile(info.SetupFile, append([]byte(head.String()), body...), 0o600)
}

func (c *CLI) addDemo() {
	var line string
	var asJSON bool
	c.add(&command{name: "demo", summary: "cli.demo.summary",
		details: "cli.demo.details",
		run: func(ctx context.Context, x *cmdContext) error {
			if len(x.args) != 0 {
				return usage("cli.no_arguments", "Command", "demo")
			}
			if _, err := demoprog.VersionOf(store.Line(line)); err != nil {
				return usage("cli.demo.bad_line", "Cause", msg.CauseArg(err))
			}
			program, err := FindDemoProgram(x.Getenv)
			if err != nil {
				return err
			}
			// Stop cleanly on Ctrl+C or a service manager's TERM, wherever
			// the command is run from.
			ctx, stopSignals := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
			defer stopSignals()
			info, p, err := startDemo(ctx, program, line, x.lang)
			if err != nil {
				return err
			}
			info.Commands = demoCommands(info, c.has)
			if asJSON {
				enc := json.NewEncoder(x.Out)
				enc.SetIndent("", "  ")
				err = enc.Encode(info)
			} else {
				printDemo(x, info)
			}
			if err == nil {
				// The program ends on its own only when it fails (Stop
				// then says why) or when it is interrupted itself.
				select {
				case <-ctx.Done():
				case <-p.Done():
				}
			}
			if serr := p.Stop(); serr != nil {
				return errors.Join(err, msg.Wrap(serr, "error.cli.demo.stop"))
			}
			fmt.Fprintln(x.Err, x.T("cli.demo.stopped"))
			return err
		}})
	c.flagSets["demo"] = func(fs *flag.FlagSet) {
		fs.StringVar(&line, "line", string(demoprog.DefaultLine), "cli.demo.flag.line")
		fs.BoolVar(&asJSON, "json", false, "cli.demo.flag.json")
	}
}

// demoLines are the lines the demo runs, for its help.
func demoLines() string {
	names := make([]string, 0, 8)
	for _, l := range demoprog.Lines() {
		names = append(names, string(l))
	}
	return strings.Join(names, ", ")
}

// has reports whether this build has the command.
func (c *CLI) has(name string) bool { _, ok := c.commands[name]; return ok }

// demoCommands are the setup's command lines against the demo, in the
// wizard's order, for the commands has knows.
func demoCommands(info *DemoInfo, has func(string) bool) []string {
	site, pin := shellQuote(info.Site.URL), "--fingerprint "+info.Site.Fingerprint
	setup := shellQuote(info.SetupFile)
	all := []struct{ name, line string }{
		{"detect", "ocsetup detect " + site + " " + pin},
		{"upload", "ocsetup upload " + site + " " + shellQuote(info.Package) + " --store-url " + shellQuote(info.StoreURL) + " " + pin},
		{"credentials", "ocsetup credentials " + site + " " + pin},
		{"apply", "ocsetup apply " + setup},
		{"test", "ocsetup test " + setup},
		{"sync", "ocsetup sync " + setup + " --once"},
	}
	out := []string{"export " + PasswordVar + "=" + shellQuote(info.Site.Password)}
	if has("keygen") && (has("apply") || has("test")) {
		// The integration's API key, which apply gives the store's API
		// user and test logs in with.
		out = append(out, "export "+SecretVar(APIKeyField)+"=$(ocsetup keygen --length 64)")
	}
	for _, cmd := range all {
		if has(cmd.name) {
			out = append(out, cmd.line)
		}
	}
	return out
}

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789@%_+=:,./-") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func printDemo(x *cmdContext, info *DemoInfo) {
	w := x.Out
	fmt.Fprintf(w, "%s\n\n", x.T("cli.demo.intro", "Version", info.Version, "Line", string(info.Line)))
	labels := []string{"site", "user", "password", "host_key", "store_folder", "store_url", "setup_file", "package"}
	width := 13 // the English column, kept as it was
	for _, k := range labels {
		width = max(width, utf8.RuneCountInString(x.T("cli.demo.label."+k)))
	}
	row := func(k, v string) {
		label := x.T("cli.demo.label." + k)
		fmt.Fprintf(w, "%s%s %s\n", label, strings.Repeat(" ", width-utf8.RuneCountInString(label)), v)
	}
	row("site", info.Site.URL)
	row("user", info.Site.User)
	row("password", x.T("cli.demo.password", "Password", info.Site.Password))
	row("host_key", x.T("cli.demo.host_key", "Fingerprint", info.Site.Fingerprint))
	row("store_folder", info.StoreRoot)
	row("store_url", info.StoreURL)
	row("setup_file", info.SetupFile)
	row("package", info.Package)
	fmt.Fprintf(w, "\n%s\n", x.T("cli.demo.try"))
	for _, cmd := range info.Commands {
		fmt.Fprintf(w, "  %s\n", cmd)
	}
}
