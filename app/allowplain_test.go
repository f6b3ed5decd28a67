package app_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/ocsetup/ocsetup/app"
	"github.com/ocsetup/ocsetup/installer/remote"
)

// TestAllowPlainNeverSaved: consent to plain FTP is asked at each
// connection; a saved site neither stores it nor brings it back, even from
// a file written by an older version that did.
func TestAllowPlainNeverSaved(t *testing.T) {
	s := app.SiteFromRemote("plain", remote.Site{Protocol: remote.FTP, Host: "127.0.0.1", User: "u", AllowPlain: true})
	raw, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(raw), "allow_plain") {
		t.Errorf("saved site holds allow_plain: %s", raw)
	}
	if s.Remote(app.SiteSecrets{}).AllowPlain {
		t.Error("a saved site brought allow-plain back")
	}
	var old app.SavedSite
	if err := json.Unmarshal([]byte(`{"name":"old","protocol":"ftp","host":"127.0.0.1","user":"u","allow_plain":true}`), &old); err != nil {
		t.Fatal(err)
	}
	if old.Remote(app.SiteSecrets{}).AllowPlain {
		t.Error("a site saved with allow_plain by an older version still allows plain FTP")
	}
}
