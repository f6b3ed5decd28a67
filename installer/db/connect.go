package db

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/ocsetup/ocsetup/installer/msg"
	"github.com/ocsetup/ocsetup/installer/remote"
)

// Files is what Connect needs of the files channel (*remote.Pool has it).
type Files interface {
	BridgeFiles
	SSHFiles
}

// Options tune Connect. The zero value tries every route with the
// default timeouts, except the bridge, which needs DataDir.
type Options struct {
	// Routes to try, in order; nil means AllRoutes().
	Routes []Route
	// DataDir is the app's data folder, where uploaded bridges are
	// recorded (see CleanupLeftovers). The bridge route is not used
	// without it.
	DataDir string
	// StoreURL is the store's web address ("https://shop.example.com/"),
	// for stores whose config.php computes HTTP_SERVER on the server.
	StoreURL string
	// BridgeTTL is how long an uploaded bridge lives (at most an hour);
	// 0 means DefaultBridgeTTL.
	BridgeTTL time.Duration
	// HTTPClient talks to the bridge; nil means a client with a 2-minute
	// timeout. Redirects are always handled by the bridge route itself.
	HTTPClient *http.Client
	// ConnectTimeout bounds the direct and SSH attempts each; 0 means
	// DefaultConnectTimeout.
	ConnectTimeout time.Duration
	// OpTimeout bounds each Query and Tx; 0 means DefaultOpTimeout.
	OpTimeout time.Duration
	// Trust holds the pinned certificates (known_certs) the MySQL routes
	// check a server's TLS certificate against, and whether the user
	// accepts a new one. nil means the files channel's (*remote.Pool has
	// one), or none: then only certificates a public authority signed
	// pass.
	Trust *remote.Trust
	// PlainHTTPLimits, when set, limit the bridge to what the step needs
	// if it has to work over plain HTTP (the store has no HTTPS): both
	// the bridge and this side refuse statements outside them.
	PlainHTTPLimits *PlainHTTPLimits
}

// trustOf is the files channel's trust store, if it has one.
func trustOf(files Files) *remote.Trust {
	if t, ok := files.(interface{ Trust() *remote.Trust }); ok {
		return t.Trust()
	}
	return nil
}

// hardStop reports whether an attempt's failure must end Connect: a
// database server whose pinned certificate changed, or that stopped
// offering TLS, may be an interceptor, and the user decides first.
func hardStop(err error) bool {
	var re *remote.Error
	return errors.As(err, &re) && (re.Kind == remote.KindChangedKey || re.Kind == remote.KindTLSStripped)
}

// Timeouts of Connect.
const (
	DefaultConnectTimeout = 20 * time.Second
	bridgeConnectTimeout  = 2 * time.Minute
	ipLookupTimeout       = 15 * time.Second
)

// Attempt is one route Connect tried.
type Attempt struct {
	Route   Route
	Err     error // nil when the route worked; an *Error otherwise
	Elapsed time.Duration
}

// OK reports whether the route reached the database.
func (a Attempt) OK() bool { return a.Err == nil }

// Skipped reports whether the route was not tried because it cannot apply.
func (a Attempt) Skipped() bool {
	var e *Error
	return errors.As(a.Err, &e) && e.Kind == KindSkipped
}

// Summary is a few words: "ok", "refused (host blocks remote MySQL)",
// "skipped (the site is FTP, not SFTP)".
func (a Attempt) Summary() string { return a.SummaryMsg().English() }

// SummaryMsg is Summary as a message, for the app to show in the user's
// language.
func (a Attempt) SummaryMsg() msg.Msg {
	if a.Err == nil {
		return msg.New("error.db.short.ok")
	}
	var e *Error
	if errors.As(a.Err, &e) {
		if e.Kind == KindSkipped && !e.NoteMsg.IsZero() {
			return msg.New("error.db.short.skipped_note", "Note", e.NoteMsg)
		}
		if e.Kind == KindSkipped && e.Note != "" {
			return msg.New("error.db.short.skipped_note", "Note", e.Note)
		}
		return e.ShortMsg()
	}
	return msg.New("error.db.short.failed")
}

func (a Attempt) String() string { return a.Route.Title() + ": " + a.Summary() }

// MarshalJSON gives the attempt as the CLI's --json prints it.
func (a Attempt) MarshalJSON() ([]byte, error) {
	v := struct {
		Route     Route  `json:"route"`
		Result    string `json:"result"` // ok, failed or skipped
		Summary   string `json:"summary"`
		Error     string `json:"error,omitempty"`
		ClientIP  string `json:"client_ip,omitempty"`
		ElapsedMS int64  `json:"elapsed_ms"`
	}{Route: a.Route, Result: "ok", Summary: a.Summary(), ElapsedMS: a.Elapsed.Milliseconds()}
	if a.Err != nil {
		v.Result, v.Error = "failed", a.Err.Error()
		if a.Skipped() {
			v.Result = "skipped"
		}
		var e *Error
		if errors.As(a.Err, &e) {
			v.ClientIP = e.ClientIP
		}
	}
	return json.Marshal(v)
}

// Attempts are the routes tried, in order.
type Attempts []Attempt

// String reads "direct: refused (host blocks remote MySQL) → SSH: ok".
func (as Attempts) String() string {
	parts := make([]string, len(as))
	for i, a := range as {
		parts[i] = a.String()
	}
	return strings.Join(parts, " → ")
}

// ConnectError says that no route reached the database.
type ConnectError struct{ Attempts Attempts }

func (e *ConnectError) Error() string {
	var b strings.Builder
	b.WriteString("The store's database could not be reached by any route.")
	for _, a := range e.Attempts {
		fmt.Fprintf(&b, "\n  %s: %v", a.Route.Title(), a.Err)
	}
	return b.String()
}

// MsgItems is the error as messages: a headline, and each route tried
// with its failure.
func (e *ConnectError) MsgItems() (msg.Msg, []msg.Item) {
	items := make([]msg.Item, len(e.Attempts))
	for i, a := range e.Attempts {
		items[i] = msg.Item{Label: a.Route.TitleMsg(), Err: a.Err}
	}
	return msg.New("error.db.no_route"), items
}

// Unwrap gives the attempts' errors, so errors.As finds an *Error.
func (e *ConnectError) Unwrap() []error {
	var out []error
	for _, a := range e.Attempts {
		if a.Err != nil {
			out = append(out, a.Err)
		}
	}
	return out
}

// Connect reaches the store's database by the first route that works,
// in the order of opt.Routes (direct, SSH, bridge), and reports every
// attempt. The caller must Close the DB: for the bridge that removes the
// file from the store.
//
// When the direct route was blocked and the bridge came up, the bridge
// asks the store which address this machine comes from, so that the
// direct attempt's error can name the IP to allow.
func Connect(ctx context.Context, files Files, creds *Credentials, opt Options) (DB, Attempts, error) {
	routes := opt.Routes
	if routes == nil {
		routes = AllRoutes()
	}
	if opt.Trust == nil {
		opt.Trust = trustOf(files)
	}
	var attempts Attempts
	for _, route := range routes {
		start := time.Now()
		r, err := tryRoute(ctx, route, files, creds, opt)
		var e *Error
		if errors.As(err, &e) && e.User == "" {
			e.User = creds.User
		}
		attempts = append(attempts, Attempt{Route: route, Err: err, Elapsed: time.Since(start)})
		if err == nil {
			c := newConn(route, r, creds, opt.OpTimeout)
			if b, ok := r.(*bridgeRunner); ok {
				fillClientIP(ctx, b, attempts)
				applyServerValues(creds, b.pingRes.Constants)
				// The prefix PHP uses is the one that names the tables, even
				// when the file alone could not tell it.
				if p, ok := b.pingRes.Constants["DB_PREFIX"]; ok {
					c.prefix = p
				}
			}
			return c, attempts, nil
		}
		if ctx.Err() != nil || hardStop(err) {
			break
		}
	}
	return nil, attempts, &ConnectError{Attempts: attempts}
}

func skipped(route Route, note, reason msg.Msg) *Error {
	e := &Error{Route: route, Kind: KindSkipped, Note: note.English(), NoteMsg: note}
	return e.setReason(reason)
}

func tryRoute(ctx context.Context, route Route, files Files, creds *Credentials, opt Options) (runner, error) {
	timeout := opt.ConnectTimeout
	if timeout <= 0 {
		timeout = DefaultConnectTimeout
	}
	switch route {
	case RouteDirect, RouteSSH:
		if !creds.Usable() {
			return nil, skipped(route, msg.New("error.db.note.computed"),
				msg.New("error.db.skip.computed", "Problem", creds.blockingReason()))
		}
		if route == RouteSSH && files.Site().Protocol != remote.SFTP {
			return nil, skipped(route, msg.New("error.db.note.not_sftp"), msg.New("error.db.skip.not_sftp"))
		}
		ctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		if route == RouteDirect {
			return openDirect(ctx, creds, files.Site().Host, opt.Trust)
		}
		return openSSH(ctx, files, creds, opt.Trust)
	case RouteBridge:
		ctx, cancel := context.WithTimeout(ctx, bridgeConnectTimeout)
		defer cancel()
		return openBridge(ctx, files, creds, opt)
	}
	return nil, fmt.Errorf("db: unknown route %q", route)
}

// fillClientIP asks the bridge for this machine's address as the store
// sees it, for direct attempts that a remote-MySQL grant would fix and
// whose error did not already name the address MySQL saw.
func fillClientIP(ctx context.Context, b *bridgeRunner, attempts Attempts) {
	var need []*Error
	for _, a := range attempts {
		var e *Error
		if errors.As(a.Err, &e) && e.Blocked() && e.ClientIP == "" {
			need = append(need, e)
		}
	}
	if len(need) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, ipLookupTimeout)
	defer cancel()
	ip, err := b.publicIP(ctx)
	if err != nil || ip == "" {
		return
	}
	for _, e := range need {
		e.ClientIP, e.IPSource = ip, "the store"
	}
}

// applyServerValues records what PHP computed for the catalog config's
// computed constants.
func applyServerValues(creds *Credentials, constants map[string]string) {
	for i, c := range creds.Computed {
		if v, ok := constants[c.Constant]; ok && c.File == creds.CatalogFile && c.Constant != "DB_PASSWORD" {
			creds.Computed[i].ServerValue = v
		}
	}
}
