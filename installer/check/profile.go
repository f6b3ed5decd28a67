package check

import (
	"context"
	"net/http"

	"github.com/ocsetup/ocsetup/installer/db"
	"github.com/ocsetup/ocsetup/installer/msg"
	"github.com/ocsetup/ocsetup/installer/store"
)

// Env is what an integration's own check can use: the channels the
// suite opened.
type Env struct {
	DB       db.DB      // nil for checks that do not need it
	Schema   *db.Schema // nil likewise
	Files    Files
	Store    store.Store
	StoreURL string
	HTTP     *http.Client
}

// ProfileCheck is a check an integration adds (its settings, its URLs, its
// connector file). NeedsDB runs it after the database checks, with the
// database in Env.
type ProfileCheck struct {
	ID, Title string
	NeedsDB   bool
	Run       func(ctx context.Context, env *Env) Result
}

// profileChecks wraps the integration's checks for the runner.
func (st *state) profileChecks() []Check {
	var out []Check
	for _, pc := range st.s.Profile {
		after := []string{"store-root"}
		if pc.NeedsDB {
			after = []string{"db-schema"}
		}
		out = append(out, Check{ID: pc.ID, Title: pc.Title, After: after, Run: func(ctx context.Context) Result {
			env := &Env{Files: st.s.Files, Store: st.s.Store, StoreURL: st.s.StoreURL, HTTP: st.s.HTTP}
			if pc.NeedsDB {
				env.DB, env.Schema = st.db, st.schema
			}
			return pc.Run(ctx, env)
		}})
	}
	return out
}

// URLAnswers is a check that a URL the provider calls is not a 404 (the
// module's files missing, or a wrong store address). Any other answer
// passes: the URL exists, whatever it says to a call without the
// provider's data.
func URLAnswers(ctx context.Context, env *Env, u string) Result {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return FailedMsg(msg.New("check.url.invalid"), msg.New("check.url.invalid.fix"), err.Error())
	}
	resp, err := env.HTTP.Do(req)
	if err != nil {
		return FailedMsg(msg.New("check.url.down"), msg.New("check.url.down.fix"), err.Error())
	}
	resp.Body.Close()
	if resp.StatusCode == http.StatusNotFound {
		return FailedMsg(msg.New("check.url.not_found", "URL", u), msg.New("check.url.not_found.fix"), "HTTP 404")
	}
	return PassedMsg(msg.New("check.url.pass", "Status", resp.StatusCode, "URL", u))
}
