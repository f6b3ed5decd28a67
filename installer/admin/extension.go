package admin

import (
	"fmt"
	"regexp"

	"github.com/ocsetup/ocsetup/installer/store"
)

// Extension names an OpenCart extension the way its admin routes do.
type Extension struct {
	// Type is the extension list it appears in: payment, module, shipping,
	// total, feed, fraud…
	Type string `json:"type"`
	// Code is the extension's code, also its controller's file name
	// (amazon_ps for admin/controller/extension/payment/amazon_ps.php).
	Code string `json:"code"`
	// Folder is the 4.x extension folder (extension/<Folder>/admin/…);
	// ignored before 4.0.
	Folder string `json:"folder,omitempty"`
}

var nameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_]*$`)

// Check refuses names that do not fit a route (they end up in URLs and
// file names of the store).
func (e Extension) Check(line store.Line) error {
	if !nameRE.MatchString(e.Type) {
		return fmt.Errorf("extension type %q is not a plain name", e.Type)
	}
	if !nameRE.MatchString(e.Code) {
		return fmt.Errorf("extension code %q is not a plain name (letters, digits and _)", e.Code)
	}
	if line.AtLeast(store.Line40) && !nameRE.MatchString(e.Folder) {
		return fmt.Errorf("OpenCart %s keeps extensions in a folder under extension/; the folder of %q is %q, which is not a plain name", line, e.Code, e.Folder)
	}
	return nil
}

// Route is the route of the extension's settings page and of its save
// handler up to 3.x:
//
//	1.5–2.2  payment/xyz                  (oc@2.0.3.1:upload/admin/controller/extension/payment.php)
//	2.3–3.x  extension/payment/xyz        (oc@3.0.3.8:upload/admin/controller/extension/extension/payment.php)
//	4.x      extension/<folder>/payment/xyz (oc@4.0.2.3:upload/admin/controller/extension/payment.php)
func (e Extension) Route(line store.Line) string {
	switch {
	case line.AtLeast(store.Line40):
		return "extension/" + e.Folder + "/" + e.Type + "/" + e.Code
	case line.AtLeast(store.Line23):
		return "extension/" + e.Type + "/" + e.Code
	default:
		return e.Type + "/" + e.Code
	}
}

// PermissionRoute is what the installer adds to the user group's access
// and modify lists: the settings route on every line (docs/opencart.md §4).
func (e Extension) PermissionRoute(line store.Line) string { return e.Route(line) }

// listRoute is the route of the extension list of e.Type, whose install
// method installs e: extension/payment up to 2.2 and on 4.x,
// extension/extension/payment on 2.3 and 3.x.
func (e Extension) listRoute(line store.Line) string {
	if line.AtLeast(store.Line23) && !line.AtLeast(store.Line40) {
		return "extension/extension/" + e.Type
	}
	return "extension/" + e.Type
}

// SettingCode is the code (group on 1.5) its settings are saved under:
// payment_xyz from 3.0 (oc@3.0.3.8:upload/admin/controller/extension/payment/cod.php
// editSetting('payment_cod')), xyz before.
func (e Extension) SettingCode(line store.Line) string {
	if line.AtLeast(store.Line30) {
		return e.Type + "_" + e.Code
	}
	return e.Code
}
