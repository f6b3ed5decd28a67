package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/term"

	"github.com/ocsetup/ocsetup/installer/db"
	"github.com/ocsetup/ocsetup/installer/integrations"
	"github.com/ocsetup/ocsetup/installer/keygen"
	"github.com/ocsetup/ocsetup/installer/msg"
	"github.com/ocsetup/ocsetup/installer/remote"
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
	details string // the rest of `ocsetup help NAME`: a message key
	// moreHelp, when set, follows details: help made at run time (the
	// integrations' settings), in lang.
	moreHelp func(lang string) string
	run      func(ctx context.Context, c *cmdContext) error
}

// cmdContext is what a command gets: its flags, arguments and streams.
type cmdContext struct {
	IO
	// lang is the language of the output meant for people (Language);
	// --json is for programs and stays English.
	lang  string
	flags *flag.FlagSet
	args  []string
	// reg is the CLI's integrations: setup and fleet files name theirs.
	reg *integrations.Registry
}

// T is the text of key, with args as name, value pairs, in the
// command's language.
func (x *cmdContext) T(key string, pairs ...any) string { return msg.New(key, pairs...).In(x.lang) }

// Msg is m in the command's language.
func (x *cmdContext) Msg(m msg.Msg) string { return m.In(x.lang) }

// MsgOr is m in the command's language, or own (an engine's English
// text) when the engine gave no message for it.
func (x *cmdContext) MsgOr(own string, m msg.Msg) string {
	if m.IsZero() {
		return own
	}
	return x.Msg(m)
}

// ErrorText is err in the command's language (msg.ErrorText).
func (x *cmdContext) ErrorText(err error) string { return errorIn(err, x.lang) }

// Notes are the lines for the user beside a command's result (on
// standard error), in the command's language.
func (x *cmdContext) Notes() Notes { return Notes{W: x.Err, Lang: x.lang} }

// Notes writes lines for a person in a language.
type Notes struct {
	W    io.Writer
	Lang string
}

// Line writes key's text with its args on a line of its own.
func (n Notes) Line(key string, pairs ...any) { fmt.Fprintln(n.W, msg.New(key, pairs...).In(n.Lang)) }

// Warn writes key's text as a warning.
func (n Notes) Warn(key string, pairs ...any) {
	fmt.Fprintln(n.W, msg.New("cli.warning", "Text", msg.New(key, pairs...)).In(n.Lang))
}

// ErrorIn is err in lang, as the commands print it.
func ErrorIn(err error, lang string) string { return errorIn(err, lang) }

func errorIn(err error, lang string) string {
	// The technical detail (a server's reply) stays: support engineers
	// read it.
	return msg.ErrorTextDetailed(err, func(m msg.Msg) string { return m.In(lang) })
}

// usageError makes the command print its usage and exit with status 2.
type usageError struct{ m msg.Msg }

// usage is a usageError with the message key and its args.
func usage(key string, pairs ...any) usageError { return usageError{msg.New(key, pairs...)} }

func (e usageError) Error() string { return e.m.English() }

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
	c.add(&command{name: "help", args: "[COMMAND]", summary: "cli.help.summary",
		run: c.runHelp})
	c.add(&command{name: "version", summary: "cli.version.summary",
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
	lang := Language(stdio.Getenv)
	if len(args) == 0 {
		c.printUsage(stdio.Err, lang)
		return 2
	}
	name := args[0]
	if name == "-h" || name == "--help" || name == "-help" {
		name = "help"
	}
	cmd, ok := c.commands[name]
	if !ok {
		fmt.Fprintf(stdio.Err, "%s: %s\n\n", Name, msg.New("cli.unknown_command", "Name", name).In(lang))
		c.printUsage(stdio.Err, lang)
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
			c.printCommandHelp(stdio.Out, cmd, lang)
			return 0
		}
		fmt.Fprintf(stdio.Err, "%s %s: %s\n\n", Name, cmd.name, flagErrorIn(err, lang))
		c.printCommandHelp(stdio.Err, cmd, lang)
		return 2
	}
	if w := DataDirWarning(stdio.Getenv); !w.IsZero() {
		fmt.Fprintf(stdio.Err, "%s: %s\n", Name, msg.New("cli.warning", "Text", w).In(lang))
	}
	// Live output (progress, warnings, errors quoting a server) never
	// shows a secret given to this run; stdout is the result, masked
	// unless --reveal asks for the keys to hand over.
	// The store's database password joins them once config.php was read.
	red := NewRedactor(secrets(stdio.Getenv, stdio.Getenv(AdminPasswordVar))...)
	stdio.Err = red.Writer(stdio.Err)
	ctx = db.WithSecretObserver(ctx, red.Hide)
	err = cmd.run(ctx, &cmdContext{IO: stdio, lang: lang, flags: fs, args: positional, reg: c.reg})
	var ue usageError
	var ee exitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ue):
		fmt.Fprintf(stdio.Err, "%s %s: %s\n\n", Name, cmd.name, ue.m.In(lang))
		c.printCommandHelp(stdio.Err, cmd, lang)
		return 2
	case errors.As(err, &ee):
		if ee.err != nil {
			fmt.Fprintf(stdio.Err, "%s %s: %s\n", Name, cmd.name, errorIn(ee.err, lang))
		}
		return ee.code
	default:
		fmt.Fprintf(stdio.Err, "%s %s: %s\n", Name, cmd.name, errorIn(err, lang))
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

func (c *CLI) printUsage(w io.Writer, lang string) {
	t := func(key string, pairs ...any) string { return msg.New(key, pairs...).In(lang) }
	fmt.Fprintf(w, "%s %s: %s\n\n", Name, Version, t("cli.help.tagline"))
	fmt.Fprintf(w, "%s\n\n", t("cli.help.without_arguments", "Name", Name))
	width := 0
	for _, n := range c.names() {
		if l := len(n + " " + c.commands[n].args); l > width {
			width = l
		}
	}
	for _, n := range c.names() {
		cmd := c.commands[n]
		fmt.Fprintf(w, "  %-*s  %s\n", width, strings.TrimSpace(n+" "+cmd.args), helpText(cmd.summary, lang))
	}
	fmt.Fprintf(w, "\n%s\n", t("cli.help.details", "Name", Name))
	fmt.Fprint(w, helpText(connectionHelp, lang))
	fmt.Fprint(w, helpText(dataFolderHelp, lang))
}

// helpText is the help text key in lang. The help texts may name the
// values below, which live in the code rather than in the translations.
func helpText(key, lang string) string {
	return msg.New(key,
		"PasswordVar", PasswordVar, "KeyPassphraseVar", KeyPassphraseVar,
		"AdminPasswordVar", AdminPasswordVar, "DataDirVar", DataDirVar,
		"MaxConnections", remote.MaxConnections, "DemoLines", demoLines(),
		"KeyMin", keygen.MinLength, "KeyMax", keygen.MaxLength,
		"KeyDefault", keygen.DefaultLength, "KeyStoreMin", keygen.MinStoreAPI,
		"ExampleFleetFile", exampleFleetFile(lang),
	).In(lang)
}

// connectionHelp documents what every command that connects shares.
const connectionHelp = "cli.help.connection"

func (c *CLI) printCommandHelp(w io.Writer, cmd *command, lang string) {
	fmt.Fprintf(w, "%s: %s %s\n\n%s\n", msg.New("cli.help.usage").In(lang), Name, strings.TrimSpace(cmd.name+" "+cmd.args), helpText(cmd.summary, lang))
	if cmd.details != "" {
		fmt.Fprintf(w, "\n%s\n", strings.TrimRight(helpText(cmd.details, lang), "\n"))
	}
	if cmd.moreHelp != nil {
		fmt.Fprintf(w, "%s", cmd.moreHelp(lang))
	}
	if def := c.flagSets[cmd.name]; def != nil {
		fs := flag.NewFlagSet(cmd.name, flag.ContinueOnError)
		def(fs)
		fmt.Fprintf(w, "\n%s:\n", msg.New("cli.help.flags").In(lang))
		printFlags(w, fs, lang)
	}
}

// printFlags is flag.PrintDefaults in lang: a flag's usage is a message
// key, and "default" is translated.
func printFlags(w io.Writer, fs *flag.FlagSet, lang string) {
	fs.VisitAll(func(f *flag.Flag) {
		// The text may name the value in backquotes, as flag's own usage
		// strings do: "the `FILE` to read".
		text := helpText(f.Usage, lang)
		name, usage := flag.UnquoteUsage(&flag.Flag{Name: f.Name, Usage: text, Value: f.Value, DefValue: f.DefValue})
		if !strings.Contains(text, "`") && name != "" {
			// flag names the value by its Go type: "int", "string"…
			name = helpText("cli.help.value."+name, lang)
		}
		line := "  -" + f.Name
		if name != "" {
			line += " " + name
		}
		if len(line) <= 4 {
			line += "\t"
		} else {
			line += "\n    \t"
		}
		line += strings.ReplaceAll(usage, "\n", "\n    \t")
		if !isZeroDefault(f) {
			line += " (" + msg.New("cli.help.default", "Value", defaultText(f)).In(lang) + ")"
		}
		fmt.Fprintln(w, line)
	})
}

// isZeroDefault reports whether f's default is its type's zero value,
// which flag.PrintDefaults leaves unsaid too.
func isZeroDefault(f *flag.Flag) bool {
	switch f.DefValue {
	case "", "0", "false", "0s", "[]":
		return true
	}
	return false
}

// defaultText is f's default as flag.PrintDefaults shows it: strings quoted.
func defaultText(f *flag.Flag) string {
	if _, isString := f.Value.(interface{ Get() any }).Get().(string); isString {
		return strconv.Quote(f.DefValue)
	}
	return f.DefValue
}

// invalidFlagValue is the flag package's error for a value that does not
// parse: the value quoted, and the flag.
var invalidFlagValue = regexp.MustCompile(`^invalid (?:boolean )?value (".*") for flag -(\S+): `)

// flagErrorIn is a flag parse error in lang: the flag package's own
// errors named by kind, anything else as it is.
func flagErrorIn(err error, lang string) string {
	text := err.Error()
	for _, p := range []struct{ prefix, key string }{
		{"flag provided but not defined: ", "cli.flag.unknown"},
		{"flag needs an argument: ", "cli.flag.needs_argument"},
	} {
		if rest, ok := strings.CutPrefix(text, p.prefix); ok {
			return msg.New(p.key, "Flag", rest).In(lang)
		}
	}
	if m := invalidFlagValue.FindStringSubmatch(text); m != nil {
		// The cause is strconv's (a number or a duration that does not
		// parse): the value and the flag say enough.
		return msg.New("cli.flag.invalid", "Value", m[1], "Flag", m[2]).In(lang)
	}
	return text
}

func (c *CLI) runHelp(_ context.Context, x *cmdContext) error {
	if len(x.args) == 0 {
		c.printUsage(x.Out, x.lang)
		return nil
	}
	cmd, ok := c.commands[x.args[0]]
	if !ok {
		return usage("cli.unknown_command", "Name", x.args[0])
	}
	c.printCommandHelp(x.Out, cmd, x.lang)
	return nil
}
