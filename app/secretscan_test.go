package app

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	stdsync "sync"
	"testing"
	"time"

	"github.com/ocsetup/ocsetup/installer/access"
	"github.com/ocsetup/ocsetup/installer/check"
	"github.com/ocsetup/ocsetup/installer/db"
	"github.com/ocsetup/ocsetup/installer/deploy"
	"github.com/ocsetup/ocsetup/installer/integrations"
	"github.com/ocsetup/ocsetup/installer/keygen"
	"github.com/ocsetup/ocsetup/installer/remote"
	"github.com/ocsetup/ocsetup/internal/testenv"
	"github.com/ocsetup/ocsetup/internal/testext"
)

// secretForms are the ways a secret could be written down: the forms the
// redaction knows (plain, URL-, JSON- and HTML-escaped) and base64 and hex,
// which nothing should hide because nothing should write them.
func secretForms(secret string) []string {
	forms := check.SecretForms(secret)
	b := []byte(secret)
	return append(forms,
		base64.StdEncoding.EncodeToString(b), base64.RawStdEncoding.EncodeToString(b),
		base64.URLEncoding.EncodeToString(b), base64.RawURLEncoding.EncodeToString(b),
		hex.EncodeToString(b), strings.ToUpper(hex.EncodeToString(b)))
}

// secretScan collects every byte a run wrote and finds the secrets in it.
type secretScan struct {
	secrets map[string]string // name → value
	texts   map[string][]byte // where → what was written
}

func (s *secretScan) add(where string, b []byte) {
	s.texts[where] = append(s.texts[where], b...)
}

// leaks lists each secret found, with its form and where.
func (s *secretScan) leaks() []string {
	var out []string
	for where, text := range s.texts {
		for name, secret := range s.secrets {
			for _, f := range secretForms(secret) {
				if i := bytes.Index(text, []byte(f)); i >= 0 {
					lo, hi := max(0, i-80), min(len(text), i+len(f)+40)
					out = append(out, fmt.Sprintf("%s (as %q) in %s: …%s…", name, f, where, text[lo:hi]))
					break
				}
			}
		}
	}
	return out
}

// runCLIEnv runs a command with the process environment (the secrets are
// OCSETUP_SECRET_* variables there, as a merchant's shell has them).
func runCLIEnv(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	return runCLIEnvCtx(t, context.Background(), args...)
}

func runCLIEnvCtx(t *testing.T, ctx context.Context, args ...string) (int, string, string) {
	t.Helper()
	cli := NewCLI()
	var o, e bytes.Buffer
	ctx, cancel := context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()
	code := cli.Run(ctx, args, IO{In: strings.NewReader(""), Out: &o, Err: &e, Getenv: os.Getenv})
	return code, o.String(), e.String()
}

// TestNoSecretInAnyOutput is issue 16's scan: a full apply, test (with
// reports in Markdown, HTML and JSON), sync and uninstall of a payment
// extension and the store's API user on a real OpenCart 3.0 store, with
// distinctive secrets: the hosting password, the store's database
// password (read from its config.php), the admin password, the payment
// secret, the API user's new and old keys. No secret may appear, in any
// form, in stdout, stderr, a report or a file of the data folder, but in
// backups and undo records of the data folder, which must be 0600.
func TestNoSecretInAnyOutput(t *testing.T) {
	env := testenv.Get(t)
	s := newRealShop(t, env, "3.0.3.9", testenv.SFTP)
	dataDir, reports := t.TempDir(), t.TempDir()
	// OpenCart 3.0 stores form input HTML-escaped, so the secret has
	// only characters that URL-escaping changes.
	paySecret := "Pay-7f3e+9c/2a=x@k"
	t.Setenv(PasswordVar, s.site.Password)
	t.Setenv(DataDirVar, dataDir)
	t.Setenv(AdminPasswordVar, s.rs.AdminPassword)
	t.Setenv(SecretVar(testext.Prefix(s.rs.Line)+"secret"), paySecret)
	oldKey := s.value(t, "SELECT `key` FROM oc_api WHERE username = 'Default'")

	file := s.setupFile(t, ocpaySetup(t, s.rs.Line)+"access:\n  api_user: Default\n  ips: [203.0.113.7]\n")
	scan := &secretScan{texts: map[string][]byte{}}
	// The secrets the run learns on its way (the store's database
	// password, the temporary admin account's password), as the CLI's
	// own redaction learns them.
	var learnedMu stdsync.Mutex
	learned := map[string]bool{}
	ctx := db.WithSecretObserver(context.Background(), func(s ...string) {
		learnedMu.Lock()
		defer learnedMu.Unlock()
		for _, v := range s {
			learned[v] = true
		}
	})
	run := func(args ...string) string {
		t.Helper()
		code, out, errOut := runCLIEnvCtx(t, ctx, args...)
		name := strings.Join(args[:1], " ")
		scan.add(name+" stdout", []byte(out))
		scan.add(name+" stderr", []byte(errOut))
		if code != 0 {
			t.Fatalf("%s: exit %d\n%s\n%s", strings.Join(args, " "), code, out, errOut)
		}
		return out
	}
	run("apply", file, "--trust-new", "--admin-user", s.rs.AdminUser)
	newKey := s.value(t, "SELECT `key` FROM oc_api WHERE username = 'Default'")
	if newKey == oldKey || len(newKey) < 16 {
		t.Fatalf("apply did not give the Default API user a new key (%q)", newKey)
	}
	if got := s.setting(t, testext.Prefix(s.rs.Line)+"secret"); got != paySecret {
		t.Fatalf("the payment secret in the store is %q, want %q: the scan would prove nothing", got, paySecret)
	}
	for _, ext := range []string{"md", "html", "json"} {
		run("test", file, "--trust-new", "--report", filepath.Join(reports, "report."+ext))
	}
	run("test", file, "--trust-new", "--json")
	run("sync", file, "--trust-new", "--once")
	run("sync", file, "--trust-new", "--once", "--json")
	run("uninstall", file, "--trust-new") // with a temporary admin account

	// A package that replaces config.php (with consent): its backup holds
	// the database password, so it must be private; rollback restores it.
	config, err := os.ReadFile(filepath.Join(s.rs.Root, "config.php"))
	if err != nil {
		t.Fatal(err)
	}
	pkg := filepath.Join(t.TempDir(), "pkg")
	must(t, os.MkdirAll(filepath.Join(pkg, "upload"), 0o755))
	must(t, os.WriteFile(filepath.Join(pkg, "upload", "config.php"), append(config, "\n// ocsetup scan\n"...), 0o644))
	site := siteURL(s.site, s.rs.RemoteRoot(s.site))
	run("upload", site, pkg, "--trust-new", "--allow-core-files")
	run("rollback", site, "--trust-new")
	if after, err := os.ReadFile(filepath.Join(s.rs.Root, "config.php")); err != nil || !bytes.Equal(after, config) {
		t.Fatalf("config.php not restored by rollback (%v)", err)
	}
	code, help, _ := runCLIEnv(t, "help")
	if code != 0 {
		t.Fatalf("help: exit %d", code)
	}

	scan.secrets = map[string]string{
		"hosting password":        s.site.Password,
		"store database password": s.rs.DBPassword,
		"admin password":          s.rs.AdminPassword,
		"payment secret":          paySecret,
		"new API key":             newKey,
		"old API key":             oldKey,
	}
	temp := 0
	for v := range learned {
		if v != s.rs.DBPassword {
			temp++
			scan.secrets[fmt.Sprintf("temporary admin password %d", temp)] = v
		}
	}
	if !learned[s.rs.DBPassword] || temp == 0 {
		t.Fatalf("the run did not learn the database password (%v) or a temporary admin password (%d)", learned[s.rs.DBPassword], temp)
	}
	kept := map[string][]byte{} // the data folder's sub-folder → what its secret keepers hold
	for _, dir := range []string{reports, dataDir} {
		err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(dir, p)
			if dir == reports {
				rel = "report " + rel
			}
			info, err := d.Info()
			if err != nil {
				return err
			}
			if info.Mode().Perm()&0o077 != 0 {
				t.Errorf("%s is readable by others (%v)", p, info.Mode())
			}
			if dir == dataDir && secretKeeper(rel) {
				kept[strings.Split(filepath.ToSlash(rel), "/")[0]] = append(kept[strings.Split(filepath.ToSlash(rel), "/")[0]], b...)
				if info.Mode().Perm() != 0o600 {
					t.Errorf("%s keeps secrets but is not 0600 (%v)", p, info.Mode())
				}
				return nil
			}
			scan.add(rel, b)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(scan.texts) < 12 {
		t.Fatalf("only %d outputs scanned: %v", len(scan.texts), scan.texts)
	}
	for _, l := range scan.leaks() {
		t.Error(l)
	}
	// The backup of config.php is there and holds what it must; every
	// folder that keeps secrets is named in the help.
	if !bytes.Contains(kept["deploy"], []byte(s.rs.DBPassword)) {
		t.Errorf("no backup of config.php with the database password in the data folder's deploy/")
	}
	for dir := range kept {
		if !strings.Contains(help, dir+"/") {
			t.Errorf("ocsetup help does not say that %s/ in the data folder keeps secrets:\n%s", dir, help)
		}
	}
}

// secretKeeper tells the data folder's files that must hold secrets to
// do their job: backups of replaced files (config files) and the
// journal's undo values (the API user's old key to put back).
func secretKeeper(rel string) bool {
	parts := strings.Split(filepath.ToSlash(rel), "/")
	switch parts[0] {
	case "journals", "settings-backups", "modcache":
		return true
	case "deploy": // deploy/<manifest>.json is the list; deploy/<manifest>/… the backups
		return len(parts) > 2
	}
	return false
}

// TestSessionHidesStoreSecrets: the wizard's texts go through the same
// redaction as the CLI's live output, and once config.php was read the
// store's database password is among the hidden values, in every form
// (the GUI shows errors that quote servers; a server may quote it).
func TestSessionHidesStoreSecrets(t *testing.T) {
	env := testenv.Get(t)
	rs := env.Store(t, "3.0.3.9")
	ts := env.Site(t, testenv.SFTP)
	site := remote.Site{Protocol: remote.SFTP, Host: ts.Host, Port: ts.Port, User: ts.User, Password: ts.Password, Path: rs.RemoteRoot(ts), Timeout: 10 * time.Second}
	ctx := ctxT(t)
	s := NewSession(t.TempDir(), integrations.Builtin())
	defer s.Close()
	_, err := s.Connect(ctx, site, "")
	var re *remote.Error
	if !errors.As(err, &re) || re.Kind != remote.KindUnknownKey {
		t.Fatalf("first contact: %v", err)
	}
	res, err := s.Connect(ctx, site, re.Fingerprint)
	if err != nil || len(res.Stores) != 1 || !s.Choose(res.Stores[0].Root) {
		t.Fatalf("connect: %v %+v", err, res)
	}
	text := func(secret string) string {
		return strings.Join(secretForms(secret)[:len(check.SecretForms(secret))], " | ")
	}
	if got := s.Redact(text(ts.Password)); strings.Contains(got, ts.Password) || !strings.Contains(got, "[hidden]") {
		t.Fatalf("the hosting password is shown: %s", got)
	}
	if got := s.Redact(text(rs.DBPassword)); got != text(rs.DBPassword) {
		t.Fatalf("the database password was hidden before config.php was read, so the test proves nothing: %s", got)
	}
	if _, err := s.ReadCredentials(ctx); err != nil {
		t.Fatal(err)
	}
	got := s.Redact("the server said: " + text(rs.DBPassword))
	for _, f := range check.SecretForms(rs.DBPassword) {
		if strings.Contains(got, f) {
			t.Errorf("the database password is shown (as %q): %s", f, got)
		}
	}
}

// TestCLIHidesStoreDBPassword: under the CLI's context, reading
// config.php makes the store's database password one of the secrets
// the live output hides.
func TestCLIHidesStoreDBPassword(t *testing.T) {
	env := testenv.Get(t)
	s := newRealShop(t, env, "3.0.3.9", testenv.SFTP)
	site, err := remote.ParseURL(siteURL(s.site, s.rs.RemoteRoot(s.site)))
	if err != nil {
		t.Fatal(err)
	}
	site.Password = s.site.Password
	trust := remote.NewTrust(s.vars[DataDirVar])
	trust.TrustNew = true
	pool, err := remote.Open(ctxT(t), site, trust, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	var out bytes.Buffer
	red := NewRedactor(s.site.Password)
	w := red.Writer(&out)
	ctx := db.WithSecretObserver(ctxT(t), red.Hide)
	found, err := Detect(ctx, pool)
	if err != nil || len(found.Stores) != 1 {
		t.Fatalf("detect: %v", err)
	}
	if _, err := db.Read(ctx, pool, found.Stores[0]); err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(w, "error: Access denied (password %s, %s)\n", s.rs.DBPassword, url.QueryEscape(s.rs.DBPassword))
	if strings.Contains(out.String(), s.rs.DBPassword) || strings.Contains(out.String(), url.QueryEscape(s.rs.DBPassword)) || !strings.Contains(out.String(), "[hidden]") {
		t.Fatalf("the store's database password is in the live output: %s", out.String())
	}
}

// TestWizardNoSecretInAnyOutput is the scan for the wizard's face: the
// steps driven from Go on the real 3.0 store (connect, credentials,
// upload of the ocpay package, API user, settings with a payment secret,
// test, sync, uninstall). Every text a step hands the GUI (results,
// errors, the test's progress lines and its report in the three formats,
// sync's notes and poll) and every file of the data folder is scanned.
// The API key is the exception the Finish screen makes on purpose (the
// merchant copies it to the provider), so APIResult is not scanned.
func TestWizardNoSecretInAnyOutput(t *testing.T) {
	env := testenv.Get(t)
	s := newRealShop(t, env, "3.0.3.9", testenv.SFTP)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	dir := t.TempDir()
	tr := remote.NewTrust(dir)
	tr.TrustNew = true
	site := remote.Site{Protocol: remote.SFTP, Host: s.site.Host, Port: s.site.Port, User: s.site.User, Password: s.site.Password,
		Path: s.rs.RemoteRoot(s.site), Timeout: 10 * time.Second}
	pool, err := remote.Open(ctx, site, tr, 1) // the first contact's key, as the wizard's dialog accepts it
	must(t, err)
	pool.Close()
	oldKey := s.value(t, "SELECT `key` FROM oc_api WHERE username = 'Default'")
	paySecret := "Wiz-9d2c+41/7e=q@z"
	p := testext.Prefix(s.rs.Line)

	scan := &secretScan{texts: map[string][]byte{}}
	shown := func(where string, v any, err error) {
		t.Helper()
		scan.add(where, fmt.Appendf(nil, "%+v\n", v))
		if err != nil {
			scan.add(where, []byte(err.Error()))
			t.Fatalf("%s: %v", where, err)
		}
	}
	w := NewWizard(dir, integrations.Builtin())
	defer w.Session.Close()
	res, err := w.Session.Connect(ctx, site, "")
	shown("connect", res, err)
	cr, err := w.Session.ReadCredentials(ctx)
	shown("credentials", cr, err)
	plan, err := w.Session.PlanPackage(ctx, testext.Package(t, s.rs.Line), nil)
	shown("plan", plan, err)
	m, err := w.Session.Upload(ctx, func(pr deploy.Progress) { scan.add("upload progress", fmt.Appendf(nil, "%+v\n", pr)) })
	shown("upload", m, err)
	key, err := keygen.Generate(64)
	must(t, err)
	api, err := w.Session.ApplyAccess(ctx, access.APIUser{Name: "Default", Key: key, IPs: []string{"203.0.113.7"}, ReplaceKey: true})
	if err != nil {
		t.Fatalf("access: %v", err)
	}
	newKey := api.Key
	set, err := w.Session.ApplySettings(ctx, "custom", integrations.Values{"type": "payment", "code": testext.Code,
		p + "merchant_id": "M-4711", p + "secret": paySecret, p + "status": "1", p + "order_status_id": "1"})
	shown("settings", set, err)
	if got := s.setting(t, p+"secret"); got != paySecret {
		t.Fatalf("the payment secret in the store is %q: the scan would prove nothing", got)
	}
	w.Session.SetPaymentMethod(testext.Code)
	rep, err := w.Session.RunTest(ctx, "custom", func(r check.Result) { scan.add("test progress", fmt.Appendf(nil, "%+v\n", r)) })
	shown("test", rep, err)
	for name, render := range map[string]func(*bytes.Buffer) error{
		"report.md": func(b *bytes.Buffer) error { return rep.Markdown(b) }, "report.html": func(b *bytes.Buffer) error { return rep.HTML(b) },
		"report.json": func(b *bytes.Buffer) error { return rep.JSON(b) }} {
		var b bytes.Buffer
		must(t, render(&b))
		scan.add(name, b.Bytes())
	}
	var notes bytes.Buffer
	sync, err := w.Session.OpenSync(ctx, "custom", &notes, nil)
	shown("sync", "", err)
	poll, err := sync.Engine.Poll(ctx)
	shown("sync poll", poll, err)
	must(t, sync.Close())
	scan.add("sync notes", notes.Bytes())
	un, err := w.Session.Uninstall(ctx)
	shown("uninstall", un, err)

	scan.secrets = map[string]string{
		"hosting password":        s.site.Password,
		"store database password": s.rs.DBPassword,
		"payment secret":          paySecret,
		"new API key":             newKey,
		"old API key":             oldKey,
	}
	err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		info, err := d.Info()
		if err != nil {
			return err
		}
		if info.Mode().Perm()&0o077 != 0 {
			t.Errorf("%s is readable by others (%v)", path, info.Mode())
		}
		if secretKeeper(rel) {
			return nil
		}
		b, err := os.ReadFile(path)
		scan.add(rel, b)
		return err
	})
	must(t, err)
	for _, l := range scan.leaks() {
		t.Error(l)
	}
}
