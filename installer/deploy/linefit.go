package deploy

import (
	"fmt"

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
}

func (e *LineMismatchError) Error() string {
	return fmt.Sprintf("%s does not fit this store's OpenCart %s, so nothing was uploaded: %s %s", e.Package, e.Line, e.Reason, e.Ask)
}

// CheckFit refuses a plan whose package is laid out for another OpenCart
// line than the store's (*LineMismatchError), before anything is sent.
// apply calls it before the upload and the wizard's Upload does too; the
// GUI may call it on a plan to say so at once. Lesser layout warnings
// (a 1.5–2.2 layout on 2.3, a language folder) stay warnings.
func CheckFit(pl *Plan) error {
	for _, w := range pl.Warnings {
		e := &LineMismatchError{Package: pl.Package.Name, Line: pl.Line, Reason: w.Message}
		switch w.Code {
		case pkg.WarnNotFor4:
			e.Ask = fmt.Sprintf("Ask the vendor for the OpenCart %s version of the extension: a .ocmod.zip with install.json at its root and its files under admin/, catalog/ and system/ of the extension folder (installed to extension/<code>/).", pl.Line)
		case pkg.WarnNeeds4:
			where := "admin/controller/extension/<type>/…"
			if pl.Line < "2.3" {
				where = "admin/controller/<type>/…"
			}
			e.Ask = fmt.Sprintf("Ask the vendor for the OpenCart %s version of the extension: a package whose upload/ folder holds %s, without install.json.", pl.Line, where)
		default:
			continue
		}
		return e
	}
	return nil
}
