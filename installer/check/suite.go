package check

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	"github.com/ocsetup/ocsetup/installer/db"
	"github.com/ocsetup/ocsetup/installer/msg"
	"github.com/ocsetup/ocsetup/installer/pkg"
	"github.com/ocsetup/ocsetup/installer/remote"
	"github.com/ocsetup/ocsetup/installer/store"
	"github.com/ocsetup/ocsetup/installer/storefront"
	"github.com/ocsetup/ocsetup/installer/webguard"
	"github.com/ocsetup/ocsetup/installer/webtrust"
)

// Files is what the checks need of the files channel (*remote.Pool).
type Files interface {
	List(ctx context.Context, dir string) ([]remote.FileInfo, error)
	ReadFile(ctx context.Context, name string, limit int64) ([]byte, error)
	ReadFiles(ctx context.Context, names []string, limit int64) ([][]byte, []error)
	WriteAtomic(ctx context.Context, name string, data []byte) error
	Remove(ctx context.Context, name string) error
}

// Extension is the module the setup installed.
type Extension struct {
	Type string // "payment", "module", "feed"…
	Code string // "amazon_ps"
	// Folder is the 4.x extension folder (extension/<folder>/…).
	Folder string
}

// Setup is what the test checks: every channel the setup used.
type Setup struct {
	Files    Files
	FilesErr error // why the files channel could not be opened
	Store    store.Store
	StoreErr error
	// StoreFound says the caller found Store by discovery in this run:
	// discovery took a folder for a store only with config.php, index.php
	// and system/ in it, which is what the store check looks for, so the
	// check does not list the folder again (on a slow link a listing is 4
	// round trips on the way to the PHP probe). False (the wizard's store
	// may be minutes old): the check lists it.
	StoreFound bool
	// Creds is the store's configuration when the caller has read it for
	// this run (the command line reads it to find the store's address);
	// nil: the config check reads it.
	Creds *db.Credentials
	// Connect reaches the database (the caller's routes) with the
	// configuration the config check read: on a slow link every read of
	// config.php costs round trips, so one run reads it once. nil fails
	// the database checks.
	Connect func(ctx context.Context, creds *db.Credentials) (db.DB, error)
	// StoreURL is the catalog's address (HTTP_SERVER, or the setup's own).
	StoreURL string
	HTTP     *http.Client
	// APIUser and APIKey are the integration's API login; ProviderIPs the
	// addresses that must be allowed.
	APIUser, APIKey string
	// KeyOnlyLogin: the connector logs in with the key alone (OneBox's
	// cron.php), and the API login check does the same, so that on 3.0 it
	// proves the key works for the user the store then checks ("Default").
	KeyOnlyLogin bool
	ProviderIPs  []string
	Extension    *Extension
	// Leftovers lists temporary things ocsetup put on the store and has not
	// removed (bridges, temporary admin accounts), as plain descriptions.
	Leftovers func(ctx context.Context) ([]string, error)
	// Profile are the integration's own checks.
	Profile []ProfileCheck
	// Checkout, when set, proves the checkout offers the integration's
	// payment method, through the store's own API (checkout.go).
	Checkout *CheckoutSpec
	// Creates are the tables and events the extension's install() makes;
	// when not empty, a check requires them (creates.go).
	Creates pkg.Creates
	// RecordUpload, when set, records a file the suite is about to put on
	// the store (the PHP probe) so that a crash leaves a record the next
	// start cleans up; forget drops the record once the file is gone.
	RecordUpload func(remotePath string) (forget func() error, err error)
}

// state is shared by the checks of one run; dependent checks read what
// the earlier ones found.
type state struct {
	s      *Setup
	db     db.DB
	creds  *db.Credentials
	schema *db.Schema
	php    probeResult
}

// Suite returns the checks for a setup, in the order they are shown. The
// database check opens a connection that only RunSuite closes: use
// RunSuite to run them.
func Suite(s *Setup) []Check {
	checks, _ := suite(s)
	return checks
}

func suite(s *Setup) ([]Check, *state) {
	st := &state{s: s}
	if s.HTTP == nil {
		// The store's pages and its API are checked over the certificate
		// the user pinned for the store (the files channel's trust), as
		// the bridge does: a self-signed store answers, an unknown or
		// changed certificate is refused with its fingerprint.
		var trust *remote.Trust
		if t, ok := s.Files.(interface{ Trust() *remote.Trust }); ok {
			trust = t.Trust()
		}
		s.HTTP = webtrust.Client(&http.Client{Timeout: 15 * time.Second}, trust)
	}
	s.HTTP = webguard.Guard(s.HTTP) // redirects stay on the store's origin
	checks := []Check{
		{ID: "files-login", Title: "Log in to the hosting", Run: st.filesLogin},
		{ID: "store-root", Title: "Find the store and its OpenCart line", After: []string{"files-login"}, Run: st.storeRoot},
		{ID: "config", Title: "Read config.php", After: []string{"store-root"}, Run: st.config},
		{ID: "db-route", Title: "Reach the database", After: []string{"config"}, Run: st.dbRoute},
		{ID: "db-schema", Title: "Tables and columns of this OpenCart line", After: []string{"db-route"}, Run: st.dbSchema},
		{ID: "php-probe", Title: "PHP runs the uploaded files, with the same owner", After: []string{"store-root"}, Run: st.phpProbe},
		{ID: "storefront", Title: "Storefront answers without PHP warnings", Run: st.storefront},
		{ID: "admin-login", Title: "Admin login page answers", After: []string{"store-root"}, Run: st.adminLogin},
		{ID: "https", Title: "HTTPS certificate", Run: st.https},
	}
	if s.APIKey != "" {
		checks = append(checks,
			Check{ID: "api-login", Title: "API login with the new key", After: []string{"db-schema"}, Run: st.apiLogin},
			Check{ID: "allow-list", Title: "The provider's IP addresses are allowed", After: []string{"db-schema"}, Run: st.allowList})
	}
	if s.Extension != nil {
		checks = append(checks,
			Check{ID: "extension", Title: "Extension registered in the store", After: []string{"db-schema"}, Run: st.extension},
			Check{ID: "enabled", Title: "Module enabled", After: []string{"db-schema"}, Run: st.enabled})
	}
	if s.Checkout != nil && s.Checkout.Method != "" {
		checks = append(checks, Check{ID: "checkout", Title: "The checkout offers the payment method", After: st.checkoutAfter(), Timeout: CheckoutTimeout, Run: st.checkout})
	}
	if !s.Creates.Empty() {
		checks = append(checks, Check{ID: "creates", Title: "The extension's tables and events exist", After: []string{"db-schema"}, Run: st.creates})
	}
	checks = append(checks, st.profileChecks()...)
	checks = append(checks, Check{ID: "leftovers", Title: "Nothing temporary left on the store", Run: st.leftovers})
	return checks, st
}

// Outcome is a finished test run.
type Outcome struct {
	Results    []Result
	PHPVersion string // from the probe, "" when it did not run
	// ProductURL is the first enabled product, the link the integration
	// teams ask for; "" when the database was not reached.
	ProductURL string
}

// RunSuite runs the setup's checks, then closes what they opened.
func RunSuite(ctx context.Context, s *Setup, progress func(Result)) (*Outcome, error) {
	checks, st := suite(s)
	results, ended, err := run(ctx, checks, progress, straggleGrace)
	if err != nil {
		return nil, err
	}
	if !ended {
		// A check still runs (it ignored its context): what the checks
		// share is still being written, so it is left alone.
		return &Outcome{Results: results}, nil
	}
	out := &Outcome{Results: results, PHPVersion: st.php.PHP}
	if st.db != nil {
		if st.schema != nil {
			out.ProductURL = st.productURL(ctx)
		}
		_ = st.db.Close()
	}
	return out, nil
}

// productURL is the storefront link of the first enabled product.
func (st *state) productURL(ctx context.Context) string {
	table, err := db.Table(st.schema.Prefix, "product")
	if err != nil || !st.schema.Has("product") {
		return ""
	}
	row, err := st.db.QueryRow(ctx, fmt.Sprintf("SELECT product_id FROM %s WHERE status = 1 ORDER BY product_id LIMIT 1", table))
	if err != nil {
		return ""
	}
	return strings.TrimRight(st.s.StoreURL, "/") + "/index.php?route=product/product&product_id=" + url.QueryEscape(row.String("product_id"))
}

func (st *state) filesLogin(context.Context) Result {
	if st.s.FilesErr != nil || st.s.Files == nil {
		var re *remote.Error
		if errors.As(st.s.FilesErr, &re) {
			return FailedMsg(re.Msg(), msg.New("check.files-login.fix.remote"), re.Error())
		}
		// The connection's own words (they may say what to add, such as
		// --allow-plain for an FTP server without TLS).
		return FailedMsg(msg.New("check.files-login.fail", "Reason", strings.Join(strings.Fields(fmt.Sprint(st.s.FilesErr)), " ")), msg.New("check.files-login.fail.fix"), fmt.Sprint(st.s.FilesErr))
	}
	return PassedMsg(msg.New("check.files-login.pass"))
}

func (st *state) storeRoot(ctx context.Context) Result {
	if st.s.StoreErr != nil {
		return FailedMsg(msg.New("check.store-root.not_found"), msg.New("check.store-root.not_found.fix"), st.s.StoreErr.Error())
	}
	if st.s.StoreFound {
		return PassedMsg(msg.New("check.store-root.pass", "Version", st.s.Store.Version, "Line", string(st.s.Store.Line), "Root", st.s.Store.Root))
	}
	list, err := st.s.Files.List(ctx, st.s.Store.Root)
	if err != nil {
		return FailedMsg(msg.New("check.store-root.list"), msg.New("check.store-root.list.fix"), err.Error())
	}
	var have = map[string]bool{}
	for _, e := range list {
		have[e.Name] = true
	}
	for _, want := range []string{"config.php", "index.php", "system"} {
		if !have[want] {
			return FailedMsg(msg.New("check.store-root.not_store", "Root", st.s.Store.Root, "Name", want),
				msg.New("check.store-root.not_store.fix"), strings.Join(keys(have), ", "))
		}
	}
	return PassedMsg(msg.New("check.store-root.pass", "Version", st.s.Store.Version, "Line", string(st.s.Store.Line), "Root", st.s.Store.Root))
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

func (st *state) config(ctx context.Context) Result {
	c := st.s.Creds
	if c == nil {
		var err error
		if c, err = db.Read(ctx, st.s.Files, st.s.Store); err != nil {
			return FailedMsg(msg.New("check.config.read"), msg.New("check.config.read.fix"), err.Error())
		}
	}
	st.creds = c
	if !c.Usable() {
		msgs := []string{}
		fatal := false
		for _, p := range c.Problems {
			msgs = append(msgs, p.Message)
			// Only values PHP computes can be rescued by the bridge.
			fatal = fatal || p.Blocking && p.Code != "computed" && p.Code != "conditional"
		}
		if fatal {
			return FailedMsg(msg.New("check.config.unusable"), msg.New("check.config.unusable.fix"), strings.Join(msgs, "\n"))
		}
		return WarnedMsg(msg.New("check.config.warn.computed"), msg.New("check.config.warn.computed.fix"), strings.Join(msgs, "\n"))
	}
	return PassedMsg(msg.New("check.config.pass", "Database", c.Database, "Server", c.Server(), "Prefix", c.Prefix))
}

func (st *state) dbRoute(ctx context.Context) Result {
	if st.s.Connect == nil {
		return FailedMsg(msg.New("check.db-route.none"), msg.New("check.db-route.none.fix"), "")
	}
	d, err := st.s.Connect(ctx, st.creds)
	if err != nil {
		var de *db.Error
		if errors.As(err, &de) {
			return FailedMsg(de.Msg(), msg.New("check.db-route.fix.db"), err.Error())
		}
		return FailedMsg(msg.New("check.db-route.fail"), msg.New("check.db-route.fail.fix"), err.Error())
	}
	st.db = d
	return PassedMsg(msg.New("check.db-route.pass", "Route", msg.New("creds.route."+string(d.Route()))))
}

func (st *state) dbSchema(ctx context.Context) Result {
	sc, err := st.db.Schema(ctx)
	if err != nil {
		return FailedMsg(msg.New("check.db-schema.read"), msg.New("check.fix.db_select"), err.Error())
	}
	st.schema = sc
	if !sc.Has("setting") {
		return FailedMsg(msg.New("check.db-schema.no_setting", "Prefix", sc.Prefix),
			msg.New("check.db-schema.no_setting.fix"), strings.Join(sc.OtherPrefixes, ", "))
	}
	if w := sc.Check(st.s.Store.Version); len(w) > 0 {
		msgs := []string{}
		for _, x := range w {
			msgs = append(msgs, x.Message)
		}
		return FailedMsg(msg.New("check.db-schema.mismatch"), msg.New("check.db-schema.mismatch.fix"), strings.Join(msgs, "\n"))
	}
	return PassedMsg(msg.New("check.db-schema.pass", "Count", len(sc.Tables), "Prefix", sc.Prefix, "Line", string(sc.Line())))
}

type probeResult struct {
	PHP string `json:"php"`
	// RemoteAddr is the address PHP saw the probe's request come from:
	// the one the store's API allow-list must hold for this computer.
	RemoteAddr   string `json:"remote_addr"`
	SelfOwner    int    `json:"self_owner"`
	WrittenOwner int    `json:"written_owner"`
}

// phpProbe uploads a PHP file that reports its version and the owner of
// itself (written by FTP/SFTP) and of a file PHP writes: when they differ,
// later updates through the store's own installer fail (the ownership trap).
func (st *state) phpProbe(ctx context.Context) Result {
	if st.s.StoreURL == "" {
		return FailedMsg(msg.New("check.php-probe.no_url"), msg.New("check.php-probe.no_url.fix"), "")
	}
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	name := "ocsetup-probe-" + hex.EncodeToString(b) + ".php"
	token := hex.EncodeToString(b[:4])
	src := `<?php
$f = __DIR__ . '/' . basename(__FILE__, '.php') . '.txt';
@file_put_contents($f, 'x');
$w = @fileowner($f);
@unlink($f);
header('Content-Type: application/json');
echo json_encode(array('token' => '` + token + `', 'php' => PHP_VERSION, 'self_owner' => fileowner(__FILE__), 'written_owner' => $w === false ? -1 : $w, 'remote_addr' => isset($_SERVER['REMOTE_ADDR']) ? $_SERVER['REMOTE_ADDR'] : ''));
`
	remotePath := path.Join(st.s.Store.Root, name)
	forget := func() error { return nil }
	if st.s.RecordUpload != nil {
		f, err := st.s.RecordUpload(remotePath)
		if err != nil {
			return FailedMsg(msg.New("check.php-probe.record"), msg.New("check.php-probe.record.fix"), err.Error())
		}
		forget = f
	}
	defer func() {
		cctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := st.s.Files.Remove(cctx, remotePath); err == nil || remote.KindOf(err) == remote.KindNotFound {
			_ = forget()
		}
	}()
	if err := st.s.Files.WriteAtomic(ctx, remotePath, []byte(src)); err != nil {
		return FailedMsg(msg.New("check.php-probe.upload"), msg.New("check.php-probe.upload.fix"), err.Error())
	}
	body, status, err := st.get(ctx, strings.TrimRight(st.s.StoreURL, "/")+"/"+name)
	if err != nil || status != http.StatusOK {
		return FailedMsg(msg.New("check.php-probe.not_served"),
			msg.New("check.php-probe.not_served.fix"), fmt.Sprintf("HTTP %d %v", status, err))
	}
	var ans struct {
		Token string `json:"token"`
		probeResult
	}
	if err := json.Unmarshal([]byte(strings.TrimSpace(body)), &ans); err != nil || ans.Token != token {
		if strings.Contains(body, "<?php") {
			return FailedMsg(msg.New("check.php-probe.as_text"), msg.New("check.php-probe.as_text.fix"), firstLine(body))
		}
		return FailedMsg(msg.New("check.php-probe.bad_answer"), msg.New("check.php-probe.bad_answer.fix"), firstLine(body))
	}
	st.php = ans.probeResult
	if ans.WrittenOwner >= 0 && ans.WrittenOwner != ans.SelfOwner {
		return WarnedMsg(msg.New("check.php-probe.warn.owner", "Self", ans.SelfOwner, "Written", ans.WrittenOwner), msg.New("check.php-probe.warn.owner.fix"), "")
	}
	return PassedMsg(msg.New("check.php-probe.pass", "PHP", ans.PHP))
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if len(s) > 200 {
		s = s[:200]
	}
	return s
}

func (st *state) get(ctx context.Context, u string) (string, int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return "", 0, err
	}
	resp, err := st.s.HTTP.Do(req)
	if err != nil {
		return "", 0, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return string(b), resp.StatusCode, err
}

func (st *state) storefront(ctx context.Context) Result {
	c := storefront.New(st.s.StoreURL)
	c.HTTP = st.s.HTTP
	p, err := c.Home(ctx)
	switch {
	case err != nil:
		return FailedMsg(msg.New("check.storefront.down"), msg.New("check.storefront.down.fix"), err.Error())
	case p.Status == http.StatusServiceUnavailable:
		return FailedMsg(msg.New("check.storefront.maintenance"), msg.New("check.storefront.maintenance.fix"), "HTTP 503")
	case p.Status != http.StatusOK:
		return FailedMsg(msg.New("check.storefront.status", "Status", p.Status), msg.New("check.storefront.status.fix"), firstLine(p.Body))
	case len(p.PHPErrors) > 0:
		cause := msg.New("check.storefront.php", "Count", p.PHPCount)
		fix := msg.New("check.storefront.php.fix")
		if severePHP(p.PHPErrors) {
			return FailedMsg(cause, fix, strings.Join(p.PHPErrors, "\n"))
		}
		// Deprecations and notices: the page still works, but it shows.
		return WarnedMsg(cause, fix, strings.Join(p.PHPErrors, "\n"))
	}
	return PassedMsg(msg.New("check.storefront.pass"))
}

// severePHP reports a message that is more than a deprecation or a
// notice: a warning, an error or an uncaught exception (the messages
// start with their kind, as storefront.Page gives them).
func severePHP(msgs []string) bool {
	for _, m := range msgs {
		kind, _, _ := strings.Cut(m, ":")
		switch kind {
		case "Deprecated", "Unknown", "Notice", "Strict Standards", "User Deprecated":
		default:
			return true
		}
	}
	return false
}

func (st *state) adminLogin(ctx context.Context) Result {
	admin := st.s.Store.AdminDir
	if admin == "" {
		admin = "admin"
	}
	u := strings.TrimRight(st.s.StoreURL, "/") + "/" + admin + "/index.php?route=common/login"
	body, status, err := st.get(ctx, u)
	if err != nil || status != http.StatusOK {
		return FailedMsg(msg.New("check.admin-login.down"), msg.New("check.admin-login.down.fix"), fmt.Sprintf("HTTP %d %v", status, err))
	}
	if !strings.Contains(body, `name="password"`) {
		return FailedMsg(msg.New("check.admin-login.no_form"), msg.New("check.admin-login.no_form.fix"), firstLine(body))
	}
	return PassedMsg(msg.New("check.admin-login.pass"))
}

func (st *state) https(ctx context.Context) Result {
	u, err := url.Parse(st.s.StoreURL)
	if err != nil {
		return FailedMsg(msg.New("check.https.bad_url"), msg.New("check.https.bad_url.fix"), err.Error())
	}
	if u.Scheme != "https" {
		return WarnedMsg(msg.New("check.https.warn.plain"), msg.New("check.https.warn.plain.fix"), "")
	}
	host := u.Host
	if u.Port() == "" {
		host = net.JoinHostPort(u.Hostname(), "443")
	}
	d := tls.Dialer{Config: &tls.Config{ServerName: u.Hostname()}}
	c, err := d.DialContext(ctx, "tcp", host)
	if err != nil {
		return FailedMsg(msg.New("check.https.invalid"), msg.New("check.https.invalid.fix"), err.Error())
	}
	defer c.Close()
	cert := c.(*tls.Conn).ConnectionState().PeerCertificates[0]
	if left := time.Until(cert.NotAfter); left < 14*24*time.Hour {
		return FailedMsg(msg.New("check.https.expires", "Date", cert.NotAfter.Format("2 January 2006")), msg.New("check.https.expires.fix"), "")
	}
	return PassedMsg(msg.New("check.https.pass", "Date", cert.NotAfter.Format("2 January 2006")))
}

func (st *state) apiLogin(ctx context.Context) Result {
	c := storefront.New(st.s.StoreURL)
	c.HTTP = st.s.HTTP
	user := st.s.APIUser
	if st.s.KeyOnlyLogin {
		user = ""
	}
	login, err := c.APILogin(ctx, st.s.Store.Line, user, st.s.APIKey)
	var le *storefront.LoginError
	switch {
	case errors.As(err, &le) && le.IPNotAllowed && le.BadKey:
		return FailedMsg(msg.New("check.api-login.refused"), msg.New("check.api-login.refused.fix"), le.Raw)
	case errors.As(err, &le) && le.IPNotAllowed:
		return FailedMsg(msg.New("check.api-login.ip", "IP", le.IP), msg.New("check.api-login.ip.fix"), le.Raw)
	case errors.As(err, &le) && le.BadKey && st.s.KeyOnlyLogin && st.s.Store.Line == store.Line30:
		return FailedMsg(msg.New("check.api-login.default_key"), msg.New("check.api-login.default_key.fix"), le.Raw)
	case errors.As(err, &le) && le.BadKey:
		return FailedMsg(msg.New("check.api-login.bad_key"), msg.New("check.api-login.bad_key.fix"), le.Raw)
	case err != nil:
		return FailedMsg(msg.New("check.api-login.fail"), msg.New("check.api-login.fail.fix"), err.Error())
	}
	return PassedMsg(msg.New("check.api-login.pass", "Field", login.Field))
}

func (st *state) allowList(ctx context.Context) Result {
	if len(st.s.ProviderIPs) == 0 {
		// Nothing given is not "all allowed": the provider cannot log in.
		return FailedMsg(msg.New("check.allow-list.none"), msg.New("check.allow-list.none.fix"), "")
	}
	if !st.schema.Has("api_ip") {
		return PassedMsg(msg.New("check.allow-list.pass.none"))
	}
	api, _ := db.Table(st.schema.Prefix, "api")
	apiIP, _ := db.Table(st.schema.Prefix, "api_ip")
	nameCol := st.schema.APINameColumn()
	rows, err := st.db.Query(ctx, fmt.Sprintf("SELECT i.ip FROM %s i JOIN %s a ON a.api_id = i.api_id WHERE a.`%s` = ?", apiIP, api, nameCol), st.s.APIUser)
	if err != nil {
		return FailedMsg(msg.New("check.allow-list.read"), msg.New("check.fix.db_rights"), err.Error())
	}
	have := map[string]bool{}
	for i := 0; i < rows.Len(); i++ {
		have[rows.Row(i).String("ip")] = true
	}
	var missing []string
	for _, ip := range st.s.ProviderIPs {
		if !have[ip] {
			missing = append(missing, ip)
		}
	}
	if len(missing) > 0 {
		return FailedMsg(msg.New("check.allow-list.missing", "User", fmt.Sprintf("%q", st.s.APIUser), "IPs", strings.Join(missing, ", ")),
			msg.New("check.allow-list.missing.fix"), "")
	}
	return PassedMsg(msg.New("check.allow-list.pass", "IPs", strings.Join(st.s.ProviderIPs, ", ")))
}

func (st *state) extension(ctx context.Context) Result {
	ext := st.s.Extension
	table, _ := db.Table(st.schema.Prefix, "extension")
	row, err := st.db.QueryRow(ctx, fmt.Sprintf("SELECT COUNT(*) AS n FROM %s WHERE `type` = ? AND `code` = ?", table), ext.Type, ext.Code)
	if err != nil {
		return FailedMsg(msg.New("check.extension.read"), msg.New("check.fix.db_rights"), err.Error())
	}
	if row.String("n") == "0" {
		return FailedMsg(msg.New("check.extension.missing", "Type", ext.Type, "Code", fmt.Sprintf("%q", ext.Code)),
			msg.New("check.extension.missing.fix"), "")
	}
	if st.s.Store.Line.AtLeast(store.Line40) {
		inst, _ := db.Table(st.schema.Prefix, "extension_install")
		pth, _ := db.Table(st.schema.Prefix, "extension_path")
		row, err := st.db.QueryRow(ctx, fmt.Sprintf("SELECT (SELECT COUNT(*) FROM %s WHERE `code` = ? AND `status` = 1) AS inst, (SELECT COUNT(*) FROM %s WHERE `path` LIKE ?) AS paths", inst, pth), ext.Folder, ext.Folder+"/%")
		if err != nil {
			return FailedMsg(msg.New("check.extension.read_4"), msg.New("check.fix.db_rights"), err.Error())
		}
		if row.String("inst") == "0" || row.String("paths") == "0" {
			return FailedMsg(msg.New("check.extension.no_install_rows"),
				msg.New("check.extension.no_install_rows.fix"), fmt.Sprintf("extension_install: %s, extension_path: %s", row.String("inst"), row.String("paths")))
		}
	}
	return PassedMsg(msg.New("check.extension.pass", "Type", ext.Type, "Code", ext.Code))
}

func (st *state) enabled(ctx context.Context) Result {
	ext := st.s.Extension
	key := ext.Code + "_status"
	if st.s.Store.Line.AtLeast(store.Line30) {
		key = ext.Type + "_" + key
	}
	table, _ := db.Table(st.schema.Prefix, "setting")
	row, err := st.db.QueryRow(ctx, fmt.Sprintf("SELECT value FROM %s WHERE store_id = 0 AND `key` = ?", table), key)
	if errors.Is(err, db.ErrNoRows) || err == nil && row.String("value") != "1" {
		return FailedMsg(msg.New("check.enabled.off", "Key", key), msg.New("check.enabled.off.fix"), "")
	}
	if err != nil {
		return FailedMsg(msg.New("check.enabled.read"), msg.New("check.fix.db_rights"), err.Error())
	}
	return PassedMsg(msg.New("check.enabled.pass", "Key", key))
}

func (st *state) leftovers(ctx context.Context) Result {
	if st.s.Leftovers == nil {
		return PassedMsg(msg.New("check.leftovers.pass.nothing"))
	}
	left, err := st.s.Leftovers(ctx)
	if err != nil {
		return WarnedMsg(msg.New("check.leftovers.unknown"), msg.New("check.fix.run_again"), err.Error())
	}
	if len(left) > 0 {
		return FailedMsg(msg.New("check.leftovers.left"), msg.New("check.leftovers.left.fix"), strings.Join(left, "\n"))
	}
	return PassedMsg(msg.New("check.leftovers.pass"))
}
