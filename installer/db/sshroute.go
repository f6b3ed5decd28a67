package db

import (
	"context"
	"errors"
	"net"
	"strconv"

	"github.com/ocsetup/ocsetup/installer/remote"
)

// SSHFiles is what the SSH route needs of the files channel: a connection
// whose SSH client it can borrow (*remote.Pool has it).
type SSHFiles interface {
	Do(ctx context.Context, fn func(remote.Conn) error) error
}

var errNotSSH = errors.New("the files connection is not SFTP, so there is no SSH connection to go through")

// sshTarget is what the server dials: DB_HOSTNAME as config.php has it,
// so "localhost" is the server itself, and a socket path is a file on
// the server.
func sshTarget(creds *Credentials) (network, addr string) {
	if creds.Socket != "" {
		return "unix", creds.Socket
	}
	host := creds.Host
	if host == "" {
		host = "localhost"
	}
	return "tcp", net.JoinHostPort(host, strconv.Itoa(creds.Port))
}

// openSSH reaches the database from the hosting server: every new MySQL
// connection is a channel of the SFTP site's SSH connection
// (direct-tcpip, or direct-streamlocal for a socket), opened by sshd on
// the server.
func openSSH(ctx context.Context, files SSHFiles, creds *Credentials, trust *remote.Trust) (*sqlRunner, error) {
	network, addr := sshTarget(creds)
	cfg := baseConfig(creds)
	cfg.Net, cfg.Addr = network, addr
	cfg.DialFunc = func(ctx context.Context, _, _ string) (net.Conn, error) {
		var nc net.Conn
		var dialErr error
		// The channel outlives Do: an SSH connection multiplexes channels,
		// so the pool may lend the same connection to file transfers
		// meanwhile. A dial failure is returned outside Do so that the pool
		// does not take it for a broken SSH connection.
		err := files.Do(ctx, func(c remote.Conn) error {
			client, ok := remote.SSHClient(c)
			if !ok {
				dialErr = errNotSSH
				return nil
			}
			nc, dialErr = client.DialContext(ctx, network, addr)
			return nil
		})
		if err != nil {
			return nil, err
		}
		return nc, dialErr
	}
	// The SSH host key is verified, so a database on the server itself (a
	// socket, localhost) is reached through a verified tunnel: whoever
	// answers is the hosting server, and TLS inside the tunnel would add
	// nothing. A database on another machine is one more hop the SSH key
	// does not cover, so it gets the same rules as the direct route.
	host, _, _ := net.SplitHostPort(addr)
	guard, err := guardLogin(cfg, RouteSSH, trust, host, addr, network == "unix" || isLoopback(host))
	if err != nil {
		return nil, &Error{Route: RouteSSH, Kind: KindOther, Addr: addr, Err: err}
	}
	// No ReadTimeout/WriteTimeout: SSH channels do not support deadlines
	// (SetReadDeadline fails), so each call is bounded by its context,
	// which the driver honours by closing the channel.
	return openSQL(ctx, RouteSSH, cfg, addr, guard)
}
