package app

import (
	"context"
	"testing"
	"time"

	"github.com/ocsetup/ocsetup/installer/integrations"
	"github.com/ocsetup/ocsetup/installer/journal"
	"github.com/ocsetup/ocsetup/installer/remote"
	"github.com/ocsetup/ocsetup/installer/settings"
	"github.com/ocsetup/ocsetup/internal/testenv"
)

// TestWizardSetupUninstalls: the wizard's steps keep a setup journal, so
// that a setup made in the wizard on the real 3.0.3.9 store is reversed by
// the wizard's Uninstall (the engine of `ocsetup uninstall`): the database
// is as before but for the volatile tables, and a second Uninstall finds
// nothing to undo.
func TestWizardSetupUninstalls(t *testing.T) {
	env := testenv.Get(t)
	s := newRealShop(t, env, "3.0.3.9", testenv.SFTP)
	dump := env.Dump(t, s.rs)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	dir := t.TempDir()
	tr := remote.NewTrust(dir)
	tr.TrustNew = true
	site := remote.Site{Protocol: remote.SFTP, Host: s.site.Host, Port: s.site.Port, User: s.site.User, Password: s.site.Password,
		Path: s.rs.RemoteRoot(s.site), Timeout: 10 * time.Second}
	// The first contact's key, as the wizard's dialog would accept it.
	pool, err := remote.Open(ctx, site, tr, 1)
	must(t, err)
	pool.Close()

	w := NewWizard(dir, integrations.Builtin())
	defer w.Session.Close()
	if _, err := w.Session.Connect(ctx, site, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Session.ReadCredentials(ctx); err != nil {
		t.Fatal(err)
	}
	if w.Session.JournalID() != "" {
		t.Fatal("a journal before any change")
	}
	res, err := w.Session.ApplySettings(ctx, "custom", integrations.Values{"type": "payment", "code": "cheque",
		"payment_cheque_payable": "ocsetup test", "payment_cheque_status": "1", "payment_cheque_order_status_id": "1"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Via != settings.ViaAdmin || s.setting(t, "payment_cheque_status") != "1" {
		t.Fatalf("the settings went %s", res.Via)
	}
	id := w.Session.JournalID()
	js, _ := journal.List(dir)
	if id == "" || len(js) != 1 || js[0].ID != id || js[0].State != journal.Done || js[0].ExtensionWasInstalled || js[0].Extension.Code != "cheque" {
		t.Fatalf("journal %q: %+v", id, js)
	}

	un, err := w.Session.Uninstall(ctx)
	if err != nil {
		t.Fatalf("uninstall: %v (%+v)", err, un)
	}
	if un.Journal != id || un.Nothing != "" || len(un.Done) == 0 {
		t.Fatalf("uninstall: %+v", un)
	}
	if got := env.Dump(t, s.rs); got != dump {
		t.Errorf("the database differs after uninstall:\n%s", lineDiff(dump, got))
	}
	un, err = w.Session.Uninstall(ctx)
	if err != nil || un.Nothing == "" {
		t.Fatalf("second uninstall: %v %+v", err, un)
	}
}
