package sync

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ocsetup/ocsetup/installer/db"
	"github.com/ocsetup/ocsetup/installer/remote"
	"github.com/ocsetup/ocsetup/internal/fixture"
	"github.com/ocsetup/ocsetup/internal/testenv"
)

// countingLog counts the bytes its LogSource hands out.
type countingLog struct {
	LogSource
	read int64
}

func (c *countingLog) ReadTail(ctx context.Context, p string, size, n int64) ([]byte, error) {
	b, err := c.LogSource.ReadTail(ctx, p, size, n)
	c.read += int64(len(b))
	return b, err
}

func appendFile(t *testing.T, name, text string) {
	t.Helper()
	f, err := os.OpenFile(name, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(text); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestConnectorLog: the OneBox log is read over SFTP from its end only;
// a log the connector writes to is activity, and a line saying the store
// refused the key raises the alert.
func TestConnectorLog(t *testing.T) {
	t.Parallel()
	s := newTestStore(t, fixture.Options{Version: "2.3.0.2"}, db.Options{})
	dir := filepath.Join(s.fx.Local, "catalog", "onebox")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	local := filepath.Join(dir, "log.txt")
	remotePath := path.Join(s.fx.Remote, "catalog/onebox/log.txt")
	src := &countingLog{LogSource: PoolLog{Pool: s.pool}}
	c := &clock{t: time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)}
	e := openEngine(t, s, Config{Now: c.Now, Log: src, LogPath: remotePath, QuietAfter: time.Hour})

	// Before cron.php ran once there is no log.
	if r := poll(t, e); r.Log == nil || !r.Log.Missing || r.Log.Err != "" {
		t.Fatalf("no log yet: %+v", r.Log)
	}
	var old strings.Builder
	for i := 1; i <= 2000; i++ {
		fmt.Fprintf(&old, "2025-03-01 11:%02d:00 updateProduct: %d products\n", i%60, i)
	}
	appendFile(t, local, old.String())
	c.Add(10 * time.Minute)
	r := poll(t, e)
	if l := r.Log; l == nil || l.Missing || len(l.Lines) != tailLines || l.Lines[tailLines-1] != "2025-03-01 11:20:00 updateProduct: 2000 products" || l.Grew.IsZero() {
		t.Fatalf("first log: %+v", r.Log)
	}
	if src.read > tailBytes || int64(old.Len()) <= tailBytes {
		t.Errorf("read %d bytes of a %d-byte log", src.read, old.Len())
	}

	c.Add(10 * time.Minute)
	if r := poll(t, e); src.read > tailBytes {
		t.Errorf("an unchanged log was read again (%d bytes in all): %+v", src.read, r.Log)
	}

	appendFile(t, local, "2025-03-01 12:30:00 login: Warning: You do not have permission to access the API!\n")
	c.Add(2 * time.Hour) // longer than QuietAfter, but the log moved
	r = poll(t, e)
	if len(r.Alerts) != 1 || r.Alerts[0].Kind != AlertKeyRejected || !strings.Contains(r.Alerts[0].Message, "permission to access the API") {
		t.Fatalf("alerts after the refusal: %+v", r.Alerts)
	}
	if got := e.Snapshot().LastActivity; !got.Equal(c.Now()) {
		t.Errorf("last activity %v, want now (%v)", got, c.Now())
	}
	appendFile(t, local, "2025-03-01 13:30:00 updateProduct: 3 products\n")
	c.Add(time.Minute)
	if r := poll(t, e); len(r.Alerts) != 1 || r.Alerts[0].Active() {
		t.Fatalf("a good line did not resolve the alert: %+v", r.Alerts)
	}
}

// TestPoolLogOverFTP: over FTP the tail streams by; logs above the limit
// are refused instead of downloaded at every poll.
func TestPoolLogOverFTP(t *testing.T) {
	t.Parallel()
	env := testenv.Get(t)
	ts := env.Site(t, testenv.FTPSReuse)
	local, remoteDir := env.TempDir(t, ts)
	tr := remote.NewTrust(t.TempDir())
	tr.TrustNew = true
	pool, err := remote.Open(ctxT(t), remote.Site{Protocol: remote.FTPS, Host: ts.Host, Port: ts.Port, User: ts.User,
		Password: ts.Password, Timeout: 10 * time.Second}, tr, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	body := bytes.Repeat([]byte("0123456789abcdef"), 4096) // 64 KiB
	appendFile(t, filepath.Join(local, "log.txt"), string(body))
	src := PoolLog{Pool: pool}
	got, err := src.ReadTail(ctxT(t), path.Join(remoteDir, "log.txt"), int64(len(body)), 100)
	if err != nil || !bytes.Equal(got, body[len(body)-100:]) {
		t.Fatalf("tail over FTP: %q, %v", got, err)
	}
	if _, err := src.ReadTail(ctxT(t), path.Join(remoteDir, "log.txt"), ftpTailLimit+1, 100); err == nil || !strings.Contains(err.Error(), "SFTP") {
		t.Errorf("a log over the FTP limit: %v", err)
	}
}

func TestKeyRejectedLines(t *testing.T) {
	for text, want := range map[string]string{
		"ok\nWarning: Your IP 10.0.0.1 is not allowed to access this API!\nmore": "Warning: Your IP 10.0.0.1 is not allowed to access this API!",
		`{"error":"Invalid secret key"}`:                                         `{"error":"Invalid secret key"}`,
		"HTTP/1.1 401 Unauthorized":                                              "HTTP/1.1 401 Unauthorized",
		"updateProduct: 3 products\nupdateCategory: 1 category\n":                "",
	} {
		got, ok := keyRejected([]byte(text))
		if got != want || ok != (want != "") {
			t.Errorf("%q: %q %v", text, got, ok)
		}
	}
}
