package remote

import (
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Site is how to reach one hosting account.
type Site struct {
	Protocol Protocol `json:"protocol"`
	Host     string   `json:"host"`
	Port     int      `json:"port"`
	User     string   `json:"user"`
	// Password, or the passphrase of KeyFile. Never saved with the site.
	Password string `json:"-"`
	// KeyFile is a private key for SFTP; KeyPassphrase opens it.
	KeyFile       string `json:"key_file,omitempty"`
	KeyPassphrase string `json:"-"`
	// Agent uses the ssh-agent at $SSH_AUTH_SOCK for SFTP.
	Agent bool `json:"agent,omitempty"`
	// Path is where to start looking for the store ("" = the login folder).
	Path string `json:"path,omitempty"`
	// AllowPlain lets an ftp:// site fall back to unencrypted FTP when the
	// server offers no TLS. The user must have accepted the warning.
	AllowPlain bool `json:"allow_plain,omitempty"`
	// Timeout bounds connecting and each reply; 0 means 20 s.
	Timeout time.Duration `json:"-"`
}

// Addr is host:port.
func (s Site) Addr() string {
	port := s.Port
	if port == 0 {
		port = s.Protocol.DefaultPort()
	}
	return net.JoinHostPort(s.Host, strconv.Itoa(port))
}

func (s Site) timeout() time.Duration {
	if s.Timeout > 0 {
		return s.Timeout
	}
	return 20 * time.Second
}

// String is the site as a URL without the password.
func (s Site) String() string {
	u := url.URL{Scheme: string(s.Protocol), User: url.User(s.User), Host: s.Addr(), Path: s.Path}
	return u.String()
}

// ParseURL reads sftp://user@host[:port][/path], ftps://…, ftps-implicit://…
// or ftp://…. A password in the URL is refused: it would end up in shell
// history and process lists (use OCSETUP_PASSWORD or the prompt).
func ParseURL(raw string) (Site, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return Site{}, fmt.Errorf("%q is not a site URL: %v", raw, err)
	}
	var s Site
	switch p := Protocol(strings.ToLower(u.Scheme)); p {
	case SFTP, FTPS, FTPSImplicit, FTP:
		s.Protocol = p
	case "":
		return Site{}, fmt.Errorf("%q has no protocol: start it with sftp://, ftps://, ftps-implicit:// or ftp://", raw)
	default:
		return Site{}, fmt.Errorf("unknown protocol %q: use sftp, ftps, ftps-implicit or ftp", u.Scheme)
	}
	if u.User == nil || u.User.Username() == "" {
		return Site{}, fmt.Errorf("%q names no user: write it as %s://USER@%s", raw, s.Protocol, u.Host)
	}
	if _, has := u.User.Password(); has {
		return Site{}, fmt.Errorf("put the password in OCSETUP_PASSWORD (or type it when asked), not in the URL")
	}
	s.User = u.User.Username()
	s.Host = u.Hostname()
	if s.Host == "" {
		return Site{}, fmt.Errorf("%q names no host", raw)
	}
	if ps := u.Port(); ps != "" {
		port, err := strconv.Atoi(ps)
		if err != nil || port < 1 || port > 65535 {
			return Site{}, fmt.Errorf("port %q is not a number from 1 to 65535", ps)
		}
		s.Port = port
	} else {
		s.Port = s.Protocol.DefaultPort()
	}
	if u.Path != "" && u.Path != "/" {
		s.Path = u.Path
	} else if u.Path == "/" {
		s.Path = "/"
	}
	return s, nil
}
