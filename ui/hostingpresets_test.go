package ui

import (
	"strconv"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/ocsetup/ocsetup/app"
	"github.com/ocsetup/ocsetup/installer/integrations"
	"github.com/ocsetup/ocsetup/installer/remote"
)

// TestHostingPresetFillsConnectForm: each hosting panel on the Connect
// screen sets SFTP and its port over whatever was there, and says where
// the panel keeps the login, the store and the host key; the user can
// still change what it filled; "Other" fills nothing.
func TestHostingPresetFillsConnectForm(t *testing.T) {
	a := test.NewTempApp(t)
	wiz := app.NewWizard(t.TempDir(), integrations.Builtin())
	defer wiz.Session.Close()
	m := NewMain(a, wiz)
	m.Window.Resize(fyne.NewSize(1024, 700))
	m.welcome.selectID("onebox")
	test.Tap(m.next)
	c := m.connect

	names := c.preset.Options
	if len(names) != len(hostingPresets)+1 || names[0] != T("connect.preset.other") {
		t.Fatalf("panel choices %q", names)
	}
	for _, want := range []string{"cPanel", "Plesk", "ISPmanager"} {
		found := false
		for _, n := range names {
			found = found || n == want
		}
		if !found {
			t.Errorf("%s is not offered (%q)", want, names)
		}
	}
	for _, p := range hostingPresets {
		c.protocol.SetSelected(T("connect.protocol.ftp"))
		c.port.SetText("2121")
		c.preset.SetSelected(p.name)
		if c.selected() != remote.SFTP || c.port.Text != strconv.Itoa(p.port) {
			t.Errorf("%s: protocol %v, port %q", p.name, c.selected(), c.port.Text)
		}
		hint := c.presetHint.Text
		if !c.presetHint.Visible() || !strings.Contains(hint, p.name) || !strings.Contains(hint, strings.Split(p.webRoot, "/")[0]) ||
			!strings.Contains(hint, "ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub") {
			t.Errorf("%s: hint %q", p.name, hint)
		}
		if c.keyFile.Disabled() || c.keyPick.Disabled() {
			t.Errorf("%s: SFTP without the private key field", p.name)
		}
	}

	// What the preset filled stays the user's to change.
	c.preset.SetSelected("cPanel")
	m.Window.Canvas().Focus(c.port)
	kb := keyboardOf(t, m.Window)
	kb.selectAll()
	kb.typeText("21098")
	c.host.SetText("shop.example")
	site, err := c.site()
	if err != nil || site.Port != 21098 || site.Protocol != remote.SFTP || c.preset.Selected != "cPanel" {
		t.Fatalf("after changing the port: %+v, %v, preset %q", site, err, c.preset.Selected)
	}

	// "Other" leaves the form as it is and drops the hint.
	c.preset.SetSelectedIndex(0)
	if c.port.Text != "21098" || c.presetHint.Visible() {
		t.Fatalf("Other: port %q, hint shown %v", c.port.Text, c.presetHint.Visible())
	}
}

// TestHostingPresetHintsInRussian: every preset's hint has a Russian text
// that keeps the values filled in and the command to run.
func TestHostingPresetHintsInRussian(t *testing.T) {
	inLocale(t, "ru")
	for _, p := range hostingPresets {
		key := "connect.preset." + p.id + ".hint"
		ru := TF(key, Args{"Port": p.port, "WebRoot": p.webRoot})
		if ru == key || !strings.Contains(ru, "ssh-keygen -lf") || !strings.Contains(ru, p.webRoot) ||
			!strings.ContainsAny(ru, "абвгдежзийклмнопрстуфхцчшщыьэюя") {
			t.Errorf("%s: Russian hint %q", p.id, ru)
		}
	}
}
