package demo

import (
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"io"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
)

// signatureWindow is how far the caller's clock may be off, in seconds
// (oc@4.1.0.4:upload/catalog/controller/startup/api.php).
const signatureWindow = 450

// maxForm bounds a posted form; API calls post a few fields.
const maxForm = 1 << 20

// signedCall41 checks a 4.1 API call the way startup/api.php does: every
// field present, a known active user whose IPs include the caller, a time
// within the window, and the HMAC-SHA1 of the call under the user's key.
// 4.1 answers every failure with the same 403.
func (w *web) signedCall41(r *http.Request) (int, any, error) {
	ctx, ip, q := r.Context(), clientIP(r), r.URL.Query()
	forbidden := map[string]any{"error": "You do not have permission to access this page."}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxForm))
	if err != nil {
		return http.StatusForbidden, forbidden, nil
	}
	for _, k := range []string{"route", "call", "username", "store_id", "language", "currency", "time", "signature"} {
		if !q.Has(k) {
			return http.StatusForbidden, forbidden, nil
		}
	}
	row, err := w.db.row(ctx, "SELECT * FROM "+w.db.table("api")+" WHERE username = ? AND status = '1'", q.Get("username"))
	if err != nil || row == nil {
		return http.StatusForbidden, forbidden, err
	}
	if ok, err := w.ipAllowed(ctx, row["api_id"], ip); err != nil || !ok {
		return http.StatusForbidden, forbidden, err
	}
	when := phpInt(q.Get("time"))
	if d := when - w.now().Unix(); d > signatureWindow || d < -signatureWindow {
		return http.StatusForbidden, forbidden, nil
	}
	// PHP_SELF's folder, as the client signed it: "/" for a store at the
	// root of its host.
	dir := strings.TrimRight(path.Dir(r.URL.Path), "/") + "/"
	sum := md5.Sum([]byte(phpBuildQuery(string(body))))
	msg := strings.Join([]string{q.Get("route"), q.Get("call"), row["username"], r.Host, dir,
		strconv.FormatInt(phpInt(q.Get("store_id")), 10), q.Get("language"), q.Get("currency"),
		hex.EncodeToString(sum[:]), strconv.FormatInt(when, 10)}, "\n") + "\n"
	mac := hmac.New(sha1.New, []byte(row["key"]))
	mac.Write([]byte(msg))
	want := base64.StdEncoding.EncodeToString(mac.Sum(nil))
	got := q.Get("signature")
	// startup/api.php rawurldecode()s the already decoded value once more.
	if dec, err := url.PathUnescape(got); err == nil {
		got = dec
	}
	if !hmac.Equal([]byte(want), []byte(got)) {
		return http.StatusForbidden, forbidden, nil
	}
	err = w.db.exec(ctx, "INSERT INTO "+w.db.table("api_history")+" SET api_id = ?, `call` = ?, ip = ?, date_added = NOW()",
		row["api_id"], q.Get("call"), ip)
	return http.StatusOK, map[string]any{"success": "Success: the call was accepted."}, err
}

// phpInt is PHP's (int) cast of a string: the leading integer, else 0.
func phpInt(s string) int64 {
	s = strings.TrimLeft(s, " \t\n\r\v\f")
	end := 0
	for end < len(s) && (s[end] >= '0' && s[end] <= '9' || end == 0 && (s[end] == '-' || s[end] == '+')) {
		end++
	}
	n, _ := strconv.ParseInt(s[:end], 10, 64)
	return n
}

// phpBuildQuery is http_build_query($_POST) for a flat form posted as
// application/x-www-form-urlencoded: the fields in the order they came,
// each re-encoded with PHP's urlencode(). Nested fields (a[b]=…) are
// not rebuilt as PHP would; no API call the app makes sends them.
func phpBuildQuery(body string) string {
	var parts []string
	for _, pair := range strings.Split(body, "&") {
		if pair == "" {
			continue
		}
		k, v, _ := strings.Cut(pair, "=")
		k, errK := url.QueryUnescape(k)
		v, errV := url.QueryUnescape(v)
		if errK != nil || errV != nil {
			continue // PHP drops what it cannot parse, too
		}
		parts = append(parts, phpURLEncode(k)+"="+phpURLEncode(v))
	}
	return strings.Join(parts, "&")
}

// phpURLEncode is PHP's urlencode(): like Go's QueryEscape, except that
// PHP also escapes "~".
func phpURLEncode(s string) string {
	return strings.ReplaceAll(url.QueryEscape(s), "~", "%7E")
}
