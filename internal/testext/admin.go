package testext

import (
	"context"
	"fmt"
	"html"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/ocsetup/ocsetup/internal/testenv"
)

// Admin is a logged-in session in a real store's admin, driven with plain
// HTTP calls as a merchant's browser would make them.
type Admin struct {
	rs    testenv.RealStore
	c     *client
	token string
	// Variant is the extension Install, the extension actions and the
	// settings helpers act on; AdminLogin sets Default().
	Variant Variant
	// Answers holds every answer of the session, for failure reports.
	Answers []Answer
}

var tokenInURL = regexp.MustCompile(`(?:user_)?token=([0-9A-Za-z]+)`)

// AdminLogin logs in as rs.AdminUser the line's way: 2.3 and 3.0 answer the
// login form with a redirect carrying the token; 4.x posts to
// common/login.login with the login_token of the form and answers JSON.
func AdminLogin(ctx context.Context, rs testenv.RealStore) (*Admin, error) {
	a := &Admin{rs: rs, Variant: Default()}
	a.c = newClient(&a.Answers)
	form := url.Values{"username": {rs.AdminUser}, "password": {rs.AdminPassword}}
	page, err := a.c.get(ctx, "admin login page", a.url("common/login"))
	if err != nil {
		return nil, err
	}
	var target string
	if rs.Line == "2.3" || rs.Line == "3.0" {
		ans, err := a.c.post(ctx, "admin login", a.url("common/login"), form)
		if err != nil {
			return nil, err
		}
		target = ans.Location
	} else {
		m := regexp.MustCompile(`login_token=([0-9a-zA-Z]+)`).FindStringSubmatch(page.Body)
		if m == nil {
			return nil, fmt.Errorf("admin login page of OpenCart %s: no login_token (HTTP %d)", rs.Version, page.Status)
		}
		ans, err := a.c.post(ctx, "admin login", a.url("common/login.login")+"&login_token="+m[1], form)
		if err != nil {
			return nil, err
		}
		var out struct {
			Redirect string `json:"redirect"`
			Error    any    `json:"error"`
		}
		if err := ans.JSON(&out); err != nil {
			return nil, err
		}
		target = html.UnescapeString(out.Redirect)
	}
	m := tokenInURL.FindStringSubmatch(target)
	if m == nil {
		return nil, fmt.Errorf("admin login of OpenCart %s as %q failed: %s", rs.Version, rs.AdminUser, a.last())
	}
	a.token = m[1]
	return a, nil
}

func (a *Admin) last() string {
	if len(a.Answers) == 0 {
		return "no answer"
	}
	l := a.Answers[len(a.Answers)-1]
	return fmt.Sprintf("%s: HTTP %d %s %.400q", l.Step, l.Status, l.Location, l.Body)
}

func (a *Admin) url(route string) string {
	return a.rs.URL + a.rs.AdminDir + "/index.php?route=" + route
}

// route returns the admin URL of route with the session token.
func (a *Admin) route(route string) string {
	name := "user_token"
	if a.rs.Line == "2.3" {
		name = "token"
	}
	return a.url(route) + "&" + name + "=" + a.token
}

// Install installs the package built by Package (PackageOf for a.Variant)
// the line's own way, runs the extension's install() through the store's
// Extensions page of its type and saves its settings.
//   - 2.3: the installer page's .ocmod.zip path needs the store's FTP
//     settings, so the files go in as a merchant's FTP client would put
//     them (copied into the store, owned by the store's account) and
//     install.xml through the installer as an .ocmod.xml; then the
//     modifications are refreshed.
//   - 3.0: the installer page takes the .ocmod.zip (upload, then the chain
//     of steps it answers with); modifications refreshed.
//   - 4.x: the installer page takes the zip into storage/marketplace and its
//     install action unpacks it into extension/<code>.
func (a *Admin) Install(ctx context.Context, pkg string, s Settings) error {
	if err := a.InstallPackage(ctx, pkg); err != nil {
		return err
	}
	return a.SaveSettings(ctx, s)
}

// InstallPackage does what Install does but for the settings: the files
// (and install.xml) the line's way, then the extension's install().
func (a *Admin) InstallPackage(ctx context.Context, pkg string) error {
	var err error
	switch a.rs.Line {
	case "2.3":
		err = a.install23(ctx)
	case "3.0":
		err = a.install30(ctx, pkg)
	default:
		err = a.install4(ctx, pkg)
	}
	if err != nil {
		return err
	}
	return a.InstallExtension(ctx)
}

func (a *Admin) install23(ctx context.Context) error {
	files, err := FilesOf("2.3", a.Variant)
	if err != nil {
		return err
	}
	for rel, b := range files {
		p := filepath.Join(a.rs.Root, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			return err
		}
		if err := os.Chown(p, a.rs.Owner, a.rs.Group); err != nil {
			return err
		}
	}
	if !a.Variant.InstallXML {
		return nil
	}
	xml, err := SourceOf("2.3", a.Variant, "install.xml")
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "testext-xml-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	p := filepath.Join(dir, a.Variant.Code+".ocmod.xml")
	if err := os.WriteFile(p, xml, 0o644); err != nil {
		return err
	}
	ans, err := a.c.upload(ctx, "installer upload", a.route("extension/installer/upload"), p)
	if err != nil {
		return err
	}
	var up struct {
		Error any `json:"error"`
		Step  []struct {
			URL  string `json:"url"`
			Path string `json:"path"`
		} `json:"step"`
	}
	if err := ans.JSON(&up); err != nil {
		return err
	}
	if up.Error != nil {
		return fmt.Errorf("installer upload: %v", up.Error)
	}
	for _, st := range up.Step {
		ans, err := a.c.post(ctx, "installer step", html.UnescapeString(st.URL), url.Values{"path": {st.Path}})
		if err != nil {
			return err
		}
		var out struct {
			Error any `json:"error"`
		}
		if err := ans.JSON(&out); err != nil {
			return err
		}
		if out.Error != nil {
			return fmt.Errorf("installer step %s: %v", st.URL, out.Error)
		}
	}
	return a.refresh(ctx, "extension/modification/refresh")
}

func (a *Admin) install30(ctx context.Context, pkg string) error {
	ans, err := a.c.upload(ctx, "installer upload", a.route("marketplace/installer/upload"), pkg)
	if err != nil {
		return err
	}
	if err := a.followSteps(ctx, ans); err != nil {
		return err
	}
	return a.refresh(ctx, "marketplace/modification/refresh")
}

// followSteps follows the installer's JSON answers {"next": url} until one
// says success or error.
func (a *Admin) followSteps(ctx context.Context, ans Answer) error {
	for i := 0; ; i++ {
		var out struct {
			Error   any    `json:"error"`
			Next    string `json:"next"`
			Success string `json:"success"`
		}
		if err := ans.JSON(&out); err != nil {
			return err
		}
		if out.Error != nil {
			return fmt.Errorf("%s: %v", ans.Step, out.Error)
		}
		if out.Next == "" {
			return nil
		}
		if i > 50 {
			return fmt.Errorf("installer: more than 50 steps")
		}
		var err error
		if ans, err = a.c.get(ctx, "installer step", html.UnescapeString(out.Next)); err != nil {
			return err
		}
	}
}

// refresh rebuilds the modification cache, as the Modifications page's
// Refresh button does; 3.0 answers with a redirect to the list, 2.3 with
// the list itself (its redirect is commented out) and no message.
func (a *Admin) refresh(ctx context.Context, route string) error {
	ans, err := a.c.get(ctx, "refresh modifications", a.route(route))
	if err != nil {
		return err
	}
	redirected := ans.Status == 302 && strings.Contains(ans.Location, "modification")
	listed := ans.Status == 200 && !strings.Contains(ans.Body, "alert-danger") && PHPMessages(ans.Body) == nil
	if !redirected && !listed {
		return fmt.Errorf("refresh modifications: %s", a.last())
	}
	return nil
}

var installID = regexp.MustCompile(`installer\.install&(?:amp;)?user_token=[0-9a-zA-Z]+&(?:amp;)?extension_install_id=(\d+)`)

func (a *Admin) install4(ctx context.Context, pkg string) error {
	ans, err := a.c.upload(ctx, "installer upload", a.route("marketplace/installer.upload"), pkg)
	if err != nil {
		return err
	}
	var up struct {
		Error   any    `json:"error"`
		Success string `json:"success"`
	}
	if err := ans.JSON(&up); err != nil {
		return err
	}
	if up.Error != nil || up.Success == "" {
		return fmt.Errorf("installer upload: %v", a.last())
	}
	list, err := a.c.get(ctx, "installer list", a.route("marketplace/installer.list"))
	if err != nil {
		return err
	}
	// The list has a row per package: take the Install button of ours.
	var m []string
	for _, row := range strings.Split(list.Body, "<tr") {
		if strings.Contains(row, a.Variant.Title) {
			m = installID.FindStringSubmatch(row)
			break
		}
	}
	if m == nil {
		return fmt.Errorf("installer list: no Install button in the row of %q: %s", a.Variant.Title, a.last())
	}
	id, _ := strconv.Atoi(m[1])
	ans, err = a.c.get(ctx, "installer install", a.route("marketplace/installer.install")+"&extension_install_id="+strconv.Itoa(id))
	if err != nil {
		return err
	}
	return a.followSteps(ctx, ans)
}

// InstallExtension presses Install for a.Variant on the Extensions page of
// its type: the store adds its extension row and permissions, then runs
// the extension's install().
func (a *Admin) InstallExtension(ctx context.Context) error {
	return a.extensionAction(ctx, "install")
}

// UninstallExtension presses Uninstall: the store removes the extension row
// and its settings, then runs the extension's uninstall().
func (a *Admin) UninstallExtension(ctx context.Context) error {
	return a.extensionAction(ctx, "uninstall")
}

func (a *Admin) extensionAction(ctx context.Context, action string) error {
	v := a.Variant
	step := action + " " + v.Type
	switch a.rs.Line {
	case "2.3", "3.0":
		// The list page comes back, with an alert-danger on failure.
		ans, err := a.c.get(ctx, step, a.route("extension/extension/"+v.Type+"/"+action)+"&extension="+v.Code)
		if err != nil {
			return err
		}
		if ans.Status != 200 || PHPMessages(ans.Body) != nil || strings.Contains(ans.Body, "alert-danger") {
			return fmt.Errorf("%s: %s", step, a.last())
		}
	default:
		ans, err := a.c.get(ctx, step, a.route("extension/"+v.Type+"."+action)+"&extension="+v.Code+"&code="+v.Code)
		if err != nil {
			return err
		}
		var out struct {
			Error   any    `json:"error"`
			Success string `json:"success"`
		}
		if err := ans.JSON(&out); err != nil {
			return err
		}
		if out.Error != nil || out.Success == "" {
			return fmt.Errorf("%s: %s", step, a.last())
		}
	}
	return nil
}

// Settings are ocpay's settings form. The keys carry the line's prefix
// when posted (ocpay_ on 2.3, payment_ocpay_ after).
type Settings struct {
	Status        bool
	MerchantID    string
	Secret        string
	Sandbox       bool
	OrderStatusID int
	SortOrder     int
	PaymentTerms  []string
}

// DefaultSettings are valid settings with the method on.
func DefaultSettings() Settings {
	return Settings{Status: true, MerchantID: "M-1001", Secret: "s3cret", Sandbox: true, OrderStatusID: 1, SortOrder: 1}
}

// Prefix returns the line's prefix of ocpay's setting keys.
func Prefix(line string) string { return Default().Prefix(line) }

// Form returns the settings as the settings page posts them.
func (s Settings) Form(line string) url.Values {
	p := Prefix(line)
	v := url.Values{}
	v.Set(p+"status", boolString(s.Status))
	v.Set(p+"merchant_id", s.MerchantID)
	v.Set(p+"secret", s.Secret)
	if s.Sandbox {
		v.Set(p+"sandbox", "1")
	}
	v.Set(p+"order_status_id", strconv.Itoa(s.OrderStatusID))
	v.Set(p+"sort_order", strconv.Itoa(s.SortOrder))
	for _, t := range s.PaymentTerms {
		v.Add(p+"payment_terms[]", t)
	}
	return v
}

func boolString(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

// SettingsRoute is the admin route of ocpay's settings page; SaveRoute is
// where its form posts (the page itself on 2.3/3.0, a JSON action on 4.x).
func SettingsRoute(line string) string { return Default().SettingsRoute(line) }

// SaveRoute is where the settings form posts.
func SaveRoute(line string) string { return Default().SaveRoute(line) }

// SettingsPage returns a.Variant's settings page.
func (a *Admin) SettingsPage(ctx context.Context) (Answer, error) {
	return a.c.get(ctx, "settings page", a.route(a.Variant.SettingsRoute(a.rs.Line)))
}

// PostSettings posts the settings form and returns the answer as is:
// 2.3/3.0 answer a redirect when saved and the page with its errors when
// not; 4.x answers JSON with "success" or "error".
func (a *Admin) PostSettings(ctx context.Context, s Settings) (Answer, error) {
	return a.PostValues(ctx, s.Form(a.rs.Line))
}

// PostValues posts a.Variant's settings form with the values as they are
// (keys with the line's prefix) and returns the answer as PostSettings.
func (a *Admin) PostValues(ctx context.Context, form url.Values) (Answer, error) {
	return a.c.post(ctx, "save settings", a.route(a.Variant.SaveRoute(a.rs.Line)), form)
}

// SaveSettings posts ocpay's settings and requires the store to accept them.
func (a *Admin) SaveSettings(ctx context.Context, s Settings) error {
	return a.SaveValues(ctx, s.Form(a.rs.Line))
}

// SaveValues posts a.Variant's settings form and requires the store to
// accept it.
func (a *Admin) SaveValues(ctx context.Context, form url.Values) error {
	ans, err := a.PostValues(ctx, form)
	if err != nil {
		return err
	}
	switch a.rs.Line {
	case "2.3", "3.0":
		if ans.Status != 302 {
			return fmt.Errorf("save settings: %s", a.last())
		}
	default:
		var out struct {
			Error   any    `json:"error"`
			Success string `json:"success"`
		}
		if err := ans.JSON(&out); err != nil {
			return err
		}
		if out.Error != nil || out.Success == "" {
			return fmt.Errorf("save settings: %s", a.last())
		}
	}
	return nil
}
