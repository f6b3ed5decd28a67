package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ocsetup/ocsetup/installer/admin"
	"github.com/ocsetup/ocsetup/installer/check"
	"github.com/ocsetup/ocsetup/installer/db"
	"github.com/ocsetup/ocsetup/installer/integrations"
	"github.com/ocsetup/ocsetup/installer/msg"
	"github.com/ocsetup/ocsetup/installer/phpconf"
	"github.com/ocsetup/ocsetup/installer/pkg"
	"github.com/ocsetup/ocsetup/installer/remote"
	"github.com/ocsetup/ocsetup/installer/store"
)

// APIKeyField is the secret setting that holds the integration's API key
// (OCSETUP_SECRET_API_KEY).
const APIKeyField = "api_key"

func (c *CLI) addTest() {
	var reportPath string
	var cf connectFlags
	c.add(&command{name: "test", args: "SETUP_FILE", summary: "cli.test.summary",
		details: "cli.test.details",
		run: func(ctx context.Context, x *cmdContext) error {
			if len(x.args) != 1 {
				return usage("cli.one_setup_file", "Command", "test")
			}
			f, err := LoadSetupFile(x.args[0], x.reg)
			if err != nil {
				return err
			}
			if cf.fingerprint == "" {
				cf.fingerprint = f.Fingerprint
			}
			open := func(ctx context.Context) (*remote.Pool, error) { return cf.connect(ctx, x, f.Site) }
			integration := f.Profile().Name
			rep, err := RunTest(ctx, x.IO, f, open, func(r check.Result) {
				if !cf.json {
					fmt.Fprintf(x.Out, "%s %s — %s\n", statusLabel(x, r.Status), x.Msg(r.TitleMsg(integration)), r.CauseIn(x.Msg))
				}
			})
			if err != nil {
				return err
			}
			if reportPath != "" {
				local := rep
				if x.lang != "en" {
					// The report in the user's language, as the window
					// writes it; English stays the report it always was.
					local = rep.In(x.lang, integration, x.Msg)
				}
				if err := writeReport(reportPath, local); err != nil {
					return err
				}
			}
			if cf.json {
				if err := rep.JSON(x.Out); err != nil {
					return err
				}
			} else {
				fmt.Fprintf(x.Out, "\n%s\n", x.T("cli.test.overall", "Result", x.T("cli.test.result."+string(rep.Overall))))
			}
			if rep.Overall == check.Fail {
				return exitError{code: 1}
			}
			return nil
		}})
	c.flagSets["test"] = func(fs *flag.FlagSet) {
		cf.define(fs) // the connection flags apply takes, and --json
		fs.StringVar(&reportPath, "report", "", "cli.test.flag.report")
	}
}

func writeReport(p string, rep check.Report) error {
	var write func(io.Writer) error
	switch strings.ToLower(filepath.Ext(p)) {
	case ".md", ".markdown":
		write = rep.Markdown
	case ".html", ".htm":
		write = rep.HTML
	case ".json":
		write = rep.JSON
	default:
		return usage("cli.test.report_ext")
	}
	// A fresh temporary file (O_EXCL, so never an existing file or a
	// symlink someone planted) renamed over the report: rename replaces a
	// symlink at p instead of writing through it.
	out, err := os.CreateTemp(filepath.Dir(p), "."+filepath.Base(p)+".*.tmp")
	if err != nil {
		return err
	}
	tmp := out.Name()
	if err := write(out); err != nil {
		out.Close()
		os.Remove(tmp)
		return err
	}
	if err := out.Close(); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, p); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}

// statusLabel is a check's status as the test command prints it in
// front of the check: upper case in English ("PASS"), in a column as wide
// as the widest status of the language.
func statusLabel(x *cmdContext, st check.Status) string {
	width := 8
	for _, s := range []check.Status{check.Pass, check.Warn, check.Fail, check.Skipped} {
		width = max(width, utf8.RuneCountInString(x.T("cli.test.status."+string(s))))
	}
	label := x.T("cli.test.status." + string(st))
	return label + strings.Repeat(" ", width-utf8.RuneCountInString(label))
}

// badURL is the usage error of a site URL that does not parse.
func badURL(err error) usageError {
	return usageError{msg.New("cli.bad_url", "Cause", msg.CauseArg(err))}
}

// secrets are every secret value of the run, for the report's redaction.
func secrets(getenv func(string) string, extra ...string) []string {
	out := append([]string{}, extra...)
	for _, name := range []string{PasswordVar, KeyPassphraseVar} {
		out = append(out, getenv(name))
	}
	for _, kv := range os.Environ() {
		if k, v, ok := strings.Cut(kv, "="); ok && strings.HasPrefix(k, SecretVarPrefix) {
			out = append(out, getenv(k), v)
		}
	}
	return out
}

// openSite opens the setup's site without the command line's connection
// flags (the fleet, the wizard): the password from the environment, the
// trust decision given, at most conns connections (0: the default), so
// that the fleet can share a host's budget.
func openSite(stdio IO, f *SetupFile, trustNew bool, conns int) func(context.Context) (*remote.Pool, error) {
	return func(ctx context.Context) (*remote.Pool, error) {
		site, err := remote.ParseURL(f.Site)
		if err != nil {
			return nil, badURL(err)
		}
		dir, err := DataDir(stdio.Getenv)
		if err != nil {
			return nil, err
		}
		site.Password = stdio.Getenv(PasswordVar)
		trust := remote.NewTrust(dir)
		trust.Accept, trust.TrustNew = f.Fingerprint, trustNew
		return remote.Open(ctx, site, trust, conns)
	}
}

// RunTest runs the integration test of a setup file: the engine behind
// `ocsetup test`. open connects to the setup's site (with the connection
// flags); a failure there is the first check's result, not an error.
func RunTest(ctx context.Context, stdio IO, f *SetupFile, open func(context.Context) (*remote.Pool, error), progress func(check.Result)) (check.Report, error) {
	profile := f.Profile()
	rep := check.Report{Integration: profile.Name, Generated: time.Now()}
	site, err := remote.ParseURL(f.Site)
	if err != nil {
		return rep, badURL(err)
	}
	dir, err := DataDir(stdio.Getenv)
	if err != nil {
		return rep, err
	}
	// Taken before anything of this run is uploaded.
	leftovers := earlierLeftovers(dir, func() remote.Site { return site })
	// The connector's own file is where its key lives when the setup kept
	// the API user's key (none given): read once the store is found.
	keyFromFile := ""
	getenv := func(k string) string {
		if v := stdio.Getenv(k); v != "" || k != SecretVar(APIKeyField) {
			return v
		}
		return keyFromFile
	}
	p := profile
	s := &check.Setup{Extension: p.Extension(), Profile: profileChecks(p, f, getenv), KeyOnlyLogin: p.Needs().KeyOnlyLogin}
	if usesStoreAPI(p, f) {
		s.APIUser, s.APIKey, s.ProviderIPs = f.Access.APIUser, stdio.Getenv(SecretVar(APIKeyField)), f.Access.IPs
		if s.APIUser == "" && s.KeyOnlyLogin {
			s.APIUser = KeyOnlyUser // as apply chose it
		}
	}
	pool, err := open(ctx)
	var ue usageError
	if errors.As(err, &ue) {
		return rep, err // a flag given wrong: nothing to test yet
	}
	if err != nil {
		s.FilesErr = err
	} else {
		site = pool.Site()
		defer pool.Close()
		// The checks work in parallel (the PHP probe beside the
		// integration's own file checks, both config.php files at once):
		// the other connections log in while discovery starts, instead of
		// the first check that needs one waiting for a login.
		pool.Warm(ctx)
		s.Files = pool
		s.Store, s.StoreErr = chooseStore(ctx, pool, site, f.Store)
		s.StoreFound = s.StoreErr == nil
		s.RecordUpload = recordUpload(dir, pool.Site())
		if kf := p.Needs().KeyFile; kf != "" && s.APIKey == "" && s.StoreErr == nil && usesStoreAPI(p, f) {
			if src, err := pool.ReadFile(ctx, path.Join(s.Store.Root, kf), 1<<20); err == nil {
				if key, err := phpconf.OneBoxCronKey(src); err == nil {
					keyFromFile, s.APIKey = key, key
				}
			}
		}
	}
	routes, err := db.ParseRoutes(orDefault(f.DBRoutes, "direct,ssh,bridge"))
	if err != nil {
		return rep, err
	}
	var dbPassword string
	lang := Language(stdio.Getenv)
	plain := &plainHTTPWarner{w: Notes{W: stdio.Err, Lang: lang}}
	if s.StoreErr == nil && pool != nil {
		// Read once: the config check and the database route take this
		// reading (a failed one the config check reads again, and reports).
		if creds, err := db.Read(ctx, pool, s.Store); err == nil {
			dbPassword = creds.Password.Reveal()
			s.StoreURL = preferredStoreURL(creds)
			s.Creds = creds
		}
		s.Connect = func(ctx context.Context, creds *db.Credentials) (db.DB, error) {
			d, _, err := db.Connect(ctx, pool, creds, db.Options{Routes: routes, DataDir: dir, StoreURL: f.StoreURL,
				PlainHTTPLimits: plainHTTPLimits(creds.Prefix, stepCheck)})
			if err == nil {
				plain.connected(d)
			}
			return d, err
		}
	}
	if f.StoreURL != "" {
		s.StoreURL = f.StoreURL
	}
	s.Checkout = checkoutSpec(f.PaymentMethod, s.Extension, admin.RecordPlace{DataDir: dir, Site: site, Root: s.Store.Root})
	if f.Package != "" {
		s.Creates = packageCreates(f.PackagePath())
	}
	s.Leftovers = func(ctx context.Context) ([]string, error) {
		recs, err := leftovers(ctx)
		var left []string
		for _, r := range recs {
			left = append(left, msg.New("cli.test.leftover_bridge", "Path", r.Path, "Uploaded", r.Uploaded.Format(time.RFC3339)).In(lang))
		}
		return left, err
	}
	if s.APIUser != "" || s.Checkout != nil {
		plain.storeAPI(s.StoreURL)
	}
	return runReport(ctx, rep, s, progress, secrets(stdio.Getenv, dbPassword, s.APIKey))
}

// runReport runs the suite of s and fills rep with what it found, every
// secret redacted: the CLI's RunTest and the wizard's Session.RunTest
// share it.
func runReport(ctx context.Context, rep check.Report, s *check.Setup, progress func(check.Result), secret []string) (check.Report, error) {
	out, err := check.RunSuite(ctx, s, progress)
	if err != nil {
		return rep, err
	}
	rep.StoreURL, rep.ProductURL, rep.PHPVersion = s.StoreURL, out.ProductURL, out.PHPVersion
	rep.Version, rep.Line = s.Store.Version, string(s.Store.Line)
	rep.Results, rep.Overall = out.Results, check.Worst(out.Results)
	return rep.Redacted(secret), nil
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// chooseStore finds the store of a setup: the one in want, or the only one.
func chooseStore(ctx context.Context, pool *remote.Pool, site remote.Site, want string) (store.Store, error) {
	start := want
	if start == "" {
		start = site.Path
	}
	if start == "" {
		wd, err := pool.Getwd(ctx)
		if err != nil {
			return store.Store{}, err
		}
		start = wd
	}
	stores, err := store.Discover(ctx, pool, start)
	if err != nil {
		return store.Store{}, err
	}
	if want != "" {
		for _, s := range stores {
			if s.Root == want {
				return s, nil
			}
		}
		return store.Store{}, msg.NewError("error.cli.no_store_in", "Folder", want)
	}
	if len(stores) > 1 {
		roots := make([]string, len(stores))
		for i, s := range stores {
			roots[i] = s.Root
		}
		return store.Store{}, msg.NewError("error.cli.several_stores", "Roots", strings.Join(roots, ", "))
	}
	return stores[0], nil
}

// NoPaymentMethod in a setup file's payment_method switches the checkout
// check off (a store whose API must not be touched).
const NoPaymentMethod = "none"

// checkoutSpec asks the test to prove the checkout offers method (or the
// integration's payment extension); nil when there is no payment method.
func checkoutSpec(method string, ext *check.Extension, place admin.RecordPlace) *check.CheckoutSpec {
	if method == "" && ext != nil && ext.Type == "payment" {
		method = ext.Code
	}
	if method == "" || method == NoPaymentMethod {
		return nil
	}
	return &check.CheckoutSpec{Method: method, Record: place}
}

// packageCreates reads the tables and events the package's install()
// makes; a package that cannot be read names nothing (the upload step
// reports why).
func packageCreates(p string) pkg.Creates {
	pk, err := pkg.Open(p)
	if err != nil {
		return pkg.Creates{}
	}
	defer pk.Close()
	c, _ := pk.InstallCreates()
	return c
}

// usesStoreAPI says whether the setup has an OpenCart API user to test:
// the integration logs in to the store's API (OneBox), or the setup file
// asks for an API user and the integration has no api_key of its own. An
// integration's own API key (LatitudePay's, Despatch Cloud's) is not an
// OpenCart API key, so it is never tried against the store's API login.
func usesStoreAPI(p integrations.Profile, f *SetupFile) bool {
	if p.Impl == nil {
		return false
	}
	if p.StoreAPI {
		return true
	}
	if f.Access.APIUser == "" {
		return false
	}
	for _, fl := range p.Fields(integrations.Target{Line: store.Line30, Currency: "AUD"}) {
		if fl.Key == APIKeyField {
			return false
		}
	}
	return true
}
