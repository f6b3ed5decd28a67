package ui

import (
	"strconv"

	"fyne.io/fyne/v2/widget"

	"github.com/ocsetup/ocsetup/installer/remote"
)

// hostingPreset is what a hosting control panel usually means for the
// Connect screen (docs/hosting-presets.md says where each value comes from).
// Choosing one fills the protocol and the port; the user can change both
// afterwards. The folder stays empty: the store is in the panel's web
// folder under the login folder, where the search looks first, and a
// relative path would be read from the server's root.
type hostingPreset struct {
	id       string // part of its translation keys: connect.preset.ID.hint
	name     string // the product's own name, the same in every language
	protocol remote.Protocol
	port     int
	webRoot  string // the panel's web folder under the login folder, for the hint
}

// hostingPresets are the panels most merchants' hosting runs, as the
// Connect screen offers them; all three give their users SFTP on the
// standard SSH port unless the host moved it.
var hostingPresets = []hostingPreset{
	{id: "cpanel", name: "cPanel", protocol: remote.SFTP, port: 22, webRoot: "public_html"},
	{id: "plesk", name: "Plesk", protocol: remote.SFTP, port: 22, webRoot: "httpdocs"},
	{id: "ispmanager", name: "ISPmanager", protocol: remote.SFTP, port: 22, webRoot: "www/DOMAIN"},
}

// newPresetSelect is the "Hosting panel" choice: "Other" first (nothing
// filled), then the presets by name.
func (s *connectScreen) newPresetSelect() *widget.Select {
	names := []string{T("connect.preset.other")}
	for _, p := range hostingPresets {
		names = append(names, p.name)
	}
	sel := widget.NewSelect(names, func(string) { s.presetChanged() })
	sel.PlaceHolder = T("connect.preset.placeholder")
	return sel
}

// presetChanged fills the form from the chosen preset and shows where
// that panel keeps the login, the store and the server's host key.
func (s *connectScreen) presetChanged() {
	i := s.preset.SelectedIndex() - 1
	if i < 0 || i >= len(hostingPresets) {
		s.presetHint.SetText("")
		s.presetHint.Hide()
		return
	}
	p := hostingPresets[i]
	for j, pr := range protocols {
		if pr.proto == p.protocol {
			s.protocol.SetSelectedIndex(j)
		}
	}
	s.port.SetText(strconv.Itoa(p.port))
	s.presetHint.SetText(TF("connect.preset."+p.id+".hint", Args{"Port": p.port, "WebRoot": p.webRoot}))
	s.presetHint.Show()
}
