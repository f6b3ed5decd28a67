package msg

import (
	"encoding/json"
	"fmt"
	"path"
	"strings"
	"sync"
	"text/template"

	"github.com/ocsetup/ocsetup/assets"
)

// In is the message in language ("en", "ru"…): its key's text in that
// language (English where the language lacks it, Own where every
// language does), its placeholders filled, a message among its arguments
// rendered in the same language. The command line prints messages with
// it in the language of the user's locale; the window has its own
// renderer on top of Fyne's (ui/tr) that agrees with this one.
func (m Msg) In(language string) string {
	if m.Key == "" {
		return ""
	}
	text, ok := textIn(language, m.Key, m.Args)
	if !ok {
		if m.Own != "" {
			return m.Own
		}
		return m.Key
	}
	if !strings.Contains(text, "{{") {
		return text
	}
	args := make(map[string]any, len(m.Args))
	for k, v := range m.Args {
		if inner, ok := v.(Msg); ok {
			v = inner.In(language)
		}
		args[k] = v
	}
	return Fill(m.Key, text, args)
}

// Fill fills text's {{.Name}} placeholders from args; a text that does
// not parse or fill is returned as it is (the translation tests catch
// such a text before it ships).
func Fill(name, text string, args map[string]any) string {
	if !strings.Contains(text, "{{") {
		return text
	}
	tpl, err := template.New(name).Option("missingkey=zero").Parse(text)
	if err != nil {
		return text
	}
	var b strings.Builder
	if err := tpl.Execute(&b, args); err != nil {
		return text
	}
	return b.String()
}

// Speaks reports whether the translations have a file for language.
func Speaks(language string) bool {
	_, ok := loadAll()[language]
	return ok
}

// textIn is key's text in language with the plural form Args["Count"]
// asks for; English where language lacks the key.
func textIn(language, key string, args map[string]any) (string, bool) {
	files := loadAll()
	v, ok := files[language][key]
	if !ok {
		language = "en"
		if v, ok = files["en"][key]; !ok {
			return "", false
		}
	}
	switch v := v.(type) {
	case string:
		return v, true
	case map[string]any:
		var count *int
		if n, ok := args["Count"].(int); ok {
			count = &n
		}
		s, ok := v[PluralCategory(language, count)].(string)
		if !ok {
			s, _ = v["other"].(string)
		}
		return s, true
	}
	return "", false
}

var (
	allOnce sync.Once
	all     map[string]map[string]any
)

// loadAll reads every translation file once: language code → key → text
// or plural forms.
func loadAll() map[string]map[string]any {
	allOnce.Do(func() {
		all = map[string]map[string]any{}
		entries, err := assets.Translations.ReadDir(assets.TranslationsDir)
		if err != nil {
			panic(fmt.Sprintf("msg: translations: %v", err))
		}
		for _, e := range entries {
			b, err := assets.Translations.ReadFile(path.Join(assets.TranslationsDir, e.Name()))
			var texts map[string]any
			if err == nil {
				err = json.Unmarshal(b, &texts)
			}
			if err != nil {
				// The files are embedded: this is a broken build, not a user's problem.
				panic(fmt.Sprintf("msg: %s: %v", e.Name(), err))
			}
			all[strings.TrimSuffix(e.Name(), ".json")] = texts
		}
	})
	return all
}

// PluralCategory is the CLDR plural category of count in language (whole
// numbers; "other" without a count), for the languages ocsetup speaks.
func PluralCategory(language string, count *int) string {
	if count == nil {
		return "other"
	}
	n := *count
	if n < 0 {
		n = -n
	}
	switch language {
	case "ru":
		switch {
		case n%10 == 1 && n%100 != 11:
			return "one"
		case n%10 >= 2 && n%10 <= 4 && (n%100 < 12 || n%100 > 14):
			return "few"
		default:
			return "many"
		}
	case "ar":
		switch {
		case n == 0:
			return "zero"
		case n == 1:
			return "one"
		case n == 2:
			return "two"
		case n%100 >= 3 && n%100 <= 10:
			return "few"
		case n%100 >= 11:
			return "many"
		default:
			return "other"
		}
	}
	if n == 1 {
		return "one"
	}
	return "other"
}
