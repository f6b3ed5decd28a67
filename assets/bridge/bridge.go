// Package bridge carries the PHP database bridge that ocsetup uploads to a
// store when the hosting blocks remote MySQL and offers no SSH (see
// installer/db). The PHP file documents its protocol; Render fills in the
// one-time secret and the time to live at upload.
package bridge

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

//go:embed bridge.php
var source string

// MaxTTL is the longest a bridge may live: it is a door into the store's
// database, so it must not outlast the session that needs it.
const MaxTTL = time.Hour

var secretRE = regexp.MustCompile(`^[0-9a-f]{64}$`)

// Limits are what a bridge refuses of requests that reach it over plain
// HTTP (the zero Limits refuses nothing more than the bridge always does).
type Limits struct {
	// ReadOnly refuses every transaction: the step only reads.
	ReadOnly bool `json:"read_only,omitempty"`
	// Columns are names (lower case) no statement may mention, such as
	// password hashes and API keys, whatever table they are in.
	Columns []string `json:"columns,omitempty"`
	// Tables, when set, are the only tables of the store's database a
	// read may name (full names with the store's prefix, lower case), and
	// Writes the only ones a transaction may name. A name of another
	// table of the database, or of another database the login can see
	// (information_schema aside: the schema is read there), is refused.
	// Nil Tables: no table limit (sync's watching, which lists columns);
	// empty Tables: no table at all (information_schema only).
	Tables []string `json:"tables"`
	Writes []string `json:"writes,omitempty"`
	// Hidden are secret columns ("table.column", lower case) that no
	// answer may carry when the statement names their table, and that a
	// statement may only name to store or compare a value it sends
	// ("column = ?", or in an INSERT's column list): a step may write its
	// own secret and test it, but never read one back.
	Hidden []string `json:"hidden,omitempty"`
}

var columnRE = regexp.MustCompile(`^[a-z0-9_]+$`)

// Render returns the bridge with its secret (64 lower-case hex digits: 32
// random bytes) and time to live (whole seconds, 1 s to MaxTTL) written in.
func Render(secret string, ttl time.Duration) ([]byte, error) {
	return RenderLimited(secret, ttl, Limits{})
}

// RenderLimited is Render with the limits for requests over plain HTTP.
func RenderLimited(secret string, ttl time.Duration, limits Limits) ([]byte, error) {
	if !secretRE.MatchString(secret) {
		return nil, fmt.Errorf("bridge: the secret must be 64 lower-case hex digits")
	}
	if ttl < time.Second || ttl > MaxTTL {
		return nil, fmt.Errorf("bridge: time to live %v is outside 1s..%v", ttl, MaxTTL)
	}
	for _, list := range [][]string{limits.Columns, limits.Tables, limits.Writes} {
		for _, c := range list {
			if !columnRE.MatchString(c) {
				return nil, fmt.Errorf("bridge: name %q is not lower-case letters, digits and _", c)
			}
		}
	}
	for _, h := range limits.Hidden {
		t, c, ok := strings.Cut(h, ".")
		if !ok || !columnRE.MatchString(t) || !columnRE.MatchString(c) {
			return nil, fmt.Errorf("bridge: hidden column %q is not table.column in lower-case letters, digits and _", h)
		}
	}
	// Only those characters and JSON's own: nothing to escape inside a
	// PHP single-quoted string.
	lim, err := json.Marshal(limits)
	if err != nil {
		return nil, err
	}
	r := strings.NewReplacer("'{{SECRET}}'", "'"+secret+"'", "{{TTL}}", strconv.Itoa(int(ttl/time.Second)), "'{{LIMITS}}'", "'"+string(lim)+"'")
	out := r.Replace(source)
	if strings.Contains(out, "{{") {
		return nil, fmt.Errorf("bridge: a placeholder was left in the template")
	}
	return []byte(out), nil
}
