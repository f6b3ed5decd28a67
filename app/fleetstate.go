package app

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/ocsetup/ocsetup/installer/msg"
)

// fleetStateVersion is the format of a fleet state file.
const fleetStateVersion = 1

// fleetStateFile records the stores a fleet run has finished, so that a
// run that was killed carries on where it stopped instead of doing a store
// twice. It lives in the data folder, one per fleet file and command.
type fleetStateFile struct {
	path, command string
}

type fleetState struct {
	Version int                       `json:"version"`
	Command string                    `json:"command"`
	File    string                    `json:"fleet_file"`
	Done    map[string]fleetStateDone `json:"done"`
}

type fleetStateDone struct {
	// Fingerprint is the store's definition when it was done: a changed
	// store is done again.
	Fingerprint string   `json:"fingerprint"`
	Row         FleetRow `json:"row"`
}

func newFleetStateFile(dataDir, command string, f *Fleet) *fleetStateFile {
	sum := sha256.Sum256([]byte(command + "\x00" + f.path))
	return &fleetStateFile{command: command, path: filepath.Join(dataDir, "fleet", command+"-"+hex.EncodeToString(sum[:8])+".json")}
}

// load returns the rows of the stores already done (marked Resumed), for
// the stores of f whose definition did not change.
func (s *fleetStateFile) load(f *Fleet) (map[string]FleetRow, error) {
	done := map[string]FleetRow{}
	b, err := os.ReadFile(s.path)
	if errors.Is(err, fs.ErrNotExist) {
		return done, nil
	}
	if err != nil {
		return nil, err
	}
	var st fleetState
	if err := json.Unmarshal(b, &st); err != nil || st.Version != fleetStateVersion || st.Command != s.command {
		return nil, msg.NewError("error.cli.fleet.state_unreadable", "Path", s.path)
	}
	for _, store := range f.Stores {
		if d, ok := st.Done[store.ID]; ok && d.Fingerprint == store.fingerprint() {
			d.Row.Resumed = true
			done[store.ID] = d.Row
		}
	}
	return done, nil
}

// save records the stores done so far: written to a fresh temporary file,
// synced, and renamed over the state, so that a kill at any moment leaves
// the old state or the new one, never half of one.
func (s *fleetStateFile) save(f *Fleet, done map[string]FleetRow) error {
	st := fleetState{Version: fleetStateVersion, Command: s.command, File: f.path, Done: map[string]fleetStateDone{}}
	for _, store := range f.Stores {
		if row, ok := done[store.ID]; ok {
			st.Done[store.ID] = fleetStateDone{Fingerprint: store.fingerprint(), Row: row}
		}
	}
	if err := os.MkdirAll(filepath.Dir(s.path), 0o700); err != nil {
		return err
	}
	return writeFileAtomic(s.path, true, func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(st)
	})
}

// remove forgets the state once a run is complete, so that the next run
// starts afresh.
func (s *fleetStateFile) remove() error {
	err := os.Remove(s.path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}

// writeFileAtomic writes p through a fresh temporary file (O_EXCL, so
// never an existing file or a planted symlink) in the same folder, renamed
// over p. With durable, the data and the rename are synced to disk.
func writeFileAtomic(p string, durable bool, write func(io.Writer) error) error {
	dir := filepath.Dir(p)
	out, err := os.CreateTemp(dir, "."+filepath.Base(p)+".*.tmp")
	if err != nil {
		return err
	}
	tmp := out.Name()
	fail := func(err error) error {
		out.Close()
		os.Remove(tmp)
		return err
	}
	if err := write(out); err != nil {
		return fail(err)
	}
	if durable {
		if err := out.Sync(); err != nil {
			return fail(err)
		}
	}
	if err := out.Close(); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, p); err != nil {
		os.Remove(tmp)
		return err
	}
	if durable {
		if d, err := os.Open(dir); err == nil {
			err = d.Sync()
			d.Close()
			return err
		}
	}
	return nil
}

// The times file keeps how long each store took on the last complete run
// of this command over this fleet file. It outlives the state file: the
// next run starts the slowest stores first, so that a slow store does not
// start last and keep the whole run waiting (docs/fleet.md).
func (s *fleetStateFile) timesPath() string {
	return strings.TrimSuffix(s.path, ".json") + ".times.json"
}

// loadTimes returns the durations of the last complete run; none when
// there was none or its file cannot be read (the order is only a hint).
func (s *fleetStateFile) loadTimes() map[string]time.Duration {
	times := map[string]time.Duration{}
	b, err := os.ReadFile(s.timesPath())
	if err != nil {
		return times
	}
	if json.Unmarshal(b, &times) != nil {
		return map[string]time.Duration{}
	}
	return times
}

// saveTimes records each row's duration for the next run's order.
func (s *fleetStateFile) saveTimes(rows []FleetRow) error {
	times := map[string]time.Duration{}
	for _, r := range rows {
		times[r.ID] = r.Duration
	}
	if err := os.MkdirAll(filepath.Dir(s.path), 0o700); err != nil {
		return err
	}
	return writeFileAtomic(s.timesPath(), false, func(w io.Writer) error {
		return json.NewEncoder(w).Encode(times)
	})
}

// longestFirst orders the pending stores (indexes into stores) so that
// those that took longest last time start first; a store with no
// recorded time (new, or the first run) counts as the longest, since it
// may be slow. Equal stores keep the fleet file's order.
func longestFirst(pending []int, stores []FleetStore, times map[string]time.Duration) {
	const unknown = time.Duration(1<<63 - 1)
	took := func(i int) time.Duration {
		if d, ok := times[stores[i].ID]; ok {
			return d
		}
		return unknown
	}
	slices.SortStableFunc(pending, func(a, b int) int { return cmp.Compare(took(b), took(a)) })
}
