package admin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/ocsetup/ocsetup/installer/msg"
	"github.com/ocsetup/ocsetup/installer/store"
)

// Install installs ext by the store's own route, which adds the extension
// row and the permissions and then calls the extension's install()
// (docs/opencart.md §4):
//
//	1.5–2.2  extension/payment/install&extension=xyz, redirects to the list
//	2.3–3.x  extension/extension/payment/install&extension=xyz, answers the list
//	4.x      extension/payment.install&extension=<folder>&code=xyz, answers JSON
//
// Up to 3.x the store inserts a second extension row when the extension
// is installed already, so callers check first.
func (s *Session) Install(ctx context.Context, ext Extension) error {
	return s.extensionAction(ctx, ext, "install")
}

// Uninstall runs the store's own uninstall route for ext, so that the
// extension's uninstall() drops what its install() made (tables, events)
// and the store removes its extension row, settings and permissions:
//
//	2.3–3.x  extension/extension/payment/uninstall&extension=xyz
//	4.x      extension/payment.uninstall&extension=<folder>&code=xyz (JSON)
func (s *Session) Uninstall(ctx context.Context, ext Extension) error {
	return s.extensionAction(ctx, ext, "uninstall")
}

func (s *Session) extensionAction(ctx context.Context, ext Extension, action string) error {
	line := s.dialect.Line
	if err := ext.Check(line); err != nil {
		return err
	}
	op := action + " " + ext.Code
	route := s.dialect.Method(ext.listRoute(line), action)
	if s.dialect.JSON() {
		r, err := s.getJSON(ctx, route, url.Values{"extension": {ext.Folder}, "code": {ext.Code}})
		if err != nil {
			return err
		}
		if err := s.checkLoggedIn(r); err != nil {
			return err
		}
		return jsonOutcome(op, r)
	}
	r, err := s.get(ctx, route, url.Values{"extension": {ext.Code}})
	if err != nil {
		return err
	}
	if err := s.checkLoggedIn(r); err != nil {
		return err
	}
	pg, err := parsePage(r.url, r.body)
	if err != nil {
		return err
	}
	if len(pg.warnings) > 0 {
		return &Error{Op: op, Reason: "the store said: " + strings.Join(pg.warnings, " "), URL: redact(r.url)}
	}
	return nil
}

// jsonOutcome reads a 4.x {"success": …} / {"error": …} answer.
func jsonOutcome(op string, r *response) error {
	var ans struct {
		Error   json.RawMessage `json:"error"`
		Success string          `json:"success"`
	}
	if err := json.Unmarshal(r.body, &ans); err != nil {
		return &Error{Op: op, Reason: "the answer is not JSON (a PHP error in the extension?)", URL: redact(r.url), Reply: snippet(r.body)}
	}
	if msg := jsonMessage(ans.Error); msg != "" {
		return &Error{Op: op, Reason: "the store said: " + msg, URL: redact(r.url)}
	}
	if ans.Success == "" {
		return &Error{Op: op, Reason: "the store answered neither success nor an error", URL: redact(r.url), Reply: snippet(r.body)}
	}
	return nil
}

// Settings is an extension's settings page as ocsetup read it.
type Settings struct {
	Extension Extension
	Form      *Form
	// Notices are alerts the page showed when it opened (LatitudePay's
	// page, for one, explains there that the store currency does not fit).
	Notices []string
}

// OpenSettings opens ext's settings page and reads its form: the form of
// the page with the most fields (the page also has search and language
// forms).
func (s *Session) OpenSettings(ctx context.Context, ext Extension) (*Settings, error) {
	if err := ext.Check(s.dialect.Line); err != nil {
		return nil, err
	}
	r, err := s.get(ctx, ext.Route(s.dialect.Line), nil)
	if err != nil {
		return nil, err
	}
	if err := s.checkLoggedIn(r); err != nil {
		return nil, err
	}
	pg, err := parsePage(r.url, r.body)
	if err != nil {
		return nil, err
	}
	var best *Form
	for _, f := range pg.forms {
		if f.Method != "post" {
			continue
		}
		if best == nil || len(f.Fields) > len(best.Fields) {
			best = f
		}
	}
	if best == nil || len(best.Fields) == 0 {
		reason := fmt.Sprintf("the page (HTTP %d) has no settings form", r.status)
		if len(pg.warnings) > 0 {
			reason += "; it says: " + strings.Join(pg.warnings, " ")
		} else if r.status == http.StatusNotFound || strings.Contains(string(r.body), "Page Not Found") {
			reason += "; the store does not find the extension's admin controller (is it uploaded, in the layout of this OpenCart line?)"
		}
		return nil, &Error{Op: "open the settings of " + ext.Code, Reason: reason, URL: redact(r.url), Reply: snippet(r.body)}
	}
	return &Settings{Extension: ext, Form: best, Notices: pg.warnings}, nil
}

// SaveResult is what the store answered to a settings post.
type SaveResult struct {
	Saved    bool         `json:"saved"`
	Success  string       `json:"success,omitempty"`
	Warnings []string     `json:"warnings,omitempty"`
	Errors   []FieldError `json:"errors,omitempty"`
}

// ValidationError says the store refused the settings, with its messages.
type ValidationError struct{ Result *SaveResult }

func (e *ValidationError) Error() string {
	return e.Msg().English()
}

// Msg is the error as a message, for the app to show in the user's
// language; the store's own words stay as it said them.
func (e *ValidationError) Msg() msg.Msg {
	return msg.New("error.admin.not_saved", "Parts", e.parts())
}

func (e *ValidationError) parts() string {
	var parts []string
	parts = append(parts, e.Result.Warnings...)
	for _, fe := range e.Result.Errors {
		switch {
		case fe.Label != "":
			parts = append(parts, fe.Label+": "+fe.Message)
		case fe.Field != "":
			parts = append(parts, fe.Field+": "+fe.Message)
		default:
			parts = append(parts, fe.Message)
		}
	}
	return strings.Join(parts, "; ")
}

// Err is nil when the settings were saved, else a *ValidationError.
func (r *SaveResult) Err() error {
	if r.Saved {
		return nil
	}
	return &ValidationError{Result: r}
}

// Save posts the form as the browser would and reads the store's answer:
// up to 3.x a redirect (saved) or the form again with messages next to
// the fields; on 4.x JSON with "success" or "error" (a message, or one
// per field whose key names the field's "input-…" id).
func (s *Session) Save(ctx context.Context, f *Form) (*SaveResult, error) {
	if f.Action == nil {
		return nil, errors.New("the form has no address to post to")
	}
	ajax := f.AJAX || s.dialect.JSON()
	body, ctype, err := f.Encode()
	if err != nil {
		return nil, err
	}
	r, err := s.do(ctx, http.MethodPost, f.Action, body, ctype, ajax)
	if err != nil {
		return nil, err
	}
	if err := s.checkLoggedIn(r); err != nil {
		return nil, err
	}
	if ajax && r.isJSON() {
		return jsonSave(f, r)
	}
	redirected := r.location != nil
	if r, err = s.follow(ctx, r); err != nil {
		return nil, err
	}
	if err := s.checkLoggedIn(r); err != nil {
		return nil, err
	}
	pg, err := parsePage(r.url, r.body)
	if err != nil {
		return nil, err
	}
	res := &SaveResult{Warnings: pg.warnings, Errors: pg.fieldErrors, Success: strings.Join(pg.success, " ")}
	for i := range res.Errors {
		if fl := fieldNamed(f, res.Errors[i].Field); fl != nil {
			res.Errors[i].Field, res.Errors[i].Label = fl.Name, fl.Label
		}
	}
	// A save handler that accepts redirects (to the extension list, or to
	// its own page with a success message); one that refuses shows the
	// form again with its messages. The form again without a word is not
	// taken for a save.
	res.Saved = len(res.Warnings) == 0 && len(res.Errors) == 0 && (redirected || res.Success != "")
	if !res.Saved && len(res.Warnings) == 0 && len(res.Errors) == 0 {
		if len(pg.phpErrors) > 0 {
			// A PHP message printed before the redirect stops it ("headers
			// already sent"): the save may have happened all the same.
			res.Warnings = append(res.Warnings, "the store printed PHP errors into the page instead of its answer ("+strings.Join(pg.phpErrors, "; ")+"), so ocsetup cannot tell whether the settings were saved; turn off Display Errors (System > Settings > Server) or check the settings page in the admin")
		} else {
			res.Warnings = append(res.Warnings, "the store showed the settings form again without saying why; the settings may not have been saved")
		}
	}
	return res, nil
}

func jsonSave(f *Form, r *response) (*SaveResult, error) {
	var ans struct {
		Error    json.RawMessage `json:"error"`
		Success  string          `json:"success"`
		Redirect string          `json:"redirect"`
	}
	if err := json.Unmarshal(r.body, &ans); err != nil {
		return nil, &Error{Op: "save the settings", Reason: "the answer is not JSON (a PHP error in the extension?)", URL: redact(r.url), Reply: snippet(r.body)}
	}
	res := &SaveResult{Success: ans.Success}
	var str string
	var byField map[string]string
	switch {
	case len(ans.Error) == 0 || string(ans.Error) == "null":
	case json.Unmarshal(ans.Error, &str) == nil:
		if str != "" {
			res.Warnings = append(res.Warnings, str)
		}
	case json.Unmarshal(ans.Error, &byField) == nil:
		for _, key := range sortedKeys(byField) {
			if key == "warning" {
				res.Warnings = append(res.Warnings, byField[key])
				continue
			}
			fe := FieldError{Message: byField[key], Field: key}
			if fl := fieldForKey(f, key); fl != nil {
				fe.Field, fe.Label = fl.Name, fl.Label
			}
			res.Errors = append(res.Errors, fe)
		}
	default:
		res.Warnings = append(res.Warnings, string(ans.Error))
	}
	res.Saved = len(res.Warnings) == 0 && len(res.Errors) == 0 && (ans.Success != "" || ans.Redirect != "")
	if !res.Saved && len(res.Warnings) == 0 && len(res.Errors) == 0 {
		res.Warnings = append(res.Warnings, "the store answered neither success nor an error")
	}
	return res, nil
}

// fieldNamed finds a field by name, or by "#<id suffix>" (an error
// element with id error-<suffix> names its field that way).
func fieldNamed(f *Form, name string) *Field {
	if key, ok := strings.CutPrefix(name, "#"); ok {
		return fieldForKey(f, strings.ReplaceAll(key, "-", "_"))
	}
	return f.Field(name)
}

// fieldForKey finds the field a 4.x error key names: common.js marks
// "#input-" + key with "_" turned into "-"; some extensions key by the
// field's name or its last part.
func fieldForKey(f *Form, key string) *Field {
	id := "input-" + strings.ReplaceAll(key, "_", "-")
	for _, fl := range f.Fields {
		if fl.ID == id {
			return fl
		}
	}
	for _, fl := range f.Fields {
		if fl.Name == key || strings.HasSuffix(fl.Name, "_"+key) {
			return fl
		}
	}
	return nil
}

// RefreshModifications rebuilds the store's OCMOD cache, as the Refresh
// button of Extensions > Modifications does; needed after a package with
// install.xml. Lines without OCMOD (1.5, 4.0) return ErrNoModifications.
func (s *Session) RefreshModifications(ctx context.Context) error {
	route := s.dialect.RefreshRoute()
	if route == "" {
		return ErrNoModifications
	}
	if s.dialect.Line.AtLeast(store.Line41) {
		r, err := s.getJSON(ctx, route, nil)
		if err != nil {
			return err
		}
		if err := s.checkLoggedIn(r); err != nil {
			return err
		}
		return jsonOutcome("refresh the modifications", r)
	}
	r, err := s.get(ctx, route, nil)
	if err != nil {
		return err
	}
	if err := s.checkLoggedIn(r); err != nil {
		return err
	}
	pg, err := parsePage(r.url, r.body)
	if err != nil {
		return err
	}
	if len(pg.warnings) > 0 {
		return &Error{Op: "refresh the modifications", Reason: "the store said: " + strings.Join(pg.warnings, " "), URL: redact(r.url)}
	}
	return nil
}

// ErrNoModifications: OpenCart 1.5 (vQmod is an add-on) and 4.0 have no
// OCMOD to refresh.
var ErrNoModifications = errors.New("this OpenCart line has no modification (OCMOD) system to refresh")
