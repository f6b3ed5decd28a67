// Package journal is the setup journal: one file per setup run in the data
// folder, written before the store is changed and again as the run goes,
// each time under a temporary name, fsync'd and renamed, so that a crash
// leaves the last complete journal. It holds the tracked tables as they
// were before the first change, the changes the run made to them (rows
// added, changed, removed, with their previous values), and the other
// records of the run (the upload's manifest, the Display Errors switch).
// Uninstall reverses it. docs/undo.md explains the design.
package journal

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/ocsetup/ocsetup/installer/pkg"
	"github.com/ocsetup/ocsetup/installer/remote"
)

// Dir is the journals' folder inside the data folder.
const Dir = "journals"

// State of a setup run.
type State string

// States.
const (
	Running State = "running" // the run has not finished (or was killed)
	Done    State = "done"    // the run finished (with success or failure)
	Undone  State = "undone"  // an uninstall reversed it
)

// Extension is the module the setup configured.
type Extension struct {
	Type   string `json:"type"`
	Code   string `json:"code"`
	Folder string `json:"folder,omitempty"`
}

// Journal is one setup run.
type Journal struct {
	ID          string      `json:"id"`
	State       State       `json:"state"`
	Site        remote.Site `json:"site"`
	Root        string      `json:"root"`
	Integration string      `json:"integration"`
	Extension   Extension   `json:"extension"`
	Started     time.Time   `json:"started"`
	Finished    time.Time   `json:"finished,omitzero"`
	Undone      time.Time   `json:"undone,omitzero"`
	// Before is the tracked tables before the first change.
	Before Image `json:"before"`
	// Changes are what the run did to them; nil until the run finished
	// (an interrupted run is undone against the store as it is then).
	Changes []Change `json:"changes,omitempty"`
	// ExtensionWasInstalled: the extension was installed before the run,
	// so uninstall leaves it installed (and only reverses the changes).
	ExtensionWasInstalled bool `json:"extension_was_installed"`
	// Manifest is the upload's manifest ID, "" when nothing was uploaded.
	Manifest string `json:"manifest,omitempty"`
	// Earlier are the run's earlier uploads, oldest first, when it uploaded
	// more than once (the wizard sends OneBox's configured cron.php as a
	// second upload): undo rolls Manifest back first, then these.
	Earlier []string `json:"earlier_manifests,omitempty"`
	// DisplayErrors is the undo record of the Display Errors switch.
	DisplayErrors string `json:"display_errors,omitempty"`
	// Creates is what the package's install() makes.
	Creates pkg.Creates `json:"creates,omitzero"`
	// ModCache is the store's modification cache before the setup's
	// OCMOD registration, as the caller's own JSON (nil when untouched).
	ModCache json.RawMessage `json:"mod_cache,omitempty"`
	// Files are the files the setup rewrote outside its upload (the
	// connector's config file), each recorded before it was written.
	Files []FileEdit `json:"files,omitempty"`
	// Cron is the crontab line the setup was about to add or replace
	// (recorded before crontab was written), nil when it wrote none.
	Cron *CronEdit `json:"cron,omitempty"`

	file string
}

// FileEdit is one rewritten file: its content before and a hash of what
// the setup wrote, so that undo can tell whether it was changed since.
// Before may hold secrets: journals are 0600 in the 0700 data folder.
type FileEdit struct {
	Path   string `json:"path"`
	Before []byte `json:"before"`
	// After is the SHA-256 (hex) of the content the setup wrote.
	After string `json:"after"`
}

// CronEdit is the setup's crontab line: its marker ID and the line with
// that marker before the setup ("" when there was none).
type CronEdit struct {
	ID       string `json:"id"`
	Previous string `json:"previous,omitempty"`
}

// New starts a journal for a run (not yet written: call Save).
func New(dataDir string, site remote.Site, root, integration string) (*Journal, error) {
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		return nil, err
	}
	now := time.Now().UTC()
	id := now.Format("20060102-150405") + "-" + hex.EncodeToString(b)
	site.Password, site.KeyPassphrase = "", ""
	return &Journal{ID: id, State: Running, Site: site, Root: root, Integration: integration, Started: now,
		file: filepath.Join(dataDir, Dir, id+".json")}, nil
}

// File is the journal's path.
func (j *Journal) File() string { return j.file }

// Save writes the journal: a temporary file, fsync'd, renamed, and the
// folder fsync'd, so the journal on disk is always a whole one.
func (j *Journal) Save() error {
	dir := filepath.Dir(j.file)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	data, err := json.Marshal(j)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, ".journal-*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), j.file); err != nil {
		return err
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
	return nil
}

// List reads every journal in the data folder, newest first. A damaged
// journal is reported in the error; the others are still returned.
func List(dataDir string) ([]*Journal, error) {
	dir := filepath.Join(dataDir, Dir)
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []*Journal
	var errs []error
	for _, e := range entries {
		if e.IsDir() || filepath.Ext(e.Name()) != ".json" {
			continue
		}
		file := filepath.Join(dir, e.Name())
		data, err := os.ReadFile(file)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		var j Journal
		if err := json.Unmarshal(data, &j); err != nil || j.ID == "" {
			errs = append(errs, fmt.Errorf("setup journal %s is damaged: %v", file, err))
			continue
		}
		j.file = file
		out = append(out, &j)
	}
	sort.Slice(out, func(a, b int) bool { return out[a].ID > out[b].ID })
	return out, errors.Join(errs...)
}
