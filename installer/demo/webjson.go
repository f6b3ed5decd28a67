package demo

import (
	"bytes"
	"encoding/json"
	"net/http"
)

// writeJSON answers like PHP's json_encode() with OpenCart's headers:
// no HTML escaping, and "/" written as "\/", as PHP does by default.
func writeJSON(rw http.ResponseWriter, status int, v any) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		http.Error(rw, err.Error(), http.StatusInternalServerError)
		return
	}
	// Encode ends with a newline PHP does not print; a "/" can only occur
	// inside strings, where "\/" means the same.
	out := bytes.ReplaceAll(bytes.TrimSuffix(b.Bytes(), []byte("\n")), []byte("/"), []byte(`\/`))
	rw.Header().Set("Content-Type", "application/json")
	rw.WriteHeader(status)
	_, _ = rw.Write(out)
}
