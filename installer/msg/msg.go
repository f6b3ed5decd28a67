// Package msg is a message for a person from the engine: a translation
// key and its arguments. Its English text is in the app's translation
// file (assets/translations/en.json), the same text the desktop app
// shows an English user, so that the command line and the reports keep
// their English while the app shows the message in the user's language.
package msg

import (
	"fmt"
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
// reads as Own, or as the key itself, which the tests of every package
// that makes messages catch (HasEnglish).
func (m Msg) English() string { return m.In("en") }

// String is the English text.
func (m Msg) String() string { return m.English() }

// HasEnglish reports whether en.json has the key.
func HasEnglish(key string) bool {
	_, ok := loadAll()["en"][key]
	return ok
}

// englishText is the English text of key, in the plural form
// Args["Count"] asks for.
func englishText(key string, args map[string]any) (string, bool) {
	return textIn("en", key, args)
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
