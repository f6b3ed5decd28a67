package app

import (
	"context"
	"errors"
	"github.com/ocsetup/ocsetup/installer/integrations"
	"os"
	"path"
	"strings"
	"testing"
	"time"

	"github.com/ocsetup/ocsetup/installer/db"
	"github.com/ocsetup/ocsetup/installer/remote"
	"github.com/ocsetup/ocsetup/installer/store"
	"github.com/ocsetup/ocsetup/internal/fixture"
	"github.com/ocsetup/ocsetup/internal/testenv"
)

// TestConnectRemovesLeftoverBridge: a run that died with its database
// bridge on the store leaves a record; the next connection to the site
// removes the bridge and says so.
func TestConnectRemovesLeftoverBridge(t *testing.T) {
	env := testenv.Get(t)
	ts := env.Site(t, testenv.SFTP)
	st := fixture.New(t, env, ts, fixture.Options{Version: "3.0.3.8"})
	dataDir := t.TempDir()
	site := remote.Site{Protocol: remote.SFTP, Host: ts.Host, Port: ts.Port, User: ts.User, Password: ts.Password,
		Path: st.Remote, Timeout: 10 * time.Second}
	ctx := context.Background()

	// The "killed" run: a bridge up, never closed.
	tr := remote.NewTrust(dataDir)
	tr.TrustNew = true
	pool, err := remote.Open(ctx, site, tr, 1)
	if err != nil {
		t.Fatal(err)
	}
	creds, err := db.Read(ctx, pool, store.Store{Root: st.Remote, Version: st.Version, Line: store.Line30, AdminDir: "admin"})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.Connect(ctx, pool, creds, db.Options{Routes: []db.Route{db.RouteBridge}, DataDir: dataDir, StoreURL: st.URL}); err != nil {
		t.Fatal(err)
	}
	pool.Close()
	recs, _ := db.Leftovers(dataDir)
	if len(recs) != 1 {
		t.Fatalf("%d bridge records", len(recs))
	}
	bridge := st.Local + "/" + path.Base(recs[0].Path)
	if _, err := os.Stat(bridge); err != nil {
		t.Fatalf("the bridge is not on the store: %v", err)
	}

	s := NewSession(dataDir, integrations.Builtin())
	defer s.Close()
	res, err := s.Connect(ctx, site, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Cleaned) != 1 || !strings.Contains(res.Cleaned[0], "bridge") {
		t.Fatalf("cleaned %v, notes %v", res.Cleaned, res.Notes)
	}
	if _, err := os.Stat(bridge); !os.IsNotExist(err) {
		t.Fatalf("the bridge is still there: %v", err)
	}
	if recs, _ := db.Leftovers(dataDir); len(recs) != 0 {
		t.Fatalf("%d records left", len(recs))
	}
}

// TestTrustHoldsAfterFailedLogin: the host key the user trusted is not
// asked for again when the first login fails on a wrong password, and it
// is saved only once a login works.
func TestTrustHoldsAfterFailedLogin(t *testing.T) {
	env := testenv.Get(t)
	ts := env.Site(t, testenv.SFTP)
	st := fixture.New(t, env, ts, fixture.Options{Version: "3.0.3.8"})
	dataDir := t.TempDir()
	site := remote.Site{Protocol: remote.SFTP, Host: ts.Host, Port: ts.Port, User: ts.User, Password: "wrong", Path: st.Remote, Timeout: 10 * time.Second}
	ctx := context.Background()
	s := NewSession(dataDir, integrations.Builtin())
	defer s.Close()
	_, err := s.Connect(ctx, site, "")
	var re *remote.Error
	if !errors.As(err, &re) || re.Kind != remote.KindUnknownKey {
		t.Fatalf("first contact: %v", err)
	}
	fp := re.Fingerprint
	if _, err = s.Connect(ctx, site, fp); !errors.As(err, &re) || re.Kind == remote.KindUnknownKey {
		t.Fatalf("wrong password after trusting: %v", err)
	}
	// A fresh session would ask again: nothing was saved.
	if _, err := NewSession(dataDir, integrations.Builtin()).Connect(ctx, site, ""); !errors.As(err, &re) || re.Kind != remote.KindUnknownKey {
		t.Fatalf("the key was saved before a login worked: %v", err)
	}
	site.Password = ts.Password
	if _, err := s.Connect(ctx, site, ""); err != nil {
		t.Fatalf("the trust did not hold for the session: %v", err)
	}
}
