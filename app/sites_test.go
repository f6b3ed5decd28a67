package app_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/test"
	"github.com/zalando/go-keyring"

	"github.com/ocsetup/ocsetup/app"
	"github.com/ocsetup/ocsetup/installer/remote"
)

// fyne.Preferences is what the GUI hands to app.NewSites.
var _ app.Preferences = fyne.Preferences(nil)

// The secrets every test saves; each must stay out of the preferences.
// They hold characters that JSON escapes, so that a leak is found in any
// encoding the file may use.
var (
	testSecrets = app.SiteSecrets{
		Password:      `p@ss"wörd<1>&`,
		KeyPassphrase: "key-passphrase-8d1c",
		Settings: map[string]string{
			"access_code":         "SILgpo7pWbmzuURp2qri",
			"request_sha_phrase":  "req-phrase-$2y$10",
			"response_sha_phrase": "resp-phrase-9f0e",
		},
	}
	// nonSecret is saved as a setting; the file search must find it, or
	// the search proves nothing.
	nonSecret = "TESTMERCHANT-0042"
)

func secretValues() []string {
	out := []string{testSecrets.Password, testSecrets.KeyPassphrase}
	for _, v := range testSecrets.Settings {
		out = append(out, v)
	}
	return out
}

func testSites() []app.SavedSite {
	sftp := app.SiteFromRemote("Shop over SFTP", remote.Site{Protocol: remote.SFTP, Host: "shop.example.com", Port: 22,
		User: "shopuser", Password: testSecrets.Password, Path: "/public_html"})
	sftp.Store, sftp.Integration = "/home/shopuser/public_html", "amazon_ps"
	sftp.Settings = map[string]string{"merchant_identifier": nonSecret, "command": "PURCHASE", "sandbox_mode": "1"}
	ftps := app.SiteFromRemote("", remote.Site{Protocol: remote.FTPS, Host: "ftp.example.net", User: "merchant"})
	ftps.Name = app.DefaultSiteName(remote.Site{Host: "ftp.example.net", User: "merchant"})
	ftps.Integration = "onebox"
	return []app.SavedSite{sftp, ftps}
}

// childVar names, in a child process of the test binary, the test it is
// to run there. The sites are saved in a child for two reasons: a real
// Fyne app watches its config folder for the rest of the process (and
// makes it again when removed), and keyring.MockInit swaps a
// process-wide provider with no way back. The parent reads the
// preferences file after the child has exited, as after a real run.
const childVar = "OCSETUP_TEST_SITES_CHILD"

// inChild reruns the calling test in a child process with env added and
// returns false once the child passed; in the child it returns true.
func inChild(t *testing.T, env ...string) bool {
	t.Helper()
	if os.Getenv(childVar) == t.Name() {
		return true
	}
	cmd := exec.Command(os.Args[0], "-test.run=^"+t.Name()+"$", "-test.v", "-test.count=1")
	cmd.Env = append(append(os.Environ(), childVar+"="+t.Name()), env...)
	out, err := cmd.CombinedOutput()
	if err != nil || !bytes.Contains(out, []byte("--- PASS: "+t.Name())) {
		t.Fatalf("%s in a child process failed (%v):\n%s", t.Name(), err, out)
	}
	return false
}

// preferencesFile is where a real Fyne app with this ID keeps its
// preferences under the config folder dir.
func preferencesFile(dir string) string {
	return filepath.Join(dir, "fyne", prefsAppID, "preferences.json")
}

const prefsAppID = app.ID + ".sitestest"

// realPreferences returns the preferences of a real Fyne app: the GLFW
// driver's app, as the shipped binary uses, which saves them to
// preferencesFile($XDG_CONFIG_HOME).
func realPreferences(t *testing.T) fyne.Preferences {
	t.Helper()
	a := fyneapp.NewWithID(prefsAppID)
	// The real preferences write the file at once on the first change
	// and write later changes from a goroutine through fyne.DoAndWait on
	// the current app. With no GLFW loop running, the test app makes
	// that call run at once.
	test.NewTempApp(t)
	return a.Preferences()
}

// waitPreferencesFile waits until the file at path holds what done wants
// (the preferences are written as they change, the last change from a
// goroutine) and returns its bytes and every string in it; a string that
// is itself JSON, as the sites document is, is opened too.
func waitPreferencesFile(t *testing.T, path string, what string, done func(texts []string) bool) (raw []byte, texts []string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		raw, _ = os.ReadFile(path)
		var doc any
		texts = nil
		if json.Unmarshal(raw, &doc) == nil {
			texts = allStrings(doc)
		}
		if done(texts) {
			return raw, texts
		}
		if time.Now().After(deadline) {
			t.Fatalf("the preferences file %s never showed %s; it holds:\n%s", path, what, raw)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func allStrings(v any) []string {
	var out []string
	switch v := v.(type) {
	case string:
		out = append(out, v)
		var inner any
		if json.Unmarshal([]byte(v), &inner) == nil {
			out = append(out, allStrings(inner)...)
		}
	case map[string]any:
		for k, x := range v {
			out = append(out, k)
			out = append(out, allStrings(x)...)
		}
	case []any:
		for _, x := range v {
			out = append(out, allStrings(x)...)
		}
	}
	return out
}

func containsText(texts []string, s string) bool {
	for _, x := range texts {
		if strings.Contains(x, s) {
			return true
		}
	}
	return false
}

// assertNoSecret fails if any secret shows in the file, decoded or as
// bytes in any of the escapings JSON may give it (once or twice encoded).
func assertNoSecret(t *testing.T, raw []byte, texts []string) {
	t.Helper()
	if !containsText(texts, nonSecret) {
		t.Fatalf("the non-secret setting %q is not in the preferences file, so the search for secrets cannot work:\n%s", nonSecret, raw)
	}
	for _, s := range secretValues() {
		once := jsonEscape(s)
		twice := jsonEscape(once)
		for _, f := range []string{s, once, twice} {
			if bytes.Contains(raw, []byte(f)) {
				t.Errorf("the secret %q is in the preferences file as %q", s, f)
			}
		}
		if containsText(texts, s) {
			t.Errorf("the secret %q is in the preferences file", s)
		}
	}
}

// jsonEscape is s as it shows inside a JSON string, without the quotes.
func jsonEscape(s string) string {
	b, _ := json.Marshal(s)
	return string(b[1 : len(b)-1])
}

const (
	sftpName = "Shop over SFTP"
	ftpsName = "merchant@ftp.example.net"
)

// listsAll is a waitPreferencesFile condition: every test site is saved.
func listsAll(texts []string) bool {
	return containsText(texts, sftpName) && containsText(texts, ftpsName)
}

// finalState is the condition for the end of both scenarios: the FTPS
// site deleted, the SFTP site saved again without secrets.
func finalState(texts []string) bool {
	return containsText(texts, sftpName) && !containsText(texts, ftpsName)
}

// runSitesScenario saves the test sites with their secrets, checks the
// preferences file, then saves one without secrets and deletes the other.
// check runs after the first saves with their error.
func runSitesScenario(t *testing.T, keys app.Keychain, check func(sites *app.Sites, saveErr error)) {
	t.Helper()
	file := preferencesFile(os.Getenv("XDG_CONFIG_HOME"))
	sites := app.NewSites(realPreferences(t), keys)
	var saveErr error
	for _, s := range testSites() {
		if err := sites.Save(s, testSecrets); err != nil && saveErr == nil {
			saveErr = err
		}
	}
	check(sites, saveErr)
	raw, texts := waitPreferencesFile(t, file, "both sites", listsAll)
	assertNoSecret(t, raw, texts)

	got, err := sites.Get(sftpName)
	if err != nil || got.Host != "shop.example.com" || got.Store != "/home/shopuser/public_html" ||
		got.Settings["merchant_identifier"] != nonSecret {
		t.Fatalf("Get: %+v, %v", got, err)
	}
	// The user chose not to keep the password: nothing is left to tell
	// about, and no secret stays behind.
	if err := sites.Save(got, app.SiteSecrets{}); err != nil {
		t.Fatalf("Save without secrets: %v", err)
	}
	if _, err := sites.Secrets(sftpName); !errors.Is(err, app.ErrSecretNotFound) {
		t.Fatalf("Secrets after saving without them: %v", err)
	}
	if err := sites.Delete(ftpsName); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if _, err := sites.Get(ftpsName); !errors.Is(err, app.ErrSiteNotFound) {
		t.Fatalf("Get after Delete: %v", err)
	}
	if err := sites.Delete(ftpsName); !errors.Is(err, app.ErrSiteNotFound) {
		t.Fatalf("second Delete: %v", err)
	}
	waitPreferencesFile(t, file, "the FTPS site deleted", finalState)
}

// checkFileAfterRun is the parent's part: after the child saved sites
// with secrets and exited, its preferences file holds none of them.
func checkFileAfterRun(t *testing.T, config string) {
	t.Helper()
	raw, texts := waitPreferencesFile(t, preferencesFile(config), "the final list", finalState)
	assertNoSecret(t, raw, texts)
}

// TestSitesWithoutKeychain runs where no keychain exists, for real: the
// session bus named to go-keyring does not exist, as on a server, in a
// container, in CI and on this machine. The sites are saved, their secrets
// are not, the user is told so, and the preferences file holds no secret.
func TestSitesWithoutKeychain(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the no-keychain case is made by hiding the D-Bus session bus, which only Linux uses")
	}
	config := t.TempDir()
	if !inChild(t, "XDG_CONFIG_HOME="+config, "DBUS_SESSION_BUS_ADDRESS=unix:path="+filepath.Join(config, "no-bus")) {
		checkFileAfterRun(t, config)
		return
	}
	keys := app.NewOSKeychain()
	if err := keys.Set("probe", "x"); !errors.Is(err, app.ErrKeychainUnavailable) {
		t.Fatalf("the OS keychain with no session bus: %v, want ErrKeychainUnavailable", err)
	}
	runSitesScenario(t, keys, func(sites *app.Sites, err error) {
		var notSaved *app.SecretsNotSavedError
		if !errors.As(err, &notSaved) || !errors.Is(err, app.ErrKeychainUnavailable) {
			t.Fatalf("Save with no keychain: %v, want a SecretsNotSavedError for the missing keychain", err)
		}
		if !strings.Contains(err.Error(), "without its password") || notSaved.Site != sftpName {
			t.Fatalf("the message does not tell the user: %q", err)
		}
		list, err := sites.List()
		if err != nil || len(list) != 2 {
			t.Fatalf("List: %v, %d sites", err, len(list))
		}
		for _, s := range list {
			if s.SecretsSaved {
				t.Errorf("%q marked as having its secrets saved", s.Name)
			}
			if _, err := sites.Secrets(s.Name); !errors.Is(err, app.ErrSecretNotFound) {
				t.Errorf("Secrets(%q): %v, want ErrSecretNotFound", s.Name, err)
			}
			if r := s.Remote(app.SiteSecrets{}); r.Password != "" || r.Host != s.Host {
				t.Errorf("Remote: %+v", r)
			}
		}
	})
}

// TestSitesWithKeychain uses go-keyring's mock in place of a keychain:
// the secrets go there, come back whole, leave with their site, and never
// reach the preferences.
func TestSitesWithKeychain(t *testing.T) {
	config := t.TempDir()
	if !inChild(t, "XDG_CONFIG_HOME="+config) {
		checkFileAfterRun(t, config)
		return
	}
	keyring.MockInit()
	keys := app.NewOSKeychain()
	runSitesScenario(t, keys, func(sites *app.Sites, err error) {
		if err != nil {
			t.Fatalf("Save with a keychain: %v", err)
		}
		for _, name := range []string{sftpName, ftpsName} {
			s, err := sites.Get(name)
			if err != nil || !s.SecretsSaved {
				t.Fatalf("Get(%q): %+v, %v", name, s, err)
			}
			sec, err := sites.Secrets(name)
			if err != nil {
				t.Fatalf("Secrets(%q): %v", name, err)
			}
			if sec.Password != testSecrets.Password || sec.KeyPassphrase != testSecrets.KeyPassphrase ||
				len(sec.Settings) != 3 || sec.Settings["request_sha_phrase"] != testSecrets.Settings["request_sha_phrase"] {
				t.Fatalf("Secrets(%q) = %+v", name, sec)
			}
			if r := s.Remote(sec); r.Password != testSecrets.Password || r.Host != s.Host {
				t.Fatalf("Remote: %+v", r)
			}
		}
	})
	for _, name := range []string{sftpName, ftpsName} {
		if _, err := keys.Get("site:" + name); !errors.Is(err, app.ErrSecretNotFound) {
			t.Errorf("the keychain still holds the secrets of %q: %v", name, err)
		}
	}
}

// TestSitesRefuseSecretSettings keeps a caller's mistake out of the file:
// a secret passed as a plain setting is refused, not written.
func TestSitesRefuseSecretSettings(t *testing.T) {
	prefs := test.NewTempApp(t).Preferences()
	sites := app.NewSites(prefs, app.NewOSKeychain())
	s := testSites()[0]
	s.Settings = map[string]string{"merchant_identifier": nonSecret, "request_sha_phrase": "oops"}
	err := sites.Save(s, app.SiteSecrets{})
	if err == nil || !strings.Contains(err.Error(), "request_sha_phrase") {
		t.Fatalf("Save with a secret setting: %v", err)
	}
	if v := prefs.String(app.SitesKey); v != "" {
		t.Fatalf("the preferences were written: %s", v)
	}
	if err := sites.Save(app.SavedSite{Name: "  "}, app.SiteSecrets{}); err == nil {
		t.Fatal("a site with no name was saved")
	}
}

// TestSitesUnreadable reports a damaged list instead of overwriting it.
func TestSitesUnreadable(t *testing.T) {
	const damaged = `{"version":1,"sites":[{"name":`
	prefs := test.NewTempApp(t).Preferences()
	prefs.SetString(app.SitesKey, damaged)
	sites := app.NewSites(prefs, app.NewOSKeychain())
	if _, err := sites.List(); err == nil {
		t.Fatal("List of a damaged document succeeded")
	}
	if err := sites.Save(testSites()[1], app.SiteSecrets{}); err == nil {
		t.Fatal("Save over a damaged document succeeded")
	}
	if prefs.String(app.SitesKey) != damaged {
		t.Fatal("the damaged document was overwritten")
	}
}

// promptingKeychain stands for a locked keychain: Set waits until the test
// says the user has unlocked it.
type promptingKeychain struct {
	asked, unlocked chan struct{}
	secret          string
}

func (k *promptingKeychain) Set(_, secret string) error {
	close(k.asked)
	<-k.unlocked
	k.secret = secret
	return nil
}
func (k *promptingKeychain) Get(string) (string, error) { return k.secret, nil }
func (k *promptingKeychain) Delete(string) error        { return nil }

// TestSitesListWhileKeychainWaits: the UI lists sites on its own goroutine
// while a Save waits for the user to unlock the keychain; the list must
// not wait with it.
func TestSitesListWhileKeychainWaits(t *testing.T) {
	keys := &promptingKeychain{asked: make(chan struct{}), unlocked: make(chan struct{})}
	sites := app.NewSites(test.NewTempApp(t).Preferences(), keys)
	if err := sites.Save(testSites()[1], app.SiteSecrets{}); err != nil {
		t.Fatal(err)
	}
	saved := make(chan error, 1)
	go func() { saved <- sites.Save(testSites()[0], testSecrets) }()
	<-keys.asked

	listed := make(chan int, 1)
	go func() {
		list, _ := sites.List()
		listed <- len(list)
	}()
	select {
	case n := <-listed:
		if n != 1 {
			t.Errorf("List during the prompt: %d sites, want the 1 saved before", n)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("List waited for the keychain prompt")
	}
	close(keys.unlocked)
	if err := <-saved; err != nil {
		t.Fatal(err)
	}
	if s, err := sites.Get(sftpName); err != nil || !s.SecretsSaved {
		t.Fatalf("after the prompt: %+v, %v", s, err)
	}
}
