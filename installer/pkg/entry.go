package pkg

import (
	"io"
	"io/fs"
)

// entry is one archive or folder entry whose name and type passed checkName
// and the source's own checks, before its content is read.
type entry struct {
	raw   string // name as stored
	name  string // cleaned: no trailing slash
	dir   bool
	junk  bool
	mode  fs.FileMode
	size  int64 // size claimed by the zip header or the folder's stat
	csize int64 // compressed size; -1 in a folder package
	open  func() (io.ReadCloser, error)
}

// checkTree refuses duplicate names, names that are both a file and a
// folder, and names that differ only in case. Junk is left out: it is never
// written anywhere. It also counts folders that only file names imply
// against maxEntries, so a few thousand deep names cannot make a million
// folders. The work is linear in the total length of the names.
func checkTree(entries []entry, maxEntries int) error {
	isDir := map[string]bool{}
	byFold := map[string]string{}
	add := func(name, fold string, dir bool, raw string) error {
		was, seen := isDir[name]
		switch {
		case seen && was && dir:
			// A folder listed twice, or listed and implied by its files,
			// carries no content; zip tools do emit that.
			return nil
		case seen && !was && !dir:
			return refuse(ReasonDuplicate, raw, "")
		case seen:
			return refuse(ReasonDuplicate, raw, "is both a file and a folder")
		}
		if other, ok := byFold[fold]; ok {
			return refuse(ReasonCaseCollision, raw, "collides with %q", other)
		}
		isDir[name], byFold[fold] = dir, name
		if len(isDir) > maxEntries {
			return refuse(ReasonTooManyEntries, raw, "more than %d files and folders, counting folders implied by the names", maxEntries)
		}
		return nil
	}
	for _, e := range entries {
		if e.junk {
			continue
		}
		// Folding keeps every "/" in place (no other rune folds to it), so
		// the folded parents line up with the real ones.
		fold := foldKey(e.name)
		ps, fps := parents(e.name), parents(fold)
		for i := len(ps) - 1; i >= 0; i-- {
			if isDir[ps[i]] {
				break // its own parents were added with it
			}
			if err := add(ps[i], fps[i], true, e.raw); err != nil {
				return err
			}
		}
		if err := add(e.name, fold, e.dir, e.raw); err != nil {
			return err
		}
	}
	return nil
}

// checkClaimedSizes refuses on the sizes the headers claim, before anything
// is inflated. Reading checks the real bytes again, since headers can lie.
func checkClaimedSizes(entries []entry, lim Limits) error {
	var total int64
	for _, e := range entries {
		if e.dir {
			continue
		}
		if e.csize >= 0 && e.size > lim.fileCap(e.csize) {
			return refuse(ReasonRatio, e.raw, "%d bytes packed into %d (%.0f:1), at most %.0f:1 allowed above %d bytes",
				e.size, e.csize, float64(e.size)/float64(max(e.csize, 1)), lim.MaxRatio, lim.RatioMinSize)
		}
		total += e.size // each size is at most 2^62, so this cannot wrap before the check
		if total > lim.MaxTotalSize {
			return refuse(ReasonTooLarge, e.raw, "more than %d bytes in all", lim.MaxTotalSize)
		}
	}
	return nil
}
