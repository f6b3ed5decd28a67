// Package records keeps small JSON records in the app's data folder: one
// file per record, written atomically, read back all at once. ocsetup
// records what it puts on a store before it does so (a database bridge, a
// temporary admin account), so a run that is killed leaves a record and the
// next start removes what it names.
package records

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// Write stores v as dir/name.json: under a temporary name first and then
// renamed, so a crash never leaves half a record; one file per record, so
// concurrent runs never rewrite each other's. It returns the file's path.
func Write(dir, name string, v any) (string, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return "", err
	}
	final := filepath.Join(dir, name+".json")
	tmp := final + ".tmp"
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		return "", err
	}
	if err := os.Rename(tmp, final); err != nil {
		_ = os.Remove(tmp)
		return "", err
	}
	return final, nil
}

// Remove deletes a record file; one already gone is no error.
func Remove(file string) error {
	if file == "" {
		return nil
	}
	if err := os.Remove(file); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}

// Record is one record read back, with its file.
type Record[T any] struct {
	Value T
	File  string
}

// ReadAll reads every record in dir. A record that cannot be read, or that
// valid rejects, is reported in the error (naming what, "bridge record")
// while the others are still returned. A missing dir has no records.
func ReadAll[T any](dir, what string, valid func(*T) bool) ([]Record[T], error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []Record[T]
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
		var v T
		if err := json.Unmarshal(data, &v); err != nil || !valid(&v) {
			errs = append(errs, fmt.Errorf("%s %s is damaged: %v", what, file, err))
			continue
		}
		out = append(out, Record[T]{Value: v, File: file})
	}
	return out, errors.Join(errs...)
}
