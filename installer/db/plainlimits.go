package db

import (
	"regexp"
	"strings"

	"github.com/ocsetup/ocsetup/assets/bridge"
)

// PlainHTTPLimits are what a step needs of the database when the bridge
// has to work over plain HTTP: the bridge (and this side, before anything
// is sent) refuses the rest, so that what crosses the readable channel is
// only what the step uses.
type PlainHTTPLimits = bridge.Limits

// SecretColumns are the columns no read over plain HTTP needs: the admin
// users' and customers' password hashes and salts, API keys, and the
// tokens that stand for a login.
var SecretColumns = []string{"password", "salt", "key", "token"}

// ReadOnlyPlainHTTP are the limits of a step that only reads and needs no
// secret column (sync's watching).
func ReadOnlyPlainHTTP() *PlainHTTPLimits {
	return &PlainHTTPLimits{ReadOnly: true, Columns: SecretColumns}
}

// nameToken finds the names in a statement as the bridge does: `quoted`
// identifiers and bare words, skipping string literals.
var nameToken = regexp.MustCompile("`((?:[^`]|``)*)`|'(?:[^'\\\\]|\\\\.)*'|\"(?:[^\"\\\\]|\\\\.)*\"|([A-Za-z0-9_$]+)")

// outsideLimits is why sql (in a transaction when tx) is outside limits,
// or "" when it is within them or limits is nil. assets/bridge/bridge.php
// (ocsetup_outside_limits) has the same rule.
func outsideLimits(sql string, tx bool, limits *PlainHTTPLimits) string {
	if limits == nil {
		return ""
	}
	if tx && limits.ReadOnly {
		return "changes the database, and over plain HTTP this bridge may only read for the step that uploaded it"
	}
	for _, m := range nameToken.FindAllStringSubmatch(sql, -1) {
		name := m[2]
		if name == "" {
			name = strings.ReplaceAll(m[1], "``", "`")
		}
		name = strings.ToLower(name)
		for _, c := range limits.Columns {
			if name != "" && name == c {
				return "names the column " + name + ", which may not cross plain HTTP"
			}
		}
	}
	return ""
}

// plainHTTPRefusal is why sql may not go through c now: c is the bridge
// over plain HTTP with limits, and sql is outside them.
func (c *conn) plainHTTPRefusal(sql string, tx bool) string {
	b, ok := c.r.(*bridgeRunner)
	if !ok || b.limits == nil || PlainHTTP(c) == "" {
		return ""
	}
	return outsideLimits(sql, tx, b.limits)
}
