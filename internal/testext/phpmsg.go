package testext

import (
	"regexp"
	"strings"
)

// PHP prints its messages in two shapes: HTML (<b>Warning</b>: … in <b>file</b>
// on line <b>N</b>, with html_errors on, and OpenCart's own handler, which
// labels E_DEPRECATED "Unknown" on 2.x/3.0) and plain text (php.ini display
// with html_errors off, "PHP Warning:  …" on the CLI server). The plain form is
// matched only at the start of a line and with its "on line N" tail, so an
// API answer such as {"error":"Warning: Incorrect API Key!"} is not taken
// for one.
var (
	htmlMessage  = regexp.MustCompile(`<b>(Warning|Notice|Deprecated|Unknown|Fatal error|Parse error|Strict Standards|Catchable fatal error|Recoverable fatal error)</b>:[^\n]*`)
	plainMessage = regexp.MustCompile(`(?m)^\s*(PHP )?(Warning|Notice|Deprecated|Fatal error|Parse error|Strict Standards|Catchable fatal error|Recoverable fatal error): [^\n]*? on line \d+`)
)

// PHPMessages returns the PHP messages printed in an answer, in order.
func PHPMessages(body string) []string {
	var out []string
	for _, re := range []*regexp.Regexp{htmlMessage, plainMessage} {
		for _, m := range re.FindAllString(body, -1) {
			out = append(out, strings.TrimSpace(m))
		}
	}
	return out
}
