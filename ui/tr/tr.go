// Package tr holds the app's texts in every language it speaks: the
// translation files in assets, the user's language, and T, TF and TN that
// pick a text. It is its own package so that ui and ui/syncview share it.
package tr

import (
	"encoding/json"
	"path"
	"strings"
	"sync"
	"text/template"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"github.com/ocsetup/ocsetup/assets"
	"github.com/ocsetup/ocsetup/installer/msg"
)

// Args are the values of a text's placeholders: the text
// "Connecting to {{.Addr}}…" takes Args{"Addr": addr}.
type Args map[string]any

// T returns the text of key in the user's language.
func T(key string) string { return translate(key, nil, nil) }

// TF returns the text of key with its placeholders filled from args.
func TF(key string, args Args) string { return translate(key, nil, args) }

// TN returns the plural form of key that suits count, with {{.Count}} set
// to count and the other placeholders filled from args.
func TN(key string, count int, args Args) string {
	a := Args{}
	for k, v := range args {
		a[k] = v
	}
	a["Count"] = count
	return translate(key, &count, a)
}

// Load reads the translation files again and picks the user's language
// from the environment as it is now (tests switch languages with it).
func Load() {
	textsOnce.Do(func() {})
	loadTexts()
}

// Languages are the languages the app can be switched to, by code, with
// their names in themselves (as a language menu shows them).
var Languages = []struct{ Code, Name string }{{"en", "English"}, {"ru", "Русский"}}

// SetLanguage makes the app speak code ("en", "ru") whatever the system's
// language; "" follows the system again.
func SetLanguage(code string) {
	textsMu.Lock()
	chosen = baseLanguage(fyne.Locale(code))
	textsMu.Unlock()
	Load()
}

// Has reports whether key has a text (in English, so in every language).
func Has(key string) bool { return hasText(key) }

// texts is one translation file: a key maps to a string, or to a
// map of plural forms (one, few, many, other…) as lang reads them.
type texts map[string]any

var (
	textsOnce sync.Once
	textsMu   sync.RWMutex
	// english is en.json: every key exists there, and it is the
	// fallback for a key or a language without a translation.
	english texts
	// current is the file of the user's language, already merged with
	// english, or nil when the app does not speak it; currentName is its
	// code.
	current     texts
	currentName string
	// chosen is the language the user chose in the app (SetLanguage),
	// "" for the system's. Fyne's lang follows the system only, so texts
	// in a chosen language are filled in here.
	chosen string
)

// loadTexts hands the translation files to Fyne's lang package and picks
// the user's language. Files that lack keys (ar.json has only the Amazon
// Payment Services fields) are registered merged with English, so that
// lang finds every key in the language it chose.
func loadTexts() {
	files := map[string]texts{}
	entries, err := assets.Translations.ReadDir(assets.TranslationsDir)
	if err != nil {
		fyne.LogError("ui: cannot read the translations", err)
	}
	for _, e := range entries {
		b, err := assets.Translations.ReadFile(path.Join(assets.TranslationsDir, e.Name()))
		var t texts
		if err == nil {
			err = json.Unmarshal(b, &t)
		}
		if err != nil {
			fyne.LogError("ui: cannot read the translation "+e.Name(), err)
			continue
		}
		files[strings.TrimSuffix(e.Name(), ".json")] = t
	}

	textsMu.Lock()
	defer textsMu.Unlock()
	english = files["en"]
	for name, t := range files {
		merged := t
		if name != "en" {
			merged = mergeWithEnglish(english, t)
		}
		b, err := json.Marshal(merged)
		if err == nil {
			err = lang.AddTranslationsForLocale(b, fyne.Locale(name))
		}
		if err != nil {
			fyne.LogError("ui: cannot load the translation "+name, err)
		}
		files[name] = merged
	}
	// lang asks the system for the language again on every Add above;
	// the system's first language decides, as it does for lang, unless
	// the user chose one in the app.
	currentName = baseLanguage(lang.SystemLocale())
	if chosen != "" {
		currentName = chosen
	}
	current = files[currentName]
	if chosen == "en" {
		current = nil // English chosen: filled in here, without lang
	}
}

// mergeWithEnglish fills the keys t lacks from en. English plural texts
// have only "one" and "other"; a language with more forms gets "other"
// for the rest, so that no form is missing when lang picks one.
func mergeWithEnglish(en, t texts) texts {
	out := texts{}
	for k, v := range en {
		if forms, ok := v.(map[string]any); ok {
			padded := map[string]any{}
			for _, f := range []string{"zero", "two", "few", "many", "other"} {
				padded[f] = forms["other"]
			}
			padded["one"] = forms["one"]
			v = padded
		}
		out[k] = v
	}
	for k, v := range t {
		out[k] = v
	}
	return out
}

// baseLanguage is the language of a locale without region or script:
// "ru" for "ru-RU".
func baseLanguage(l fyne.Locale) string {
	s := strings.ToLower(string(l))
	if i := strings.IndexAny(s, "-_"); i >= 0 {
		s = s[:i]
	}
	return s
}

func hasText(key string) bool {
	textsOnce.Do(loadTexts)
	textsMu.RLock()
	defer textsMu.RUnlock()
	_, ok := english[key]
	return ok
}

func translate(key string, count *int, args Args) string {
	textsOnce.Do(loadTexts)
	textsMu.RLock()
	en, ok := english[key]
	speaks := current != nil
	own, name := current[key], currentName
	byHand := speaks && chosen != ""
	textsMu.RUnlock()
	if !ok {
		// A key missing from en.json is a bug; show the key rather than
		// nothing, and say so where developers look.
		fyne.LogError("ui: no text for "+key, nil)
		return key
	}
	if !speaks {
		// The app does not speak the user's language: English, filled in
		// here, because lang would log a failure for every text it has
		// in no language but the fallback.
		return renderEnglish(key, en, count, args)
	}
	if byHand {
		return render(key, own, pluralCategory(name, count), args)
	}
	data := map[string]any(args)
	if count != nil {
		return lang.XN(key, pluralForm(en, "other"), *count, data)
	}
	return lang.X(key, pluralForm(en, "other"), data)
}

// pluralForm is one form of a text; a plain string is every form.
func pluralForm(v any, form string) string {
	switch v := v.(type) {
	case string:
		return v
	case map[string]any:
		if s, ok := v[form].(string); ok {
			return s
		}
		s, _ := v["other"].(string)
		return s
	}
	return ""
}

func renderEnglish(key string, en any, count *int, args Args) string {
	return render(key, en, pluralCategory("en", count), args)
}

// pluralCategory is the CLDR plural category of count in language, the
// engine's own (the command line renders plurals with it too).
func pluralCategory(language string, count *int) string { return msg.PluralCategory(language, count) }

// render fills the form of a text (a string, or its plural forms) with
// args.
func render(key string, v any, form string, args Args) string {
	text := pluralForm(v, form)
	if !strings.Contains(text, "{{") {
		return text
	}
	tpl, err := template.New(key).Option("missingkey=zero").Parse(text)
	if err != nil {
		fyne.LogError("ui: bad text for "+key, err)
		return text
	}
	var b strings.Builder
	if err := tpl.Execute(&b, map[string]any(args)); err != nil {
		fyne.LogError("ui: cannot fill the text for "+key, err)
		return text
	}
	return b.String()
}

// Msg is an engine message in the user's language: its key's text with
// its arguments (a message among them in the same language). A key the
// translations lack keeps the engine's English.
func Msg(m msg.Msg) string {
	if m.IsZero() {
		return ""
	}
	if !hasText(m.Key) {
		return m.English()
	}
	args := Args{}
	for k, v := range m.Args {
		if inner, ok := v.(msg.Msg); ok {
			v = Msg(inner)
		}
		args[k] = v
	}
	if n, ok := args["Count"].(int); ok {
		return TN(m.Key, n, args)
	}
	return TF(m.Key, args)
}
