package testext

import (
	"slices"
	"testing"
)

func TestPHPMessages(t *testing.T) {
	for _, c := range []struct {
		name, body string
		want       []string
	}{
		{"clean JSON", `{"success":"ok"}`, nil},
		{"4.0's refused API key is not a PHP message", `{"error":"Warning: Incorrect API Key!"}`, nil},
		{"OpenCart 2.3/3.0 label for deprecations",
			"<b>Unknown</b>: strlen(): Passing null to parameter #1 ($string) of type string is deprecated in <b>/s/x.php</b> on line <b>3</b><br />\n{\"a\":1}",
			[]string{"<b>Unknown</b>: strlen(): Passing null to parameter #1 ($string) of type string is deprecated in <b>/s/x.php</b> on line <b>3</b><br />"}},
		{"4.1 label", "<b>Deprecated</b>: x in <b>/a</b> on line <b>1</b>", []string{"<b>Deprecated</b>: x in <b>/a</b> on line <b>1</b>"}},
		{"warning and notice", "<b>Warning</b>: a\n<b>Notice</b>: b", []string{"<b>Warning</b>: a", "<b>Notice</b>: b"}},
		{"fatal error", "<br />\n<b>Fatal error</b>:  Uncaught Exception", []string{"<b>Fatal error</b>:  Uncaught Exception"}},
		{"plain php.ini display", "PHP Warning:  Undefined variable $x in /s/a.php on line 9\n", []string{"PHP Warning:  Undefined variable $x in /s/a.php on line 9"}},
		{"plain without the PHP prefix", "\nWarning: Undefined array key \"SERVER_PORT\" in /s/i.php on line 4\n", []string{"Warning: Undefined array key \"SERVER_PORT\" in /s/i.php on line 4"}},
		{"plain deprecated", "Deprecated: x in /a.php on line 2", []string{"Deprecated: x in /a.php on line 2"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := PHPMessages(c.body); !slices.Equal(got, c.want) {
				t.Errorf("PHPMessages(%q) = %q, want %q", c.body, got, c.want)
			}
		})
	}
}
