// Package integrations describes the integrations ocsetup can set up. Each
// profile has its own file that declares everything about it: its fields,
// validation, defaults and per-line setting keys, the Plan it turns the
// user's answers into (what the extension's form gets, and the rows that
// reproduce the extension's install() and save when no admin session is
// possible), the extension it installs, its own checks for the test, its
// sync jobs and log, and which steps of the setup it needs. Nothing outside
// a profile's file switches on its ID: the wizard and the CLI take a
// Registry and ask the profiles.
package integrations

import (
	"fmt"
	"slices"
	"strings"

	"github.com/ocsetup/ocsetup/installer/check"
)

// Profile is one integration the wizard offers.
type Profile struct {
	ID      string // stable identifier used in setup files and on the command line
	Name    string
	Summary string
	// Closed is non-empty when the provider's service no longer runs.
	Closed string
	// StoreAPI: the integration logs in to the store's own OpenCart API
	// with an API user ocsetup creates, whose key is the api_key setting.
	// Others keep keys of their own (a payment gateway's API key is not
	// an OpenCart API key), so the API login and its IP allow-list mean
	// nothing for them.
	StoreAPI bool

	// Impl is the integration's behaviour. It may also implement the
	// optional interfaces ExtensionDecl, NeedsDecl, Checker and Syncer.
	Impl Impl
}

// Impl is what each integration's file provides.
type Impl interface {
	// Fields are what the wizard asks for a store.
	Fields(t Target) []Field
	// Plan checks the answers and works out the changes. An *InputError
	// lists every answer that cannot be used; nothing is changed then.
	Plan(t Target, v Values) (*Plan, error)
}

// ExtensionDecl is implemented by integrations that install an OpenCart
// extension the test can find registered and enabled.
type ExtensionDecl interface {
	Extension() *check.Extension
}

// NeedsDecl is implemented by integrations that use parts of the setup
// beyond the package and the settings (see Needs).
type NeedsDecl interface {
	Needs() Needs
}

// Checker is implemented by integrations with checks of their own for the
// test (their URLs, their connector file, their schedule).
type Checker interface {
	Checks(c CheckContext) []check.ProfileCheck
}

// Syncer is implemented by integrations whose connector writes a log the
// Sync step follows, or that have jobs the app runs where the server has
// no cron.
type Syncer interface {
	Sync(c SyncContext) SyncSpec
}

// Fields are what the profile asks for the store t.
func (p Profile) Fields(t Target) []Field {
	if p.Impl == nil {
		return nil
	}
	return p.Impl.Fields(t)
}

// Plan checks the answers for the store t and works out every change,
// before anything is changed.
func (p Profile) Plan(t Target, v Values) (*Plan, error) {
	if p.Impl == nil {
		return nil, fmt.Errorf("integration %q has no settings", p.ID)
	}
	plan, err := p.Impl.Plan(t, v)
	if err != nil {
		return nil, err
	}
	if p.Closed != "" && !slices.ContainsFunc(plan.Notices, func(n string) bool { return strings.Contains(n, "closed") }) {
		plan.Notices = append(plan.Notices, p.Closed)
	}
	return plan, nil
}

// Extension is the module the profile installs, for the registration and
// enabled checks; nil when it installs none (OneBox's API files, or a
// custom extension the profile cannot name in advance).
func (p Profile) Extension() *check.Extension {
	if d, ok := p.Impl.(ExtensionDecl); ok {
		return d.Extension()
	}
	return nil
}

// Needs are the profile's parts of the setup; none beyond the package and
// the settings unless the profile declares them.
func (p Profile) Needs() Needs {
	if d, ok := p.Impl.(NeedsDecl); ok {
		return d.Needs()
	}
	return Needs{}
}

// Checks are the profile's own checks for the test (besides the settings
// check every profile with stored settings gets).
func (p Profile) Checks(c CheckContext) []check.ProfileCheck {
	if d, ok := p.Impl.(Checker); ok {
		c.ID = p.ID
		return d.Checks(c)
	}
	return nil
}

// Sync is the log and jobs of the profile's connector.
func (p Profile) Sync(c SyncContext) SyncSpec {
	if d, ok := p.Impl.(Syncer); ok {
		return d.Sync(c)
	}
	return SyncSpec{}
}

// Registry is the set of profiles the wizard offers and setup files may
// name. The app uses Builtin(); a test can make its own with one more.
type Registry struct {
	profiles []Profile
}

// NewRegistry lists profiles in the order the wizard shows them. IDs must
// be unique and non-empty, and every profile needs its Impl.
func NewRegistry(profiles ...Profile) (*Registry, error) {
	seen := map[string]bool{}
	for _, p := range profiles {
		switch {
		case p.ID == "":
			return nil, fmt.Errorf("integration %q has no ID", p.Name)
		case seen[p.ID]:
			return nil, fmt.Errorf("integration %q is listed twice", p.ID)
		case p.Impl == nil:
			return nil, fmt.Errorf("integration %q has no Impl", p.ID)
		}
		seen[p.ID] = true
	}
	return &Registry{profiles: slices.Clone(profiles)}, nil
}

// Builtin is the registry of the integrations ocsetup ships.
func Builtin() *Registry {
	return &Registry{profiles: []Profile{AmazonPS(), LatitudePay(), DespatchCloud(), OneBox(), Custom()}}
}

// With is a copy of the registry with more profiles after its own.
func (r *Registry) With(profiles ...Profile) (*Registry, error) {
	return NewRegistry(append(r.All(), profiles...)...)
}

// All lists the profiles in the order the wizard shows them.
func (r *Registry) All() []Profile { return slices.Clone(r.profiles) }

// ByID finds a profile.
func (r *Registry) ByID(id string) (Profile, bool) {
	for _, p := range r.profiles {
		if p.ID == id {
			return p, true
		}
	}
	return Profile{}, false
}

// IDs are the profiles' IDs, in order.
func (r *Registry) IDs() []string {
	out := make([]string, 0, len(r.profiles))
	for _, p := range r.profiles {
		out = append(out, p.ID)
	}
	return out
}

// All returns the built-in profiles: a shortcut for tests and tools that
// need only those; the app takes a Registry instead.
func All() []Profile { return Builtin().All() }

// ByID finds a built-in profile: a shortcut for tests and tools that need
// only the built-ins; the app takes a Registry instead.
func ByID(id string) (Profile, bool) { return Builtin().ByID(id) }
