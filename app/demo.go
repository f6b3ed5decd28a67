package app

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"go.yaml.in/yaml/v3"

	"github.com/ocsetup/ocsetup/installer/demoprog"
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
func StartDemo(ctx context.Context, program, line string) (info *DemoInfo, stop func() error, err error) {
	info, p, err := startDemo(ctx, program, line)
	if err != nil {
		return nil, nil, err
	}
	return info, p.Stop, nil
}

func startDemo(ctx context.Context, program, line string) (info *DemoInfo, p *demoprog.Process, err error) {
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
	if err := writeDemoSetupFile(info); err != nil {
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

func writeDemoSetupFile(info *DemoInfo) error {
	body, err := yaml.Marshal(demoSetupFile(info))
	if err != nil {
		return err
	}
	head := fmt.Sprintf("# ocsetup setup file for the demo store (OpenCart %s); it holds no secret.\n"+
		"# The site's password comes from %s.\n", info.Version, PasswordVar)
	return os.WriteFile(info.SetupFile, append([]byte(head), body...), 0o600)
}

func (c *CLI) addDemo() {
	var line string
	var asJSON bool
	c.add(&command{name: "demo", summary: "run a demo OpenCart store on this computer to try ocsetup on",
		details: `Starts a throwaway store on this computer, on 127.0.0.1 only: an SFTP account over a
temporary folder that holds the store's files, a MySQL-protocol database with the
line's tables and a few products, customers and orders, and a web server that
answers the storefront and the API logins. Every other command reaches it exactly
as it reaches a real store.

It prints the site address, user, password and host key, a setup file and example
commands, and runs until interrupted (Ctrl+C); then it removes everything it made.
The password is generated for this demo only, which is why it is shown.

The store runs in ocsetup-demo, a second program that comes with ocsetup and sits
beside it (or where OCSETUP_DEMO_PROGRAM says).`,
		run: func(ctx context.Context, x *cmdContext) error {
			if len(x.args) != 0 {
				return usageText("demo takes no arguments")
			}
			if _, err := demoprog.VersionOf(store.Line(line)); err != nil {
				return usageText("--line: " + err.Error())
			}
			program, err := FindDemoProgram(x.Getenv)
			if err != nil {
				return err
			}
			// Stop cleanly on Ctrl+C or a service manager's TERM, wherever
			// the command is run from.
			ctx, stopSignals := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
			defer stopSignals()
			info, p, err := startDemo(ctx, program, line)
			if err != nil {
				return err
			}
			info.Commands = demoCommands(info, c.has)
			if asJSON {
				enc := json.NewEncoder(x.Out)
				enc.SetIndent("", "  ")
				err = enc.Encode(info)
			} else {
				printDemo(x.Out, info)
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
				return errors.Join(err, fmt.Errorf("stop the demo store: %w", serr))
			}
			fmt.Fprintln(x.Err, "The demo store has stopped; its folder and ports are gone.")
			return err
		}})
	c.flagSets["demo"] = func(fs *flag.FlagSet) {
		names := make([]string, 0, 8)
		for _, l := range demoprog.Lines() {
			names = append(names, string(l))
		}
		fs.StringVar(&line, "line", string(demoprog.DefaultLine), "the OpenCart line of the store: "+strings.Join(names, ", "))
		fs.BoolVar(&asJSON, "json", false, "print the demo's details as JSON")
	}
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

func printDemo(w io.Writer, info *DemoInfo) {
	fmt.Fprintf(w, "A demo OpenCart %s store (%s line) runs on this computer, on 127.0.0.1 only.\n", info.Version, info.Line)
	fmt.Fprintf(w, "It lives until you stop this command (Ctrl+C), and then leaves nothing behind.\n\n")
	row := func(k, v string) { fmt.Fprintf(w, "%-13s %s\n", k+":", v) }
	row("site", info.Site.URL)
	row("user", info.Site.User)
	row("password", info.Site.Password+"   (made for this demo only and gone with it, so it is shown)")
	row("host key", info.Site.Fingerprint+"   (trust it when asked, or pass --fingerprint)")
	row("store folder", info.StoreRoot)
	row("store URL", info.StoreURL)
	row("setup file", info.SetupFile)
	row("package", info.Package)
	fmt.Fprintf(w, "\nTry it from another terminal:\n")
	for _, cmd := range info.Commands {
		fmt.Fprintf(w, "  %s\n", cmd)
	}
}
