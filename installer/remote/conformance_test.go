package remote_test

import (
	"context"
	"testing"

	"github.com/ocsetup/ocsetup/installer/remote"
	"github.com/ocsetup/ocsetup/installer/remote/remotetest"
	"github.com/ocsetup/ocsetup/internal/testenv"
)

// TestConformance runs remote.Conn's conformance suite against the real
// servers: vsftpd over FTP (TLS offered and taken), FTPS with TLS session
// reuse required, implicit FTPS, OpenSSH's SFTP with an absolute home and
// chrooted. The demo's SFTP server runs it in installer/demo, the
// in-memory Conn in installer/remote/memconn.
func TestConformance(t *testing.T) {
	env := testenv.Get(t)
	for _, name := range []string{testenv.FTP, testenv.FTPSReuse, testenv.FTPSImplicit, testenv.SFTP, testenv.SFTPJail} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ts := env.Site(t, name)
			site, trust := siteOf(ts), trusting(t, env, ts)
			local, dir := env.TempDir(t, ts)
			remotetest.Run(t, remotetest.Target{
				Dial:  func(ctx context.Context) (remote.Conn, error) { return remote.Dial(ctx, site, trust) },
				Dir:   dir,
				Local: local,
				Start: ts.StartDir,
			})
		})
	}
}
