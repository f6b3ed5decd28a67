package demoprog

import "github.com/ocsetup/ocsetup/installer/remote"

// Site is how to reach the demo's hosting account.
type Site struct {
	URL         string `json:"url"` // sftp://demo@127.0.0.1:PORT/
	Host        string `json:"host"`
	Port        int    `json:"port"`
	User        string `json:"user"`
	Password    string `json:"password"`    // generated for this demo only
	Fingerprint string `json:"fingerprint"` // the host key's SHA256:…
}

// Remote is the site as the files channel takes it (the Connect screen's
// fields). The host key still has to be trusted, with Fingerprint.
func (s Site) Remote() remote.Site {
	return remote.Site{Protocol: remote.SFTP, Host: s.Host, Port: s.Port, User: s.User, Password: s.Password}
}
