package app

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"path"
	"strings"
	"sync"

	"github.com/ocsetup/ocsetup/installer/access"
	"github.com/ocsetup/ocsetup/installer/check"
	"github.com/ocsetup/ocsetup/installer/db"
	"github.com/ocsetup/ocsetup/installer/integrations"
	"github.com/ocsetup/ocsetup/installer/phpconf"
	"github.com/ocsetup/ocsetup/installer/remote"
	"github.com/ocsetup/ocsetup/installer/settings"
)

// profileValues are a setup's answers for its profile: the file's settings
// and the secret fields from the environment.
func profileValues(p integrations.Profile, t integrations.Target, f *SetupFile, getenv func(string) string) integrations.Values {
	v := integrations.Values{}
	for k, val := range f.Settings {
		v[k] = val
	}
	for _, fl := range p.Fields(t) {
		if fl.IsSecret() {
			if s := getenv(SecretVar(fl.Key)); s != "" {
				v[fl.Key] = s
			}
		}
	}
	return v
}

// profileChecks are the integration's own checks for `ocsetup test`: its
// settings in the store, its URLs, its connector file and schedule.
func profileChecks(f *SetupFile, getenv func(string) string) []check.ProfileCheck {
	p, ok := integrations.ByID(f.Integration)
	if !ok {
		return nil
	}
	var out []check.ProfileCheck
	if p.Closed != "" {
		out = append(out, check.ProfileCheck{ID: "service", Title: p.Name + " service", Run: func(context.Context, *check.Env) check.Result {
			return check.Warned(p.Closed, "Tell the merchant; remove the module when it is no longer needed.", "")
		}})
	}
	if f.Integration == "custom" {
		return out
	}
	// The plan needs the store's currency and order statuses: it is made
	// once, by the first check that runs with the database.
	var once sync.Once
	var plan *integrations.Plan
	var planErr error
	planFor := func(ctx context.Context, env *check.Env) (*integrations.Plan, error) {
		once.Do(func() {
			t, err := settings.ReadTarget(ctx, env.DB, env.Schema, env.Store.Line, env.Store.Version, strings.TrimRight(env.StoreURL, "/")+"/")
			if err != nil {
				planErr = err
				return
			}
			plan, planErr = p.Plan(t, profileValues(p, t, f, getenv))
		})
		return plan, planErr
	}
	out = append(out, check.ProfileCheck{ID: "settings", Title: p.Name + " settings", NeedsDB: true, Run: func(ctx context.Context, env *check.Env) check.Result {
		pl, err := planFor(ctx, env)
		var ie *integrations.InputError
		if errors.As(err, &ie) {
			return check.Failed("The setup's settings are not complete or not valid.", "Correct them in the Settings step (or the setup file and OCSETUP_SECRET_… variables).", err.Error())
		}
		if err != nil {
			return check.Failed("The settings cannot be worked out.", "Run the test again.", err.Error())
		}
		return compareSettings(ctx, env, pl)
	}})
	switch f.Integration {
	case "amazon_ps":
		out = append(out,
			check.ProfileCheck{ID: "aps-signature", Title: "Request signature self-test", Run: func(context.Context, *check.Env) check.Result {
				if err := integrations.APSSelfTest(); err != nil {
					return check.Failed("The request signature does not match the official test vector.", "Report this to the ocsetup developers.", err.Error())
				}
				return check.Passed("The official test vector signs to its published SHA-256.")
			}},
			check.ProfileCheck{ID: "aps-endpoint", Title: "Host-to-host URL answers", NeedsDB: true, Run: func(ctx context.Context, env *check.Env) check.Result {
				pl, err := planFor(ctx, env)
				if err != nil {
					return check.Failed("The host-to-host URL cannot be worked out.", "Fix the settings first.", err.Error())
				}
				for _, info := range pl.Show {
					if strings.HasPrefix(info.Label, "Host-to-host") {
						return urlAnswers(ctx, env, info.Value)
					}
				}
				return check.Failed("The profile gives no host-to-host URL.", "Report this to the ocsetup developers.", "")
			}})
	case "onebox":
		out = append(out,
			check.ProfileCheck{ID: "onebox-cron", Title: "OneBox cron.php reachable, host and key match", NeedsDB: true, Run: func(ctx context.Context, env *check.Env) check.Result {
				pl, err := planFor(ctx, env)
				if err != nil {
					return check.Failed("The OneBox settings cannot be worked out.", "Fix the settings first.", err.Error())
				}
				if pl.Access == nil {
					return check.Failed("The OneBox profile names no connector file.", "Report this to the ocsetup developers.", "")
				}
				return oneboxCron(ctx, env, pl.Access.CronHost, pl.Access.APIKey)
			}},
			check.ProfileCheck{ID: "onebox-schedule", Title: "The hourly job is scheduled", Run: func(ctx context.Context, env *check.Env) check.Result {
				return oneboxSchedule(ctx, env, f)
			}})
	}
	return out
}

// compareSettings reads the rows the extension's save would write and
// names the keys that are missing or differ (never their values: some are
// secret). Lists and order statuses are only checked to exist.
func compareSettings(ctx context.Context, env *check.Env, pl *integrations.Plan) check.Result {
	groups := pl.SaveGroups(pl.Post)
	if groups == nil {
		groups = pl.Groups
	}
	if len(groups) == 0 {
		return check.Passed("This integration keeps no settings in the store.")
	}
	table, err := db.Table(env.Schema.Prefix, "setting")
	if err != nil {
		return check.Failed("The setting table cannot be named.", "Check DB_PREFIX in config.php.", err.Error())
	}
	col := env.Schema.SettingGroupColumn()
	var missing, differ []string
	n := 0
	for _, g := range groups {
		rows, err := env.DB.Query(ctx, fmt.Sprintf("SELECT `key`, value FROM %s WHERE store_id = 0 AND `%s` = ?", table, col), g.Code)
		if err != nil {
			return check.Failed("The settings cannot be read.", "Check the database user's rights.", err.Error())
		}
		have := map[string]string{}
		for i := 0; i < rows.Len(); i++ {
			have[rows.Row(i).String("key")] = rows.Row(i).String("value")
		}
		for _, s := range g.Settings {
			if s.IsList && len(s.List) == 0 {
				// A list posted empty (no box ticked) sends nothing, so the
				// save writes no row: an optional field left empty, not a
				// missing one. A field the module requires is refused by
				// the profile before anything is saved.
				continue
			}
			n++
			v, ok := have[s.Key]
			switch {
			case !ok:
				missing = append(missing, s.Key)
			case !s.IsList && len(s.Status) == 0 && v != s.Value:
				differ = append(differ, s.Key)
			}
		}
	}
	if len(missing)+len(differ) > 0 {
		detail := ""
		if len(missing) > 0 {
			detail += "missing: " + strings.Join(missing, ", ") + "\n"
		}
		if len(differ) > 0 {
			detail += "different: " + strings.Join(differ, ", ")
		}
		return check.Failed(fmt.Sprintf("%d of %d settings in the store are not what the setup says.", len(missing)+len(differ), n),
			"Run the Settings step again (or save the module's settings in the admin).", strings.TrimSpace(detail))
	}
	return check.Passed(fmt.Sprintf("All %d settings are in the store as set up.", n))
}

// urlAnswers: a URL the provider calls must not be a 404 (the module's
// files missing, or a wrong store address).
func urlAnswers(ctx context.Context, env *check.Env, u string) check.Result {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return check.Failed("The URL is not valid.", "Check the store address.", err.Error())
	}
	resp, err := env.HTTP.Do(req)
	if err != nil {
		return check.Failed("The URL does not answer.", "Check that the store is online.", err.Error())
	}
	resp.Body.Close()
	if resp.StatusCode == http.StatusNotFound {
		return check.Failed(fmt.Sprintf("%s answers 404: the provider's calls would get \"not found\".", u),
			"Upload the module's files (Package step) and check the store address.", "HTTP 404")
	}
	return check.Passed(fmt.Sprintf("HTTP %d from %s.", resp.StatusCode, u))
}

func oneboxCron(ctx context.Context, env *check.Env, host, key string) check.Result {
	name := path.Join(env.Store.Root, phpconf.OneBoxCronPath)
	src, err := env.Files.ReadFile(ctx, name, 1<<20)
	if err != nil {
		return check.Failed("catalog/onebox/cron.php is not on the store.", "Upload OneBox's API files (Package step).", err.Error())
	}
	// Setting the same values again changes nothing exactly when they are
	// already there: a token-aware comparison, quotes and spacing aside.
	same, err := phpconf.SetOneBoxCron(src, host, key)
	if err != nil {
		return check.Failed("cron.php's $host and $apiKey cannot be read.", "Upload OneBox's original cron.php again and rerun the Access step.", err.Error())
	}
	if string(same) != string(src) {
		return check.Failed("cron.php's host or key differ from the setup.", "Run the Access step again: it writes both into cron.php.", "")
	}
	u := strings.TrimRight(env.StoreURL, "/") + "/" + phpconf.OneBoxCronPath
	if r := urlAnswers(ctx, env, u); r.Status == check.Fail {
		return r
	}
	return check.Passed("cron.php answers and holds the store's address and the API key.")
}

func oneboxSchedule(ctx context.Context, env *check.Env, f *SetupFile) check.Result {
	switch f.Access.Cron {
	case "app":
		return check.Passed("ocsetup runs cron.php every hour while its sync view is open.")
	case "none":
		return check.Warned("No hourly job is set up for cron.php.", "Add an hourly cron job on the server, or let ocsetup run it (cron: app).", "")
	}
	pool, ok := env.Files.(*remote.Pool)
	if !ok || pool.Site().Protocol != remote.SFTP {
		return check.Failed("The crontab cannot be read over FTP.", "Use cron: app, or check the hosting panel's cron jobs.", "")
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
		return check.Failed("The crontab cannot be read.", "Check that the account has a shell, or use cron: app.", err.Error())
	}
	if !strings.Contains(tab, "# ocsetup:"+f.Integration+":") {
		return check.Failed("The crontab has no ocsetup job for cron.php.", "Run the Access step again (it adds the hourly line once).", "")
	}
	return check.Passed("The hourly crontab line is in place.")
}
