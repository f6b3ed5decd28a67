package demo

import (
	"bytes"
	"fmt"
	"net/http"
	"os"
	"path"
	"regexp"
	"strings"
	"time"

	"github.com/ocsetup/ocsetup/installer/storefront"
)

// sampleCronPath is where the sample package puts its cron.php.
const sampleCronPath = "catalog/onebox/cron.php"

// sampleCronMark is in the sample cron.php's first comment; it tells the
// demo's stand-in from a real OneBox cron.php, which the demo cannot run.
const sampleCronMark = "ocsetup demo: a stand-in for OneBox CRM's cron.php"

func isSampleCron(src []byte) bool { return bytes.Contains(src, []byte(sampleCronMark)) }

// phpStringVar finds `$name = '…';` and returns the literal's value.
func phpStringVar(src []byte, name string) (string, bool) {
	re := regexp.MustCompile(`(?m)^\$` + regexp.QuoteMeta(name) + `\s*=\s*'((?:[^'\\]|\\.)*)'\s*;`)
	m := re.FindSubmatch(src)
	if m == nil {
		return "", false
	}
	return strings.NewReplacer(`\\`, `\`, `\'`, `'`).Replace(string(m[1])), true
}

// sampleCron does what the sample connector's cron.php stands for: like
// OneBox's, it logs in to the store's API at $host with $apiKey before it
// syncs, and writes a line to log.txt beside it. A demo has nothing to
// sync, so the login is all; it leaves the API session the sync view
// counts and the log line it shows.
func (w *web) sampleCron(rw http.ResponseWriter, r *http.Request, rel string, src []byte) {
	host, _ := phpStringVar(src, "host")
	key, _ := phpStringVar(src, "apiKey")
	var msg string
	switch {
	case host == "" || key == "":
		msg = "Warning: API key is invalid: $host and $apiKey are not set in cron.php yet."
	default:
		login, err := storefront.New(host).APILogin(r.Context(), w.line, "Default", key)
		if err != nil {
			msg = "Warning: API key rejected by " + host + ": " + err.Error()
		} else {
			msg = "Logged in to the store's API (" + login.Field + "); the demo has nothing to sync."
		}
	}
	line := time.Now().Format(time.DateTime) + " " + msg + "\n"
	if err := w.appendFile(path.Join(path.Dir(rel), "log.txt"), line); err != nil {
		msg += " (log.txt: " + err.Error() + ")"
	}
	rw.Header().Set("Content-Type", "text/html; charset=UTF-8")
	fmt.Fprintln(rw, msg)
}

func (w *web) appendFile(rel, text string) error {
	f, err := w.files.OpenFile(rel, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	_, err = f.WriteString(text)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
