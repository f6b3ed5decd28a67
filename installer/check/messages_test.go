package check

import (
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ocsetup/ocsetup/installer/msg"
	"github.com/ocsetup/ocsetup/installer/pkg"
)

// TestResultsCarryMessages: no code outside the constructors sets a
// result's Cause or Fix without its message (the app would show that
// text in English to every user). It reads the repository's Go code: a
// Result literal that sets Cause or Fix must set CauseMsg or FixMsg with
// it, and code that works with check results assigns neither field without
// its message (or, for the app's translated copy, from CheckCause and
// CheckFix).
func TestResultsCarryMessages(t *testing.T) {
	root := filepath.Join("..", "..")
	fset := token.NewFileSet()
	files := 0
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch d.Name() {
			case ".git", "testdata", "node_modules":
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, p, nil, 0)
		if err != nil {
			return err
		}
		inCheck := f.Name.Name == "check" && filepath.Base(filepath.Dir(p)) == "check"
		usesCheck := inCheck
		for _, im := range f.Imports {
			if path, _ := strconv.Unquote(im.Path.Value); path == "github.com/ocsetup/ocsetup/installer/check" {
				usesCheck = true
			}
		}
		if !usesCheck {
			return nil
		}
		files++
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CompositeLit:
				if !isResultType(n.Type, inCheck) {
					return true
				}
				set := map[string]bool{}
				for _, e := range n.Elts {
					if kv, ok := e.(*ast.KeyValueExpr); ok {
						if id, ok := kv.Key.(*ast.Ident); ok {
							set[id.Name] = true
						}
					}
				}
				if set["Cause"] && !set["CauseMsg"] || set["Fix"] && !set["FixMsg"] {
					t.Errorf("%s: a check result with a Cause or Fix but no message (use PassedMsg, WarnedMsg, FailedMsg or SkippedMsg)", fset.Position(n.Pos()))
				}
			case *ast.AssignStmt:
				set := map[string]bool{}
				for i, l := range n.Lhs {
					if sel, ok := l.(*ast.SelectorExpr); ok {
						set[sel.Sel.Name] = true
						// The app's copy of a result in the user's language
						// (a saved report) sets the texts its messages read as.
						if len(n.Rhs) == len(n.Lhs) && calls(n.Rhs[i], map[string]string{"Cause": "CauseIn", "Fix": "FixIn"}[sel.Sel.Name]) {
							set[sel.Sel.Name+"Msg"] = true
						}
					}
				}
				if set["Cause"] && !set["CauseMsg"] || set["Fix"] && !set["FixMsg"] {
					t.Errorf("%s: sets a result's Cause or Fix without its message", fset.Position(n.Pos()))
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 5 {
		t.Fatalf("read only %d files that use check results", files)
	}
}

// calls reports whether e is a call of the function name.
func calls(e ast.Expr, name string) bool {
	c, ok := e.(*ast.CallExpr)
	if !ok || name == "" {
		return false
	}
	switch f := c.Fun.(type) {
	case *ast.Ident:
		return f.Name == name
	case *ast.SelectorExpr:
		return f.Sel.Name == name
	}
	return false
}

func isResultType(e ast.Expr, inCheck bool) bool {
	switch e := e.(type) {
	case *ast.Ident:
		return inCheck && e.Name == "Result"
	case *ast.SelectorExpr:
		x, ok := e.X.(*ast.Ident)
		return ok && x.Name == "check" && e.Sel.Name == "Result"
	}
	return false
}

// messagesOf fails unless every cause and fix of the results is a message
// whose English is in en.json and equals the result's text.
func messagesOf(t *testing.T, results []Result) {
	t.Helper()
	for _, r := range results {
		for _, c := range []struct {
			what, text string
			m          msg.Msg
		}{{"cause", r.Cause, r.CauseMsg}, {"fix", r.Fix, r.FixMsg}} {
			if c.text == "" && c.m.IsZero() {
				continue
			}
			if c.m.IsZero() {
				t.Errorf("%s: %s %q has no message", r.ID, c.what, c.text)
				continue
			}
			if c.m.English() != c.text {
				t.Errorf("%s: %s %q, its message reads %q", r.ID, c.what, c.text, c.m.English())
			}
			if !msg.HasEnglish(c.m.Key) && c.m.Own == "" {
				t.Errorf("%s: en.json lacks %s", r.ID, c.m.Key)
			}
		}
	}
}

// TestUnreachableSetupGivesMessages runs the whole suite against a setup
// where nothing answers (no hosting login, a closed port on loopback):
// every result it gives, the skipped ones too, carries its messages.
func TestUnreachableSetupGivesMessages(t *testing.T) {
	ln := closedPort(t)
	out, err := RunSuite(context.Background(), &Setup{
		FilesErr: errors.New("dial tcp 127.0.0.1:1: connect: connection refused"),
		StoreURL: "http://" + ln + "/", APIKey: "k", APIUser: "u", ProviderIPs: []string{"203.0.113.7"},
		Extension: &Extension{Type: "payment", Code: "x", Folder: "x"}, Checkout: &CheckoutSpec{Method: "x"},
		Creates: pkg.Creates{Tables: []string{"x"}},
		Leftovers: func(context.Context) ([]string, error) {
			return []string{"a bridge"}, nil
		},
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	statuses := map[Status]int{}
	for _, r := range out.Results {
		statuses[r.Status]++
	}
	if statuses[Skipped] == 0 || statuses[Fail] == 0 || statuses[Warn] == 0 {
		t.Fatalf("expected failed, warned and skipped checks: %v", statuses)
	}
	messagesOf(t, out.Results)
}

// closedPort is a loopback address nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// TestRunnerResultsGiveMessages: what the runner itself makes (a timeout,
// a crash, a check that gives nothing, a skip) carries its messages.
func TestRunnerResultsGiveMessages(t *testing.T) {
	results, err := Run(context.Background(), []Check{
		{ID: "hang", Timeout: 20 * time.Millisecond, Run: func(ctx context.Context) Result {
			<-ctx.Done()
			time.Sleep(50 * time.Millisecond)
			return Result{}
		}},
		{ID: "panic", Run: func(context.Context) Result { panic("boom") }},
		{ID: "empty", Run: func(context.Context) Result { return Result{} }},
		{ID: "after", After: []string{"empty"}, Run: func(context.Context) Result { return Result{} }},
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range results {
		if r.CauseMsg.IsZero() {
			t.Errorf("%s (%s): no cause message", r.ID, r.Status)
		}
	}
	messagesOf(t, results)
}

// TestComposedCausesKeepTheirEnglish: the causes assembled from several
// messages read exactly as the English sentences the reports have always
// printed.
func TestComposedCausesKeepTheirEnglish(t *testing.T) {
	for _, c := range []struct {
		tables, events []string
		want           string
	}{
		{[]string{"oc_a"}, nil, "the table oc_a is missing."},
		{[]string{"oc_a", "oc_b"}, nil, "the 2 tables oc_a, oc_b are missing."},
		{nil, []string{"e"}, "the event e is missing."},
		{nil, []string{"e", "f", "g"}, "the 3 events e, f, g are missing."},
		{[]string{"oc_a"}, []string{"e"}, "the table oc_a and the event e are missing."},
		{[]string{"oc_a", "oc_b"}, []string{"e"}, "the 2 tables oc_a, oc_b and the event e are missing."},
	} {
		got := createsMissing(c.tables, c.events).English()
		if want := "The extension's install() did not run on this store: " + c.want; got != want {
			t.Errorf("%v %v: %q, want %q", c.tables, c.events, got, want)
		}
	}
	for _, c := range []struct {
		tables, events []string
		want           string
	}{
		{[]string{"a"}, nil, "1 table (a)"},
		{[]string{"a", "b"}, []string{"e"}, "2 tables (a, b) and 1 event (e)"},
		{nil, []string{"e", "f"}, "2 events (e, f)"},
	} {
		got := createsHave(c.tables, c.events).English()
		if want := "What the extension's install() makes is there: " + c.want + "."; got != want {
			t.Errorf("%v %v: %q, want %q", c.tables, c.events, got, want)
		}
	}

	offers := msg.New("check.checkout.offers", "Title", "Cash On Delivery", "Method", "cod", "Product", int64(42), "Address", "Bristol, United Kingdom")
	done := "Checkout offers Cash On Delivery (cod) for a cart with product 42 and an address in Bristol, United Kingdom."
	full := Sentences(Sentences(Sentences(offers, msg.New("check.checkout.confirm_ok", "Route", "extension/payment/cod/confirm")),
		msg.New("check.checkout.noise", "Count", 3)), msg.New("check.checkout.ip_note", "IP", "198.51.100.4"))
	if want := done + " Its confirm step (extension/payment/cod/confirm) answers without a PHP error." +
		" The store printed 3 PHP notices or deprecation messages into its answers; the storefront check names them." +
		" The API was called from 198.51.100.4, the address the PHP probe reported."; full.English() != want {
		t.Errorf("checkout:\n%q\nwant\n%q", full.English(), want)
	}
	if got := Sentences(offers, msg.Msg{}).English(); got != done {
		t.Errorf("checkout alone: %q", got)
	}
	left := Sentences(offers, msg.New("check.checkout.user_left"))
	if want := done + " But ocsetup could not remove its temporary API user."; left.English() != want {
		t.Errorf("user left: %q", left.English())
	}
	ids := msg.New("check.checkout.offers", "Title", "t", "Method", "m", "Product", int64(1), "Address", msg.New("check.checkout.address_ids", "Country", int64(222), "Zone", int64(3563)))
	if want := "Checkout offers t (m) for a cart with product 1 and an address in country 222, zone 3563."; ids.English() != want {
		t.Errorf("address ids: %q", ids.English())
	}
	for _, c := range []struct {
		m    msg.Msg
		want string
	}{
		{msg.New("check.allow-list.missing", "User", fmt.Sprintf("%q", "OneBox"), "IPs", "203.0.113.7, 203.0.113.8"), `The API user "OneBox" does not allow 203.0.113.7, 203.0.113.8.`},
		{msg.New("check.extension.missing", "Type", "payment", "Code", fmt.Sprintf("%q", "cod")), `The payment extension "cod" is not installed in the store.`},
		{msg.New("check.checkout.disabled", "Code", "cod", "Key", "payment_cod_status", "Value", fmt.Sprintf("%q", "")), `The checkout does not offer cod: the payment method is disabled (payment_cod_status is "").`},
		{msg.New("check.checkout.api_refused.fix_allowed", "Allowed", msg.New("check.checkout.allowed_ip", "IP", "127.0.0.1")),
			"Check that nothing in front of the store (a firewall, a proxy, a security module) blocks index.php?route=api/…; ocsetup allowed the address ocsetup allowed (127.0.0.1)."},
		{msg.New("check.checkout.not_json", "Step", stepMsg("list the payment methods")), `The store's answer to "list the payment methods" is not what its API sends.`},
		{msg.New("check.settings.differ", "Bad", 2, "Count", 1), "2 of 1 settings in the store are not what the setup says."},
		{msg.New("check.url.not_found", "URL", "http://shop/x.php"), `http://shop/x.php answers 404: the provider's calls would get "not found".`},
		{msg.New("check.timeout", "Timeout", (15 * time.Second).String()), "No answer within 15s."},
	} {
		if got := c.m.English(); got != c.want {
			t.Errorf("%s: %q, want %q", c.m.Key, got, c.want)
		}
	}
}

// stepCall finds the steps the storefront's API session names.
var stepCall = regexp.MustCompile(`(?:s\.(?:call|signed)\(ctx, |Step: |\{)"([a-z][a-z ]+)"`)

// TestCheckoutStepsAreMessages: every step of the store's API session
// that a result can name has a message.
func TestCheckoutStepsAreMessages(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "storefront", "checkout.go"))
	if err != nil {
		t.Fatal(err)
	}
	found := 0
	for _, m := range stepCall.FindAllStringSubmatch(string(b), -1) {
		if !strings.Contains(m[1], " ") {
			continue // a route or a form key, not a step
		}
		found++
		sm := stepMsg(m[1])
		if !msg.HasEnglish(sm.Key) || sm.English() != m[1] {
			t.Errorf("step %q has no message (%s reads %q)", m[1], sm.Key, sm.English())
		}
	}
	if found < len(checkoutSteps) {
		t.Fatalf("found only %d steps in storefront/checkout.go", found)
	}
}
