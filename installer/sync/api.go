package sync

import (
	"context"
	"time"

	"github.com/ocsetup/ocsetup/installer/db"
)

// APIActivity is what the store records of its API user's use: sessions
// (api_session, OpenCart 2.1–4.0) or calls (api_history, 4.1). OpenCart
// 1.5 and 2.0 record neither.
type APIActivity struct {
	Available bool   `json:"available"`
	Table     string `json:"table,omitempty"` // api_session or api_history
	// User is the integration's API user; "" counts every user.
	User      string `json:"user,omitempty"`
	UserFound bool   `json:"user_found"`
	// SinceSetup counts the sessions (calls on 4.1) since setup; New those
	// of the last poll.
	SinceSetup int64 `json:"since_setup"`
	New        int64 `json:"new"`
	// Last is when the user was last active, on this computer's clock;
	// zero when it was not since setup.
	Last     time.Time `json:"last,omitzero"`
	LastIP   string    `json:"last_ip,omitempty"`
	LastCall string    `json:"last_call,omitempty"` // 4.1: the route called
}

// apiState is the API part of the history.
type apiState struct {
	Started    bool   `json:"started,omitempty"`
	HW         int64  `json:"hw,omitempty"`
	APIID      int64  `json:"api_id,omitempty"` // 0: not found (yet)
	LastID     int64  `json:"last_id,omitempty"`
	LastSeen   string `json:"last_seen,omitempty"` // the database's clock
	LastIP     string `json:"last_ip,omitempty"`
	LastCall   string `json:"last_call,omitempty"`
	SinceSetup int64  `json:"since_setup,omitempty"`
	// LastLocal is LastSeen on this computer's clock (RFC 3339).
	LastLocal time.Time `json:"last_local,omitzero"`
}

type apiQueries struct {
	table   string
	user    string
	sqlUser string
	sqlMax  string
	sqlNew  string
	sqlOne  string
	newRows int
}

// apiRow is one session or call.
type apiRow struct {
	id, apiID int64
	ip, seen  string // seen: date_modified, or date_added where there is none
	call      string
}

type apiFetched struct {
	apiID    int64
	baseline bool
	max      int64
	rows     []apiRow
	refresh  *apiRow // the last known session read again
}

func newAPIQueries(s *db.Schema, user string) (*apiQueries, error) {
	table := ""
	switch {
	case s.Has("api_history"):
		table = "api_history"
	case s.Has("api_session"):
		table = "api_session"
	default:
		return nil, nil
	}
	t, err := db.Table(s.Prefix, table)
	if err != nil {
		return nil, err
	}
	a := &apiQueries{table: table, user: user, newRows: 1000}
	pk := "`" + table + "_id`"
	cols := pk + ", `api_id`, `ip`, `date_added`"
	if table == "api_session" {
		cols += ", `date_modified`"
	} else {
		cols += ", `call`"
	}
	a.sqlMax = "SELECT MAX(" + pk + ") FROM " + t
	a.sqlNew = "SELECT " + cols + " FROM " + t + byPK + " WHERE " + pk + " > ? ORDER BY " + pk + limit(a.newRows)
	a.sqlOne = "SELECT " + cols + " FROM " + t + " WHERE " + pk + " = ?"
	if user != "" && s.Has("api") {
		name := s.APINameColumn()
		if name == "" {
			name = "username"
		}
		api, err := db.Table(s.Prefix, "api")
		if err != nil {
			return nil, err
		}
		// The api table has a few rows.
		a.sqlUser = "SELECT `api_id` FROM " + api + " WHERE " + quoteCol(name) + " = ?"
	}
	return a, nil
}

func (a *apiQueries) fetch(ctx context.Context, q Store, st apiState) (*apiFetched, error) {
	f := &apiFetched{apiID: st.APIID}
	if a.user != "" && f.apiID == 0 && a.sqlUser != "" {
		r, err := q.Query(ctx, a.sqlUser, a.user)
		if err != nil {
			return nil, err
		}
		if r.Len() > 0 {
			f.apiID, _ = parseInt(r.Values[0][0])
		}
	}
	if !st.Started {
		r, err := q.Query(ctx, a.sqlMax)
		if err != nil {
			return nil, err
		}
		f.baseline = true
		if r.Len() > 0 {
			f.max, _ = parseInt(r.Values[0][0])
		}
		return f, nil
	}
	r, err := q.Query(ctx, a.sqlNew, st.HW)
	if err != nil {
		return nil, err
	}
	f.rows = a.parse(r)
	if st.LastID > 0 {
		r, err := q.Query(ctx, a.sqlOne, st.LastID)
		if err != nil {
			return nil, err
		}
		if rows := a.parse(r); len(rows) == 1 {
			f.refresh = &rows[0]
		}
	}
	return f, nil
}

func (a *apiQueries) parse(r *db.Rows) []apiRow {
	out := make([]apiRow, 0, r.Len())
	for _, v := range r.Values {
		row := apiRow{ip: v[2].String, seen: v[3].String}
		row.id, _ = parseInt(v[0])
		row.apiID, _ = parseInt(v[1])
		if a.table == "api_session" {
			if v[4].String > row.seen {
				row.seen = v[4].String
			}
		} else {
			row.call = v[4].String
		}
		out = append(out, row)
	}
	return out
}

// apply counts the user's new sessions and moves the state; active says
// whether the user did anything since the last poll. toLocal turns the
// database's clock into this computer's.
func (a *apiQueries) apply(f *apiFetched, st *apiState, toLocal func(string) time.Time) (newSessions int64, active bool) {
	st.APIID = f.apiID
	if f.baseline {
		st.Started, st.HW = true, f.max
		return 0, false
	}
	mine := func(r apiRow) bool { return a.user == "" || st.APIID != 0 && r.apiID == st.APIID }
	see := func(r apiRow) {
		if r.seen > st.LastSeen || r.id > st.LastID {
			st.LastID, st.LastSeen, st.LastIP, st.LastCall = r.id, r.seen, r.ip, r.call
			st.LastLocal = toLocal(r.seen)
			active = true
		}
	}
	if r := f.refresh; r != nil && r.id == st.LastID && r.seen > st.LastSeen {
		see(*r)
	}
	for _, r := range f.rows {
		st.HW = r.id
		if mine(r) {
			newSessions++
			see(r)
		}
	}
	st.SinceSetup += newSessions
	return newSessions, active
}

// activity is the state as the view shows it.
func (a *apiQueries) activity(st apiState, newSessions int64) APIActivity {
	return APIActivity{Available: true, Table: a.table, User: a.user, UserFound: a.user == "" || st.APIID != 0,
		SinceSetup: st.SinceSetup, New: newSessions, Last: st.LastLocal, LastIP: st.LastIP, LastCall: st.LastCall}
}
