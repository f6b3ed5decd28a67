package remote

import (
	"context"
	"fmt"
)

// Dial connects and logs in to a site. An unknown host key or certificate
// fails with KindUnknownKey carrying its fingerprint; show it to the user
// and, if they accept, dial again with trust.Accept set to it.
func Dial(ctx context.Context, site Site, trust *Trust) (Conn, error) {
	if trust == nil {
		return nil, fmt.Errorf("remote: Dial needs a Trust")
	}
	switch site.Protocol {
	case SFTP:
		return dialSFTP(ctx, site, trust)
	case FTP, FTPS, FTPSImplicit:
		return dialFTP(ctx, site, trust)
	}
	return nil, fmt.Errorf("unknown protocol %q", site.Protocol)
}
