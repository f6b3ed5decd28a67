package deploy_test

import (
	"context"
	"testing"

	"github.com/ocsetup/ocsetup/installer/deploy"
	"github.com/ocsetup/ocsetup/installer/remote/memconn"
	"github.com/ocsetup/ocsetup/internal/fixture"
)

// memEngine is an engine on a fixture store in an in-memory account
// (fixture.InMemory), for tests of the engine's rules rather than of a
// channel: files move through remote.Conn alone (the channel's contract,
// which remote's conformance suite checks on every server), without the
// FTP pipe, SFTP sessions or server-side hashes.
func memEngine(t *testing.T, srv *memconn.Server, st *fixture.Store, dataDir string) *deploy.Engine {
	t.Helper()
	pool, err := srv.Pool(context.Background(), 2)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = pool.Close() })
	return &deploy.Engine{Files: pool, DataDir: dataDir,
		Store: deploy.Store{Root: st.Remote, Version: st.Version, AdminDir: st.AdminFolder()}}
}
