package deploy

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/ocsetup/ocsetup/installer/msg"
	"github.com/ocsetup/ocsetup/installer/remote"
	"github.com/ocsetup/ocsetup/installer/webguard"
	"github.com/ocsetup/ocsetup/installer/webtrust"
)

// Report is what Verify found.
type Report struct {
	// Files were checked by size in a listing; Hashed of them by SHA-256
	// computed on the server.
	Files    int    `json:"files"`
	Hashed   int    `json:"hashed"`
	HashNote string `json:"hash_note,omitempty"`
	// HashNoteMsg is HashNote as a message, for the user's language.
	HashNoteMsg msg.Msg  `json:"-"`
	Missing     []string `json:"missing,omitempty"`
	WrongSize   []string `json:"wrong_size,omitempty"`
	WrongHash   []string `json:"wrong_hash,omitempty"`
	// Leftovers are temporary files of an upload in the package's folders.
	Leftovers []string `json:"leftovers,omitempty"`
	Probe     *Probe   `json:"probe,omitempty"`
}

// OK reports whether every check passed (a probe that was not run counts
// as passed).
func (r *Report) OK() bool {
	return len(r.Missing)+len(r.WrongSize)+len(r.WrongHash)+len(r.Leftovers) == 0 && (r.Probe == nil || r.Probe.Ran)
}

// Probe is the result of the PHP probe.
type Probe struct {
	URL    string `json:"url"`
	Folder string `json:"folder"`
	// Ran: the server executed the probe and printed its token.
	Ran    bool   `json:"ran"`
	Status int    `json:"status,omitempty"`
	Detail string `json:"detail,omitempty"`
	// DetailMsg is Detail as a message, for the user's language.
	DetailMsg msg.Msg `json:"-"`
}

// Verify checks that the store holds the package as the manifest says:
// every file's size in a listing, hashes where the server can compute
// them, no temporary files left; and, with storeURL (the shop's address,
// HTTP_SERVER), that PHP runs in the package's folder.
func (e *Engine) Verify(ctx context.Context, m *Manifest, storeURL string) (*Report, error) {
	if err := e.check(); err != nil {
		return nil, err
	}
	var want []*Entry
	var folders []string
	for i := range m.Entries {
		en := &m.Entries[i]
		if en.New != nil && en.Action != ActRemove {
			want = append(want, en)
			if d := storeDir(en.Path); !slices.Contains(folders, d) {
				folders = append(folders, d)
			}
		}
	}
	// The PHP probe runs beside the listings and the hashes: its own
	// round trips (write, request, delete) need not wait for theirs. Its
	// temporary file may show in a listing; it is no upload's leftover.
	type probed struct {
		p   *Probe
		err error
	}
	var probeDone chan probed
	var probeTemp string
	if storeURL != "" {
		b := make([]byte, 16)
		_, _ = rand.Read(b)
		token := hex.EncodeToString(b)
		probeTemp = remote.TempName(e.Store.abs(probeRel(m, token)))
		probeDone = make(chan probed, 1)
		pctx, cancel := context.WithCancel(ctx)
		defer cancel()
		go func() {
			p, err := e.probe(pctx, m, storeURL, token, probeTemp)
			probeDone <- probed{p, err}
		}()
		defer func() {
			if probeDone != nil {
				cancel()
				<-probeDone // the probe is deleted before Verify returns
			}
		}()
	}
	tr, err := scan(ctx, e.Files, e.Store, folders, nil)
	if err != nil {
		return nil, msg.Wrap(err, "error.deploy.list_package_folders")
	}
	newTracker(e.Progress, PhaseVerify, len(want), 0)
	r := &Report{}
	var sized []string
	for _, en := range want {
		r.Files++
		fi, ok := tr.entry(en.Path)
		switch {
		case !ok || fi.IsDir():
			r.Missing = append(r.Missing, en.Path)
		case fi.Size != en.New.Size:
			r.WrongSize = append(r.WrongSize, fmt.Sprintf("%s: %d bytes, want %d", en.Path, fi.Size, en.New.Size))
		default:
			sized = append(sized, e.Store.abs(en.Path))
		}
	}
	for rel, fi := range tr.files {
		if !fi.IsDir() && remote.IsTempName(rel) && slices.Contains(folders, storeDir(rel)) && e.Store.abs(rel) != probeTemp {
			r.Leftovers = append(r.Leftovers, rel)
		}
	}
	slices.Sort(r.Leftovers)
	hashes, err := serverHashes(ctx, e.Files, sized)
	switch {
	case errors.Is(err, errNoServerHash):
		r.HashNoteMsg = msg.New("deploy.hash_note.no_server_hash")
		r.HashNote = r.HashNoteMsg.English()
	case err != nil:
		return nil, err
	default:
		for _, en := range want {
			if h, ok := hashes[e.Store.abs(en.Path)]; ok {
				r.Hashed++
				if h != en.New.SHA256 {
					r.WrongHash = append(r.WrongHash, en.Path)
				}
			}
		}
	}
	if probeDone != nil {
		res := <-probeDone
		probeDone = nil
		if r.Probe, err = res.p, res.err; err != nil {
			return r, err
		}
	}
	return r, nil
}

// probeFolder picks the folder the probe runs in: one of the package's PHP
// folders the web reaches (system/ and storage are closed to the web on a
// well-kept store), else the store root.
func probeFolder(m *Manifest) string {
	var best string
	for _, en := range m.Entries {
		if en.New == nil || !strings.HasSuffix(en.Path, ".php") || en.Action == ActRemove {
			continue
		}
		d := storeDir(en.Path)
		if strings.HasPrefix(d, "system") || strings.Contains(d, "/system/") || strings.Contains(d, "storage") {
			continue
		}
		if best == "" || strings.Contains(d, "catalog/") && !strings.Contains(best, "catalog/") {
			best = d
		}
	}
	return best
}

// probeRel is the probe's store path for a token.
func probeRel(m *Manifest, token string) string {
	return path.Join(probeFolder(m), "ocsetup-probe-"+token[:12]+".php")
}

// probe writes a PHP file that prints a random token (through the
// temporary name tmp, renamed into place), fetches it, and deletes it.
// The file holds the token reversed, so a server that sends PHP source
// instead of running it does not pass.
func (e *Engine) probe(ctx context.Context, m *Manifest, storeURL, token, tmp string) (*Probe, error) {
	folder := probeFolder(m)
	rel := probeRel(m, token)
	abs := e.Store.abs(rel)
	u, err := url.Parse(strings.TrimSuffix(storeURL, "/") + "/")
	if err != nil || u.Scheme != "http" && u.Scheme != "https" {
		return nil, msg.NewError("error.deploy.not_http", "URL", fmt.Sprintf("%q", storeURL))
	}
	u = u.JoinPath(strings.Split(rel, "/")...)
	pr := &Probe{URL: u.String(), Folder: folder}

	// Recorded first, so that a crash leaves a probe Rollback removes.
	m.mu.Lock()
	m.Probe = abs
	err = m.saveLocked()
	m.mu.Unlock()
	if err != nil {
		return nil, err
	}
	src := "<?php\n// ocsetup checks that PHP runs here; it deletes this file at once.\necho strrev('" + reverse(token) + "');\n"
	if err := e.Files.Do(ctx, func(c remote.Conn) error { return remote.WriteAtomicAs(ctx, c, tmp, abs, strings.NewReader(src)) }); err != nil {
		return nil, msg.Wrap(err, "error.deploy.write_probe", "Path", abs)
	}
	pr.Status, pr.Ran, pr.DetailMsg = e.fetchProbe(ctx, pr.URL, token)
	pr.Detail = pr.DetailMsg.English()
	// Removed with a context of its own: a cancel must not leave it.
	dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	err = e.Files.Do(dctx, func(c remote.Conn) error { return c.Remove(dctx, abs) })
	if err != nil && remote.KindOf(err) != remote.KindNotFound {
		return pr, msg.Wrap(err, "error.deploy.delete_probe", "Path", abs)
	}
	m.mu.Lock()
	m.Probe = ""
	err = m.saveLocked()
	m.mu.Unlock()
	return pr, err
}

func (e *Engine) fetchProbe(ctx context.Context, u, token string) (int, bool, msg.Msg) {
	client := e.HTTP
	if client == nil {
		// The store's https with the certificate the user pinned for
		// it (e.Trust), as the bridge's and the checks' clients.
		client = webtrust.Client(&http.Client{Timeout: 20 * time.Second}, e.Trust)
	}
	client = webguard.Guard(client)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return 0, false, msg.New("deploy.probe.bad_request", "Cause", err.Error())
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, false, msg.New("deploy.probe.no_answer", "Cause", msg.CauseArg(err))
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	switch {
	case resp.StatusCode == http.StatusOK && strings.Contains(string(body), token):
		return resp.StatusCode, true, msg.New("deploy.probe.ran")
	case strings.Contains(string(body), reverse(token)):
		return resp.StatusCode, false, msg.New("deploy.probe.source")
	case resp.StatusCode == http.StatusNotFound:
		return resp.StatusCode, false, msg.New("deploy.probe.not_found")
	case resp.StatusCode == http.StatusForbidden:
		return resp.StatusCode, false, msg.New("deploy.probe.forbidden")
	}
	return resp.StatusCode, false, msg.New("deploy.probe.no_token", "Status", resp.Status)
}

func reverse(s string) string {
	b := []byte(s)
	slices.Reverse(b)
	return string(b)
}
