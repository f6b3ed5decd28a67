package deploy

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/ocsetup/ocsetup/installer/msg"
)

// State is where a manifest's work stands.
type State string

// States. An upload that stopped half-way stays in-progress, a rollback
// that stopped stays rolling-back; Pending finds both.
const (
	StateInProgress  State = "in-progress"
	StateDone        State = "done"
	StateRollingBack State = "rolling-back"
	StateRolledBack  State = "rolled-back"
)

// Action is what an upload does to one store path.
type Action string

// Actions.
const (
	ActCreate  Action = "create"  // a new file
	ActReplace Action = "replace" // a changed file, backed up first
	ActRemove  Action = "remove"  // a file removed by a fix, backed up first
	ActKeep    Action = "keep"    // identical: not sent, recorded for verification
)

// Entry is one store path of a manifest.
type Entry struct {
	Path   string   `json:"path"` // relative to the store root
	Action Action   `json:"action"`
	Source string   `json:"source,omitempty"` // the package path
	Old    *Content `json:"old,omitempty"`    // before: replace and remove
	New    *Content `json:"new,omitempty"`    // after: create, replace, keep
	// Temp is the temporary name the file is uploaded under (absolute).
	Temp string `json:"temp,omitempty"`
	// Backup is the local copy of the old file, relative to the
	// manifest's folder; it exists once it is complete.
	Backup string `json:"backup,omitempty"`
	// Done: placed (create, replace) or removed (remove).
	Done bool `json:"done,omitempty"`
}

// Manifest records one upload before it changes anything, and what it did.
type Manifest struct {
	ID      string      `json:"id"`
	Created time.Time   `json:"created"`
	Updated time.Time   `json:"updated"`
	State   State       `json:"state"`
	Store   Store       `json:"store"`
	Package PackageInfo `json:"package"`
	// Folders are created by the upload, parents first.
	Folders []string `json:"folders,omitempty"`
	// RemovedFolders are removed by a fix, deepest first.
	RemovedFolders []string `json:"removed_folders,omitempty"`
	Entries        []Entry  `json:"entries"`
	// Probe is the PHP probe file while it exists on the server.
	Probe string `json:"probe,omitempty"`
	// Fixes applied, and the last error, in plain words.
	Fixes []string `json:"fixes,omitempty"`
	Error string   `json:"error,omitempty"`

	dir      string // the data folder's deploy/
	mu       sync.Mutex
	lastSave time.Time
}

// manifestDir is where manifests and backups are kept.
func manifestDir(dataDir string) string { return filepath.Join(dataDir, "deploy") }

func newID() string {
	b := make([]byte, 3)
	_, _ = rand.Read(b)
	return time.Now().UTC().Format("20060102-150405") + "-" + hex.EncodeToString(b)
}

// file is the manifest's JSON file.
func (m *Manifest) file() string { return filepath.Join(m.dir, m.ID+".json") }

// save writes the manifest atomically (temporary file, fsync, rename).
func (m *Manifest) save() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.saveLocked()
}

func (m *Manifest) saveLocked() error {
	m.Updated = time.Now().UTC()
	m.lastSave = time.Now()
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	return writeFileAtomic(m.file(), b)
}

// markDone records that an entry's change is made. The manifest is saved
// at most every half second here: a lost mark only makes a resume or a
// rollback redo an idempotent step.
func (m *Manifest) markDone(i int) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.Entries[i].Done = true
	if time.Since(m.lastSave) < 500*time.Millisecond {
		return nil
	}
	return m.saveLocked()
}

func (m *Manifest) setState(s State, err error) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.State = s
	m.Error = ""
	if err != nil {
		m.Error = err.Error()
	}
	return m.saveLocked()
}

// writeFileAtomic replaces name with data so that a crash leaves either the
// old or the new file.
func writeFileAtomic(name string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(name), 0o700); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(name), ".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, name)
	}
	if err != nil {
		_ = os.Remove(tmp)
	}
	return err
}

// LoadManifest reads one manifest by its ID.
func LoadManifest(dataDir, id string) (*Manifest, error) {
	if id == "" || strings.ContainsAny(id, `/\`) || strings.HasPrefix(id, ".") {
		return nil, msg.NewError("error.deploy.bad_manifest_id", "ID", fmt.Sprintf("%q", id))
	}
	dir := manifestDir(dataDir)
	b, err := os.ReadFile(filepath.Join(dir, id+".json"))
	if errors.Is(err, os.ErrNotExist) {
		return nil, msg.NewError("error.deploy.no_manifest", "ID", id, "Dir", dir)
	}
	if err != nil {
		return nil, err
	}
	m := &Manifest{dir: dir}
	if err := json.Unmarshal(b, m); err != nil {
		return nil, msg.NewError("error.deploy.damaged_manifest", "ID", id, "Error", err.Error())
	}
	return m, nil
}

// Manifests lists the manifests in the data folder, oldest first; with a
// non-zero store only that store's.
func Manifests(dataDir string, store Store) ([]*Manifest, error) {
	names, err := filepath.Glob(filepath.Join(manifestDir(dataDir), "*.json"))
	if err != nil {
		return nil, err
	}
	var out []*Manifest
	for _, n := range names {
		m, err := LoadManifest(dataDir, strings.TrimSuffix(filepath.Base(n), ".json"))
		if err != nil {
			return nil, err
		}
		if store.Site == "" || m.Store.same(store) {
			out = append(out, m)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].Created.Equal(out[j].Created) {
			return out[i].Created.Before(out[j].Created)
		}
		return out[i].ID < out[j].ID
	})
	return out, nil
}

// Pending lists manifests whose upload or rollback did not finish (a crash,
// a lost connection, a cancel): the next start offers to finish the upload
// (Engine.Resume) or to roll it back (Engine.Rollback).
func Pending(dataDir string) ([]*Manifest, error) {
	all, err := Manifests(dataDir, Store{})
	if err != nil {
		return nil, err
	}
	var out []*Manifest
	for _, m := range all {
		if m.State == StateInProgress || m.State == StateRollingBack {
			out = append(out, m)
		}
	}
	return out, nil
}

// Counts tells how many entries have each action.
func (m *Manifest) Counts() map[Action]int {
	c := map[Action]int{}
	for _, e := range m.Entries {
		c[e.Action]++
	}
	return c
}

// known returns what the done manifests of a store say each path holds
// now: the content the latest of them left there. A path that an
// unfinished manifest touched is unknown.
func known(dataDir string, st Store) (map[string]Content, error) {
	all, err := Manifests(dataDir, st)
	if err != nil {
		return nil, err
	}
	out := map[string]Content{}
	for _, m := range all {
		for _, e := range m.Entries {
			switch {
			case m.State == StateRolledBack:
				// Rolled back: the earlier state is back, as recorded.
			case m.State != StateDone || e.Action == ActRemove:
				delete(out, e.Path)
			case e.New != nil && e.New.SHA256 != "":
				out[e.Path] = *e.New
			}
		}
	}
	return out, nil
}
