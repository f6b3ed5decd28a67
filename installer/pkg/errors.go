package pkg

import (
	"errors"
	"fmt"
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

// describe is the plain-language text for a reason.
func (r Reason) describe() string {
	switch r {
	case ReasonTooManyEntries:
		return "the archive has too many entries"
	case ReasonTooLarge:
		return "the package unpacks to more data than allowed"
	case ReasonRatio:
		return "a file inflates far more than normal files do (a zip bomb?)"
	case ReasonTraversal:
		return "a name climbs out of the package with \"..\""
	case ReasonAbsolute:
		return "a name is an absolute path"
	case ReasonDriveLetter:
		return "a name starts with a Windows drive letter"
	case ReasonBackslash:
		return "a name contains a backslash"
	case ReasonInvalidUTF8:
		return "a name is not valid UTF-8 text"
	case ReasonBadName:
		return "a name is malformed"
	case ReasonSymlink:
		return "the package contains a symbolic link"
	case ReasonSpecialFile:
		return "the package contains something that is neither a file nor a folder"
	case ReasonDuplicate:
		return "a name appears twice"
	case ReasonCaseCollision:
		return "two names differ only in upper/lower case and would overwrite each other on Windows and macOS hosts"
	case ReasonOverlap:
		return "zip entries share the same compressed data (a zip bomb trick)"
	case ReasonUnsupported:
		return "an entry is encrypted or uses an unsupported compression method"
	case ReasonCorrupt:
		return "the archive is damaged or not a zip file"
	case ReasonNoFilesRoot:
		return "no upload/ folder, install.json or admin/, catalog/, system/ or image/ folder was found"
	}
	return string(r)
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
}

func (e *RefusedError) Error() string {
	s := "package refused: " + e.Reason.describe()
	if e.Entry != "" {
		s += fmt.Sprintf(": %q", e.Entry)
	}
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	return s
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
