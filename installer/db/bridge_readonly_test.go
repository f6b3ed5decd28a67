package db

import (
	"encoding/json"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ocsetup/ocsetup/internal/testenv"
)

// TestBridgeReadOnlyFolder: in a folder PHP may not write, the bridge
// cannot delete itself. It must say so (deleted:false), keep its list of
// used nonces so a recorded request cannot be replayed, and ocsetup must
// report "could not remove itself" with the path and keep its record.
func TestBridgeReadOnlyFolder(t *testing.T) {
	env := testenv.Get(t)
	b, st, data := testBridge(t, env)
	// The nonce list moves to PHP's temporary folder, as on a host where
	// the store folder is read-only for PHP.
	if err := os.Remove(localOf(st, b.rec.NoncePath)); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(st.Local, 0o555); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.Chmod(st.Local, 0o755) })

	// A request an eavesdropper records.
	body, _ := json.Marshal(map[string]any{"op": "ping"})
	ts, nonce := strconv.FormatInt(time.Now().Unix(), 10), randomHex(16)
	sig := b.sign(ts, nonce, body)
	status, r := send(t, b, http.MethodPost, body, ts, nonce, sig)
	expect(t, "recorded request", status, r, http.StatusOK, "")

	var del struct {
		Deleted bool   `json:"deleted"`
		Path    string `json:"path"`
	}
	if err := b.call(ctxT(t), map[string]any{"op": "delete"}, &del); err != nil {
		t.Fatal(err)
	}
	if del.Deleted {
		t.Errorf("the bridge says it removed itself from a read-only folder")
	}
	if !exists(localOf(st, b.rec.Path)) {
		t.Fatal("the bridge is gone after all; the test proves nothing")
	}
	status, r = send(t, b, http.MethodPost, body, ts, nonce, sig)
	expect(t, "replayed request after a failed self-deletion", status, r, http.StatusConflict, "replay")

	err := b.close()
	if err == nil || !strings.Contains(err.Error(), "could not remove itself") || !strings.Contains(err.Error(), b.rec.Path) {
		t.Errorf("close: %v; want \"could not remove itself\" with %s", err, b.rec.Path)
	}
	if len(records(t, data)) == 0 {
		t.Error("the leftover record was dropped while the bridge is still on the store")
	}
}
