package app

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/ocsetup/ocsetup/installer/integrations"
	"github.com/ocsetup/ocsetup/installer/msg"
	"github.com/ocsetup/ocsetup/installer/remote"
)

// SetupFile describes a whole setup for `ocsetup apply`, `test` and `sync`:
// what the wizard asks, in a YAML or JSON file that holds no secret.
// Secrets come from the environment (SecretVar) or the OS keychain.
type SetupFile struct {
	// Site is the hosting URL, as for `ocsetup detect`.
	Site string `yaml:"site" json:"site"`
	// Fingerprint pins the host key or certificate (like --fingerprint).
	Fingerprint string `yaml:"fingerprint,omitempty" json:"fingerprint,omitempty"`
	// Store is the store's folder when the account holds several.
	Store string `yaml:"store,omitempty" json:"store,omitempty"`
	// StoreURL is the storefront's address when config.php's is not the
	// one to use (a store behind a proxy, say).
	StoreURL string `yaml:"store_url,omitempty" json:"store_url,omitempty"`
	// Integration is the ID of a profile of the registry the file is
	// loaded with (ocsetup's own: see 'ocsetup help apply').
	Integration string `yaml:"integration" json:"integration"`
	// Package is the extension to upload (.ocmod.zip, .zip or folder),
	// relative to the setup file.
	Package string `yaml:"package,omitempty" json:"package,omitempty"`
	// DBRoutes limits the database routes tried ("direct,ssh,bridge").
	DBRoutes string `yaml:"db_routes,omitempty" json:"db_routes,omitempty"`
	Access   Access `yaml:"access,omitempty" json:"access,omitempty"`
	// Settings are the profile's fields that are not secret.
	Settings SettingValues `yaml:"settings,omitempty" json:"settings,omitempty"`
	// PaymentMethod is the payment method's code whose checkout `test`
	// proves through the store's API; "" means the integration's own
	// payment extension, if it has one; "none" switches the check off.
	PaymentMethod string `yaml:"payment_method,omitempty" json:"payment_method,omitempty"`

	dir string // folder of the file, for relative paths
	// profile is the integration, found in the registry the file was
	// checked with.
	profile integrations.Profile
}

// Profile is the file's integration (zero until the file is checked
// against a registry).
func (f *SetupFile) Profile() integrations.Profile { return f.profile }

// Access is the integration's access to the store.
type Access struct {
	// APIUser is the store's API user to create or update ("" = none).
	APIUser string `yaml:"api_user,omitempty" json:"api_user,omitempty"`
	// IPs are the provider's addresses to allow.
	IPs []string `yaml:"ips,omitempty" json:"ips,omitempty"`
	// Cron is how the connector's job runs: auto (crontab when the account
	// has a shell, else the app), crontab, app, or none.
	Cron string `yaml:"cron,omitempty" json:"cron,omitempty"`
}

// SettingValues are a setup file's settings. A field that takes several
// values (LatitudePay's payment terms) may be written as a list, which is
// read as the comma-separated string the profiles take: payment_terms:
// [6, 12] is payment_terms: "6,12".
type SettingValues map[string]string

// UnmarshalYAML reads scalars as they are and lists of scalars joined.
func (sv *SettingValues) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.MappingNode {
		return msg.NewError("error.cli.setup.settings_map", "Line", n.Line)
	}
	out := SettingValues{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch v.Kind {
		case yaml.ScalarNode:
			if v.Tag == "!!null" {
				out[k.Value] = ""
			} else {
				out[k.Value] = v.Value
			}
		case yaml.SequenceNode:
			var parts []string
			for _, e := range v.Content {
				if e.Kind != yaml.ScalarNode {
					return msg.NewError("error.cli.setup.settings_list", "Line", e.Line, "Name", k.Value)
				}
				parts = append(parts, e.Value)
			}
			out[k.Value] = strings.Join(parts, ",")
		default:
			return msg.NewError("error.cli.setup.settings_value", "Line", v.Line, "Name", k.Value)
		}
	}
	*sv = out
	return nil
}

// UnmarshalJSON reads strings as they are and arrays of strings or
// numbers joined.
func (sv *SettingValues) UnmarshalJSON(b []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return msg.Wrap(err, "error.cli.setup.settings_object")
	}
	out := SettingValues{}
	for k, v := range raw {
		var one string
		if err := json.Unmarshal(v, &one); err == nil {
			out[k] = one
			continue
		}
		var list []json.Number
		if err := json.Unmarshal(v, &list); err == nil {
			parts := make([]string, len(list))
			for i, n := range list {
				parts[i] = n.String()
			}
			out[k] = strings.Join(parts, ",")
			continue
		}
		var strs []string
		if err := json.Unmarshal(v, &strs); err != nil {
			return msg.NewError("error.cli.setup.settings_strings", "Name", k)
		}
		out[k] = strings.Join(strs, ",")
	}
	*sv = out
	return nil
}

// SecretVarPrefix names the environment variables of a profile's secrets:
// OCSETUP_SECRET_ACCESS_CODE for the field access_code.
const SecretVarPrefix = "OCSETUP_SECRET_"

// SecretVar is the environment variable of one secret field.
func SecretVar(field string) string {
	return SecretVarPrefix + strings.ToUpper(regexp.MustCompile(`[^A-Za-z0-9]+`).ReplaceAllString(field, "_"))
}

// secretLooking are setting names that must not be in a setup file.
var secretLooking = regexp.MustCompile(`(?i)(password|passwd|secret|phrase|token|api_?key|access_code|private)`)

// LoadSetupFile reads and checks a setup file (.yaml, .yml or .json); its
// integration must be one of reg's.
func LoadSetupFile(path string, reg *integrations.Registry) (*SetupFile, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var f SetupFile
	switch strings.ToLower(filepath.Ext(path)) {
	case ".json":
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		err = dec.Decode(&f)
	default:
		dec := yaml.NewDecoder(bytes.NewReader(b))
		dec.KnownFields(true)
		err = dec.Decode(&f)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	f.dir = filepath.Dir(path)
	if err := f.check(reg); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &f, nil
}

func (f *SetupFile) check(reg *integrations.Registry) error {
	if f.Site == "" {
		return msg.NewError("error.cli.setup.no_site")
	}
	if _, err := remote.ParseURL(f.Site); err != nil {
		return msg.Wrap(err, "error.cli.setup.site")
	}
	p, ok := reg.ByID(f.Integration)
	if !ok {
		return msg.NewError("error.cli.setup.integration", "Name", fmt.Sprintf("%q", f.Integration), "IDs", strings.Join(reg.IDs(), ", "))
	}
	f.profile = p
	var leaked []string
	for k, v := range f.Settings {
		// A secret setting may be named with an empty value: its value
		// then comes from the environment (the Custom profile cannot
		// know which fields of an extension's form are secret).
		if secretLooking.MatchString(k) && v != "" {
			leaked = append(leaked, k)
		}
	}
	sort.Strings(leaked)
	if len(leaked) > 0 {
		return msg.NewError("error.cli.setup.secret_in_file", "Names", strings.Join(leaked, ", "), "Var", SecretVar(leaked[0]))
	}
	switch f.Access.Cron {
	case "", "auto", "crontab", "app", "none":
	default:
		return msg.NewError("error.cli.setup.cron", "Value", fmt.Sprintf("%q", f.Access.Cron))
	}
	return nil
}

// PackagePath is Package resolved against the file's folder.
func (f *SetupFile) PackagePath() string {
	if f.Package == "" || filepath.IsAbs(f.Package) {
		return f.Package
	}
	return filepath.Join(f.dir, f.Package)
}

// exampleSetupFile is the setup file `ocsetup help apply` shows, its
// comments in lang.
func exampleSetupFile(lang string) string { return msg.New("cli.apply.example_setup_file").In(lang) }
