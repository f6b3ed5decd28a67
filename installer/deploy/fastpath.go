package deploy

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/ocsetup/ocsetup/installer/db"
	"github.com/ocsetup/ocsetup/installer/msg"
	"github.com/ocsetup/ocsetup/installer/remote"
	"github.com/ocsetup/ocsetup/installer/webguard"
	"github.com/ocsetup/ocsetup/installer/webtrust"
)

//go:embed extractor.php
var extractorTemplate string

// extractorTTL is how long an extractor may run after its upload: one
// request, so a few minutes are plenty, and a forgotten one is dead soon.
const extractorTTL = 10 * time.Minute

// FastPath says what the one-archive fast path did in the last Upload or
// Resume: Used when the extractor placed files; Reason why the per-file
// upload ran instead (or for the files it left).
type FastPath struct {
	Tried  bool   `json:"tried"`
	Used   bool   `json:"used"`
	Files  int    `json:"files,omitempty"` // placed by the extractor
	Reason string `json:"reason,omitempty"`
	// ReasonMsg is Reason as a message, for the user's language.
	ReasonMsg msg.Msg `json:"-"`
}

// fallback is a reason the fast path did not place (all) files; the
// per-file upload takes over.
type fallback struct{ reason msg.Msg }

func (f *fallback) Error() string { return f.reason.English() }

// fallbackBecause is the fallback with the message key and its args.
func fallbackBecause(key string, pairs ...any) error { return &fallback{msg.New(key, pairs...)} }

// extractorReply is the extractor's answer (extractor.php).
type extractorReply struct {
	OK             bool   `json:"ok"`
	Code           string `json:"code"`
	Reason         string `json:"reason"`
	Done           []int  `json:"done"`
	SelfDeleted    bool   `json:"self_deleted"`
	ArchiveDeleted bool   `json:"archive_deleted"`
}

// extract is the fast path: one archive of the tasks' files and a signed,
// one-time PHP extractor go into the store root; one HTTP request makes PHP
// write each file under its temporary name, check its hash and rename it
// into place. Both files are recorded among the data folder's leftovers
// before they are uploaded (a killed run's next start removes them) and
// removed before extract returns. It returns the tasks still to send (all
// of them, or those the extractor did not place) and, when it did not
// place them all, why.
func (e *Engine) extract(ctx context.Context, t transport, tasks []*task, build func() (*archive, error), done func(*task)) ([]*task, error) {
	base, err := url.Parse(strings.TrimSuffix(e.StoreURL, "/") + "/")
	if err != nil || base.Scheme != "http" && base.Scheme != "https" {
		return tasks, fallbackBecause("deploy.fast.not_http", "URL", fmt.Sprintf("%q", e.StoreURL))
	}
	secret := randHex(32)
	src := strings.NewReplacer("{{SECRET}}", secret, "{{TTL}}", strconv.Itoa(int(extractorTTL/time.Second))).Replace(extractorTemplate)
	exName := "ocsetup-extract-" + randHex(12) + ".php"
	arName := "ocsetup-archive-" + randHex(12) + ".zip"
	exAbs, arAbs := e.Store.abs(exName), e.Store.abs(arName)

	ar, err := build()
	if err != nil {
		return tasks, err // a local fault: the per-file path would meet it too
	}

	// Recorded before the upload, so a killed run leaves a record that
	// the next start's cleanup (db.CleanupLeftovers) acts on.
	site := e.Files.Site()
	var forgets []func() error
	for _, p := range []string{exAbs, arAbs} {
		forget, err := db.RecordUpload(e.DataDir, site, p, extractorTTL)
		if err != nil {
			for _, f := range forgets {
				_ = f()
			}
			return tasks, fallbackBecause("deploy.fast.record", "Cause", msg.CauseArg(err))
		}
		forgets = append(forgets, forget)
	}
	var reply extractorReply
	defer func() {
		// Removed with a context of their own: a cancel must not leave
		// them. What the extractor says it deleted needs no round trip.
		dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		for i, p := range []string{exAbs, arAbs} {
			gone := i == 0 && reply.SelfDeleted || i == 1 && reply.ArchiveDeleted
			if !gone {
				err := e.Files.Do(dctx, func(c remote.Conn) error { return c.Remove(dctx, p) })
				if err != nil && remote.KindOf(err) != remote.KindNotFound {
					if _, serr := statVia(dctx, e.Files, p); remote.KindOf(serr) != remote.KindNotFound {
						continue // the record stays for the next start
					}
				}
			}
			_ = forgets[i]()
		}
	}()

	// Both files at once, one on each connection, the way every file
	// goes: under a temporary name, renamed into place when whole.
	q := &queue{maxTries: 2}
	for i, f := range []struct {
		abs  string
		data []byte
	}{{exAbs, []byte(src)}, {arAbs, ar.zip}} {
		q.tasks = append(q.tasks, &task{index: -1 - i, rel: path.Base(f.abs), abs: f.abs, temp: remote.TempName(f.abs),
			size: int64(len(f.data)), from: "the fast path's " + path.Base(f.abs),
			open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(f.data)), nil }})
	}
	if err := t.put(ctx, q, func(*task) {}); err != nil {
		if ctx.Err() != nil {
			return tasks, err
		}
		return tasks, fallbackBecause("deploy.fast.upload", "Cause", msg.CauseArg(err))
	}

	body, err := json.Marshal(map[string]any{"archive": arName, "files": ar.files})
	if err != nil {
		return tasks, err
	}
	reply, err = e.callExtractor(ctx, base.JoinPath(exName).String(), secret, body)
	if err != nil {
		return tasks, err
	}
	placed := map[int]bool{}
	for _, i := range reply.Done {
		placed[i] = true
	}
	var rest []*task
	for _, tk := range tasks {
		if placed[tk.index] {
			done(tk)
		} else {
			rest = append(rest, tk)
		}
	}
	if !reply.OK {
		why := reply.Reason
		if why == "" {
			why = reply.Code
		}
		return rest, &fallback{msg.New("deploy.fast.refused_plain", "Reason", why)}
	}
	if len(rest) > 0 {
		return rest, fallbackBecause("deploy.fast.partial", "Done", len(tasks)-len(rest), "Count", len(tasks))
	}
	return nil, nil
}

// archive is the fast path's zip and the request's list of its files:
// index, entry, SHA-256, temporary and final name (store-relative).
type archive struct {
	zip   []byte
	files [][5]any
}

// buildArchive zips the tasks' files, each entry named by its index. It
// runs while the backups are made and the folders created.
func buildArchive(storeRoot string, tasks []*task) (*archive, error) {
	var zbuf bytes.Buffer
	zw := zip.NewWriter(&zbuf)
	// The fastest level: PHP source shrinks to about a third even so, and
	// the CPU of a busy desktop is not what the user should wait for.
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) { return flate.NewWriter(w, flate.BestSpeed) })
	ar := &archive{files: make([][5]any, 0, len(tasks))}
	root := path.Clean(storeRoot)
	rel := func(abs string) string { return strings.TrimPrefix(strings.TrimPrefix(abs, root), "/") }
	for _, tk := range tasks {
		b, err := readContent(tk)
		if err != nil {
			return nil, err
		}
		name := strconv.Itoa(tk.index)
		w, err := zw.Create(name)
		if err != nil {
			return nil, err
		}
		if _, err := w.Write(b); err != nil {
			return nil, err
		}
		sum := sha256.Sum256(b)
		ar.files = append(ar.files, [5]any{tk.index, name, hex.EncodeToString(sum[:]), rel(tk.temp), rel(tk.abs)})
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	ar.zip = zbuf.Bytes()
	return ar, nil
}

// callExtractor sends the signed request and checks the signed reply. Any
// answer that is not the extractor's own is a fallback with the reason.
func (e *Engine) callExtractor(ctx context.Context, u, secret string, body []byte) (extractorReply, error) {
	var r extractorReply
	client := e.HTTP
	if client == nil {
		// The store's https with the certificate the user pinned for
		// it (e.Trust), as the bridge's and the checks' clients.
		client = webtrust.Client(&http.Client{Timeout: 5 * time.Minute}, e.Trust)
	}
	client = webguard.Guard(client)
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	nonce := randHex(16)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(body))
	if err != nil {
		return r, fallbackBecause("deploy.fast.bad_address", "URL", u, "Cause", err.Error())
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Ocsetup-Timestamp", ts)
	req.Header.Set("X-Ocsetup-Nonce", nonce)
	req.Header.Set("X-Ocsetup-Signature", hmacHex(secret, ts+"\n"+nonce+"\n"+string(body)))
	resp, err := client.Do(req)
	if err != nil {
		if cerr := webguard.Certificate(err); cerr != nil {
			return r, &fallback{msg.New("deploy.fast.cause", "Cause", msg.CauseArg(cerr))}
		}
		return r, fallbackBecause("deploy.fast.no_answer", "Cause", msg.CauseArg(err))
	}
	defer resp.Body.Close()
	reply, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return r, fallbackBecause("deploy.fast.cut_off", "Cause", msg.CauseArg(err))
	}
	if !hmac.Equal([]byte(resp.Header.Get("X-Ocsetup-Signature")), []byte(hmacHex(secret, "reply\n"+nonce+"\n"+string(reply)))) {
		switch {
		case resp.StatusCode == http.StatusNotFound:
			return r, fallbackBecause("deploy.fast.not_found", "URL", u)
		case json.Unmarshal(reply, &r) == nil && r.Reason != "":
			return extractorReply{}, fallbackBecause("deploy.fast.refused", "Reason", r.Reason, "Status", resp.StatusCode)
		case strings.Contains(string(reply), "ocsetup_extract_main"):
			return r, fallbackBecause("deploy.fast.source")
		}
		return r, fallbackBecause("deploy.fast.other_answer", "Status", resp.Status)
	}
	if err := json.Unmarshal(reply, &r); err != nil {
		return r, fallbackBecause("deploy.fast.unreadable", "Cause", err.Error())
	}
	return r, nil
}

func hmacHex(key, msg string) string {
	h := hmac.New(sha256.New, []byte(key))
	h.Write([]byte(msg))
	return hex.EncodeToString(h.Sum(nil))
}

func randHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func statVia(ctx context.Context, files Files, p string) (remote.FileInfo, error) {
	var fi remote.FileInfo
	err := files.Do(ctx, func(c remote.Conn) error {
		var err error
		fi, err = c.Stat(ctx, p)
		return err
	})
	return fi, err
}
