// Package integrations describes the integrations ocsetup can set up. Each
// profile will grow its own file with fields, validation and per-line
// setting keys; this file is the list the wizard and the CLI start from.
package integrations

// Profile is one integration the wizard offers.
type Profile struct {
	ID      string // stable identifier used in setup files and on the command line
	Name    string
	Summary string
	// Closed is non-empty when the provider's service no longer runs.
	Closed string
}

// All returns the built-in profiles in the order the wizard shows them.
func All() []Profile {
	return []Profile{
		{ID: "amazon_ps", Name: "Amazon Payment Services",
			Summary: "Card, installments, Apple Pay, KNET, NAPS and valU payments (formerly PayFort)."},
		{ID: "latitudepay", Name: "LatitudePay / Genoapay",
			Summary: "Buy now, pay later for AUD (LatitudePay) and NZD (Genoapay) stores.",
			Closed:  "LatitudePay and Genoapay closed on 11 April 2023; the module can be configured or removed, but it can no longer take payments."},
		{ID: "despatch_cloud", Name: "Despatch Cloud",
			Summary: "Order fulfilment: the module, an API key and the URL to paste into Despatch Cloud."},
		{ID: "onebox", Name: "OneBox CRM",
			Summary: "CRM connector: API files, the store's API user, cron.php and an hourly job."},
		{ID: "custom", Name: "Custom extension",
			Summary: "Any OpenCart extension package: upload, install and fill its own settings form."},
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
