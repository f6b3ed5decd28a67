package app

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
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
		return nil, fmt.Errorf("the state of an earlier run (%s) cannot be read; run again with --restart to start over", s.path)
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
