package deploy

import (
	"github.com/ocsetup/ocsetup/installer/msg"
	"github.com/ocsetup/ocsetup/installer/pkg"
)

// LineMismatchError: the package is laid out for another OpenCart line
// than the store's, so it cannot work there: a 1.5–3.x package on
// OpenCart 4 (4.x loads extensions only from extension/<code>/ with
// Opencart\… namespaces, and its installer answers "Extension does not
// exist!"), or a 4.x package on 1.5–3.x (its classes do not load). Nothing
// was uploaded.
type LineMismatchError struct {
	Package string // the package's file name
	Line    string // the store's line, "4.0"
	Reason  string // what the layout check found, in words
	Ask     string // what to ask the vendor for
	// ReasonMsg and AskMsg are Reason and Ask as messages, for the app to
	// show in the user's language.
	ReasonMsg, AskMsg msg.Msg
}

func (e *LineMismatchError) Error() string { return e.Msg().English() }

// Msg is the error as a message, for the app to show in the user's
// language.
func (e *LineMismatchError) Msg() msg.Msg {
	var reason, ask any = e.Reason, e.Ask
	if !e.ReasonMsg.IsZero() {
		reason = e.ReasonMsg
	}
	if !e.AskMsg.IsZero() {
		ask = e.AskMsg
	}
	return msg.New("error.deploy.line_mismatch", "Package", e.Package, "Line", e.Line, "Reason", reason, "Ask", ask)
}

// CheckFit refuses a plan whose package is laid out for another OpenCart
// line than the store's (*LineMismatchError), before anything is sent.
// apply calls it before the upload and the wizard's Upload does too; the
// GUI may call it on a plan to say so at once. Lesser layout warnings
// (a 1.5–2.2 layout on 2.3, a language folder) stay warnings.
func CheckFit(pl *Plan) error {
	for _, w := range pl.Warnings {
		e := &LineMismatchError{Package: pl.Package.Name, Line: pl.Line, Reason: w.Message, ReasonMsg: w.Msg}
		switch w.Code {
		case pkg.WarnNotFor4:
			e.AskMsg = msg.New("error.deploy.ask_4", "Line", pl.Line)
		case pkg.WarnNeeds4:
			where := "admin/controller/extension/<type>/…"
			if pl.Line < "2.3" {
				where = "admin/controller/<type>/…"
			}
			e.AskMsg = msg.New("error.deploy.ask_3", "Line", pl.Line, "Where", where)
		default:
			continue
		}
		e.Ask = e.AskMsg.English()
		return e
	}
	return nil
}
