package check

import (
	"context"
	"fmt"
	"github.com/ocsetup/ocsetup/installer/msg"
	"strings"

	"github.com/ocsetup/ocsetup/installer/db"
)

// creates requires what the extension's install() makes: its tables and
// its events. Files and settings alone (a database fallback, a copy from
// another store) leave them out, and the checkout then dies at the
// module's first query.
func (st *state) creates(ctx context.Context) Result {
	want := st.s.Creates
	var missingTables, missingEvents []string
	for _, t := range want.Tables {
		if !st.schema.Has(t) {
			missingTables = append(missingTables, st.schema.Prefix+t)
		}
	}
	if len(want.Events) > 0 {
		if !st.schema.Has("event") {
			missingEvents = append(missingEvents, want.Events...)
		} else {
			table, _ := db.Table(st.schema.Prefix, "event")
			have := map[string]bool{}
			rows, err := st.db.Query(ctx, fmt.Sprintf("SELECT DISTINCT `code` FROM %s", table))
			if err != nil {
				return Failed("The event table cannot be read.", "Check the database user's rights (SELECT on the store's database).", err.Error())
			}
			for i := 0; i < rows.Len(); i++ {
				have[rows.Row(i).String("code")] = true
			}
			for _, e := range want.Events {
				if !have[e] {
					missingEvents = append(missingEvents, e)
				}
			}
		}
	}
	if len(missingTables)+len(missingEvents) > 0 {
		var parts []string
		if len(missingTables) > 0 {
			parts = append(parts, plural(len(missingTables), "table", "tables")+" "+strings.Join(missingTables, ", "))
		}
		if len(missingEvents) > 0 {
			parts = append(parts, plural(len(missingEvents), "event", "events")+" "+strings.Join(missingEvents, ", "))
		}
		return Failed(fmt.Sprintf("The extension's install() did not run on this store: the %s %s missing.", strings.Join(parts, " and the "), isAre(len(missingTables)+len(missingEvents))),
			"Install the extension through the admin (Extensions > Extensions, Install) so its install() runs; ocsetup's settings step does this when it can log in to the admin.",
			"")
	}
	var have []string
	if n := len(want.Tables); n > 0 {
		have = append(have, fmt.Sprintf("%d %s (%s)", n, map[bool]string{true: "table", false: "tables"}[n == 1], strings.Join(want.Tables, ", ")))
	}
	if n := len(want.Events); n > 0 {
		have = append(have, fmt.Sprintf("%d %s (%s)", n, map[bool]string{true: "event", false: "events"}[n == 1], strings.Join(want.Events, ", ")))
	}
	return PassedMsg(msg.New("check.creates.pass", "Have", strings.Join(have, " and ")))
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return fmt.Sprintf("%d %s", n, many)
}

func isAre(n int) string {
	if n == 1 {
		return "is"
	}
	return "are"
}
