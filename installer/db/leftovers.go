package db

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"time"

	recfile "github.com/ocsetup/ocsetup/installer/records"
	"github.com/ocsetup/ocsetup/installer/remote"
)

// FileRemover is what removing a bridge needs of the files channel
// (*remote.Pool has it).
type FileRemover interface {
	Remove(ctx context.Context, name string) error
	Stat(ctx context.Context, name string) (remote.FileInfo, error)
}

// bridgesDir is the data folder's sub-folder of bridge records.
const bridgesDir = "bridges"

// BridgeRecord says where a bridge was uploaded. It is written to the
// app's data folder before the upload and removed after the bridge is
// gone, so a run that was killed leaves a record behind. It holds no
// secret: the site's password is not in it (remote.Site never encodes
// it), nor the bridge's key.
type BridgeRecord struct {
	Site      remote.Site `json:"site"`
	Path      string      `json:"path"`       // the bridge file on the site
	NoncePath string      `json:"nonce_path"` // its list of used nonces, next to it
	URL       string      `json:"url"`
	Uploaded  time.Time   `json:"uploaded"`
	Expires   time.Time   `json:"expires"`

	file string // the record's own file
}

// save writes the record as a new file in dataDir/bridges (one per
// bridge, named after it).
func (r *BridgeRecord) save(dataDir string) error {
	file, err := recfile.Write(filepath.Join(dataDir, bridgesDir), strings.TrimSuffix(filepath.Base(r.Path), ".php"), r)
	if err != nil {
		return err
	}
	r.file = file
	return nil
}

// Remove deletes the bridge and its nonce list from the site, then the
// record. A file that is already gone counts as removed; the record stays
// when a file could not be removed, so a later start tries again.
func (r BridgeRecord) Remove(ctx context.Context, files FileRemover) error {
	var errs []error
	for _, p := range []string{r.Path, r.NoncePath} {
		if p == "" {
			continue
		}
		err := files.Remove(ctx, p)
		if err == nil {
			continue
		}
		// FTP servers answer 550 for "no such file" and for "permission
		// denied" alike; a stat tells them apart.
		if _, serr := files.Stat(ctx, p); remote.KindOf(serr) != remote.KindNotFound {
			errs = append(errs, fmt.Errorf("remove %s: %w", p, err))
		}
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	return recfile.Remove(r.file)
}

// Leftovers lists the bridges recorded in dataDir: those of runs that did
// not finish, and of the running one. A record that cannot be read is
// reported as an error with the others still listed.
func Leftovers(dataDir string) ([]BridgeRecord, error) {
	recs, err := recfile.ReadAll(filepath.Join(dataDir, bridgesDir), "bridge record", func(r *BridgeRecord) bool { return r.Path != "" })
	out := make([]BridgeRecord, len(recs))
	for i, rec := range recs {
		out[i] = rec.Value
		out[i].file = rec.File
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Uploaded.Before(out[j].Uploaded) })
	return out, err
}

// SiteOpener connects to a recorded site for CleanupLeftovers; release is
// called when the site is no longer needed. Return ErrSkipSite to leave a
// site's bridges for later (no password at hand, another site).
type SiteOpener func(ctx context.Context, site remote.Site) (files FileRemover, release func(), err error)

// ErrSkipSite tells CleanupLeftovers to keep a site's records for later.
var ErrSkipSite = errors.New("db: site skipped")

// LeftoverResult is what CleanupLeftovers did with one record.
type LeftoverResult struct {
	Record  BridgeRecord
	Removed bool
	Skipped bool  // the opener skipped the site; the record stays
	Err     error // the record stays
}

// CleanupLeftovers removes every recorded bridge of earlier runs: call it
// at start, before Connect. A bridge that could not be removed keeps its
// record (and removes itself at its expiry on its next request).
func CleanupLeftovers(ctx context.Context, dataDir string, open SiteOpener) ([]LeftoverResult, error) {
	recs, listErr := Leftovers(dataDir)
	var out []LeftoverResult
	for _, r := range recs {
		res := LeftoverResult{Record: r}
		files, release, err := open(ctx, r.Site)
		switch {
		case errors.Is(err, ErrSkipSite):
			res.Skipped = true
		case err != nil:
			res.Err = err
		default:
			res.Err = r.Remove(ctx, files)
			res.Removed = res.Err == nil
			if release != nil {
				release()
			}
		}
		out = append(out, res)
	}
	return out, listErr
}

// SameSite reports whether two sites are the same login on the same
// server (protocol, host, port, user), as a SiteOpener needs to decide.
func SameSite(a, b remote.Site) bool {
	port := func(s remote.Site) int {
		if s.Port == 0 {
			return s.Protocol.DefaultPort()
		}
		return s.Port
	}
	return a.Protocol == b.Protocol && strings.EqualFold(a.Host, b.Host) && port(a) == port(b) && a.User == b.User
}

// RecordUpload records another temporary file of ours on a site (the check
// suite's PHP probe) among the bridge records, before it is uploaded: a
// run killed before it removed the file leaves a record, and the next
// start's cleanup removes the file like a bridge. forget drops the record
// once the file is gone.
func RecordUpload(dataDir string, site remote.Site, remotePath string, ttl time.Duration) (forget func() error, err error) {
	site.Password, site.KeyPassphrase = "", ""
	now := time.Now().UTC()
	r := &BridgeRecord{Site: site, Path: remotePath, Uploaded: now, Expires: now.Add(ttl)}
	if err := r.save(dataDir); err != nil {
		return nil, err
	}
	return func() error { return recfile.Remove(r.file) }, nil
}
