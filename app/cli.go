package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"golang.org/x/term"

	"github.com/ocsetup/ocsetup/installer/db"
	"github.com/ocsetup/ocsetup/installer/integrations"
)

// IO is where a command reads and writes; tests pass buffers.
type IO struct {
	In       io.Reader
	Out, Err io.Writer
	// Getenv reads the environment (os.Getenv outside tests).
	Getenv func(string) string
	// Terminal reports whether In is an interactive terminal, so that a
	// command may prompt (for a password, or to trust a host key).
	Terminal bool
	// ReadPassword asks without echo; nil when there is no terminal.
	ReadPassword func(prompt string) (string, error)
}

// StdIO is the process's own standard streams and environment.
func StdIO() IO {
	isTerm := term.IsTerminal(int(os.Stdin.Fd()))
	stdio := IO{In: os.Stdin, Out: os.Stdout, Err: os.Stderr, Getenv: os.Getenv, Terminal: isTerm}
	if isTerm {
		stdio.ReadPassword = func(prompt string) (string, error) {
			fmt.Fprint(os.Stderr, prompt)
			b, err := term.ReadPassword(int(os.Stdin.Fd()))
			fmt.Fprintln(os.Stderr)
			return string(b), err
		}
	}
	return stdio
}

// command is one verb of the command line.
type command struct {
	name    string
	args    string // argument synopsis after the name
	summary string // one line for the list
	details string // the rest of `ocsetup help NAME`
	run     func(ctx context.Context, c *cmdContext) error
}

// cmdContext is what a command gets: its flags, arguments and streams.
type cmdContext struct {
	IO
	flags *flag.FlagSet
	args  []string
	// reg is the CLI's integrations: setup and fleet files name theirs.
	reg *integrations.Registry
}

// usageError makes the command print its usage and exit with status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// exitError carries a chosen exit status (for example "a check failed").
type exitError struct {
	code int
	err  error
}

func (e exitError) Error() string { return e.err.Error() }

// CLI is the command line face of ocsetup.
type CLI struct {
	commands map[string]*command
	flagSets map[string]func(*flag.FlagSet) // per-command flag definitions
	// keys is the keychain of commands that read saved sites' secrets
	// (nil: the OS keychain); tests set their own.
	keys Keychain
	// reg is the integrations setup files may name.
	reg *integrations.Registry
}

// CLIOption configures a CLI.
type CLIOption func(*CLI)

// WithIntegrations makes the CLI know reg's integrations instead of the
// built-in ones (a test adds a profile of its own).
func WithIntegrations(reg *integrations.Registry) CLIOption {
	return func(c *CLI) { c.reg = reg }
}

// NewCLI registers every command, for the built-in integrations unless an
// option says otherwise.
func NewCLI(opts ...CLIOption) *CLI {
	c := &CLI{commands: map[string]*command{}, flagSets: map[string]func(*flag.FlagSet){}}
	for _, o := range opts {
		o(c)
	}
	if c.reg == nil {
		c.reg = integrations.Builtin()
	}
	c.add(&command{name: "help", args: "[COMMAND]", summary: "show this help, or the help of one command",
		run: c.runHelp})
	c.add(&command{name: "version", summary: "print the version",
		run: func(_ context.Context, x *cmdContext) error {
			fmt.Fprintf(x.Out, "%s %s\n", Name, Version)
			return nil
		}})
	c.addDetect()
	c.addCredentials()
	c.addKeygen()
	c.addApply()
	c.addUninstall()
	c.addDeploy()
	c.addTest()
	c.addSync()
	c.addDemo()
	c.addFleet()
	return c
}

func (c *CLI) add(cmd *command) { c.commands[cmd.name] = cmd }

// Run executes args (without the program name) and returns the exit status:
// 0 success, 1 failure, 2 bad usage.
func (c *CLI) Run(ctx context.Context, args []string, stdio IO) int {
	if len(args) == 0 {
		c.printUsage(stdio.Err)
		return 2
	}
	name := args[0]
	if name == "-h" || name == "--help" || name == "-help" {
		name = "help"
	}
	cmd, ok := c.commands[name]
	if !ok {
		fmt.Fprintf(stdio.Err, "%s: unknown command %q\n\n", Name, name)
		c.printUsage(stdio.Err)
		return 2
	}
	fs := flag.NewFlagSet(Name+" "+cmd.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	if def := c.flagSets[cmd.name]; def != nil {
		def(fs)
	}
	positional, err := parseInterspersed(fs, args[1:])
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			c.printCommandHelp(stdio.Out, cmd)
			return 0
		}
		fmt.Fprintf(stdio.Err, "%s %s: %v\n\n", Name, cmd.name, err)
		c.printCommandHelp(stdio.Err, cmd)
		return 2
	}
	if w := DataDirWarning(stdio.Getenv); w != "" {
		fmt.Fprintf(stdio.Err, "%s: warning: %s\n", Name, w)
	}
	// Live output (progress, warnings, errors quoting a server) never
	// shows a secret given to this run; stdout is the result, masked
	// unless --reveal asks for the keys to hand over.
	// The store's database password joins them once config.php was read.
	red := NewRedactor(secrets(stdio.Getenv, stdio.Getenv(AdminPasswordVar))...)
	stdio.Err = red.Writer(stdio.Err)
	ctx = db.WithSecretObserver(ctx, red.Hide)
	err = cmd.run(ctx, &cmdContext{IO: stdio, flags: fs, args: positional, reg: c.reg})
	var ue usageError
	var ee exitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ue):
		fmt.Fprintf(stdio.Err, "%s %s: %s\n\n", Name, cmd.name, ue.msg)
		c.printCommandHelp(stdio.Err, cmd)
		return 2
	case errors.As(err, &ee):
		if ee.err != nil {
			fmt.Fprintf(stdio.Err, "%s %s: %v\n", Name, cmd.name, ee.err)
		}
		return ee.code
	default:
		fmt.Fprintf(stdio.Err, "%s %s: %v\n", Name, cmd.name, err)
		return 1
	}
}

// parseInterspersed lets flags come after arguments too
// (`ocsetup detect URL --json`), as users type them; "--" ends the flags.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return positional, nil
		}
		if len(args) > len(rest) && args[len(args)-len(rest)-1] == "--" {
			return append(positional, rest...), nil
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
}

func (c *CLI) names() []string {
	out := make([]string, 0, len(c.commands))
	for n := range c.commands {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

func (c *CLI) printUsage(w io.Writer) {
	fmt.Fprintf(w, "%s %s: a setup assistant for OpenCart stores.\n\n", Name, Version)
	fmt.Fprintf(w, "Without arguments %s opens the setup wizard. With a command it runs headless:\n\n", Name)
	width := 0
	for _, n := range c.names() {
		if l := len(n + " " + c.commands[n].args); l > width {
			width = l
		}
	}
	for _, n := range c.names() {
		cmd := c.commands[n]
		fmt.Fprintf(w, "  %-*s  %s\n", width, strings.TrimSpace(n+" "+cmd.args), cmd.summary)
	}
	fmt.Fprintf(w, "\nRun '%s help COMMAND' for the details of one command.\n", Name)
	fmt.Fprint(w, connectionHelp)
	fmt.Fprint(w, dataFolderHelp)
}

// connectionHelp documents what every command that connects shares.
const connectionHelp = `
Connecting (every command that takes a URL):
  URL                sftp://user@host[:port][/path]   SSH file transfer (recommended)
                     ftps://user@host[:port][/path]   FTP with explicit TLS (AUTH TLS)
                     ftps-implicit://user@host[:port][/path]
                     ftp://user@host[:port][/path]    plain FTP: passwords travel unencrypted
  OCSETUP_PASSWORD   the password; without it a terminal is asked. Never put it on the command line.
  --fingerprint SHA256:...  pin the host key (SFTP) or certificate (FTPS) you expect
  --trust-new        accept and remember an unknown host key or certificate (first contact only);
                     a changed key or certificate is always refused
  --json             print the result as JSON
`

func (c *CLI) printCommandHelp(w io.Writer, cmd *command) {
	fmt.Fprintf(w, "Usage: %s %s\n\n%s\n", Name, strings.TrimSpace(cmd.name+" "+cmd.args), cmd.summary)
	if cmd.details != "" {
		fmt.Fprintf(w, "\n%s\n", strings.TrimRight(cmd.details, "\n"))
	}
	if def := c.flagSets[cmd.name]; def != nil {
		fs := flag.NewFlagSet(cmd.name, flag.ContinueOnError)
		def(fs)
		fmt.Fprintln(w, "\nFlags:")
		fs.SetOutput(w)
		fs.PrintDefaults()
	}
}

func (c *CLI) runHelp(_ context.Context, x *cmdContext) error {
	if len(x.args) == 0 {
		c.printUsage(x.Out)
		return nil
	}
	cmd, ok := c.commands[x.args[0]]
	if !ok {
		return usageError{fmt.Sprintf("unknown command %q", x.args[0])}
	}
	c.printCommandHelp(x.Out, cmd)
	return nil
}
