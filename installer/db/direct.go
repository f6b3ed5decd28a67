package db

import (
	"context"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/ocsetup/ocsetup/installer/remote"
)

// Timeouts of the SQL routes.
const (
	dialTimeout = 10 * time.Second
	ioTimeout   = time.Minute
)

// baseConfig is the part of the driver configuration both SQL routes
// share. The DSN is only ever this struct: the password goes into Passwd
// as it is (it may hold @ : / ' \), never into a string we assemble.
func baseConfig(creds *Credentials) *mysql.Config {
	cfg := mysql.NewConfig()
	cfg.User = creds.User
	cfg.Passwd = creds.Password.Reveal()
	cfg.DBName = creds.Database
	cfg.Timeout = dialTimeout
	// OpenCart 1.5 and 2.x run with an empty sql_mode (their drivers send
	// SET SQL_MODE = ''), which their zero-date defaults need; 3.x and 4.x
	// are happy with it too. Params become SET statements at login.
	cfg.Params = map[string]string{"sql_mode": "''"}
	return cfg
}

// directAddr is where the direct route dials. A database on "localhost",
// a loopback address or a socket is on the hosting server itself, which
// this machine reaches under the site's host name; the socket path only
// exists there, so the route tries the server's TCP port instead.
func directAddr(creds *Credentials, siteHost string) string {
	host := creds.Host
	if creds.Socket != "" || isLoopback(host) {
		host = siteHost
	}
	return net.JoinHostPort(host, strconv.Itoa(creds.Port))
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") || host == "" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// openDirect connects from this machine. TLS is used when the server
// offers it, with a certificate that verifies or is pinned; see
// loginGuard for what is refused and why.
func openDirect(ctx context.Context, creds *Credentials, siteHost string, trust *remote.Trust) (*sqlRunner, error) {
	addr := directAddr(creds, siteHost)
	host, _, _ := net.SplitHostPort(addr)
	cfg := baseConfig(creds)
	cfg.Net, cfg.Addr = "tcp", addr
	cfg.ReadTimeout, cfg.WriteTimeout = ioTimeout, ioTimeout
	guard, err := guardLogin(cfg, RouteDirect, trust, host, addr, false)
	if err != nil {
		return nil, &Error{Route: RouteDirect, Kind: KindOther, Addr: addr, Err: err}
	}
	return openSQL(ctx, RouteDirect, cfg, addr, guard)
}
