// Package msg is a message for a person from the engine: a translation
// key and its arguments. Its English text is in the app's translation
// file (assets/translations/en.json), the same text the desktop app
// shows an English user, so that the command line and the reports keep
// their English while the app shows the message in the user's language.
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

// Msg is a message: Key names its text in the translation files, Args
// fill its {{.Name}} placeholders; an argument that is a Msg itself is
// rendered in the same language. The zero Msg is no message.
type Msg struct {
	Key  string
	Args map[string]any
	// Own is the English to show when the translations lack Key (a
	// check's title made at run time); "" when they must have it.
	Own string
}

// New is the message key with args given as name, value pairs.
func New(key string, pairs ...any) Msg {
	m := Msg{Key: key}
	if len(pairs) > 0 {
		m.Args = map[string]any{}
	}
	for i := 0; i+1 < len(pairs); i += 2 {
		name, _ := pairs[i].(string)
		m.Args[name] = pairs[i+1]
	}
	return m
}

// IsZero reports whether m is no message.
func (m Msg) IsZero() bool { return m.Key == "" }

// English is the message in English, from en.json; a key en.json lacks
// reads as the key itself, which the tests of every package that makes
// messages catch (HasEnglish).
func (m Msg) English() string {
	if m.Key == "" {
		return ""
	}
	text, ok := englishText(m.Key, m.Args)
	if !ok {
		if m.Own != "" {
			return m.Own
		}
		return m.Key
	}
	if !strings.Contains(text, "{{") {
		return text
	}
	tpl, err := template.New(m.Key).Option("missingkey=zero").Parse(text)
	if err != nil {
		return text
	}
	var b strings.Builder
	if err := tpl.Execute(&b, englishArgs(m.Args)); err != nil {
		return text
	}
	return b.String()
}

// englishArgs renders the messages among args (a route's name, a key's
// kind) in English.
func englishArgs(args map[string]any) map[string]any {
	out := make(map[string]any, len(args))
	for k, v := range args {
		if m, ok := v.(Msg); ok {
			v = m.English()
		}
		out[k] = v
	}
	return out
}

// String is the English text.
func (m Msg) String() string { return m.English() }

// HasEnglish reports whether en.json has the key.
func HasEnglish(key string) bool {
	_, ok := loadEnglish()[key]
	return ok
}

var (
	englishOnce sync.Once
	english     map[string]any
)

func loadEnglish() map[string]any {
	englishOnce.Do(func() {
		b, err := assets.Translations.ReadFile(path.Join(assets.TranslationsDir, "en.json"))
		if err == nil {
			err = json.Unmarshal(b, &english)
		}
		if err != nil {
			// The file is embedded: this is a broken build, not a user's problem.
			panic(fmt.Sprintf("msg: en.json: %v", err))
		}
	})
	return english
}

// englishText is the text of key; a plural text takes its form from
// Args["Count"] (English: "one" for 1, else "other").
func englishText(key string, args map[string]any) (string, bool) {
	v, ok := loadEnglish()[key]
	if !ok {
		return "", false
	}
	switch v := v.(type) {
	case string:
		return v, true
	case map[string]any:
		form := "other"
		if n, ok := args["Count"].(int); ok && n == 1 {
			form = "one"
		}
		s, _ := v[form].(string)
		return s, true
	}
	return "", false
}

// MapText is m with f applied to every text among its arguments, and to
// those of the messages among them (a report's redaction hides secrets in
// the arguments too, since the app renders them in the user's language).
func (m Msg) MapText(f func(string) string) Msg {
	if m.Own != "" {
		m.Own = f(m.Own)
	}
	if len(m.Args) == 0 {
		return m
	}
	args := make(map[string]any, len(m.Args))
	for k, v := range m.Args {
		switch v := v.(type) {
		case string:
			args[k] = f(v)
		case Msg:
			args[k] = v.MapText(f)
		case fmt.Stringer:
			args[k] = f(v.String())
		case error:
			args[k] = f(v.Error())
		default:
			args[k] = v
		}
	}
	m.Args = args
	return m
}
