package ui

import (
	"strings"

	"github.com/ocsetup/ocsetup/app"
	"github.com/ocsetup/ocsetup/installer/access"
	"github.com/ocsetup/ocsetup/installer/check"
	"github.com/ocsetup/ocsetup/installer/integrations"
	"github.com/ocsetup/ocsetup/installer/msg"
	"github.com/ocsetup/ocsetup/ui/tr"
)

// Args are the values of a text's placeholders (see tr.Args).
type Args = tr.Args

// T returns the text of key in the user's language.
func T(key string) string { return tr.T(key) }

// TF returns the text of key with its placeholders filled from args.
func TF(key string, args Args) string { return tr.TF(key, args) }

// TN returns the plural form of key that suits count (see tr.TN).
func TN(key string, count int, args Args) string { return tr.TN(key, count, args) }

// texts is one translation file, as tr reads it.
type texts = map[string]any

func loadTexts()              { tr.Load() }
func hasText(key string) bool { return tr.Has(key) }

// StepTitle is a wizard step's name in the step list.
func StepTitle(s app.Step) string { return T("step." + strings.ToLower(s.String())) }

// IntegrationName, IntegrationSummary and IntegrationClosed are a
// profile's texts on the Welcome screen; an id without a translation
// keeps the profile's own English text.
func IntegrationName(p integrations.Profile) string {
	return profileText(p.ID, "name", p.Name)
}

// IntegrationSummary: see IntegrationName.
func IntegrationSummary(p integrations.Profile) string {
	return profileText(p.ID, "summary", p.Summary)
}

// IntegrationClosed: see IntegrationName; "" for a service that runs.
func IntegrationClosed(p integrations.Profile) string {
	if p.Closed == "" {
		return ""
	}
	return profileText(p.ID, "closed", p.Closed)
}

func profileText(id, field, own string) string {
	return ownOr("integration."+id+"."+field, own)
}

// ownOr is the text of key, or own (the English the caller already has)
// for a key the translations lack.
func ownOr(key, own string) string {
	if !hasText(key) {
		return own
	}
	return T(key)
}

// FieldLabel is the label of a profile's setting in the user's language;
// a field without a translation keeps its own English label. The Amazon
// Payment Services labels have Arabic too.
func FieldLabel(profileID string, f integrations.Field) string {
	return ownOr("field."+profileID+"."+f.Key, f.Label)
}

// FieldHelp is the help line under a setting, as FieldLabel.
func FieldHelp(profileID string, f integrations.Field) string {
	if f.Help == "" {
		return ""
	}
	return ownOr("help."+profileID+"."+f.Key, f.Help)
}

// GroupName is the name of a tab of settings; the fields without a
// group are "General".
func GroupName(profileID, group string) string {
	if group == "" || group == "General" {
		return T("settings.group.general")
	}
	return ownOr("group."+profileID+"."+strings.ToLower(strings.ReplaceAll(group, " ", "_")), group)
}

// InfoLabel names a value for the provider's portal (the Finish step, the
// saved settings); a value without a key keeps its English.
func InfoLabel(i integrations.Info) string {
	if i.Key == "" {
		return i.Label
	}
	return ownOr("info."+i.Key, i.Label)
}

// ChoiceLabel is one choice of a setting, as FieldLabel.
func ChoiceLabel(profileID string, f integrations.Field, c integrations.Choice) string {
	return ownOr("choice."+profileID+"."+f.Key+"."+c.Value, c.Label)
}

// KeyTypeName is remote.Error.KeyType ("host key" or "certificate") in
// the user's language.
func KeyTypeName(keyType string) string {
	return ownOr("keytype."+strings.ReplaceAll(keyType, " ", "_"), keyType)
}

// MsgText is an engine message in the user's language: its key's text
// with its arguments (a message among them in the same language). A key
// the translations lack keeps the engine's English.
func MsgText(m msg.Msg) string { return tr.Msg(m) }

// ErrorText is an error as the user reads it: an engine's message (a
// keyed error, or a typed one with its Msg: a files or database error,
// a refused package…) in the user's language, with
// its technical cause; the words a wrapper puts around such an error
// stay as they are, and an error without a message keeps its own text.
func ErrorText(err error) string { return msg.ErrorText(err, MsgText) }

// CheckTitle, CheckCause and CheckFix are a check result's texts in the
// user's language; integration is the name the service and settings
// checks carry.
func CheckTitle(r check.Result, integration string) string {
	return MsgText(r.TitleMsg(integration))
}

// CheckCause: see CheckTitle.
func CheckCause(r check.Result) string { return r.CauseIn(MsgText) }

// CheckFix: see CheckTitle.
func CheckFix(r check.Result) string { return r.FixIn(MsgText) }

// accessNotes are an API access result's notes in the user's language.
func accessNotes(res *access.APIResult) []string {
	out := make([]string, len(res.Notes))
	for i, n := range res.Notes {
		out[i] = n
		if i < len(res.NoteMsgs) && !res.NoteMsgs[i].IsZero() {
			out[i] = MsgText(res.NoteMsgs[i])
		}
	}
	return out
}
