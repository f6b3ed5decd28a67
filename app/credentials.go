package app

import (
	"unicode/utf8"

	"context"
	"encoding/json"
	"flag"
	"fmt"
	"strings"

	"github.com/ocsetup/ocsetup/installer/db"
	"github.com/ocsetup/ocsetup/installer/msg"
	"github.com/ocsetup/ocsetup/installer/remote"
	"github.com/ocsetup/ocsetup/installer/store"
)

// credentialsResult is the JSON of `ocsetup credentials`. The password
// inside Credentials is always masked.
type credentialsResult struct {
	Protocol    remote.Protocol   `json:"protocol"`
	Host        string            `json:"host"`
	Credentials *db.Credentials   `json:"credentials"`
	Reached     bool              `json:"reached"`
	Route       db.Route          `json:"route,omitempty"`
	Attempts    db.Attempts       `json:"attempts"`
	Schema      *schemaSummary    `json:"schema,omitempty"`
	Warnings    []store.Warning   `json:"warnings,omitempty"`
	Leftovers   []db.BridgeRecord `json:"removed_leftover_bridges,omitempty"`
}

// schemaSummary is what `ocsetup credentials` tells of the schema.
type schemaSummary struct {
	Line          store.Line `json:"line"`
	Database      string     `json:"database"`
	Server        string     `json:"server"`
	Prefix        string     `json:"prefix"`
	Tables        int        `json:"tables"`
	Transactional bool       `json:"transactional"`
}

func (c *CLI) addCredentials() {
	var f connectFlags
	var storeURL, routes string
	c.add(&command{name: "credentials", args: "URL", summary: "cli.credentials.summary",
		details: "cli.credentials.details",
		run: func(ctx context.Context, x *cmdContext) error {
			if len(x.args) != 1 {
				return usage("cli.one_url", "Command", "credentials")
			}
			order, err := db.ParseRoutes(routes)
			if err != nil {
				return usage("cli.credentials.bad_routes", "Cause", msg.CauseArg(err))
			}
			pool, err := f.connect(ctx, x, x.args[0])
			if err != nil {
				return err
			}
			defer pool.Close()
			res, connErr, err := Credentials(ctx, x.Getenv, pool, db.Options{Routes: order, StoreURL: storeURL}, x.Notes())
			if err != nil {
				return err
			}
			if f.json {
				enc := json.NewEncoder(x.Out)
				enc.SetIndent("", "  ")
				if err := enc.Encode(res); err != nil {
					return err
				}
			} else {
				printCredentials(x, res)
			}
			if connErr != nil {
				return exitError{code: 1, err: msg.NewError("error.cli.credentials.not_reached")}
			}
			return nil
		}})
	c.flagSets["credentials"] = func(fs *flag.FlagSet) {
		f.define(fs)
		fs.StringVar(&storeURL, "store-url", "", "cli.credentials.flag.store_url")
		fs.StringVar(&routes, "routes", "direct,ssh,bridge", "cli.credentials.flag.routes")
	}
}

// Credentials reads the settings of the one store on a connected site and
// reaches its database. Bridges that earlier runs left on this site are
// removed first. err is for failures before the database was tried (no
// store, unreadable config.php); connErr says that no route worked, with
// res still describing what was read and tried. Notes for the user (a
// bridge that could not be removed) go to notes.
func Credentials(ctx context.Context, getenv func(string) string, pool *remote.Pool, opt db.Options, notes Notes) (res *credentialsResult, connErr, err error) {
	dir, err := DataDir(getenv)
	if err != nil {
		return nil, nil, err
	}
	opt.DataDir = dir
	site := pool.Site()
	res = &credentialsResult{Protocol: site.Protocol, Host: site.Addr()}

	found, err := Detect(ctx, pool)
	if err != nil {
		return nil, nil, err
	}
	// What killed runs left is removed, as apply and the wizard do.
	rec := recoverSite(ctx, dir, pool, found.Stores, connectStoreDB(pool, opt))
	res.Leftovers = rec.Bridges
	rec.writeNotes(notes, site.String())
	if len(found.Stores) > 1 {
		roots := make([]string, len(found.Stores))
		for i, s := range found.Stores {
			roots[i] = s.Root
		}
		return nil, nil, msg.NewError("error.cli.many_stores", "Count", len(found.Stores), "Host", res.Host, "Roots", strings.Join(roots, ", "))
	}
	creds, err := db.Read(ctx, pool, found.Stores[0])
	if err != nil {
		return nil, nil, err
	}
	res.Credentials = creds
	if opt.PlainHTTPLimits == nil {
		// It only reads the schema (information_schema).
		opt.PlainHTTPLimits = plainHTTPLimits(creds.Prefix)
	}
	conn, attempts, connErr := db.Connect(ctx, pool, creds, opt)
	res.Attempts = attempts
	if connErr != nil {
		return res, connErr, nil
	}
	defer func() {
		if err := conn.Close(); err != nil {
			notes.Warn("cli.credentials.bridge_left", "Cause", msg.CauseArg(err), "Name", Name)
		}
	}()
	res.Reached, res.Route = true, conn.Route()
	schema, err := conn.Schema(ctx)
	if err != nil {
		m := msg.New("cli.credentials.schema_unreadable", "Cause", msg.CauseArg(err))
		res.Warnings = append(res.Warnings, store.Warning{Code: "schema-unreadable", Message: m.English(), Msg: m})
		return res, nil, nil
	}
	res.Schema = &schemaSummary{Line: schema.Line(), Database: schema.Database, Server: schema.Server, Prefix: schema.Prefix,
		Tables: len(schema.Tables), Transactional: schema.Transactional()}
	res.Warnings = append(res.Warnings, schema.Check(creds.Store.Version)...)
	return res, nil, nil
}

func printCredentials(x *cmdContext, res *credentialsResult) {
	c := res.Credentials
	st := c.Store
	version := st.Version
	if version == "" {
		version = x.T("cli.detect.unknown_version")
	}
	password := x.T("cli.credentials.empty")
	if c.Password.IsSet() {
		password = x.T("cli.credentials.password_hidden", "Mask", c.Password.String())
	}
	// The labels line up in every language: the widest of them all sets
	// the column.
	width := 0
	for _, k := range credentialsLabels {
		width = max(width, utf8.RuneCountInString(x.T("cli.credentials.label."+k)))
	}
	row := func(k, v string) {
		label := x.T("cli.credentials.label." + k)
		fmt.Fprintf(x.Out, "%s%s %s\n", label, strings.Repeat(" ", width-utf8.RuneCountInString(label)), v)
	}
	row("store", x.T("cli.credentials.store", "Root", st.Root, "Version", version, "Line", string(st.Line)))
	row("config", c.CatalogFile+", "+c.AdminFile)
	row("driver", orDash(c.Driver))
	row("server", orDash(c.Server()))
	row("user", orDash(c.User))
	row("password", password)
	row("database", orDash(c.Database))
	row("prefix", fmt.Sprintf("%q", c.Prefix))
	if urls := c.StoreURLs(); len(urls) > 0 {
		row("store_url", urls[0])
	}
	if c.Admin.HTTPServer != "" {
		row("admin_url", c.Admin.HTTPServer)
	}
	for _, cv := range c.Computed {
		reason := x.MsgOr(cv.Reason, cv.ReasonMsg)
		if cv.ServerValue != "" {
			row("computed", x.T("cli.credentials.computed_value", "Constant", cv.Constant, "File", cv.File, "Reason", reason, "Value", fmt.Sprintf("%q", cv.ServerValue)))
		} else {
			row("computed", x.T("cli.credentials.computed", "Constant", cv.Constant, "File", cv.File, "Reason", reason))
		}
	}
	for _, p := range c.Problems {
		text := x.MsgOr(p.Message, p.Msg)
		row("problem", text)
	}
	attempts := make([]string, len(res.Attempts))
	for i, a := range res.Attempts {
		attempts[i] = x.Msg(a.Route.TitleMsg()) + ": " + x.Msg(a.SummaryMsg())
	}
	row("routes", strings.Join(attempts, " → "))
	for _, a := range res.Attempts {
		if a.Err != nil && !a.Skipped() {
			fmt.Fprintf(x.Out, "%s %s: %s\n", strings.Repeat(" ", width), x.Msg(a.Route.TitleMsg()), x.ErrorText(a.Err))
		}
	}
	if !res.Reached {
		row("database", x.T("cli.credentials.not_reached"))
		return
	}
	row("reached", x.T("cli.credentials.reached."+string(res.Route)))
	if s := res.Schema; s != nil {
		line := x.T("cli.credentials.unknown_line")
		if s.Line != "" {
			line = x.T("cli.credentials.line", "Line", string(s.Line))
		}
		row("schema", x.T("cli.credentials.schema", "LineText", line, "Count", s.Tables, "Prefix", fmt.Sprintf("%q", s.Prefix), "Database", s.Database, "Server", s.Server))
		if !s.Transactional && s.Tables > 0 {
			row("note", x.T("cli.credentials.myisam"))
		}
	}
	for _, warn := range res.Warnings {
		text := x.MsgOr(warn.Message, warn.Msg)
		row("warning", text)
	}
}

// credentialsLabels are the labels of printCredentials' rows.
var credentialsLabels = []string{"store", "config", "driver", "server", "user", "password", "database",
	"prefix", "store_url", "admin_url", "computed", "problem", "routes", "reached", "schema", "note", "warning"}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
