package msg

import (
	"errors"
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
	} {
		if got := c.err.Error(); got != c.want {
			t.Errorf("%+v: %q, want %q", c.err.Msg, got, c.want)
		}
	}
	if err := Wrap(cause, "check.files-login.pass"); !errors.Is(err, cause) {
		t.Error("Wrap does not unwrap to its cause")
	}
}
