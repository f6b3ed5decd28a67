package db

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// staleServer answers every request with the bridge's "stale" refusal
// carrying its own "now"; signed with secret when it is not empty, as an
// attacker without the secret cannot.
func staleServer(t *testing.T, secret string, now int64) (*httptest.Server, *atomic.Int32) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		body := fmt.Sprintf(`{"ok":false,"code":"stale","error":"old","now":%d}`, now)
		if secret != "" {
			m := hmac.New(sha256.New, []byte(secret))
			fmt.Fprintf(m, "reply\n%s\n%s", r.Header.Get(headerNonce), body)
			w.Header().Set(headerSignature, hex.EncodeToString(m.Sum(nil)))
		}
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprint(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

// TestBridgeClockFromUnsignedStaleIgnored: an on-path attacker's unsigned
// "stale" reply does not move the client's clock (which would open a
// window to replay recorded requests).
func TestBridgeClockFromUnsignedStaleIgnored(t *testing.T) {
	srv, n := staleServer(t, "", time.Now().Unix()-3000)
	b := &bridgeRunner{secret: []byte(randomHex(32)), client: bridgeClient(nil)}
	b.setURL(srv.URL + "/ocsetup-bridge-x.php")
	err := b.call(ctxT(t), map[string]any{"op": "ping"}, nil)
	if err == nil {
		t.Fatal("an unsigned stale reply was taken for a success")
	}
	if off := b.offset.Load(); off != 0 {
		t.Errorf("the clock offset moved to %d on an unsigned reply", off)
	}
	if n.Load() != 1 {
		t.Errorf("%d requests; an unsigned stale reply must not cause a retry", n.Load())
	}
}

// TestBridgeClockCorrectionCapped: even a signed "stale" reply cannot move
// the clock by more than an hour; the user is told to fix the clock.
func TestBridgeClockCorrectionCapped(t *testing.T) {
	secret := randomHex(32)
	srv, _ := staleServer(t, secret, time.Now().Unix()+2*86400)
	b := &bridgeRunner{secret: []byte(secret), client: bridgeClient(nil)}
	b.setURL(srv.URL + "/ocsetup-bridge-x.php")
	err := b.call(ctxT(t), map[string]any{"op": "ping"}, nil)
	if err == nil || !strings.Contains(err.Error(), "clock") {
		t.Errorf("err = %v; want the clock difference named", err)
	}
	if off := b.offset.Load(); off != 0 {
		t.Errorf("the clock offset moved by %d s", off)
	}
}
