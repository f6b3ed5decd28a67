package app

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/ocsetup/ocsetup/installer/remote"
	"github.com/ocsetup/ocsetup/installer/store"
)

// detectResult is the JSON of `ocsetup detect`: the fields of the one
// store found at the top, and every store under "stores".
type detectResult struct {
	Protocol remote.Protocol `json:"protocol"`
	Host     string          `json:"host"`
	Start    string          `json:"start"`
	store.Store
	Stores []store.Store `json:"stores"`
}

func (c *CLI) addDetect() {
	var f connectFlags
	c.add(&command{name: "detect", args: "URL", summary: "connect to the hosting and find the OpenCart stores on it",
		details: `Looks in the folder of the URL (or the login folder), the usual web folders
(public_html, www, htdocs, httpdocs, html, domains/*/public_html) and two levels
below, and reports each store's folder, OpenCart version and line, and admin folder.
Exit status 0 when at least one store was found, 1 otherwise.`,
		run: func(ctx context.Context, x *cmdContext) error {
			if len(x.args) != 1 {
				return usageText("detect takes one URL")
			}
			pool, err := f.connect(ctx, x, x.args[0])
			if err != nil {
				return err
			}
			defer pool.Close()
			res, err := Detect(ctx, pool)
			if err != nil {
				return err
			}
			if f.json {
				enc := json.NewEncoder(x.Out)
				enc.SetIndent("", "  ")
				return enc.Encode(res)
			}
			printDetect(x.Out, res)
			return nil
		}})
	c.flagSets["detect"] = f.define
}

// Detect finds the stores of a connected site, starting at the URL's path
// or the login folder.
func Detect(ctx context.Context, pool *remote.Pool) (*detectResult, error) {
	site := pool.Site()
	start := site.Path
	if start == "" {
		wd, err := pool.Getwd(ctx)
		if err != nil {
			return nil, err
		}
		start = wd
	}
	stores, err := store.Discover(ctx, pool, start)
	if err != nil {
		return nil, err
	}
	res := &detectResult{Protocol: site.Protocol, Host: site.Addr(), Start: start, Stores: stores}
	if len(stores) == 1 {
		res.Store = stores[0]
	}
	return res, nil
}

func printDetect(w io.Writer, res *detectResult) {
	if len(res.Stores) > 1 {
		fmt.Fprintf(w, "%d OpenCart stores on %s; choose one by adding its folder to the URL:\n\n", len(res.Stores), res.Host)
	}
	for i, s := range res.Stores {
		if i > 0 {
			fmt.Fprintln(w)
		}
		version := s.Version
		if version == "" {
			version = "unknown version"
		}
		fmt.Fprintf(w, "store:     %s\nversion:   %s (OpenCart %s line)\nadmin:     %s\nprotocol:  %s\n", s.Root, version, s.Line, s.AdminDir, res.Protocol)
		for _, warn := range s.Warnings {
			fmt.Fprintf(w, "warning:   %s\n", warn.Message)
		}
	}
}
