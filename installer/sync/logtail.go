package sync

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"time"

	"github.com/ocsetup/ocsetup/installer/remote"
)

// LogSource reads the end of a file on the store's hosting (PoolLog does
// it over the files channel).
type LogSource interface {
	Stat(ctx context.Context, path string) (remote.FileInfo, error)
	// ReadTail returns the last n bytes of a file of the given size.
	ReadTail(ctx context.Context, path string, size, n int64) ([]byte, error)
}

// Limits of the connector's log tail.
const (
	tailBytes = 8 << 10 // read from the end of the log, at most
	tailLines = 20      // kept for the view
)

// LogTail is the end of the connector's log (OneBox: catalog/onebox/log.txt).
type LogTail struct {
	Path    string    `json:"path"`
	Missing bool      `json:"missing,omitempty"` // the connector has not written it yet
	Size    int64     `json:"size"`
	ModTime time.Time `json:"mod_time,omitzero"`
	Lines   []string  `json:"lines,omitempty"` // the last lines, oldest first
	// Grew is when a poll last found it changed (this computer's clock).
	Grew time.Time `json:"grew,omitzero"`
	Err  string    `json:"error,omitempty"`
	// seen: the log was read at least once, so a change is the
	// connector's doing and not the state found at setup.
	Seen bool `json:"seen,omitempty"`
}

// readLog reads the log when its size or time changed since prev. It
// returns the new tail, whether the connector wrote to it, and the text
// it wrote (as much of it as the tail holds).
func readLog(ctx context.Context, src LogSource, path string, prev LogTail, now time.Time) (LogTail, bool, []byte) {
	cur := prev
	cur.Path, cur.Err = path, ""
	fi, err := src.Stat(ctx, path)
	if remote.KindOf(err) == remote.KindNotFound {
		cur.Missing, cur.Size, cur.Lines, cur.Seen = true, 0, nil, true
		return cur, false, nil
	}
	if err != nil {
		cur.Err = err.Error()
		return cur, false, nil
	}
	if !prev.Missing && prev.Seen && fi.Size == prev.Size && fi.ModTime.Equal(prev.ModTime) {
		return cur, false, nil
	}
	n := min(fi.Size, tailBytes)
	data, err := src.ReadTail(ctx, path, fi.Size, n)
	if err != nil {
		cur.Err = err.Error()
		return cur, false, nil
	}
	changed := prev.Seen
	var written []byte
	if changed {
		written = data
		if grew := fi.Size - prev.Size; !prev.Missing && grew > 0 && grew <= int64(len(data)) {
			written = data[int64(len(data))-grew:]
		}
		cur.Grew = now
	}
	cur.Missing, cur.Seen, cur.Size, cur.ModTime = false, true, fi.Size, fi.ModTime
	cur.Lines = lastLines(data, n < fi.Size)
	return cur, changed, written
}

// lastLines splits the tail into lines; the first is dropped when the
// tail starts inside it.
func lastLines(data []byte, cut bool) []string {
	text := strings.ReplaceAll(string(bytes.ToValidUTF8(data, []byte("?"))), "\r\n", "\n")
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	if cut && len(lines) > 1 {
		lines = lines[1:]
	}
	if len(lines) > tailLines {
		lines = lines[len(lines)-tailLines:]
	}
	if len(lines) == 1 && lines[0] == "" {
		return nil
	}
	return lines
}

// rejectedRE matches what OpenCart and the connectors answer to a wrong
// or refused API key: api/login's "Warning: You do not have permission to
// access the API!" and "Warning: Your IP … is not allowed to access this
// API!", the 1.5 REST module's "Invalid secret key", and HTTP 401/403.
var rejectedRE = regexp.MustCompile(`(?i)(do not have permission to access the api|is not allowed to access this api|invalid (secret |api )?key|api key (is )?(invalid|wrong|rejected)|\b401 unauthorized\b|\b403 forbidden\b)`)

// keyRejected returns the first line of text that says the key was
// refused.
func keyRejected(text []byte) (string, bool) {
	loc := rejectedRE.FindIndex(text)
	if loc == nil {
		return "", false
	}
	start := bytes.LastIndexByte(text[:loc[0]], '\n') + 1
	end := bytes.IndexByte(text[loc[0]:], '\n')
	if end < 0 {
		end = len(text)
	} else {
		end += loc[0]
	}
	return strings.TrimSpace(string(text[start:end])), true
}
