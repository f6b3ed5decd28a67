//go:build linux

package testenv

import (
	"crypto/tls"
	"net"
)

// tlsClient wraps c for the readiness probe of the implicit-TLS server; the
// certificate is our own, checked by the tests that use it, not here.
func tlsClient(c net.Conn) *tls.Conn {
	return tls.Client(c, &tls.Config{InsecureSkipVerify: true}) //nolint:gosec // readiness probe only
}
