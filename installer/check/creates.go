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
				return FailedMsg(msg.New("check.creates.read"), msg.New("check.fix.db_select"), err.Error())
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
		return FailedMsg(createsMissing(missingTables, missingEvents), msg.New("check.creates.missing.fix"), "")
	}
	return PassedMsg(createsHave(want.Tables, want.Events))
}

// createsMissing names the tables and events that are missing (one of
// the lists at least is not empty).
func createsMissing(tables, events []string) msg.Msg {
	t := msg.New("check.creates.missing.tables", "Count", len(tables), "Names", strings.Join(tables, ", "))
	if len(tables) == 1 {
		t = msg.New("check.creates.missing.table", "Names", tables[0])
	}
	e := msg.New("check.creates.missing.events", "Count", len(events), "Names", strings.Join(events, ", "))
	if len(events) == 1 {
		e = msg.New("check.creates.missing.event", "Names", events[0])
	}
	switch {
	case len(events) == 0:
		return msg.New("check.creates.missing", "Count", len(tables), "What", t)
	case len(tables) == 0:
		return msg.New("check.creates.missing", "Count", len(events), "What", e)
	}
	return msg.New("check.creates.missing.both", "Tables", t, "Events", e)
}

// createsHave names the tables and events that are there.
func createsHave(tables, events []string) msg.Msg {
	var t, e msg.Msg
	if n := len(tables); n > 0 {
		t = msg.New("check.creates.have.tables", "Count", n, "Names", strings.Join(tables, ", "))
	}
	if n := len(events); n > 0 {
		e = msg.New("check.creates.have.events", "Count", n, "Names", strings.Join(events, ", "))
	}
	have := t
	switch {
	case t.IsZero():
		have = e
	case !e.IsZero():
		have = msg.New("check.creates.have.both", "Tables", t, "Events", e)
	}
	return msg.New("check.creates.pass", "Have", have)
}
