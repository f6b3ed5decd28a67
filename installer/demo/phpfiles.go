package demo

import (
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path"
	"regexp"
	"slices"
	"strings"
)

// The demo runs no PHP. Besides its front controllers it answers the PHP
// files ocsetup itself puts on a store, doing in Go what PHP would do
// with them: the probes of the upload and of the integration test (does
// PHP run where the files went?) and the sample connector's cron.php.
// Any other PHP file gets an error page that says why.

// phpVersion is what the demo reports as PHP_VERSION to the probes; it
// says plainly that no PHP ran.
const phpVersion = "8.2 (emulated by the ocsetup demo store)"

// maxPHPFile bounds what is read of a PHP file the demo answers.
const maxPHPFile = 64 << 10

// The probes' statements: deploy's `echo strrev('…');` and the test's
// json_encode(array('token' => '…', 'php' => PHP_VERSION, …)).
var (
	strrevProbe = regexp.MustCompile(`(?m)^echo strrev\('([0-9a-f]+)'\);$`)
	tokenProbe  = regexp.MustCompile(`json_encode\(array\('token' => '([0-9a-f]+)', 'php' => PHP_VERSION,`)
	probeName   = regexp.MustCompile(`^ocsetup-probe-[0-9a-f]+\.php$`)
)

// phpFile answers a request for a .php file other than index.php.
func (w *web) phpFile(rw http.ResponseWriter, r *http.Request) {
	rel := strings.TrimPrefix(path.Clean(r.URL.Path), "/")
	src, err := w.files.ReadFile(rel)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		notFound(rw)
		return
	case err != nil:
		page(rw, http.StatusForbidden, "Forbidden", "<p>"+err.Error()+"</p>")
		return
	case len(src) > maxPHPFile:
		noPHP(rw, rel)
		return
	}
	switch {
	case probeName.MatchString(path.Base(rel)):
		w.probe(rw, rel, src)
	case rel == sampleCronPath && isSampleCron(src):
		w.sampleCron(rw, r, rel, src)
	default:
		noPHP(rw, rel)
	}
}

// probe prints what the probe's PHP would print.
func (w *web) probe(rw http.ResponseWriter, rel string, src []byte) {
	if m := strrevProbe.FindSubmatch(src); m != nil {
		b := slices.Clone(m[1])
		slices.Reverse(b)
		rw.Header().Set("Content-Type", "text/html; charset=UTF-8")
		_, _ = rw.Write(b)
		return
	}
	if m := tokenProbe.FindSubmatch(src); m != nil {
		// The file came in over SFTP as this process's user, and "PHP"
		// (this process) writes as the same user.
		uid := os.Getuid()
		writeJSON(rw, http.StatusOK, map[string]any{"token": string(m[1]), "php": phpVersion, "self_owner": uid, "written_owner": uid})
		return
	}
	noPHP(rw, rel)
}

// noPHP is the answer for PHP the demo cannot run: a server error, as a
// real store with a broken PHP file would give, that says what happened.
func noPHP(rw http.ResponseWriter, rel string) {
	page(rw, http.StatusInternalServerError, "No PHP on the demo store",
		fmt.Sprintf("<p>The ocsetup demo store runs no PHP, so %s cannot run here. It answers OpenCart's own pages and API, ocsetup's probes and its sample connector; try other files on a real store.</p>", rel))
}
