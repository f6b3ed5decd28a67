package demo

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"strings"

	"github.com/ocsetup/ocsetup/installer/store"
)

// Messages of OpenCart's API controllers (catalog/language/*/api/login.php).
const (
	msgSuccess      = "Success: API session successfully started!"
	msgBadKey       = "Warning: Incorrect API Key!"
	msgNoMatch20    = "Warning: No match for Username and/or Password."
	msgIPNotAllowed = "Warning: Your IP %s is not allowed to access this API!"
)

// api answers the API routes of the store's line and reports whether
// route was one; the rules are those of fixture/phpsrc.go, which cites
// each line's controller.
func (w *web) api(rw http.ResponseWriter, r *http.Request, route string) bool {
	var ans any
	var err error
	status := http.StatusOK
	switch {
	case w.line == store.Line15 && strings.HasPrefix(route, "feed/rest_api"):
		ans, err = w.restAPI15(r)
	case route == "api/login" && w.line.In(store.Line20, store.Line21, store.Line22, store.Line23, store.Line30):
		ans, err = w.login(r)
	case route == "api/account/login" && w.line == store.Line40:
		ans, err = w.login40(r)
	case w.line == store.Line41 && (route == "api/order" || route == "api/subscription"):
		status, ans, err = w.signedCall41(r)
	default:
		return false
	}
	if err != nil {
		dbError(rw, err)
		return true
	}
	writeJSON(rw, status, ans)
	return true
}

// clientIP is PHP's $_SERVER['REMOTE_ADDR'].
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// post is PHP's $_POST[name], and whether it was sent.
func post(r *http.Request, name string) (string, bool) {
	_ = r.ParseForm()
	v, ok := r.PostForm[name]
	if !ok || len(v) == 0 {
		return "", false
	}
	return v[0], true
}

// randomHex is bin2hex(random_bytes(n)).
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return hex.EncodeToString(b)
}

// restAPI15 is 1.5's REST API module: its key and status are settings.
func (w *web) restAPI15(r *http.Request) (any, error) {
	ctx := r.Context()
	status, err := w.db.setting(ctx, "rest_api_status")
	if err != nil {
		return nil, err
	}
	key, err := w.db.setting(ctx, "rest_api_key")
	if err != nil {
		return nil, err
	}
	given, sent := r.URL.Query()["key"]
	if !phpTruthy(status) || !sent || given[0] != key {
		return map[string]any{"error": "Invalid secret key"}, nil
	}
	return map[string]any{"success": true}, nil
}

// phpTruthy is PHP's boolean reading of a string: "" and "0" are false.
func phpTruthy(s string) bool { return s != "" && s != "0" }

// login is api/login of 2.0 to 3.0.
func (w *web) login(r *http.Request) (any, error) {
	switch w.line {
	case store.Line20:
		return w.login20(r)
	case store.Line21:
		return w.login21(r)
	}
	return w.loginByKey(r)
}

// login20: user name and password; no IP allow-list; a PHP session.
func (w *web) login20(r *http.Request) (any, error) {
	u, _ := post(r, "username")
	p, _ := post(r, "password")
	row, err := w.db.row(r.Context(), "SELECT * FROM "+w.db.table("api")+" WHERE username = ? AND password = ? AND status = '1'", u, p)
	if err != nil || row == nil {
		return map[string]any{"error": msgNoMatch20}, err
	}
	return map[string]any{"cookie": randomHex(13), "success": msgSuccess}, nil
}

// login21 checks the IP against the config_api_id user (not the user of
// the key), then the key.
func (w *web) login21(r *http.Request) (any, error) {
	ctx, ip := r.Context(), clientIP(r)
	errs := map[string]any{}
	def, err := w.db.setting(ctx, "config_api_id")
	if err != nil {
		return nil, err
	}
	ok, err := w.ipAllowed(ctx, def, ip)
	if err != nil {
		return nil, err
	}
	if !ok {
		errs["ip"] = fmt.Sprintf(msgIPNotAllowed, ip)
	}
	key, _ := post(r, "key")
	row, err := w.db.row(ctx, "SELECT * FROM "+w.db.table("api")+" WHERE `key` = ? AND status = '1'", key)
	if err != nil {
		return nil, err
	}
	if row == nil {
		errs["key"] = msgBadKey
	}
	if len(errs) > 0 {
		return map[string]any{"error": errs}, nil
	}
	token := randomHex(16)
	err = w.db.exec(ctx, "INSERT INTO "+w.db.table("api_session")+" SET api_id = ?, token = ?, session_id = ?, session_name = 'PHPSESSID', ip = ?, date_added = NOW(), date_modified = NOW()",
		row["api_id"], token, randomHex(13), ip)
	return map[string]any{"success": msgSuccess, "token": token}, err
}

// loginByKey is 2.2, 2.3 and 3.0: the key (3.0: with the user name,
// "Default" when none is sent) finds the user, whose own IPs are checked.
func (w *web) loginByKey(r *http.Request) (any, error) {
	ctx, ip, api := r.Context(), clientIP(r), w.db.table("api")
	key, hasKey := post(r, "key")
	var row map[string]string
	var err error
	if w.line == store.Line30 {
		user, ok := post(r, "username")
		if !ok {
			user = "Default"
		}
		if hasKey {
			row, err = w.db.row(ctx, "SELECT * FROM "+api+" WHERE username = ? AND `key` = ? AND status = '1'", user, key)
		}
	} else {
		row, err = w.db.row(ctx, "SELECT * FROM "+api+" WHERE `key` = ? AND status = '1'", key)
	}
	if err != nil {
		return nil, err
	}
	if row == nil {
		// PHP's json_encode of the empty $json array: these lines answer
		// a wrong key with "[]".
		return []any{}, nil
	}
	ok, err := w.ipAllowed(ctx, row["api_id"], ip)
	if err != nil {
		return nil, err
	}
	if !ok {
		return map[string]any{"error": map[string]any{"ip": fmt.Sprintf(msgIPNotAllowed, ip), "key": msgBadKey}}, nil
	}
	token := randomHex(13)
	if w.line == store.Line30 {
		err = w.db.exec(ctx, "INSERT INTO "+w.db.table("api_session")+" SET api_id = ?, session_id = ?, ip = ?, date_added = NOW(), date_modified = NOW()",
			row["api_id"], token, ip)
		return map[string]any{"success": msgSuccess, "api_token": token}, err
	}
	err = w.db.exec(ctx, "INSERT INTO "+w.db.table("api_session")+" SET api_id = ?, token = ?, session_id = ?, session_name = 'PHPSESSID', ip = ?, date_added = NOW(), date_modified = NOW()",
		row["api_id"], token, token, ip)
	return map[string]any{"success": msgSuccess, "token": token}, err
}

// login40 is 4.0's api/account/login: user name and key, then the IP.
func (w *web) login40(r *http.Request) (any, error) {
	ctx, ip := r.Context(), clientIP(r)
	u, _ := post(r, "username")
	key, _ := post(r, "key")
	row, err := w.db.row(ctx, "SELECT * FROM "+w.db.table("api")+" WHERE username = ? AND `key` = ? AND status = '1'", u, key)
	if err != nil {
		return nil, err
	}
	if row == nil {
		return map[string]any{"error": msgBadKey}, nil
	}
	ok, err := w.ipAllowed(ctx, row["api_id"], ip)
	if err != nil {
		return nil, err
	}
	if !ok {
		return map[string]any{"error": fmt.Sprintf(msgIPNotAllowed, ip)}, nil
	}
	token := randomHex(13)
	err = w.db.exec(ctx, "INSERT INTO "+w.db.table("api_session")+" SET api_id = ?, session_id = ?, ip = ?, date_added = NOW(), date_modified = NOW()",
		row["api_id"], token, ip)
	return map[string]any{"success": msgSuccess, "api_token": token}, err
}

func (w *web) ipAllowed(ctx context.Context, apiID, ip string) (bool, error) {
	row, err := w.db.row(ctx, "SELECT * FROM "+w.db.table("api_ip")+" WHERE api_id = ? AND ip = ?", apiID, ip)
	return row != nil, err
}
