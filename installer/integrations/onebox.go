package integrations

import (
	"fmt"
	"net"
	"strconv"

	"github.com/ocsetup/ocsetup/installer/keygen"
	"github.com/ocsetup/ocsetup/installer/phpconf"
	"github.com/ocsetup/ocsetup/installer/store"
)

// oneboxProfile sets up OneBox CRM's "API files" (docs/integrations.md §4): they
// configure no extension; what they need is the store's API user (the
// REST API module's key on 1.5), catalog/onebox/cron.php's $host and
// $apiKey, an hourly job, and the store's database login handed over to
// OneBox with a grant for its address.
type oneboxProfile struct{}

func (oneboxProfile) Fields(t Target) []Field {
	min := keygen.MinStoreAPI
	if !t.Line.AtLeast(store.Line21) {
		min = keygen.MinLength // 1.5's module and 2.0's API take shorter keys
	}
	return []Field{
		{Key: "host", Label: "Store address for cron.php", Kind: Text, Default: t.StoreURL,
			Help: "cron.php calls the store's API here; it must end with /.", check: phpconf.ValidateOneBoxHost},
		{Key: "api_key", Label: "API key", Kind: Secret, MinLength: min, MaxLength: keygen.MaxLength,
			Help: "Leave empty to have ocsetup make one.", check: phpconf.ValidateOneBoxAPIKey},
		{Key: "service_ip", Label: "OneBox server address", Kind: Text,
			Help: "The IP OneBox connects from: allowed for the API user and named in the database grant.",
			check: func(v string) error {
				if net.ParseIP(v) == nil {
					return fmt.Errorf("%q is not an IP address", v)
				}
				return nil
			}},
	}
}

func (p oneboxProfile) Plan(t Target, in Values) (*Plan, error) {
	if t.Line.AtLeast(store.Line40) {
		return nil, fmt.Errorf("OneBox's API files exist for OpenCart 1.5 and 2.x/3.x; their cron.php logs in with the API key alone, which OpenCart %s no longer accepts", t.Line)
	}
	v, err := resolve("OneBox", p.Fields(t), in)
	if err != nil {
		return nil, err
	}
	generated := v["api_key"] == ""
	if generated {
		n := keygen.MinStoreAPI
		if v["api_key"], err = keygen.Generate(n); err != nil {
			return nil, err
		}
	}
	plan := &Plan{Profile: "onebox", Access: &AccessNeed{
		// 3.x's api/login takes the user name "Default" when only a key is
		// sent, as cron.php does (docs/opencart.md §5).
		APIUser: "Default", APIKey: v["api_key"], KeepKey: generated,
		ConfigFile: phpconf.OneBoxCronPath, CronHost: v["host"],
		Schedule: "0 * * * *", Command: "php " + phpconf.OneBoxCronPath,
	}}
	plan.Show = append(plan.Show, Info{Label: "OpenCart API key (in cron.php)", Value: v["api_key"], Secret: true})
	if d := t.DB; d != nil {
		ip := v["service_ip"]
		if ip == "" {
			ip = "<OneBox's IP>"
		}
		plan.Show = append(plan.Show,
			Info{Label: "Database server", Value: net.JoinHostPort(d.Host, strconv.Itoa(d.Port)), Required: true},
			Info{Label: "Database", Value: d.Database, Required: true},
			Info{Label: "Database user", Value: d.User, Required: true},
			Info{Label: "Database password", Value: d.Password, Secret: true, Required: true},
			Info{Label: "Grant OneBox's address needs (your host's Remote MySQL page, or run as the database's owner)",
				Value: fmt.Sprintf("GRANT SELECT, INSERT, UPDATE, DELETE ON `%s`.* TO '%s'@'%s';", d.Database, d.User, ip)})
	}
	if generated {
		plan.Notices = append(plan.Notices, "No API key was given: cron.php gets the key the store's API user \"Default\" has; a new one is made only when that user has none.")
	}
	if t.Line == store.Line15 {
		plan.Notices = append(plan.Notices, "OpenCart 1.5 has no API users: OneBox's files for 1.5 use the REST API module's key instead.")
	}
	return plan, nil
}
