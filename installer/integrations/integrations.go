// Package integrations describes the integrations ocsetup can set up. Each
// profile has its own file with its fields, validation, defaults and
// per-line setting keys, and turns the user's answers into a Plan: what
// the extension's form gets, and the rows that reproduce the extension's
// install() and save when no admin session is possible. This file is the
// list the wizard and the CLI start from.
package integrations

import (
	"fmt"
	"slices"
	"strings"
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

	impl profile
}

// profile is what each integration's file provides.
type profile interface {
	// Fields are what the wizard asks for a store.
	Fields(t Target) []Field
	// Plan checks the answers and works out the changes. An *InputError
	// lists every answer that cannot be used; nothing is changed then.
	Plan(t Target, v Values) (*Plan, error)
}

// All returns the built-in profiles in the order the wizard shows them.
func All() []Profile {
	return []Profile{
		{ID: "amazon_ps", Name: "Amazon Payment Services",
			Summary: "Card, installments, Apple Pay, KNET, NAPS and valU payments (formerly PayFort).", impl: apsProfile{}},
		{ID: "latitudepay", Name: "LatitudePay / Genoapay",
			Summary: "Buy now, pay later for AUD (LatitudePay) and NZD (Genoapay) stores.",
			Closed:  "LatitudePay and Genoapay closed on 11 April 2023; the module can be configured or removed, but it can no longer take payments.",
			impl:    latitudeProfile{}},
		{ID: "despatch_cloud", Name: "Despatch Cloud",
			Summary: "Order fulfilment: the module, an API key and the URL to paste into Despatch Cloud.", impl: despatchProfile{}},
		{ID: "onebox", Name: "OneBox CRM",
			Summary: "CRM connector: API files, the store's API user, cron.php and an hourly job.", StoreAPI: true, impl: oneboxProfile{}},
		{ID: "custom", Name: "Custom extension",
			Summary: "Any OpenCart extension package: upload, install and fill its own settings form.", impl: customProfile{}},
	}
}

// ByID finds a profile.
func ByID(id string) (Profile, bool) {
	for _, p := range All() {
		if p.ID == id {
			return p, true
		}
	}
	return Profile{}, false
}

// Fields are what the profile asks for the store t.
func (p Profile) Fields(t Target) []Field {
	if p.impl == nil {
		return nil
	}
	return p.impl.Fields(t)
}

// Plan checks the answers for the store t and works out every change,
// before anything is changed.
func (p Profile) Plan(t Target, v Values) (*Plan, error) {
	if p.impl == nil {
		return nil, fmt.Errorf("integration %q has no settings", p.ID)
	}
	plan, err := p.impl.Plan(t, v)
	if err != nil {
		return nil, err
	}
	if p.Closed != "" && !slices.ContainsFunc(plan.Notices, func(n string) bool { return strings.Contains(n, "closed") }) {
		plan.Notices = append(plan.Notices, p.Closed)
	}
	return plan, nil
}
