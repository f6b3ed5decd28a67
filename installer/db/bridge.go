package db

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"path"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ocsetup/ocsetup/assets/bridge"
	"github.com/ocsetup/ocsetup/installer/msg"
	"github.com/ocsetup/ocsetup/installer/remote"
	"github.com/ocsetup/ocsetup/installer/webguard"
	"github.com/ocsetup/ocsetup/installer/webtrust"
)

// BridgeFiles is what the bridge route needs of the files channel
// (*remote.Pool has it).
type BridgeFiles interface {
	FileRemover
	Site() remote.Site
	WriteAtomic(ctx context.Context, name string, data []byte) error
}

// The bridge's wire protocol; assets/bridge/bridge.php has the other side.
const (
	headerTimestamp = "X-Ocsetup-Timestamp"
	headerNonce     = "X-Ocsetup-Nonce"
	headerSignature = "X-Ocsetup-Signature"
	// bridgePrefix starts every bridge file name, so a person who finds
	// one knows what it is.
	bridgePrefix = "ocsetup-bridge-"
	maxReply     = 64 << 20
	// DefaultBridgeTTL is how long a bridge lives when Options.BridgeTTL
	// is 0: long enough for a setup session, short enough that a
	// forgotten one is harmless soon.
	DefaultBridgeTTL = 30 * time.Minute
	// cleanupTimeout bounds removing a bridge, whatever the caller's context.
	cleanupTimeout = 30 * time.Second
)

// bridgeRunner talks to one uploaded bridge.
type bridgeRunner struct {
	files   BridgeFiles
	rec     BridgeRecord
	secret  []byte // the hex text, which is the HMAC key on both sides
	client  *http.Client
	offset  atomic.Int64 // the server's clock minus ours, in seconds
	mu      sync.Mutex
	url     string // the bridge's address; a redirect may change it
	once    sync.Once
	closed  error
	pingRes bridgeInfo
	// limits are the bridge's limits over plain HTTP (nil: none).
	limits *PlainHTTPLimits
	// names are the database's tables and the other databases, read
	// once for the limits' table rules (under mu).
	names *dbNames
	// driver "pdo" makes the bridge use PDO even where mysqli exists
	// (tests of the PDO path); "" lets it choose.
	driver string
}

// bridgeInfo is what the ping op tells.
type bridgeInfo struct {
	PHP     string `json:"php"`
	Driver  string `json:"driver"`
	Server  string `json:"server"`
	Now     int64  `json:"now"`
	Expires int64  `json:"expires"`
	// Constants are config.php's values as PHP computed them on the
	// server (DB_HOSTNAME, DB_PREFIX, HTTP_SERVER…; never DB_PASSWORD).
	Constants map[string]string `json:"constants"`
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported systems
	}
	return hex.EncodeToString(b)
}

// bridgeError makes the *Error of a bridge that could not be used.
func bridgeError(addr string, reason msg.Msg, err error) *Error {
	e := &Error{Route: RouteBridge, Kind: KindBridge, Addr: addr, Err: err}
	return e.setReason(reason)
}

// openBridge uploads a bridge into the store root, checks that it answers
// and reaches the database, and records it in dataDir first, so that a
// crash at any point leaves a record the next start cleans up (see
// CleanupLeftovers). On any error the bridge is removed before returning.
func openBridge(ctx context.Context, files BridgeFiles, creds *Credentials, opt Options) (*bridgeRunner, error) {
	urls := creds.StoreURLs()
	if opt.StoreURL != "" {
		urls = []string{withSlash(opt.StoreURL)}
	}
	if len(urls) == 0 {
		return nil, bridgeError("", msg.New("error.db.bridge.no_url"), nil)
	}
	if opt.DataDir == "" {
		return nil, bridgeError("", msg.New("error.db.bridge.no_data_dir"), nil)
	}
	ttl := opt.BridgeTTL
	if ttl == 0 {
		ttl = DefaultBridgeTTL
	}
	secret := randomHex(32)
	var limits bridge.Limits
	if opt.PlainHTTPLimits != nil {
		limits = *opt.PlainHTTPLimits
	}
	src, err := bridge.RenderLimited(secret, ttl, limits)
	if err != nil {
		return nil, bridgeError("", msg.New("error.db.bridge.prepare"), err)
	}
	name := bridgePrefix + randomHex(12) + ".php"
	site := files.Site()
	site.Password, site.KeyPassphrase = "", ""
	now := time.Now()
	b := &bridgeRunner{
		files:  files,
		secret: []byte(secret),
		// The store's certificate: the authorities, or the one pinned
		// (or accepted now) in the site's trust, like FTPS.
		client: bridgeClient(webtrust.Client(opt.HTTPClient, opt.Trust)),
		limits: opt.PlainHTTPLimits,
		rec: BridgeRecord{
			Site:      site,
			Path:      path.Join(creds.Store.Root, name),
			NoncePath: path.Join(creds.Store.Root, strings.TrimSuffix(name, ".php")+".nonces"),
			URL:       urls[0] + name,
			Uploaded:  now.UTC(),
			Expires:   now.Add(ttl).UTC(),
		},
	}
	if err := b.rec.save(opt.DataDir); err != nil {
		return nil, bridgeError("", msg.New("error.db.bridge.record"), err)
	}
	// From here on every way out that does not hand the bridge to the
	// caller removes it, panics included; close has its own deadline.
	handedOver := false
	defer func() {
		if !handedOver {
			_ = b.close()
		}
	}()
	if err := files.WriteAtomic(ctx, b.rec.Path, src); err != nil {
		return nil, bridgeError(b.rec.Path, msg.New("error.db.bridge.upload", "Root", creds.Store.Root), err)
	}
	// Try the store's addresses in turn (https first) until one serves
	// the bridge; an answer from the bridge itself, even a refusal, ends
	// the search, and so does a certificate that does not verify.
	for _, u := range urls {
		b.setURL(u + name)
		err = b.call(ctx, map[string]any{"op": "ping"}, &b.pingRes)
		if cerr := webguard.Certificate(err); cerr != nil {
			// Never a reason to try plain http: an interceptor
			// produces exactly this.
			err = bridgeError(b.currentURL(), msg.Msg{Key: "error.db.reason", Args: map[string]any{"Reason": cerr.Error()}}, cerr)
			break
		}
		var transport *transportError
		if err == nil || !errors.As(err, &transport) && !errors.Is(err, errNotServed) {
			break
		}
	}
	if err != nil {
		return nil, err
	}
	handedOver = true
	return b, nil
}

// bridgeClient never follows redirects by itself: Go would turn the POST
// into a GET, which the bridge refuses. post follows them instead.
func bridgeClient(c *http.Client) *http.Client {
	out := &http.Client{Timeout: 2 * time.Minute}
	if c != nil {
		cp := *c
		out = &cp
	}
	out.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return out
}

func (b *bridgeRunner) setURL(u string) {
	b.mu.Lock()
	b.url = u
	b.mu.Unlock()
}

func (b *bridgeRunner) currentURL() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.url
}

func (b *bridgeRunner) query(ctx context.Context, q string, args []arg) (*Rows, error) {
	wa, err := wireArgs(args)
	if err != nil {
		return nil, err
	}
	var res struct {
		Columns []string            `json:"columns"`
		Rows    [][]json.RawMessage `json:"rows"`
	}
	if err := b.call(ctx, map[string]any{"op": "query", "sql": q, "args": wa}, &res); err != nil {
		return nil, err
	}
	out := &Rows{Columns: res.Columns}
	for _, row := range res.Rows {
		if len(row) != len(res.Columns) {
			return nil, bridgeError(b.currentURL(), msg.New("error.db.bridge.rows"), nil)
		}
		vals := make([]sql.NullString, len(row))
		for i, raw := range row {
			if vals[i], err = wireValue(raw); err != nil {
				return nil, bridgeError(b.currentURL(), msg.New("error.db.bridge.answer"), err)
			}
		}
		out.Values = append(out.Values, vals)
	}
	return out, nil
}

func (b *bridgeRunner) exec(ctx context.Context, stmts []stmt) error {
	list := make([]map[string]any, len(stmts))
	for i, st := range stmts {
		wa, err := wireArgs(st.args)
		if err != nil {
			return fmt.Errorf("statement %d: %w", i+1, err)
		}
		list[i] = map[string]any{"sql": st.query, "args": wa}
	}
	var res struct {
		Results []struct {
			Affected int64 `json:"affected"`
			InsertID int64 `json:"insert_id"`
		} `json:"results"`
	}
	err := b.call(ctx, map[string]any{"op": "tx", "statements": list}, &res)
	var se *SQLError
	if errors.As(err, &se) {
		se.InTx = true
	}
	if err != nil {
		return err
	}
	if len(res.Results) != len(stmts) {
		return bridgeError(b.currentURL(), msg.New("error.db.bridge.statements"), nil)
	}
	for i, r := range res.Results {
		stmts[i].result.RowsAffected, stmts[i].result.LastInsertID = r.Affected, r.InsertID
	}
	return nil
}

// publicIP asks the store which address this machine's requests come from.
func (b *bridgeRunner) publicIP(ctx context.Context) (string, error) {
	var res struct {
		RemoteAddr   string `json:"remote_addr"`
		ForwardedFor string `json:"forwarded_for"`
	}
	if err := b.call(ctx, map[string]any{"op": "ip"}, &res); err != nil {
		return "", err
	}
	return res.RemoteAddr, nil
}

// close asks the bridge to delete itself, then removes the file (and its
// nonce list) through the files channel whatever the answer, and drops
// the record once both are gone. It runs once, with its own deadline, so
// that a cancelled caller still cleans up.
func (b *bridgeRunner) close() error {
	b.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), cleanupTimeout)
		defer cancel()
		var del struct {
			Deleted bool `json:"deleted"`
		}
		if b.currentURL() != "" {
			dctx, dcancel := context.WithTimeout(ctx, 10*time.Second)
			if err := b.call(dctx, map[string]any{"op": "delete"}, &del); err != nil {
				del.Deleted = false
			}
			dcancel()
		}
		// The files channel removes what the bridge could not; when it
		// cannot either, the bridge is still on the store: say so and
		// keep the record (Remove keeps it on error) for the next start.
		if err := b.rec.Remove(ctx, b.files); err != nil {
			why := "it did not answer the request to remove itself"
			if b.currentURL() != "" && !del.Deleted {
				why = "PHP may not write to the store folder"
			}
			b.closed = fmt.Errorf("the temporary database bridge %s could not remove itself (%s), and ocsetup could not delete it either: %w. Delete it by hand; ocsetup tries again at its next start", b.rec.Path, why, err)
		}
	})
	return b.closed
}
