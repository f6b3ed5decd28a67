package msg

import "testing"

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
