package app

import (
	"io"
	"sort"
	"strings"

	"github.com/ocsetup/ocsetup/installer/check"
)

// redactingWriter hides the run's secrets (the hosting password, the key
// passphrase, every OCSETUP_SECRET_* value, the admin password among
// them) in what goes through it, in plain, URL-, JSON- and HTML-escaped
// forms, the ones the report hides (check.SecretForms). The CLI sends its
// live output there: progress, warnings and errors, which may quote a
// server's reply, and servers echo what they were sent.
//
// Each Write is cleaned on its own; the CLI writes whole lines, so a
// secret is not split across writes.
type redactingWriter struct {
	w     io.Writer
	clean *strings.Replacer
}

// newRedactingWriter wraps w; secrets shorter than 4 characters are left
// alone (they would hide ordinary words), as in the report.
func newRedactingWriter(w io.Writer, secrets []string) io.Writer {
	var forms []string
	for _, s := range secrets {
		if len(s) >= 4 {
			forms = append(forms, check.SecretForms(s)...)
		}
	}
	if len(forms) == 0 {
		return w
	}
	// Longest first: an escaped form may contain a shorter one.
	sort.Slice(forms, func(i, j int) bool { return len(forms[i]) > len(forms[j]) })
	pairs := make([]string, 0, 2*len(forms))
	for _, f := range forms {
		pairs = append(pairs, f, "[hidden]")
	}
	return &redactingWriter{w: w, clean: strings.NewReplacer(pairs...)}
}

func (r *redactingWriter) Write(p []byte) (int, error) {
	if _, err := io.WriteString(r.w, r.clean.Replace(string(p))); err != nil {
		return 0, err
	}
	return len(p), nil
}
