package app

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/ocsetup/ocsetup/installer/msg"
	"github.com/ocsetup/ocsetup/installer/remote"
)

// Preferences is the part of fyne.Preferences that saved sites use, so that
// app stays free of Fyne: the GUI passes fyne.CurrentApp().Preferences(),
// tests may pass a map.
type Preferences interface {
	String(key string) string
	SetString(key, value string)
}

// SitesKey is the preferences key that holds the saved sites, as one JSON
// document: one key means one write, so a crash never leaves half a list.
const SitesKey = "sites"

// sitesVersion is the format of the document under SitesKey.
const sitesVersion = 1

// SavedSite is a site the user saved to come back to: everything needed
// to reconnect and carry on, except the secrets, which live in the OS
// keychain (SiteSecrets). Consent to plain FTP is not kept either: it is
// asked at each connection.
type SavedSite struct {
	// Name is what the user calls the site; it identifies it.
	Name     string          `json:"name"`
	Protocol remote.Protocol `json:"protocol"`
	Host     string          `json:"host"`
	Port     int             `json:"port,omitempty"`
	User     string          `json:"user"`
	KeyFile  string          `json:"key_file,omitempty"`
	Agent    bool            `json:"agent,omitempty"`
	// Path is where discovery starts (the Connect screen's Folder).
	Path string `json:"path,omitempty"`
	// Store is the folder of the store chosen on that account.
	Store string `json:"store,omitempty"`
	// Integration is the profile id (amazon_ps, onebox, …).
	Integration string `json:"integration,omitempty"`
	// Settings are the profile's settings that are not secret.
	Settings map[string]string `json:"settings,omitempty"`
	// SecretsSaved is set by Save: true when the keychain holds this
	// site's secrets, so the UI knows whether to ask for the password.
	SecretsSaved bool `json:"secrets_saved,omitempty"`
}

// SiteSecrets are the secrets of a saved site. They go to the keychain as
// one item, so a locked keychain asks to be unlocked once per site.
type SiteSecrets struct {
	Password      string `json:"password,omitempty"`
	KeyPassphrase string `json:"key_passphrase,omitempty"`
	// Settings are the profile's secret settings by field name:
	// access_code, request_sha_phrase, api_key…
	Settings map[string]string `json:"settings,omitempty"`
}

// IsZero reports whether there is no secret to keep.
func (s SiteSecrets) IsZero() bool {
	if s.Password != "" || s.KeyPassphrase != "" {
		return false
	}
	for _, v := range s.Settings {
		if v != "" {
			return false
		}
	}
	return true
}

// SiteFromRemote takes the connection part of a saved site from a site the
// user connected to; the secrets of r are left out (see SecretsFromRemote).
func SiteFromRemote(name string, r remote.Site) SavedSite {
	return SavedSite{Name: name, Protocol: r.Protocol, Host: r.Host, Port: r.Port, User: r.User,
		KeyFile: r.KeyFile, Agent: r.Agent, Path: r.Path}
}

// SecretsFromRemote takes the secrets of a site the user connected to.
func SecretsFromRemote(r remote.Site) SiteSecrets {
	return SiteSecrets{Password: r.Password, KeyPassphrase: r.KeyPassphrase}
}

// Remote is the site to connect to, with its secrets put back.
func (s SavedSite) Remote(sec SiteSecrets) remote.Site {
	return remote.Site{Protocol: s.Protocol, Host: s.Host, Port: s.Port, User: s.User,
		Password: sec.Password, KeyFile: s.KeyFile, KeyPassphrase: sec.KeyPassphrase,
		Agent: s.Agent, Path: s.Path}
}

// DefaultSiteName suggests a name for a site: user@host.
func DefaultSiteName(r remote.Site) string { return r.User + "@" + r.Host }

// SecretsNotSavedError says a site was saved but its secrets were not,
// because the keychain could not take them. The UI shows it as a notice:
// the site is there, and the password will be asked for next time.
type SecretsNotSavedError struct {
	Site string
	Err  error
}

func (e *SecretsNotSavedError) Error() string { return e.Msg().English() }

// Msg is the error as a message, for the app to show in the user's
// language.
func (e *SecretsNotSavedError) Msg() msg.Msg {
	return msg.New("error.sites.secrets_not_saved", "Site", fmt.Sprintf("%q", e.Site), "Cause", msg.CauseArg(e.Err))
}

func (e *SecretsNotSavedError) Unwrap() error { return e.Err }

// ErrSiteNotFound says no saved site has that name.
var ErrSiteNotFound error = msg.NewError("error.sites.not_found")

// Sites are the saved sites: the non-secret part in the preferences, the
// secrets in the keychain. List and Get read the preferences only, so the
// UI may call them on its own goroutine; Save, Secrets and Delete use the
// keychain and may block (see Keychain).
type Sites struct {
	prefs Preferences
	keys  Keychain
	// mu makes each read-modify-write of the list whole.
	mu sync.Mutex
}

// NewSites keeps sites in prefs and their secrets in keys.
func NewSites(prefs Preferences, keys Keychain) *Sites {
	return &Sites{prefs: prefs, keys: keys}
}

type sitesDoc struct {
	Version int         `json:"version"`
	Sites   []SavedSite `json:"sites"`
}

func (s *Sites) load() ([]SavedSite, error) {
	raw := s.prefs.String(SitesKey)
	if raw == "" {
		return nil, nil
	}
	var doc sitesDoc
	if err := json.Unmarshal([]byte(raw), &doc); err != nil {
		return nil, msg.Wrap(err, "error.sites.unreadable")
	}
	if doc.Version != sitesVersion {
		return nil, msg.NewError("error.sites.version", "Format", doc.Version, "Reads", sitesVersion)
	}
	return doc.Sites, nil
}

func (s *Sites) store(list []SavedSite) error {
	sort.Slice(list, func(i, j int) bool { return strings.ToLower(list[i].Name) < strings.ToLower(list[j].Name) })
	b, err := json.Marshal(sitesDoc{Version: sitesVersion, Sites: list})
	if err != nil {
		return err
	}
	s.prefs.SetString(SitesKey, string(b))
	return nil
}

// List returns the saved sites by name.
func (s *Sites) List() ([]SavedSite, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.load()
}

// Get returns one saved site.
func (s *Sites) Get(name string) (SavedSite, error) {
	list, err := s.List()
	if err != nil {
		return SavedSite{}, err
	}
	if i := indexOfSite(list, name); i >= 0 {
		return list[i], nil
	}
	return SavedSite{}, msg.Wrap(ErrSiteNotFound, "error.sites.not_found_name", "Name", fmt.Sprintf("%q", name))
}

func indexOfSite(list []SavedSite, name string) int {
	return slices.IndexFunc(list, func(x SavedSite) bool { return x.Name == name })
}

// keychainAccount names a site's item in the keychain.
func keychainAccount(name string) string { return "site:" + name }

// Save adds the site, or replaces the one of the same name, and keeps its
// secrets in the keychain. When the keychain cannot take them the site is
// saved all the same, without them, and the error is a
// *SecretsNotSavedError for the UI to show. Saving with no secrets removes
// secrets saved before (the user chose not to keep the password).
func (s *Sites) Save(site SavedSite, secrets SiteSecrets) error {
	site.Name = strings.TrimSpace(site.Name)
	if site.Name == "" {
		return msg.NewError("error.sites.no_name")
	}
	var leaked []string
	for k := range site.Settings {
		if secretLooking.MatchString(k) {
			leaked = append(leaked, k)
		}
	}
	if len(leaked) > 0 {
		// A secret in the preferences would be written to disk in the
		// clear; the caller must pass it in SiteSecrets.Settings.
		sort.Strings(leaked)
		return msg.NewError("error.sites.secret_settings", "Settings", strings.Join(leaked, ", "))
	}
	site.Settings = nonEmpty(site.Settings)

	// The keychain is used outside the lock: it may wait for the user to
	// unlock it, and List must not wait with it on the UI goroutine.
	old, err := s.Get(site.Name)
	if err != nil && !errors.Is(err, ErrSiteNotFound) {
		return err
	}
	var notSaved error
	site.SecretsSaved = false
	if !secrets.IsZero() {
		b, err := json.Marshal(secrets)
		if err != nil {
			return err
		}
		if err := s.keys.Set(keychainAccount(site.Name), string(b)); err != nil {
			notSaved = &SecretsNotSavedError{Site: site.Name, Err: err}
		} else {
			site.SecretsSaved = true
		}
	}
	if old.SecretsSaved && !site.SecretsSaved {
		// Old secrets must not outlive the choice (or the failure) that
		// left the site without them; a failure here only means they
		// were not there any more, or the keychain is gone too.
		_ = s.keys.Delete(keychainAccount(site.Name))
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	list, err := s.load()
	if err != nil {
		return err
	}
	if i := indexOfSite(list, site.Name); i >= 0 {
		list[i] = site
	} else {
		list = append(list, site)
	}
	if err := s.store(list); err != nil {
		return err
	}
	return notSaved
}

// Secrets reads a saved site's secrets. It fails with ErrSecretNotFound,
// without touching the keychain, when Save could not keep them.
func (s *Sites) Secrets(name string) (SiteSecrets, error) {
	site, err := s.Get(name)
	if err != nil {
		return SiteSecrets{}, err
	}
	if !site.SecretsSaved {
		return SiteSecrets{}, ErrSecretNotFound
	}
	raw, err := s.keys.Get(keychainAccount(name))
	if err != nil {
		return SiteSecrets{}, err
	}
	var sec SiteSecrets
	if err := json.Unmarshal([]byte(raw), &sec); err != nil {
		return SiteSecrets{}, msg.Wrap(err, "error.sites.item_unreadable", "Name", fmt.Sprintf("%q", name))
	}
	return sec, nil
}

// Delete forgets a site and removes its secrets from the keychain.
func (s *Sites) Delete(name string) error {
	s.mu.Lock()
	list, err := s.load()
	if err != nil {
		s.mu.Unlock()
		return err
	}
	i := indexOfSite(list, name)
	if i < 0 {
		s.mu.Unlock()
		return msg.Wrap(ErrSiteNotFound, "error.sites.not_found_name", "Name", fmt.Sprintf("%q", name))
	}
	had := list[i].SecretsSaved
	err = s.store(slices.Delete(list, i, i+1))
	s.mu.Unlock()
	if err != nil || !had {
		return err
	}
	// Outside the lock, as in Save.
	if err := s.keys.Delete(keychainAccount(name)); err != nil && !errors.Is(err, ErrSecretNotFound) {
		return msg.Wrap(err, "error.sites.secrets_left", "Name", fmt.Sprintf("%q", name))
	}
	return nil
}

// nonEmpty drops empty settings and returns nil for none, so that the
// preferences hold only what was set.
func nonEmpty(m map[string]string) map[string]string {
	var out map[string]string
	for k, v := range m {
		if v == "" {
			continue
		}
		if out == nil {
			out = map[string]string{}
		}
		out[k] = v
	}
	return out
}
