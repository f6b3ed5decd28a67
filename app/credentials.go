package app

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/ocsetup/ocsetup/installer/db"
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
	c.add(&command{name: "credentials", args: "URL", summary: "read the store's database settings from config.php and reach its database",
		details: `Finds the store like 'detect', reads DB_HOSTNAME, DB_PORT, DB_USERNAME,
DB_PASSWORD, DB_DATABASE, DB_PREFIX and the store's addresses from config.php and
the admin's config.php, and says which values only the server can compute
(getenv(), if/else...). The password is never printed: it shows as ********.

It then reaches the database by the first route that works, in this order, and
reports every attempt:
  direct   MySQL from this computer. Most shared hosts block it; the error
           names this computer's IP to allow under "Remote MySQL".
  ssh      for sftp:// sites: MySQL dialled from the hosting server through the
           SSH connection, where "localhost" and socket paths mean the server.
  bridge   a temporary PHP file, uploaded under a random name into the store
           folder, signed with a one-time secret, valid for at most an hour. It
           runs config.php on the server, so computed settings work too. It is
           removed when the command ends; one left behind by a killed run is
           removed the next time ocsetup connects to the site.
Finally it reads the tables' layout from information_schema and checks that it
matches the OpenCart line of the files.

Exit status 0 when the database was reached, 1 otherwise.`,
		run: func(ctx context.Context, x *cmdContext) error {
			if len(x.args) != 1 {
				return usageText("credentials takes one URL")
			}
			order, err := db.ParseRoutes(routes)
			if err != nil {
				return usageText("--routes: " + err.Error())
			}
			pool, err := f.connect(ctx, x, x.args[0])
			if err != nil {
				return err
			}
			defer pool.Close()
			res, connErr, err := Credentials(ctx, x.Getenv, pool, db.Options{Routes: order, StoreURL: storeURL}, x.Err)
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
				printCredentials(x.Out, res)
			}
			if connErr != nil {
				return exitError{code: 1, err: errors.New("the store's database could not be reached by any route (see the attempts above)")}
			}
			return nil
		}})
	c.flagSets["credentials"] = func(fs *flag.FlagSet) {
		f.define(fs)
		fs.StringVar(&storeURL, "store-url", "", "the store's web address (https://shop.example.com/), when config.php computes it")
		fs.StringVar(&routes, "routes", "direct,ssh,bridge", "the routes to the database to try, in order")
	}
}

// Credentials reads the settings of the one store on a connected site and
// reaches its database. Bridges that earlier runs left on this site are
// removed first. err is for failures before the database was tried (no
// store, unreadable config.php); connErr says that no route worked, with
// res still describing what was read and tried. Notes for the user (a
// bridge that could not be removed) go to notes.
func Credentials(ctx context.Context, getenv func(string) string, pool *remote.Pool, opt db.Options, notes io.Writer) (res *credentialsResult, connErr, err error) {
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
		return nil, nil, fmt.Errorf("%d OpenCart stores on %s; choose one by adding its folder to the URL: %s", len(found.Stores), res.Host, strings.Join(roots, ", "))
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
			fmt.Fprintf(notes, "warning: the database bridge could not be removed now (%v); ocsetup removes it the next time it connects to this site\n", err)
		}
	}()
	res.Reached, res.Route = true, conn.Route()
	schema, err := conn.Schema(ctx)
	if err != nil {
		res.Warnings = append(res.Warnings, store.Warning{Code: "schema-unreadable", Message: "The tables could not be read: " + err.Error()})
		return res, nil, nil
	}
	res.Schema = &schemaSummary{Line: schema.Line(), Database: schema.Database, Server: schema.Server, Prefix: schema.Prefix,
		Tables: len(schema.Tables), Transactional: schema.Transactional()}
	res.Warnings = append(res.Warnings, schema.Check(creds.Store.Version)...)
	return res, nil, nil
}

func printCredentials(w io.Writer, res *credentialsResult) {
	c := res.Credentials
	st := c.Store
	version := st.Version
	if version == "" {
		version = "unknown version"
	}
	password := "(empty)"
	if c.Password.IsSet() {
		password = c.Password.String() + " (read from config.php; never shown)"
	}
	row := func(k, v string) { fmt.Fprintf(w, "%-10s %s\n", k+":", v) }
	row("store", fmt.Sprintf("%s (OpenCart %s, %s line)", st.Root, version, st.Line))
	row("config", c.CatalogFile+", "+c.AdminFile)
	row("driver", orDash(c.Driver))
	row("server", orDash(c.Server()))
	row("user", orDash(c.User))
	row("password", password)
	row("database", orDash(c.Database))
	row("prefix", fmt.Sprintf("%q", c.Prefix))
	if urls := c.StoreURLs(); len(urls) > 0 {
		row("store URL", urls[0])
	}
	if c.Admin.HTTPServer != "" {
		row("admin URL", c.Admin.HTTPServer)
	}
	for _, x := range c.Computed {
		line := fmt.Sprintf("%s in %s: %s", x.Constant, x.File, x.Reason)
		if x.ServerValue != "" {
			line += fmt.Sprintf(" (on the server it is %q)", x.ServerValue)
		}
		row("computed", line)
	}
	for _, p := range c.Problems {
		row("problem", p.Message)
	}
	row("routes", res.Attempts.String())
	for _, a := range res.Attempts {
		if a.Err != nil && !a.Skipped() {
			fmt.Fprintf(w, "%-10s %s: %v\n", "", a.Route.Title(), a.Err)
		}
	}
	if !res.Reached {
		row("database", "not reached")
		return
	}
	row("reached", "through "+map[db.Route]string{db.RouteDirect: "direct MySQL", db.RouteSSH: "SSH (from the hosting server)",
		db.RouteBridge: "a temporary bridge on the store (now removed)"}[res.Route])
	if s := res.Schema; s != nil {
		line := "unknown line"
		if s.Line != "" {
			line = "OpenCart " + string(s.Line) + " line"
		}
		row("schema", fmt.Sprintf("%s: %d tables with prefix %q in %s, %s", line, s.Tables, s.Prefix, s.Database, s.Server))
		if !s.Transactional && s.Tables > 0 {
			row("note", "the tables are MyISAM, which MySQL cannot roll back: a change that fails half-way is not undone by the database itself")
		}
	}
	for _, warn := range res.Warnings {
		row("warning", warn.Message)
	}
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
