package app

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/ocsetup/ocsetup/installer/integrations"
	"github.com/ocsetup/ocsetup/installer/msg"
	"github.com/ocsetup/ocsetup/installer/remote"
)

// FleetStore is one store of a fleet file: the fields of a setup file plus
// an id that names its secrets in the environment (OCSETUP_<ID>_PASSWORD,
// OCSETUP_<ID>_SECRET_<FIELD>) and its row in the report.
type FleetStore struct {
	ID string `yaml:"id" json:"id"`
	// SavedSite is the name of the site saved in the app, whose keychain
	// item holds the secrets the environment lacks; the GUI opens it from
	// a fleet report. Empty: the id.
	SavedSite string `yaml:"saved_site,omitempty" json:"saved_site,omitempty"`
	// Connections is how many connections the host allows this account at
	// once (as --connections): stores on the same host and port share the
	// smallest of theirs. 0: remote.DefaultConnections.
	Connections int `yaml:"connections,omitempty" json:"connections,omitempty"`
	SetupFile   `yaml:",inline"`
}

// Fleet is a fleet file: many stores that `ocsetup fleet` tests or sets up
// at once.
type Fleet struct {
	Stores []FleetStore
	path   string // absolute path of the file, for the state file
}

// fleetDoc is the file's form with a top-level stores: key.
type fleetDoc struct {
	Stores []FleetStore `yaml:"stores" json:"stores"`
}

// fleetIDPattern keeps ids usable in environment variable names.
var fleetIDPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$`)

// LoadFleetFile reads and checks a fleet file (.yaml, .yml or .json): a
// list of stores, or a mapping with a stores: list. Their integrations
// must be reg's.
func LoadFleetFile(path string, reg *integrations.Registry) (*Fleet, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	stores, err := decodeFleet(b, strings.ToLower(filepath.Ext(path)) == ".json")
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(stores) == 0 {
		return nil, msg.NewError("error.cli.fleet.no_stores", "Path", path)
	}
	seen := map[string]string{}
	for i := range stores {
		s := &stores[i]
		s.dir = filepath.Dir(abs)
		where := msg.New("cli.fleet.store_n", "N", i+1)
		if s.ID != "" {
			where = msg.New("cli.fleet.store_id", "ID", fmt.Sprintf("%q", s.ID))
		}
		if !fleetIDPattern.MatchString(s.ID) {
			return nil, msg.NewError("error.cli.fleet.bad_id", "Path", path, "Where", where)
		}
		key := fleetEnvID(s.ID)
		if other, ok := seen[key]; ok {
			return nil, msg.NewError("error.cli.fleet.same_ids", "Path", path, "A", fmt.Sprintf("%q", other), "B", fmt.Sprintf("%q", s.ID), "Key", key)
		}
		seen[key] = s.ID
		if err := s.check(reg); err != nil {
			return nil, msg.Wrap(err, "error.cli.fleet.in_store", "Path", path, "Where", where)
		}
		if s.Connections < 0 || s.Connections > remote.MaxConnections {
			return nil, msg.NewError("error.cli.fleet.connections", "Path", path, "Where", where, "Max", remote.MaxConnections)
		}
		if s.Connections == 0 {
			s.Connections = remote.DefaultConnections
		}
		if s.SavedSite == "" {
			s.SavedSite = s.ID
		}
	}
	return &Fleet{Stores: stores, path: abs}, nil
}

func decodeFleet(b []byte, isJSON bool) ([]FleetStore, error) {
	var list []FleetStore
	var doc fleetDoc
	if isJSON {
		trimmed := bytes.TrimSpace(b)
		if len(trimmed) > 0 && trimmed[0] == '[' {
			return list, strictJSON(b, &list)
		}
		return doc.Stores, strictJSON(b, &doc)
	}
	var probe yaml.Node
	if err := yaml.Unmarshal(b, &probe); err != nil {
		return nil, err
	}
	if len(probe.Content) == 1 && probe.Content[0].Kind == yaml.SequenceNode {
		return list, strictYAML(b, &list)
	}
	return doc.Stores, strictYAML(b, &doc)
}

func strictJSON(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

func strictYAML(b []byte, v any) error {
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	err := dec.Decode(v)
	if errors.Is(err, io.EOF) {
		return nil
	}
	return err
}

// fleetEnvID is the id as it appears in variable names: upper case, - as _.
func fleetEnvID(id string) string {
	return strings.ToUpper(strings.ReplaceAll(id, "-", "_"))
}

// hostKey is the host and port whose connection budget the store uses.
func (s *FleetStore) hostKey() string {
	site, err := remote.ParseURL(s.Site)
	if err != nil { // check() parsed it already
		return s.Site
	}
	return strings.ToLower(site.Addr())
}

// accountKey is the hosting account of the store (as db.SameSite tells
// sites apart): its protocol, user, host and port.
func (s *FleetStore) accountKey() string {
	site, err := remote.ParseURL(s.Site)
	if err != nil {
		return s.Site
	}
	return string(site.Protocol) + "://" + site.User + "@" + s.hostKey()
}

// fingerprint identifies the store's definition: a resumed run redoes a
// store whose definition changed since it was done.
func (s *FleetStore) fingerprint() string {
	b, _ := json.Marshal(s)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:8])
}
