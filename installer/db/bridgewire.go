package db

// The bridge's wire protocol, the Go side: signing, one request and its
// answer, redirects, clock correction, and the JSON form of arguments and
// values. assets/bridge/bridge.php is the other side.

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/go-sql-driver/mysql"

	"github.com/ocsetup/ocsetup/installer/msg"
	"github.com/ocsetup/ocsetup/installer/webguard"
)

// sign is the request signature: HMAC-SHA256 of "ts\nnonce\nbody".
func (b *bridgeRunner) sign(ts, nonce string, body []byte) string {
	m := hmac.New(sha256.New, b.secret)
	fmt.Fprintf(m, "%s\n%s\n", ts, nonce)
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// replySigned checks the reply signature: HMAC-SHA256 of "reply\nnonce\nbody".
func (b *bridgeRunner) replySigned(nonce string, body []byte, sig string) bool {
	m := hmac.New(sha256.New, b.secret)
	fmt.Fprintf(m, "reply\n%s\n", nonce)
	m.Write(body)
	got, err := hex.DecodeString(sig)
	return err == nil && hmac.Equal(m.Sum(nil), got)
}

// wireReply is the bridge's JSON answer.
type wireReply struct {
	OK    bool   `json:"ok"`
	Code  string `json:"code"`
	Error string `json:"error"`
	Now   int64  `json:"now"`
	Errno uint16 `json:"errno"`
	Index int    `json:"index"`
	// NotRolledBack: ROLLBACK warned that MyISAM tables kept changes.
	NotRolledBack bool            `json:"not_rolled_back"`
	Result        json.RawMessage `json:"result"`

	status int
	signed bool
}

// errNotServed: the web server answered, but not with the bridge.
var errNotServed = errors.New("the address does not serve the bridge")

// transportError is a failure before any HTTP answer (DNS, TLS, refused).
type transportError struct{ err error }

func (e *transportError) Error() string { return e.err.Error() }
func (e *transportError) Unwrap() error { return e.err }

// exchange sends one signed request with the given timestamp and nonce
// and reads the answer; redirects are returned as they are.
func (b *bridgeRunner) exchange(ctx context.Context, method, target string, body []byte, ts, nonce, sig string) (*http.Response, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, method, target, bytes.NewReader(body))
	if err != nil {
		return nil, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Cache-Control", "no-store")
	if ts != "" {
		req.Header.Set(headerTimestamp, ts)
		req.Header.Set(headerNonce, nonce)
		req.Header.Set(headerSignature, sig)
	}
	resp, err := b.client.Do(req)
	if err != nil {
		return nil, nil, &transportError{err: err}
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxReply+1))
	if err != nil {
		return nil, nil, &transportError{err: err}
	}
	if len(data) > maxReply {
		return nil, nil, fmt.Errorf("the bridge's answer is larger than %d MB", maxReply>>20)
	}
	return resp, data, nil
}

// post signs and sends body, follows redirects to the bridge's own name
// on the same origin (or http to https on the same host), and corrects once for a server clock that differs
// from ours.
func (b *bridgeRunner) post(ctx context.Context, body []byte) (*wireReply, error) {
	redirects, clockFixed := 0, false
	for {
		target := b.currentURL()
		ts := strconv.FormatInt(time.Now().Unix()+b.offset.Load(), 10)
		nonce := randomHex(16)
		resp, data, err := b.exchange(ctx, http.MethodPost, target, body, ts, nonce, b.sign(ts, nonce, body))
		if err != nil {
			return nil, bridgeError(target, msg.New("error.db.bridge.unreachable"), err)
		}
		switch resp.StatusCode {
		case http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther, http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
			loc, err := resp.Location()
			if err == nil {
				if from, perr := url.Parse(target); perr == nil {
					if gerr := webguard.SameOrigin(from, loc); gerr != nil {
						return nil, bridgeError(target, msg.Msg{Key: "error.db.reason", Args: map[string]any{"Reason": gerr.Error()}}, errNotServed)
					}
				}
			}
			if err == nil && redirects < 3 && path.Base(loc.Path) == path.Base(mustPath(target)) {
				redirects++
				b.setURL(loc.String())
				continue
			}
			return nil, bridgeError(target, msg.New("error.db.bridge.redirect", "Status", resp.StatusCode, "Location", resp.Header.Get("Location")), errNotServed)
		}
		r := &wireReply{status: resp.StatusCode}
		if sig := resp.Header.Get(headerSignature); sig != "" {
			if !b.replySigned(nonce, data, sig) {
				return nil, bridgeError(target, msg.New("error.db.bridge.unsigned_changed"), nil)
			}
			r.signed = true
		}
		if err := json.Unmarshal(data, r); err != nil || (r.Code == "" && !r.OK) {
			if resp.StatusCode == http.StatusNotFound {
				return nil, bridgeError(target, msg.New("error.db.bridge.not_found", "URL", target), errNotServed)
			}
			return nil, bridgeError(target, msg.New("error.db.bridge.not_bridge", "Status", resp.StatusCode), errNotServed)
		}
		if r.signed && r.Code == "stale" && r.Now > 0 && !clockFixed {
			// The bridge's clock differs from ours. Only a signed "now"
			// (bound to this request's nonce) is used, and only within
			// maxClockOffset: an unsigned one could come from anyone on
			// the path and would open a window to replay recorded requests.
			off := r.Now - time.Now().Unix()
			if off > maxClockOffset || off < -maxClockOffset {
				return nil, bridgeError(target, msg.New("error.db.bridge.clock", "Offset", (time.Duration(abs(off))*time.Second).String()), nil)
			}
			clockFixed = true
			b.offset.Store(off)
			continue
		}
		return r, nil
	}
}

// maxClockOffset bounds the clock correction, in seconds.
const maxClockOffset = 3600

func abs(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}

func mustPath(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return ""
	}
	return p.Path
}

// BridgeRefusal is the bridge's own answer to a request it refused.
type BridgeRefusal struct {
	Status  int
	Code    string // "signature", "stale", "replay", "expired", "method", "statement", "sql", "db-connect"…
	Message string
}

func (e *BridgeRefusal) Error() string {
	return fmt.Sprintf("HTTP %d %s: %s", e.Status, e.Code, e.Message)
}

// call sends an op and decodes its result into out (when not nil).
func (b *bridgeRunner) call(ctx context.Context, payload map[string]any, out any) error {
	if b.driver != "" {
		payload["driver"] = b.driver
	}
	body, err := json.Marshal(payload)
	if err != nil {
		return err
	}
	r, err := b.post(ctx, body)
	if err != nil {
		return err
	}
	if r.OK && r.signed {
		if out == nil {
			return nil
		}
		if err := json.Unmarshal(r.Result, out); err != nil {
			return bridgeError(b.currentURL(), msg.New("error.db.bridge.answer"), err)
		}
		return nil
	}
	refusal := &BridgeRefusal{Status: r.status, Code: r.Code, Message: r.Error}
	if r.OK {
		return bridgeError(b.currentURL(), msg.New("error.db.bridge.unsigned"), refusal)
	}
	switch r.Code {
	case "statement":
		return &StatementError{Index: r.Index, Reason: "was refused by the bridge: " + r.Error}
	case "sql":
		return &SQLError{Route: RouteBridge, Index: r.Index, Number: r.Errno, Message: r.Error, NotRolledBack: r.NotRolledBack}
	case "db-connect":
		// The store's own login failed on the server: classify it like a
		// MySQL error of the other routes.
		return classify(ctx, RouteBridge, "", &mysql.MySQLError{Number: r.Errno, Message: r.Error})
	}
	return bridgeError(b.currentURL(), refusalReason(r), refusal)
}

func refusalReason(r *wireReply) msg.Msg {
	switch r.Code {
	case "signature", "stale", "replay", "expired", "nonce-store", "method":
		return msg.New("error.db.bridge.refused." + r.Code)
	case "fatal", "config":
		return msg.New("error.db.bridge.php_stopped", "Error", r.Error)
	}
	return msg.New("error.db.bridge.refused", "Status", r.status, "Error", r.Error)
}

// wireArgs encodes checked arguments as the bridge reads them.
func wireArgs(args []arg) ([]any, error) {
	out := make([]any, len(args))
	for i, a := range args {
		switch a.kind {
		case argNull:
			out[i] = nil
		case argInt:
			out[i] = a.i
		case argFloat:
			if math.IsNaN(a.f) || math.IsInf(a.f, 0) {
				return nil, fmt.Errorf("db: argument %d is not a finite number", i+1)
			}
			out[i] = a.f
		case argString:
			// JSON would replace invalid UTF-8; send such text as bytes.
			if utf8.ValidString(a.s) {
				out[i] = a.s
			} else {
				out[i] = map[string]string{"b": base64.StdEncoding.EncodeToString([]byte(a.s))}
			}
		case argBytes:
			out[i] = map[string]string{"b": base64.StdEncoding.EncodeToString(a.b)}
		case argRef:
			out[i] = map[string]int{"ref": a.ref}
		}
	}
	return out, nil
}

// wireValue decodes a column value: null, a string, or {"b": base64}.
func wireValue(raw json.RawMessage) (sql.NullString, error) {
	raw = bytes.TrimSpace(raw)
	switch {
	case len(raw) == 0 || string(raw) == "null":
		return sql.NullString{}, nil
	case raw[0] == '"':
		var s string
		err := json.Unmarshal(raw, &s)
		return sql.NullString{String: s, Valid: true}, err
	case raw[0] == '{':
		var v struct {
			B string `json:"b"`
		}
		if err := json.Unmarshal(raw, &v); err != nil {
			return sql.NullString{}, err
		}
		b, err := base64.StdEncoding.DecodeString(v.B)
		return sql.NullString{String: string(b), Valid: true}, err
	}
	return sql.NullString{String: string(raw), Valid: true}, nil
}
