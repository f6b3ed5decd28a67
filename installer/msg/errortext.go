package msg

import "strings"

// Item is one labelled cause of an error made of several (the route a
// database was tried on, and why it failed).
type Item struct {
	Label Msg
	Err   error
}

// ErrorText is err as a person reads it, with render turning a message
// into text in the reader's language (Msg.In for the command line, the
// window's own renderer for the app): an engine's message (a keyed
// error, or a typed one with its Msg) in that language with its
// technical cause; the words a wrapper puts around such an error stay as
// they are, and an error without a message keeps its own text.
func ErrorText(err error, render func(Msg) string) string { return errorText(err, render, false) }

// ErrorTextDetailed is ErrorText with the technical detail a typed error
// adds to its English after its message ("… (PASS: 530 Login incorrect)"):
// the command line prints it, the app shows it under Details instead.
func ErrorTextDetailed(err error, render func(Msg) string) string {
	return errorText(err, render, true)
}

func errorText(err error, render func(Msg) string, detailed bool) string {
	if err == nil {
		return ""
	}
	text := func(e error) string { return errorText(e, render, detailed) }
	if m, ok := osMsg(err); ok {
		return render(m)
	}
	switch e := err.(type) {
	case *Error:
		if e.Err == nil {
			return render(e.Msg)
		}
		if e.CauseInText() {
			m := Msg{Key: e.Msg.Key, Args: map[string]any{}, Own: e.Msg.Own}
			for k, v := range e.Msg.Args {
				m.Args[k] = v
			}
			m.Args["Cause"] = text(e.Err)
			return render(m)
		}
		return render(e.Msg) + ": " + text(e.Err)
	case interface{ MsgItems() (Msg, []Item) }:
		// db.ConnectError: a headline, then each route on its own line.
		head, items := e.MsgItems()
		lines := []string{render(head)}
		for _, it := range items {
			lines = append(lines, "  "+render(it.Label)+": "+text(it.Err))
		}
		return strings.Join(lines, "\n")
	case interface{ Msg() Msg }:
		// remote.Error, db.Error and the engine's other typed errors.
		m := e.Msg()
		out := render(m)
		if detailed {
			if rest, ok := strings.CutPrefix(err.Error(), m.English()); ok {
				out += rest
			}
		}
		return out
	}
	switch u := err.(type) {
	case interface{ Unwrap() []error }:
		// errors.Join: each on its own line.
		var parts, english []string
		for _, e := range u.Unwrap() {
			if e != nil {
				parts, english = append(parts, text(e)), append(english, e.Error())
			}
		}
		if len(parts) > 0 && strings.Join(english, "\n") == err.Error() {
			return strings.Join(parts, "\n")
		}
		// fmt.Errorf("%w: %w", a, b): each one's words in its place.
		out, found := err.Error(), false
		for _, e := range u.Unwrap() {
			if in := e.Error(); in != "" {
				if i := strings.Index(out, in); i >= 0 {
					out, found = out[:i]+text(e)+out[i+len(in):], true
				}
			}
		}
		if found {
			return out
		}
	case interface{ Unwrap() error }:
		// fmt.Errorf("…: %w", inner): the wrapper's words around inner's text.
		if inner := u.Unwrap(); inner != nil {
			outer, in := err.Error(), inner.Error()
			if i := strings.LastIndex(outer, in); i >= 0 && in != "" {
				return outer[:i] + text(inner) + outer[i+len(in):]
			}
		}
	}
	return err.Error()
}
