package app

import (
	"bytes"
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/ocsetup/ocsetup/installer/msg"
)

// TestCLITextFromKeys fails on a text for people written in English in
// the command line's code rather than taken from a message key: what
// fmt prints or an error says, a usage error, a command's summary and
// details, a flag's usage. A key's English lives in en.json, beside its
// Russian.
func TestCLITextFromKeys(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		check := func(what string, e ast.Expr) {
			ast.Inspect(e, func(n ast.Node) bool {
				if call, ok := n.(*ast.CallExpr); ok && !checkedCalls[calleeName(call.Fun)] {
					// x.T("key", "Name", v) and the like: a key and the
					// names of its placeholders. The checked calls among
					// the arguments are checked where Inspect meets them.
					return false
				}
				lit, ok := n.(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					return true
				}
				s, err := strconv.Unquote(lit.Value)
				if err != nil || isMessageKey(s) || sqlStatement.MatchString(s) {
					return true
				}
				if words := englishWords(formatVerbs.ReplaceAllString(s, " ")); len(words) > 0 {
					t.Errorf("%s: %s %q is English (%s): give it a message key", fset.Position(lit.Pos()), what, s, strings.Join(words, " "))
				}
				return true
			})
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				switch callee := calleeName(n.Fun); {
				case checkedCalls[callee]:
					for _, a := range n.Args {
						check(callee, a)
					}
				case flagCalls[callee]:
					check("a flag's usage", n.Args[len(n.Args)-1])
				}
			case *ast.KeyValueExpr:
				if k, ok := n.Key.(*ast.Ident); ok && (k.Name == "summary" || k.Name == "details") {
					check("a command's "+k.Name, n.Value)
				}
			case *ast.ValueSpec:
				for i, id := range n.Names {
					if strings.HasSuffix(id.Name, "Help") && i < len(n.Values) {
						check(id.Name, n.Values[i])
					}
				}
			}
			return true
		})
	}
}

// TestHelpInRussian reads every help page in Russian: each line is
// Russian but for what a user types (commands, flags, URLs, variables).
func TestHelpInRussian(t *testing.T) {
	cli := NewCLI()
	pages := [][]string{{"help"}}
	for _, n := range cli.names() {
		pages = append(pages, []string{"help", n})
	}
	russian := func(k string) string {
		if k == "LANG" {
			return "ru_RU.UTF-8"
		}
		return ""
	}
	for _, args := range pages {
		var o, e bytes.Buffer
		if code := cli.Run(context.Background(), args, IO{In: strings.NewReader(""), Out: &o, Err: &e, Getenv: russian}); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, e.String())
		}
		for _, line := range strings.Split(o.String(), "\n") {
			// A Russian line may name programs, functions and folders
			// (ssh-agent, getenv(), htdocs); an English phrase in it is
			// three English words in a row.
			words := englishWords(withoutTyped(line, cli))
			if cyrillic.MatchString(line) {
				words = englishPhrase(withoutTyped(line, cli))
			}
			if len(words) > 0 {
				t.Errorf("ocsetup %s in Russian: %q is English (%s)", strings.Join(args, " "), line, strings.Join(words, " "))
			}
		}
	}
}

var (
	cyrillic   = regexp.MustCompile(`\p{Cyrillic}`)
	setupField = regexp.MustCompile(`^\s*(#\s+|-\s+)?[a-z_]+:( \S*)?`)
	choiceList = regexp.MustCompile(`#\s*\S+( \| \S+)+\s*$`)
)

// englishPhrase is the first run of three or more English words in s
// that nothing but spaces separates, or nothing.
func englishPhrase(s string) []string {
	var run []string
	for _, tok := range strings.Fields(s) {
		word := strings.Trim(tok, "()")
		trailing := strings.TrimRight(word, ".,;:!?…") != word
		word = strings.TrimRight(word, ".,;:!?…")
		if len(englishWords(word)) == 1 && englishWords(word)[0] == word {
			run = append(run, word)
		} else {
			run = run[:0]
		}
		if len(run) >= 3 {
			return run
		}
		if trailing || strings.HasSuffix(tok, ")") {
			run = run[:0]
		}
	}
	return nil
}

// withoutTyped is line without what a user types as it is, in any
// language: the command's name and its subcommands, flags and their
// values in quotes, a setup file's fields with their values and the
// choices of a setting ("# auto | crontab | app | none").
func withoutTyped(line string, cli *CLI) string {
	line = choiceList.ReplaceAllString(setupField.ReplaceAllString(line, ""), "")
	fields := strings.Fields(line)
	for i, f := range fields {
		if cli.commands[strings.Trim(f, "«»\"',.;:()")] != nil {
			fields[i] = ""
		}
	}
	return strings.Join(fields, " ")
}

// checkedCalls print or make the texts the scan reads; flagCalls define
// a flag, whose last argument is its usage.
var (
	checkedCalls = map[string]bool{"fmt.Fprint": true, "fmt.Fprintf": true, "fmt.Fprintln": true,
		"fmt.Errorf": true, "errors.New": true, "fmt.Sprintf": true}
	flagCalls = map[string]bool{"fs.String": true, "fs.Bool": true, "fs.Int": true, "fs.Duration": true,
		"fs.StringVar": true, "fs.BoolVar": true, "fs.IntVar": true, "fs.DurationVar": true,
		"fs.Uint": true, "fs.Float64": true}
)

// sqlStatement is a query, which is no text for people.
var sqlStatement = regexp.MustCompile(`^(SELECT|INSERT|UPDATE|DELETE|SHOW) `)

// formatVerbs are fmt's verbs ("%-10s", "%d"), which are not words.
var formatVerbs = regexp.MustCompile(`%[-+# 0-9.*\[\]]*[a-zA-Z%]`)

// isMessageKey reports whether s names a text in en.json.
func isMessageKey(s string) bool {
	return regexp.MustCompile(`^[a-z0-9_]+(\.[a-z0-9_]+)+$`).MatchString(s) && msg.HasEnglish(s)
}

// englishWords are the English words of s, leaving out what reads the
// same in every language: names (OpenCart, SFTP, SHA256), the names of
// things a user types or sees on the server (--flags, URLs, paths, file
// names, $VARIABLES, SETUP_FILE), and anything quoted.
func englishWords(s string) []string {
	s = quoted.ReplaceAllString(s, " ")
	var out []string
	for _, tok := range strings.Fields(s) {
		// "store:" and "(recommended)" are words; "config.php" is a file.
		tok = strings.Trim(tok, ".,;:!?()…")
		if strings.ContainsAny(tok, "/\\:$_=@.`{}<>[]|#") || strings.HasPrefix(tok, "-") {
			continue // a flag, a URL, a path, a file, a variable, a placeholder
		}
		for _, w := range latinWord.FindAllString(tok, -1) {
			if strings.ToUpper(w) == w || sameInEveryLanguage[w] {
				continue // an acronym or a placeholder: SFTP, URL, COMMAND
			}
			out = append(out, w)
		}
	}
	return out
}

var (
	quoted              = regexp.MustCompile(`«[^»]*»|"[^"]*"|'[^']*'|“[^”]*”`)
	latinWord           = regexp.MustCompile(`[A-Za-z]{3,}`)
	sameInEveryLanguage = map[string]bool{
		"ocsetup": true, "OpenCart": true, "Fyne": true, "Windows": true, "Linux": true, "macOS": true,
		"MariaDB": true, "MySQL": true, "OpenSSH": true, "Despatch": true, "Cloud": true, "OneBox": true,
		"LatitudePay": true, "Genoapay": true, "Amazon": true, "Payment": true, "Services": true,
		"cPanel": true, "Plesk": true, "ISPmanager": true, "Markdown": true, "Wine": true,
	}
)

// calleeName is a call's function as written: "fmt.Fprintf", "usageText".
func calleeName(fun ast.Expr) string {
	switch f := fun.(type) {
	case *ast.Ident:
		return f.Name
	case *ast.SelectorExpr:
		if x, ok := f.X.(*ast.Ident); ok {
			return x.Name + "." + f.Sel.Name
		}
	}
	return ""
}
