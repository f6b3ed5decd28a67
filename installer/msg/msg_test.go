package msg

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestEnglish: a message reads as its English from en.json, with its
// arguments, a message among them, the plural form its count needs, and
// its own English when en.json lacks the key.
func TestEnglish(t *testing.T) {
	for _, c := range []struct {
		m    Msg
		want string
	}{
		{New("check.files-login.pass"), "Logged in."},
		{New("check.https.pass", "Date", "1 May 2030"), "Valid until 1 May 2030."},
		{New("check.db-route.pass", "Route", New("creds.route.ssh")), "Reached by the SSH route."},
		{New("size.bytes", "Count", 1), "1 byte"},
		{New("size.bytes", "Count", 7), "7 bytes"},
		{Msg{Key: "check.no-such.title", Own: "Own title"}, "Own title"},
		{New("no.such.key"), "no.such.key"},
		{Msg{}, ""},
	} {
		if got := c.m.English(); got != c.want {
			t.Errorf("%+v: %q, want %q", c.m, got, c.want)
		}
	}
	if !HasEnglish("check.skipped") || HasEnglish("no.such.key") {
		t.Error("HasEnglish")
	}
}

// TestError: a keyed error reads as its English, followed by its cause
// or with the cause where its text names it, and unwraps to the cause.
func TestError(t *testing.T) {
	cause := errors.New("disk full")
	for _, c := range []struct {
		err  *Error
		want string
	}{
		{NewError("check.files-login.pass"), "Logged in."},
		{Wrap(cause, "check.files-login.pass"), "Logged in.: disk full"},
		{Wrap(cause, "check.https.pass", "Date", "1 May 2030"), "Valid until 1 May 2030.: disk full"},
		{Wrap(cause, "error.deploy.stale_plan"), "disk full: the plan was made for another store or package"},
		{Wrap(NewError("error.keychain.unavailable"), "error.sites.secrets_not_saved", "Site", `"shop"`),
			`the site "shop" was saved without its password and other secrets (no keychain is available on this computer); ocsetup will ask for them when you use it`},
	} {
		if got := c.err.Error(); got != c.want {
			t.Errorf("%+v: %q, want %q", c.err.Msg, got, c.want)
		}
	}
	if err := Wrap(cause, "check.files-login.pass"); !errors.Is(err, cause) {
		t.Error("Wrap does not unwrap to its cause")
	}
}

// TestCauseArg: a cause is an argument in the message's language when it
// has a message of its own, else its own text.
func TestCauseArg(t *testing.T) {
	if m, ok := CauseArg(NewError("error.keychain.unavailable")).(Msg); !ok || m.Key != "error.keychain.unavailable" {
		t.Errorf("a keyed error: %v", CauseArg(NewError("error.keychain.unavailable")))
	}
	if got := CauseArg(errors.New("dbus")); got != "dbus" {
		t.Errorf("a plain error: %v", got)
	}
	if got := CauseArg(Wrap(errors.New("dbus"), "error.keychain.unavailable")); got != "no keychain is available on this computer: dbus" {
		t.Errorf("a keyed error with its cause: %v", got)
	}
}

// TestFromErrorKeeps: an error kept as a message (through JSON, as the
// sync history keeps it) reads in every language as ErrorText reads the
// error itself: keyed errors with their causes, a plural count, an error
// among the arguments, and plain errors in their own words.
func TestFromErrorKeeps(t *testing.T) {
	plain := errors.New("connection reset by peer")
	for _, err := range []error{
		plain,
		NewError("check.files-login.pass"),
		Wrap(plain, "error.remote.too_large"),
		Wrap(Wrap(plain, "error.remote.too_large"), "error.remote.too_large_file", "Name", "a.php", "Limit", 5),
		NewError("size.bytes", "Count", 3),
		NewError("check.db-route.pass", "Route", New("creds.route.ssh")),
	} {
		b, jerr := json.Marshal(FromError(err))
		if jerr != nil {
			t.Fatal(jerr)
		}
		var kept Msg
		if jerr := json.Unmarshal(b, &kept); jerr != nil {
			t.Fatal(jerr)
		}
		for _, lang := range []string{"en", "ru"} {
			want := ErrorText(err, func(m Msg) string { return m.In(lang) })
			if got := kept.In(lang); got != want {
				t.Errorf("%v in %s: kept %q, want %q (%s)", err, lang, got, want, b)
			}
		}
	}
}

// detailedErr is a typed error whose English adds a technical detail.
type detailedErr struct{}

func (detailedErr) Msg() Msg      { return New("check.files-login.pass") }
func (detailedErr) Error() string { return "Logged in. (PASS: 530 rejected)" }

// TestErrorTextDetailed: the command line keeps a typed error's technical
// detail after its message in any language; the app's text leaves it out.
func TestErrorTextDetailed(t *testing.T) {
	ru := func(m Msg) string { return m.In("ru") }
	want := New("check.files-login.pass").In("ru")
	if got := ErrorTextDetailed(detailedErr{}, ru); got != want+" (PASS: 530 rejected)" {
		t.Errorf("detailed: %q", got)
	}
	if got := ErrorText(detailedErr{}, ru); got != want {
		t.Errorf("plain: %q", got)
	}
}

// TestOSErrorsInTheUsersLanguage: a file the system cannot open reads as
// the system says it in English, and in the user's words in Russian.
func TestOSErrorsInTheUsersLanguage(t *testing.T) {
	dir := t.TempDir()
	_, err := os.Open(filepath.Join(dir, "missing.yaml"))
	if err == nil {
		t.Fatal("opened a file that is not there")
	}
	wrapped := Wrap(err, "error.remote.too_large")
	en := ErrorText(wrapped, func(m Msg) string { return m.In("en") })
	if en != wrapped.Error() {
		t.Errorf("English %q, want the system's %q", en, wrapped.Error())
	}
	ru := ErrorText(wrapped, func(m Msg) string { return m.In("ru") })
	if strings.Contains(ru, "no such file") || !strings.Contains(ru, "нет такого файла") {
		t.Errorf("Russian: %q", ru)
	}
}
