// Package msg is a message for a person from the engine: a translation
// key and its arguments. Its English text is in the app's translation
// file (assets/translations/en.json), the same text the desktop app
// shows an English user, so that the command line and the reports keep
// their English while the app shows the message in the user's language.
package msg

import (
	"encoding/json"
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

// UnmarshalJSON reads a message as encoding/json wrote it, with the
// messages among its arguments as messages again and whole numbers as
// ints (a plural form's Count): a message kept in a file (the sync
// history) renders as it did before it was saved.
func (m *Msg) UnmarshalJSON(b []byte) error {
	var raw struct {
		Key  string
		Args map[string]any
		Own  string
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	*m = Msg{Key: raw.Key, Own: raw.Own}
	if len(raw.Args) > 0 {
		m.Args = make(map[string]any, len(raw.Args))
		for k, v := range raw.Args {
			m.Args[k] = fromJSON(v)
		}
	}
	return nil
}

func fromJSON(v any) any {
	switch v := v.(type) {
	case float64:
		if v == float64(int(v)) {
			return int(v)
		}
	case map[string]any:
		if key, ok := v["Key"].(string); ok {
			b, err := json.Marshal(v)
			var inner Msg
			if err == nil && json.Unmarshal(b, &inner) == nil && inner.Key == key {
				return inner
			}
		}
	}
	return v
}

// FromError is err as a message that keeps: rendered in any language, now
// or after a trip through JSON, it reads as ErrorText would have read err
// (a keyed error in that language with its cause; an error without a
// message in its own words). The sync history keeps poll and job errors
// this way.
func FromError(err error) Msg {
	if err == nil {
		return Msg{}
	}
	switch e := err.(type) {
	case *Error:
		switch {
		case e.Err == nil:
			return keepable(e.Msg)
		case e.CauseInText():
			m := keepable(e.Msg)
			args := make(map[string]any, len(m.Args)+1)
			for k, v := range m.Args {
				args[k] = v
			}
			args["Cause"] = FromError(e.Err)
			m.Args = args
			return m
		}
		return New("msg.error_cause", "Text", keepable(e.Msg), "Cause", FromError(e.Err))
	case interface{ MsgItems() (Msg, []Item) }:
		// A headline and a line per item: kept in its English.
	case interface{ Msg() Msg }:
		return keepable(e.Msg())
	}
	return New("msg.error_text", "Text", err.Error())
}

// keepable is m with every argument a text, a number or a message, so
// that it survives JSON: errors become their messages, other values
// their text.
func keepable(m Msg) Msg {
	if len(m.Args) == 0 {
		return m
	}
	args := make(map[string]any, len(m.Args))
	for k, v := range m.Args {
		switch v := v.(type) {
		case string, int, int64, float64, bool:
			args[k] = v
		case Msg:
			args[k] = keepable(v)
		case error:
			args[k] = FromError(v)
		case fmt.Stringer:
			args[k] = v.String()
		default:
			args[k] = fmt.Sprint(v)
		}
	}
	m.Args = args
	return m
}
