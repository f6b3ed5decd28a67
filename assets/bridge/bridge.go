// Package bridge carries the PHP database bridge that ocsetup uploads to a
// store when the hosting blocks remote MySQL and offers no SSH (see
// installer/db). The PHP file documents its protocol; Render fills in the
// one-time secret and the time to live at upload.
package bridge

import (
	_ "embed"
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

// Render returns the bridge with its secret (64 lower-case hex digits: 32
// random bytes) and time to live (whole seconds, 1 s to MaxTTL) written in.
func Render(secret string, ttl time.Duration) ([]byte, error) {
	if !secretRE.MatchString(secret) {
		return nil, fmt.Errorf("bridge: the secret must be 64 lower-case hex digits")
	}
	if ttl < time.Second || ttl > MaxTTL {
		return nil, fmt.Errorf("bridge: time to live %v is outside 1s..%v", ttl, MaxTTL)
	}
	r := strings.NewReplacer("'{{SECRET}}'", "'"+secret+"'", "{{TTL}}", strconv.Itoa(int(ttl/time.Second)))
	out := r.Replace(source)
	if strings.Contains(out, "{{") {
		return nil, fmt.Errorf("bridge: a placeholder was left in the template")
	}
	return []byte(out), nil
}
