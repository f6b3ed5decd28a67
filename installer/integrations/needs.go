package integrations

// Needs says which parts of the setup an integration uses, so the wizard
// shows only those steps and the test runs only those checks.
type Needs struct {
	// APIUser: the provider logs in to the store's API with its own key,
	// so the store needs an API user (System > Users > API).
	APIUser bool
	// ProviderIPs: the API user's allow-list must hold the provider's
	// addresses (the merchant types them; none is no access).
	ProviderIPs bool
	// APIUserName is the user ocsetup creates when the merchant does not
	// pick an existing one: named after the integration, so nothing the
	// store already has is changed.
	APIUserName string
	// KeyOnlyLogin: the connector sends the key alone; OpenCart 3.0 then
	// checks it against the user named "Default" (its api/login's
	// default), which the merchant must know before choosing a user.
	KeyOnlyLogin bool
	// KeyFile is the connector's file (relative to the store root) that
	// holds the API key: "test" reads the key there when none is given.
	KeyFile string
	// Sync: the integration exchanges data with the store that the Sync
	// step watches, or has a job to run where the server has no cron.
	Sync bool
	// FormOnly: the settings go through the extension's own form only;
	// ocsetup does not know the rows its save writes, so the test cannot
	// compare them (a custom extension).
	FormOnly bool
}
