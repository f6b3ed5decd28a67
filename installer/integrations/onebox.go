package integrations

import (
	"context"
	"errors"
	"fmt"
	"net"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/ocsetup/ocsetup/installer/msg"

	"github.com/ocsetup/ocsetup/installer/access"
	"github.com/ocsetup/ocsetup/installer/check"
	"github.com/ocsetup/ocsetup/installer/keygen"
	"github.com/ocsetup/ocsetup/installer/phpconf"
	"github.com/ocsetup/ocsetup/installer/remote"
	"github.com/ocsetup/ocsetup/installer/store"
	ocsync "github.com/ocsetup/ocsetup/installer/sync"
)

// oneboxProfile sets up OneBox CRM's "API files" (docs/integrations.md §4): they
// configure no extension; what they need is the store's API user (the
// REST API module's key on 1.5), catalog/onebox/cron.php's $host and
// $apiKey, an hourly job, and the store's database login handed over to
// OneBox with a grant for its address.
type oneboxProfile struct{}

// OneBox is the OneBox CRM profile.
func OneBox() Profile {
	return Profile{ID: "onebox", Name: "OneBox CRM",
		Summary: "CRM connector: API files, the store's API user, cron.php and an hourly job.", StoreAPI: true, Impl: oneboxProfile{}}
}

// Needs: OneBox logs in to the store's API with the key alone, from its
// own address, and cron.php is a job the Sync step can run.
func (oneboxProfile) Needs() Needs {
	return Needs{APIUser: true, ProviderIPs: true, APIUserName: "ocsetup OneBox", KeyOnlyLogin: true, KeyFile: phpconf.OneBoxCronPath, Sync: true}
}

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
					return msg.NewError("error.access.not_ip", "IP", fmt.Sprintf("%q", v))
				}
				return nil
			}},
	}
}

func (p oneboxProfile) Plan(t Target, in Values) (*Plan, error) {
	if t.Line.AtLeast(store.Line40) {
		return nil, msg.NewError("error.integration.onebox_4", "Line", string(t.Line))
	}
	v, err := resolve("onebox", "OneBox", p.Fields(t), in)
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
	plan.Show = append(plan.Show, Info{Key: "cron_api_key", Label: "OpenCart API key (in cron.php)", Value: v["api_key"], Secret: true})
	if d := t.DB; d != nil {
		ip := v["service_ip"]
		if ip == "" {
			ip = "<OneBox's IP>"
		}
		plan.Show = append(plan.Show,
			Info{Key: "db_server", Label: "Database server", Value: net.JoinHostPort(d.Host, strconv.Itoa(d.Port)), Required: true},
			Info{Key: "db_name", Label: "Database", Value: d.Database, Required: true},
			Info{Key: "db_user", Label: "Database user", Value: d.User, Required: true},
			Info{Key: "db_password", Label: "Database password", Value: d.Password, Secret: true, Required: true},
			Info{Key: "db_grant", Label: "Grant OneBox's address needs (your host's Remote MySQL page, or run as the database's owner)",
				Value: fmt.Sprintf("GRANT SELECT, INSERT, UPDATE, DELETE ON `%s`.* TO '%s'@'%s';", d.Database, d.User, ip)})
	}
	if generated {
		plan.Notice(msg.New("notice.onebox.default_key"))
	}
	if t.Line == store.Line15 {
		plan.Notice(msg.New("notice.onebox.rest_api"))
	}
	return plan, nil
}

// Checks: cron.php on the store with the setup's host and key, and its
// hourly job.
func (oneboxProfile) Checks(c CheckContext) []check.ProfileCheck {
	return []check.ProfileCheck{
		{ID: "onebox-cron", Title: "OneBox cron.php reachable, host and key match", NeedsDB: true, Run: func(ctx context.Context, env *check.Env) check.Result {
			pl, err := c.Plan(ctx, env)
			if err != nil {
				return check.FailedMsg(msg.New("check.onebox-cron.plan"), msg.New("check.fix.settings_first"), err.Error())
			}
			if pl.Access == nil {
				return check.FailedMsg(msg.New("check.onebox-cron.no_file"), msg.New("check.fix.report_bug"), "")
			}
			return oneboxCron(ctx, env, pl.Access.CronHost, pl.Access.APIKey)
		}},
		{ID: "onebox-schedule", Title: "The hourly job is scheduled", Run: func(ctx context.Context, env *check.Env) check.Result {
			return oneboxSchedule(ctx, env, c.Cron, c.ID)
		}},
	}
}

// Sync: the connector's catalog/onebox/log.txt, and cron.php over HTTP
// every hour, as the crontab line the connector's guide asks for would.
func (oneboxProfile) Sync(c SyncContext) SyncSpec {
	return SyncSpec{Log: ocsync.PoolLog{Pool: c.Files}, LogPath: path.Join(c.Store.Root, "catalog/onebox/log.txt"),
		Jobs: []ocsync.Job{{Name: "onebox-cron", Title: "OneBox cron.php", Period: time.Hour,
			Run: ocsync.HTTPJob(c.HTTP, strings.TrimRight(c.StoreURL, "/")+"/"+phpconf.OneBoxCronPath)}}}
}

func oneboxCron(ctx context.Context, env *check.Env, host, key string) check.Result {
	name := path.Join(env.Store.Root, phpconf.OneBoxCronPath)
	src, err := env.Files.ReadFile(ctx, name, 1<<20)
	if err != nil {
		return check.FailedMsg(msg.New("check.onebox-cron.missing"), msg.New("check.onebox-cron.missing.fix"), err.Error())
	}
	// Setting the same values again changes nothing exactly when they are
	// already there: a token-aware comparison, quotes and spacing aside.
	same, err := phpconf.SetOneBoxCron(src, host, key)
	if err != nil {
		return check.FailedMsg(msg.New("check.onebox-cron.unreadable"), msg.New("check.onebox-cron.unreadable.fix"), err.Error())
	}
	if string(same) != string(src) {
		return check.FailedMsg(msg.New("check.onebox-cron.differ"), msg.New("check.onebox-cron.differ.fix"), "")
	}
	u := strings.TrimRight(env.StoreURL, "/") + "/" + phpconf.OneBoxCronPath
	if r := check.URLAnswers(ctx, env, u); r.Status == check.Fail {
		return r
	}
	return check.PassedMsg(msg.New("check.onebox-cron.pass"))
}

// oneboxSchedule finds the hourly job: the app's, none, or the crontab
// line the Access step added (marked with the profile's ID).
func oneboxSchedule(ctx context.Context, env *check.Env, cron, id string) check.Result {
	switch cron {
	case "app":
		return check.PassedMsg(msg.New("check.onebox-schedule.pass.app"))
	case "none":
		return check.WarnedMsg(msg.New("check.onebox-schedule.warn"), msg.New("check.onebox-schedule.warn.fix"), "")
	}
	pool, ok := env.Files.(*remote.Pool)
	if !ok || pool.Site().Protocol != remote.SFTP {
		return check.FailedMsg(msg.New("check.onebox-schedule.ftp"), msg.New("check.onebox-schedule.ftp.fix"), "")
	}
	var tab string
	err := pool.Do(ctx, func(c remote.Conn) error {
		client, ok := remote.SSHClient(c)
		if !ok {
			return errors.New("no SSH connection")
		}
		out, _, _, err := access.SSHRunner{Client: client}.Run(ctx, "crontab -l", nil)
		tab = string(out)
		return err
	})
	if err != nil {
		return check.FailedMsg(msg.New("check.onebox-schedule.read"), msg.New("check.onebox-schedule.read.fix"), err.Error())
	}
	if !strings.Contains(tab, "# ocsetup:"+id+":") {
		return check.FailedMsg(msg.New("check.onebox-schedule.missing"), msg.New("check.onebox-schedule.missing.fix"), "")
	}
	return check.PassedMsg(msg.New("check.onebox-schedule.pass"))
}
