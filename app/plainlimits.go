package app

import (
	"slices"
	"strings"

	"github.com/ocsetup/ocsetup/installer/db"
	"github.com/ocsetup/ocsetup/installer/journal"
)

// What each step may reach through the database bridge when it works over
// plain HTTP (the store has no HTTPS): the tables it reads, the ones it
// writes, and the secret columns it never reads back. The bridge is
// uploaded once per command or wizard session, so its limits are the
// union of the steps that use it. docs/plain-http-bridge.md explains each
// list; over HTTPS the bridge has no such limits.

// dbStep is one step's tables, without the store's prefix.
type dbStep struct {
	reads, writes []string
}

var (
	// stepSetup: the access step (API user, its addresses, the setting
	// that names OpenCart's own API user), the settings step (settings,
	// extension rows, events, permissions, OCMOD modifications, order
	// statuses, the temporary admin account and the login rows OpenCart
	// writes for it), and the setup journal that records and undoes all
	// of them (journal.Tracked). Languages are read to name order
	// statuses and find the admin's language.
	stepSetup = dbStep{
		reads:  []string{"language"},
		writes: append(append([]string{}, journal.Tracked...), "user_login", "user_authorize", "user_token"),
	}
	// stepCheck: "Test integration" reads the extension's rows and
	// settings, the API user's addresses, a product, and the zones and
	// countries of the test address; it makes a temporary API user
	// (api, api_ip) and removes it with what the store wrote for its
	// session (api_session, api_history, cart, session).
	stepCheck = dbStep{
		reads: []string{"setting", "extension", "extension_install", "extension_path", "event", "modification",
			"product", "product_option", "product_to_store", "product_recurring", "product_subscription", "zone", "zone_to_geo_zone", "country",
			"zone_description", "country_description", "language", "order_status"},
		writes: []string{"api", "api_ip", "api_session", "api_history", "cart", "session"},
	}
	// stepExtensionRows: rollback reads whether an extension is still
	// installed before it removes its files.
	stepExtensionRows = dbStep{reads: []string{"extension", "extension_install", "extension_path"}}
	// stepRecovery removes what a killed run left: a setup journal's
	// changes, a temporary admin account, a temporary API user.
	stepRecovery = dbStep{writes: append(append([]string{}, stepSetup.writes...), stepCheck.writes...)}
)

// hiddenOverPlainHTTP are the secret columns of the tables above (and of
// those no step names, should a list grow): the API keys (2.0 keeps the
// key in api.password), the admin users' and customers' password hashes,
// salts and reset codes, and the session ids and data that stand for a
// login. A step may store or compare them ("col = ?", an INSERT's
// column list): the access step writes the key it was given (the user
// was warned before, and it is the step's own secret); none is read back.
var hiddenOverPlainHTTP = []string{"api.key", "api.password", "user.password", "user.salt", "user.code",
	"customer.password", "customer.salt", "customer.code", "customer.token",
	"api_session.token", "api_session.session_id", "session.session_id", "session.data"}

// plainHTTPLimits are the limits of a bridge for steps, on a store whose
// tables start with prefix. A command whose steps all only read gets a
// read-only bridge.
func plainHTTPLimits(prefix string, steps ...dbStep) *db.PlainHTTPLimits {
	p := strings.ToLower(prefix)
	l := &db.PlainHTTPLimits{Tables: []string{}, ReadOnly: true}
	add := func(list []string, names []string) []string {
		for _, n := range names {
			if !slices.Contains(list, p+n) {
				list = append(list, p+n)
			}
		}
		return list
	}
	for _, s := range steps {
		l.Tables = add(l.Tables, s.reads)
		l.Writes = add(l.Writes, s.writes)
		if len(s.writes) > 0 {
			l.ReadOnly = false
		}
	}
	for _, h := range hiddenOverPlainHTTP {
		l.Hidden = append(l.Hidden, p+h)
	}
	return l
}
