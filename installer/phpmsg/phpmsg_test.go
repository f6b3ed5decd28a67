package phpmsg

import (
	"strings"
	"testing"
)

func TestFindEveryForm(t *testing.T) {
	cases := []struct {
		name, body, kind string
	}{
		{"opencart 2.3 deprecation", `<b>Unknown</b>: Creation of dynamic property Proxy::$getEvents is deprecated in <b>/srv/oc/system/engine/proxy.php</b> on line <b>8</b><!DOCTYPE html>`, "Unknown"},
		{"opencart warning", `<b>Warning</b>: Array to string conversion in <b>/srv/oc/catalog/controller/product/product.php</b> on line <b>12</b>`, "Warning"},
		{"opencart notice", `<b>Notice</b>: Undefined index: x in <b>/a/b.php</b> on line <b>3</b>`, "Notice"},
		{"4.1 deprecated", `<b>Deprecated</b>: strlen(): Passing null to parameter #1 ($string) of type string is deprecated in <b>/x/ocnoise.php</b> on line <b>5</b>`, "Deprecated"},
		{"php html_errors", "<br />\n<b>Fatal error</b>:  Uncaught Exception: boom in /x/y.php:3\nStack trace:\n#0 {main}\n  thrown in <b>/x/y.php</b> on line <b>3</b><br />\n", "Fatal error"},
		{"parse error", "<br />\n<b>Parse error</b>:  syntax error, unexpected '}' in <b>/x/y.php</b> on line <b>9</b><br />", "Parse error"},
		{"plain display", "PHP Warning:  Undefined variable $a in /x/y.php on line 2\n{\"success\":1}", "Warning"},
		{"plain display without prefix", "Warning: Undefined variable $a in /x/y.php on line 2\n", "Warning"},
		{"opencart fatal", `<b>Fatal Error</b>: oops in <b>/x/y.php</b> on line <b>4</b>`, "Fatal Error"},
		{"4.x exception", `<b>Call to undefined method Foo::bar()</b>: in <b>/x/y.php</b> on line <b>7</b>`, "Exception"},
	}
	f := New()
	for _, c := range cases {
		got := f.Find(c.body, 0)
		if len(got) != 1 {
			t.Errorf("%s: found %d messages in %q, want 1: %+v", c.name, len(got), c.body, got)
			continue
		}
		if got[0].Kind != c.kind {
			t.Errorf("%s: kind %q, want %q", c.name, got[0].Kind, c.kind)
		}
		if strings.Contains(got[0].Text, "<b>") {
			t.Errorf("%s: text keeps HTML: %q", c.name, got[0].Text)
		}
	}
}

func TestNotMessages(t *testing.T) {
	f := New()
	for _, body := range []string{
		`{"error":"Warning: Incorrect API Key!"}`, // 4.0's own answer
		`<div class="alert alert-danger">Warning: You do not have permission to modify payments!</div>`,
		`<p>Notice: our shop is closed on Sunday in the city on line 3 of the bus.</p>`,
		`<!DOCTYPE html><html><body>fine</body></html>`,
	} {
		if got := f.Find(body, 0); len(got) != 0 {
			t.Errorf("%q: found %+v, want none", body, got)
		}
	}
}

func TestStripLeavesJSON(t *testing.T) {
	f := New()
	body := strings.Repeat(`<b>Unknown</b>: Creation of dynamic property Proxy::$x is deprecated in <b>/p/proxy.php</b> on line <b>8</b>`, 40) +
		"<b>Warning</b>: Cannot modify header information - headers already sent by (output started at /p/proxy.php:8) in <b>/p/response.php</b> on line <b>12</b>" +
		`{"success":"Success: API session successfully started!","token":"abc{main}"}`
	if n := f.Count(body); n != 41 {
		t.Fatalf("Count = %d, want 41", n)
	}
	if got := f.Strip(body); got != `{"success":"Success: API session successfully started!","token":"abc{main}"}` {
		t.Fatalf("Strip = %q", got)
	}
	if got := f.Find(body, 3); len(got) != 3 {
		t.Fatalf("Find with max 3 = %d", len(got))
	}
}
