package app

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/ocsetup/ocsetup/installer/access"
	"github.com/ocsetup/ocsetup/installer/check"
	"github.com/ocsetup/ocsetup/installer/deploy"
	"github.com/ocsetup/ocsetup/installer/integrations"
	"github.com/ocsetup/ocsetup/installer/msg"
	"github.com/ocsetup/ocsetup/installer/settings"
	"github.com/ocsetup/ocsetup/installer/store"
)

// Summary is what the Finish step shows: what this session changed on the
// store, what the merchant must still do in the provider's portal, how to
// undo it, and where the test report is. The UI words it; the facts are
// here so the CLI and tests read the same.
type Summary struct {
	// Uploaded is the package upload (nil when none was made).
	Uploaded *UploadSummary
	// APIUser is the API user written (nil when the integration needs none
	// or the step was not run).
	APIUser *APIUserSummary
	// Settings is how the module's settings were saved (nil when not).
	Settings *SettingsSummary
	// Required are the values to put in the provider's portal; Other are
	// the rest of what the settings step showed.
	Required, Other []integrations.Info
	// Test is the last test's outcome ("" when it did not run) and Report
	// the file it was saved to.
	Test   check.Status
	Report string
}

// UploadSummary counts what the upload did.
type UploadSummary struct {
	Package           string
	Created, Replaced int
}

// APIUserSummary is what the API access step did.
type APIUserSummary struct {
	Name    string
	Created bool
	Updated bool
	// KeptKey: the user existed and kept its key (the connector got it).
	KeptKey  bool
	IPsAdded []string
}

// SettingsSummary is how the settings were saved.
type SettingsSummary struct {
	// ViaAdmin: through the store's admin (the module's own save ran);
	// otherwise written the way its install and save would.
	ViaAdmin bool
	// NoModule: the integration configures no extension (OneBox's files):
	// no module settings were saved.
	NoModule bool
	// ConnectorFile is the connector's file filled in with the store's
	// address and the key (OneBox's cron.php), "" when none.
	ConnectorFile string
}

// Summary gathers what this session did.
func (s *Session) Summary() Summary {
	s.steps.mu.Lock()
	defer s.steps.mu.Unlock()
	var out Summary
	// A file the session created and then replaced (the connector's
	// configured cron.php) counts once, as new.
	created, replaced := map[string]bool{}, map[string]bool{}
	for _, m := range s.steps.uploads {
		if out.Uploaded == nil {
			out.Uploaded = &UploadSummary{Package: m.Package.Name}
		}
		for _, e := range m.Entries {
			switch {
			case e.Action == deploy.ActCreate:
				created[e.Path] = true
			case e.Action == deploy.ActReplace && !created[e.Path]:
				replaced[e.Path] = true
			}
		}
	}
	if out.Uploaded != nil {
		out.Uploaded.Created, out.Uploaded.Replaced = len(created), len(replaced)
	}
	if r := s.steps.apiResult; r != nil {
		out.APIUser = &APIUserSummary{Name: s.steps.apiUser, Created: r.Created, Updated: r.Updated, KeptKey: r.KeptKey, IPsAdded: r.IPsAdded}
	}
	if r := s.steps.settings; r != nil {
		out.Settings = &SettingsSummary{ViaAdmin: r.Via == settings.ViaAdmin, NoModule: r.Via == settings.ViaNone, ConnectorFile: s.steps.connectorFile}
		for _, i := range r.Show {
			if i.Required {
				out.Required = append(out.Required, i)
			} else {
				out.Other = append(out.Other, i)
			}
		}
	}
	out.Test, out.Report = s.steps.report.Overall, s.steps.reportPath
	return out
}

// DefaultAPIUser is the user ocsetup creates for an integration: its own,
// named after the integration, so no user the store has is changed.
func DefaultAPIUser(p integrations.Profile, line store.Line) string {
	if p.Needs().KeyOnlyLogin && line == store.Line30 {
		// 3.0 checks a key sent alone against "Default": the connector
		// can only be that user (its key is kept: ReuseKey).
		return KeyOnlyUser
	}
	if n := p.Needs().APIUserName; n != "" {
		return n
	}
	return "ocsetup " + p.Name
}

// KeyOnlyUser is the API user OpenCart 3.0's api/login checks a key sent
// without a user name against.
const KeyOnlyUser = "Default"

// APIUsers names the store's API users, for the merchant to pick one.
func (s *Session) APIUsers(ctx context.Context) ([]string, error) {
	s.steps.mu.Lock()
	d, sc := s.steps.db, s.steps.schema
	s.steps.mu.Unlock()
	if d == nil {
		return nil, errNoDatabase
	}
	return access.ListAPIUsers(ctx, d, sc)
}

// PreviewAccess says what ApplyAccess(user) would change, changing nothing.
func (s *Session) PreviewAccess(ctx context.Context, user access.APIUser) (*access.APIPreview, error) {
	st, ok := s.Store()
	s.steps.mu.Lock()
	d, sc := s.steps.db, s.steps.schema
	s.steps.mu.Unlock()
	if !ok {
		return nil, errNoStore
	}
	if d == nil {
		return nil, errNoDatabase
	}
	return access.PreviewAPIUser(ctx, d, sc, st.Line, user)
}

var errNoDatabase = msg.NewError("error.app.no_database")

// saveReport keeps the test report in the data folder, where the Finish
// step points; the path is remembered for the summary.
func (s *Session) saveReport(rep check.Report) (string, error) {
	dir := filepath.Join(s.dataDir, "reports")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	name := fmt.Sprintf("%s-%s.md", time.Now().Format("20060102-150405"), strings.ReplaceAll(rep.Integration, " ", "_"))
	p := filepath.Join(dir, name)
	if err := writeReport(p, rep); err != nil {
		return "", err
	}
	return p, nil
}

// NoticesFor keeps the profile's notices that fit the way the settings
// went in: a note about what happens without the admin is noise after a
// save through the admin.
func NoticesFor(notices []string, viaAdmin bool) []string {
	var out []string
	for _, n := range notices {
		if viaAdmin && strings.Contains(strings.ToLower(n), "without the admin") {
			continue
		}
		out = append(out, n)
	}
	return out
}

// ServiceIPField is the profile field naming the provider's address
// (OneBox's): it starts with the first address of the API access step.
const ServiceIPField = "service_ip"

// ProviderIPs are the addresses the API access step allowed.
func (s *Session) ProviderIPs() []string {
	s.steps.mu.Lock()
	defer s.steps.mu.Unlock()
	return append([]string(nil), s.steps.ips...)
}
