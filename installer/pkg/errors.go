package pkg

import (
	"errors"
	"fmt"

	"github.com/ocsetup/ocsetup/installer/msg"
)

// Reason says why a package was refused. The values are stable and may be
// logged or shown as codes.
type Reason string

// Reasons for refusing a package.
const (
	ReasonTooManyEntries = Reason("too-many-entries")    // more entries than Limits.MaxEntries
	ReasonTooLarge       = Reason("too-large")           // more bytes than Limits.MaxTotalSize
	ReasonRatio          = Reason("compression-ratio")   // a file that inflates more than Limits.MaxRatio
	ReasonTraversal      = Reason("path-traversal")      // a ".." path segment
	ReasonAbsolute       = Reason("absolute-path")       // a name starting with "/"
	ReasonDriveLetter    = Reason("drive-letter")        // a name starting with "C:" and the like
	ReasonBackslash      = Reason("backslash")           // a "\" in a name
	ReasonInvalidUTF8    = Reason("invalid-utf8")        // a name that is not valid UTF-8
	ReasonBadName        = Reason("bad-name")            // empty, "." or "//" segments, control characters, ":"
	ReasonSymlink        = Reason("symlink")             // a symbolic link
	ReasonSpecialFile    = Reason("special-file")        // a device, pipe, socket or other non-regular file
	ReasonDuplicate      = Reason("duplicate")           // the same name twice, or a name that is both file and folder
	ReasonCaseCollision  = Reason("case-collision")      // names that differ only in letter case
	ReasonOverlap        = Reason("overlapping-entries") // zip entries sharing compressed bytes
	ReasonUnsupported    = Reason("unsupported-entry")   // encrypted, or a compression method other than store/deflate
	ReasonCorrupt        = Reason("corrupt")             // not a readable zip, or bad checksums or sizes
	ReasonNoFilesRoot    = Reason("no-files-root")       // no upload/, install.json or store-shaped tree found
)

// Msg is the reason as a message, for the app to show in the user's
// language; a reason without a text is its code.
func (r Reason) Msg() msg.Msg {
	return msg.Msg{Key: "error.pkg.reason." + string(r), Own: string(r)}
}

// ErrRefused matches every *RefusedError with errors.Is.
var ErrRefused = errors.New("package refused")

// ErrContentChanged is returned while reading a File whose bytes no longer
// match the size and SHA-256 recorded by Open.
var ErrContentChanged = errors.New("package content changed since it was opened")

// RefusedError says why Open refused a package. errors.Is(err, ErrRefused)
// matches any refusal; errors.Is(err, &RefusedError{Reason: ReasonSymlink})
// matches one reason.
type RefusedError struct {
	Reason Reason
	Entry  string // the entry name concerned, as stored in the archive; may be empty
	Detail string // more about this case; may be empty
	// DetailMsg is Detail as a message, when the detail is for the user
	// (what the package holds instead) rather than numbers and names.
	DetailMsg msg.Msg
}

func (e *RefusedError) Error() string { return e.Msg().English() }

// Msg is the refusal as a message, for the app to show in the user's
// language; a technical Detail stays as it is.
func (e *RefusedError) Msg() msg.Msg {
	var detail any = e.Detail
	if !e.DetailMsg.IsZero() {
		detail = e.DetailMsg
	}
	entry := fmt.Sprintf("%q", e.Entry)
	switch {
	case e.Entry != "" && e.Detail != "":
		return msg.New("error.pkg.refused_entry_detail", "Reason", e.Reason.Msg(), "Entry", entry, "Detail", detail)
	case e.Entry != "":
		return msg.New("error.pkg.refused_entry", "Reason", e.Reason.Msg(), "Entry", entry)
	case e.Detail != "":
		return msg.New("error.pkg.refused_detail", "Reason", e.Reason.Msg(), "Detail", detail)
	}
	return msg.New("error.pkg.refused", "Reason", e.Reason.Msg())
}

// Is matches ErrRefused, and a *RefusedError with the same Reason (its Entry
// and Detail are ignored).
func (e *RefusedError) Is(target error) bool {
	if target == ErrRefused {
		return true
	}
	t, ok := target.(*RefusedError)
	return ok && t.Reason == e.Reason
}

// refuseMsg is a refusal whose detail is a message for the user.
func refuseMsg(r Reason, entry string, detail msg.Msg) *RefusedError {
	return &RefusedError{Reason: r, Entry: entry, Detail: detail.English(), DetailMsg: detail}
}

func refuse(r Reason, entry, detail string, args ...any) *RefusedError {
	if len(args) > 0 {
		detail = fmt.Sprintf(detail, args...)
	}
	return &RefusedError{Reason: r, Entry: entry, Detail: detail}
}

// ReasonOf returns the Reason of a refusal anywhere in err's chain, or "".
func ReasonOf(err error) Reason {
	var r *RefusedError
	if errors.As(err, &r) {
		return r.Reason
	}
	return ""
}
