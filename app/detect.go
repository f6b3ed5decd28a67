package app

import (
	"context"
	"encoding/json"
	"fmt"

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
	c.add(&command{name: "detect", args: "URL", summary: "cli.detect.summary",
		details: "cli.detect.details",
		run: func(ctx context.Context, x *cmdContext) error {
			if len(x.args) != 1 {
				return usage("cli.one_url", "Command", "detect")
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
			printDetect(x, res)
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

func printDetect(x *cmdContext, res *detectResult) {
	w := x.Out
	if len(res.Stores) > 1 {
		fmt.Fprintf(w, "%s\n\n", x.T("cli.detect.many", "Count", len(res.Stores), "Host", res.Host))
	}
	for i, s := range res.Stores {
		if i > 0 {
			fmt.Fprintln(w)
		}
		version := s.Version
		if version == "" {
			version = x.T("cli.detect.unknown_version")
		}
		fmt.Fprintln(w, x.T("cli.detect.store", "Root", s.Root, "Version", version, "Line", s.Line, "AdminDir", s.AdminDir, "Protocol", string(res.Protocol)))
		for _, warn := range s.Warnings {
			text := x.MsgOr(warn.Message, warn.Msg)
			fmt.Fprintln(w, x.T("cli.detect.warning", "Text", text))
		}
	}
}
