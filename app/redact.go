package app

import (
	"io"
	"sort"
	"strings"
	"sync"

	"github.com/ocsetup/ocsetup/installer/check"
)

// Redactor hides a run's secrets (the hosting password, the key
// passphrase, every OCSETUP_SECRET_* value, the admin password, the
// store's database password once config.php was read) in text shown to
// the user, in plain, URL-, JSON- and HTML-escaped forms, the ones the
// report hides (check.SecretForms). The CLI sends its live output through
// it and the GUI its status and error texts: one code path for both
// faces. Servers echo what they were sent, so any text may quote a secret.
//
// Secrets can be added while the run goes on (the database password is
// known only once config.php was read); it is safe for concurrent use.
type Redactor struct {
	mu      sync.Mutex
	secrets map[string]bool
	clean   *strings.Replacer
}

// NewRedactor hides secrets; more can be added with Hide.
func NewRedactor(secrets ...string) *Redactor {
	r := &Redactor{secrets: map[string]bool{}}
	r.Hide(secrets...)
	return r
}

// Hide adds secrets; those shorter than 4 characters are left alone (they
// would hide ordinary words), as in the report.
func (r *Redactor) Hide(secrets ...string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	added := false
	for _, s := range secrets {
		if len(s) >= 4 && !r.secrets[s] {
			r.secrets[s] = true
			added = true
		}
	}
	if !added {
		return
	}
	var forms []string
	for s := range r.secrets {
		forms = append(forms, check.SecretForms(s)...)
	}
	// Longest first: an escaped form may contain a shorter one.
	sort.Slice(forms, func(i, j int) bool { return len(forms[i]) > len(forms[j]) })
	pairs := make([]string, 0, 2*len(forms))
	for _, f := range forms {
		pairs = append(pairs, f, "[hidden]")
	}
	r.clean = strings.NewReplacer(pairs...)
}

// Clean returns s with every form of every secret replaced by [hidden].
func (r *Redactor) Clean(s string) string {
	r.mu.Lock()
	clean := r.clean
	r.mu.Unlock()
	if clean == nil {
		return s
	}
	return clean.Replace(s)
}

// Writer wraps w so that what goes through it is cleaned. Each Write is
// cleaned on its own; the CLI writes whole lines, so a secret is not
// split across writes.
func (r *Redactor) Writer(w io.Writer) io.Writer { return &redactingWriter{w: w, r: r} }

type redactingWriter struct {
	w io.Writer
	r *Redactor
}

func (rw *redactingWriter) Write(p []byte) (int, error) {
	if _, err := io.WriteString(rw.w, rw.r.Clean(string(p))); err != nil {
		return 0, err
	}
	return len(p), nil
}
