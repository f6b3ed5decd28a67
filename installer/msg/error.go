package msg

import "strings"

// Error is a failure told as a message: the command line and the logs
// read its English (Error), the app shows Msg in the user's language.
// Err is the technical cause, kept for errors.Is and errors.As and shown
// after the message (": cause"), or where the message's text names it
// ({{.Cause}}: "the file could not be read ({{.Cause}}); …").
type Error struct {
	Msg Msg
	Err error
}

// NewError is an error whose text is the message key with its args.
func NewError(key string, pairs ...any) *Error {
	return &Error{Msg: New(key, pairs...)}
}

// Wrap is an error whose text is the message key with its args, caused
// by err.
func Wrap(err error, key string, pairs ...any) *Error {
	return &Error{Msg: New(key, pairs...), Err: err}
}

// Error is the English text, with the cause.
func (e *Error) Error() string {
	if e.Err == nil {
		return e.Msg.English()
	}
	if e.CauseInText() {
		m := e.Msg
		m.Args = make(map[string]any, len(e.Msg.Args)+1)
		for k, v := range e.Msg.Args {
			m.Args[k] = v
		}
		m.Args["Cause"] = e.Err.Error()
		return m.English()
	}
	return e.Msg.English() + ": " + e.Err.Error()
}

func (e *Error) Unwrap() error { return e.Err }

// CauseInText reports whether the message's text names the cause
// ({{.Cause}}) rather than being followed by it.
func (e *Error) CauseInText() bool {
	text, ok := englishText(e.Msg.Key, e.Msg.Args)
	return ok && strings.Contains(text, "{{.Cause}}")
}

// CauseArg is err as a message's argument: its message when it has one
// (a keyed error without a cause of its own, or a typed error with a
// Msg), so that it is shown in the same language; else its own text.
func CauseArg(err error) any {
	switch e := err.(type) {
	case nil:
		return ""
	case *Error:
		if e.Err == nil {
			return e.Msg
		}
	case interface{ Msg() Msg }:
		return e.Msg()
	}
	return err.Error()
}
