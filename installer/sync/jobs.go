package sync

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ocsetup/ocsetup/installer/msg"
)

// Job is a task the app runs itself because the server has no cron (an
// integration's profile declares its jobs: OneBox's cron.php every hour,
// the Amazon Payment Services status check at its configured period).
type Job struct {
	Name  string // unique: "onebox-cron"
	Title string // as the user reads it
	// TitleMsg is Title as a message, for the user's language; zero for
	// a title that is a name ("OneBox cron.php").
	TitleMsg msg.Msg
	Period   time.Duration
	// Timeout bounds one run; 0 means DefaultJobTimeout.
	Timeout time.Duration
	// Run does the job once and returns its result in a line. An error
	// that wraps ErrKeyRejected also raises the "API key rejected" alert.
	Run func(ctx context.Context) (string, error)
}

// DefaultJobTimeout bounds a job run that sets no Timeout.
const DefaultJobTimeout = 5 * time.Minute

// ErrKeyRejected says the store refused the integration's API key.
var ErrKeyRejected error = msg.NewError("sync.job.key_rejected")

// JobRun is one run of a job.
type JobRun struct {
	Job      string        `json:"job"`
	Start    time.Time     `json:"start"`
	Duration time.Duration `json:"duration_ns"`
	OK       bool          `json:"ok"`
	Result   string        `json:"result"`
	// ResultText is Result as a message, for the user's language, when
	// ocsetup's own words are in it (an error); zero when Result is only
	// what the server answered.
	ResultText msg.Msg `json:"result_text,omitzero"`
	Manual     bool    `json:"manual,omitempty"` // "Run now"
}

// JobState is a job as the view shows it.
type JobState struct {
	Name     string        `json:"name"`
	Title    string        `json:"title"`
	TitleMsg msg.Msg       `json:"-"` // see Job
	Period   time.Duration `json:"period_ns"`
	Last     *JobRun       `json:"last,omitempty"`
	Next     time.Time     `json:"next,omitzero"` // zero while paused
	Running  bool          `json:"running,omitempty"`
	Runs     int64         `json:"runs"`
	Failures int64         `json:"failures"`
}

// jobRecord is a job's part of the history.
type jobRecord struct {
	Last     *JobRun `json:"last,omitempty"`
	Runs     int64   `json:"runs"`
	Failures int64   `json:"failures"`
}

// phpErrorRE finds PHP's own error output, which many hosts send with
// status 200.
var phpErrorRE = regexp.MustCompile(`(?i)\b(fatal error|parse error|uncaught exception)\b`)

// HTTPJob is a job that GETs url: a network error, HTTP 4xx/5xx or PHP
// error output is a failure; HTTP 401/403 or a reply that says the key
// was refused wraps ErrKeyRejected.
func HTTPJob(client *http.Client, url string) func(ctx context.Context) (string, error) {
	if client == nil {
		client = http.DefaultClient
	}
	return func(ctx context.Context) (string, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return "", err
		}
		req.Header.Set("User-Agent", "ocsetup-sync")
		resp, err := client.Do(req)
		if err != nil {
			return "", msg.Wrap(err, "sync.job.no_answer", "URL", url)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
		summary := fmt.Sprintf("HTTP %d", resp.StatusCode)
		if line := lastLine(body); line != "" {
			summary += ": " + line
		}
		if line, rejected := keyRejected(body); rejected || resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden {
			if line == "" {
				line = resp.Status
			}
			return summary, msg.Wrap(ErrKeyRejected, "sync.job.key_rejected_said", "Line", line)
		}
		if resp.StatusCode >= 400 {
			return summary, msg.NewError("sync.job.http_status", "URL", url, "Status", resp.Status)
		}
		if loc := phpErrorRE.FindIndex(body); loc != nil {
			return summary, msg.NewError("sync.job.php_error", "URL", url, "Line", lineAt(body, loc[0]))
		}
		return summary, nil
	}
}

// lastLine is the last non-empty line of a reply, without HTML tags,
// shortened for a one-line result.
func lastLine(body []byte) string {
	text := strings.TrimSpace(tagRE.ReplaceAllString(string(body), " "))
	if i := strings.LastIndexByte(text, '\n'); i >= 0 {
		text = strings.TrimSpace(text[i+1:])
	}
	return shorten(strings.Join(strings.Fields(text), " "), 120)
}

var tagRE = regexp.MustCompile(`<[^>]*>`)

func lineAt(b []byte, i int) string {
	start := strings.LastIndexByte(string(b[:i]), '\n') + 1
	end := strings.IndexByte(string(b[i:]), '\n')
	if end < 0 {
		end = len(b) - i
	}
	return shorten(strings.TrimSpace(tagRE.ReplaceAllString(string(b[start:i+end]), "")), 200)
}

func shorten(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
