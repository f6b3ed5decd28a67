package ui

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/ocsetup/ocsetup/app"
	"github.com/ocsetup/ocsetup/installer/integrations"
	"github.com/ocsetup/ocsetup/installer/remote"
)

// TestJobTextsHideSecrets: every text a job shows (status line, error,
// details) goes through the session's redaction, the CLI's code path,
// so a server that quotes a secret in its reply does not put it on
// screen, plain or URL-escaped.
func TestJobTextsHideSecrets(t *testing.T) {
	wiz := app.NewWizard(t.TempDir(), integrations.Builtin())
	const secret = "Db-69d4#e105c"
	wiz.Session.Hide(secret)
	j := newJob(wiz)
	j.do = func(f func()) { f() }
	shown := func() string { return j.status.Text + "\n" + j.details.Text }
	for _, err := range []error{
		fmt.Errorf("the database refused %s\nit said: %s", secret, url.QueryEscape(secret)),
		&remote.Error{Op: "log in", Reply: "530 login " + secret + " rejected"},
	} {
		j.fail(err)
		if strings.Contains(shown(), secret) || strings.Contains(shown(), url.QueryEscape(secret)) || !strings.Contains(shown(), "[hidden]") {
			t.Errorf("the job shows the secret: %q", shown())
		}
	}
	j.ok("saved with key " + secret)
	if strings.Contains(j.status.Text, secret) {
		t.Errorf("ok shows the secret: %q", j.status.Text)
	}
}
