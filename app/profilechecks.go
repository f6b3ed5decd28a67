package app

import (
	"context"
	"errors"
	"fmt"
	"github.com/ocsetup/ocsetup/installer/msg"
	"strings"
	"sync"

	"github.com/ocsetup/ocsetup/installer/check"
	"github.com/ocsetup/ocsetup/installer/db"
	"github.com/ocsetup/ocsetup/installer/integrations"
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

// profileChecks are the integration's checks for `ocsetup test`: that
// its service still runs, its settings in the store, and the checks its
// profile declares (its URLs, its connector file and schedule).
func profileChecks(p integrations.Profile, f *SetupFile, getenv func(string) string) []check.ProfileCheck {
	if p.Impl == nil {
		return nil
	}
	var out []check.ProfileCheck
	if p.Closed != "" {
		out = append(out, check.ProfileCheck{ID: "service", Title: p.Name + " service", Run: func(context.Context, *check.Env) check.Result {
			return check.WarnedMsg(msg.Msg{Key: "integration." + p.ID + ".closed", Own: p.Closed}, msg.New("check.service.closed.fix"), "")
		}})
	}
	if p.Needs().FormOnly {
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
			return check.FailedMsg(msg.New("check.settings.invalid"), msg.New("check.settings.invalid.fix"), err.Error())
		}
		if err != nil {
			return check.FailedMsg(msg.New("check.settings.plan"), msg.New("check.fix.run_again"), err.Error())
		}
		return compareSettings(ctx, env, pl)
	}})
	return append(out, p.Checks(integrations.CheckContext{Plan: planFor, Cron: f.Access.Cron})...)
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
		return check.PassedMsg(msg.New("check.settings.pass.none"))
	}
	table, err := db.Table(env.Schema.Prefix, "setting")
	if err != nil {
		return check.FailedMsg(msg.New("check.settings.table"), msg.New("check.settings.table.fix"), err.Error())
	}
	col := env.Schema.SettingGroupColumn()
	var missing, differ []string
	n := 0
	for _, g := range groups {
		rows, err := env.DB.Query(ctx, fmt.Sprintf("SELECT `key`, value FROM %s WHERE store_id = 0 AND `%s` = ?", table, col), g.Code)
		if err != nil {
			return check.FailedMsg(msg.New("check.settings.read"), msg.New("check.fix.db_rights"), err.Error())
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
		return check.FailedMsg(msg.New("check.settings.differ", "Bad", len(missing)+len(differ), "Count", n),
			msg.New("check.settings.differ.fix"), strings.TrimSpace(detail))
	}
	return check.PassedMsg(msg.New("check.settings.pass", "Count", n))
}
