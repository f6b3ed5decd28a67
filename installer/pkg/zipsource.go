package pkg

import (
	"archive/zip"
	"cmp"
	"errors"
	"io"
	"io/fs"
	"slices"
)

// openZip lists and checks a zip's entries, then builds the Package.
func openZip(r io.ReaderAt, size int64, name string, lim Limits, closer io.Closer) (*Package, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		// ErrInsecurePath (GODEBUG zipinsecurepath=0) still returns a usable
		// reader; checkName below applies stricter rules anyway.
		return nil, refuse(ReasonCorrupt, "", "%v", err)
	}
	if len(zr.File) > lim.MaxEntries {
		return nil, refuse(ReasonTooManyEntries, "", "%d entries, at most %d allowed", len(zr.File), lim.MaxEntries)
	}
	entries := make([]entry, 0, len(zr.File))
	for _, f := range zr.File {
		e, rerr := zipEntry(f)
		if rerr != nil {
			return nil, rerr
		}
		entries = append(entries, e)
	}
	if err := checkOverlap(zr.File); err != nil {
		return nil, err
	}
	return build(name, SourceZip, entries, lim, closer)
}

// zipEntry checks one zip entry's name, type and method.
func zipEntry(f *zip.File) (entry, *RefusedError) {
	clean, rerr := checkName(f.Name)
	if rerr != nil {
		return entry{}, rerr
	}
	mode := f.Mode()
	switch {
	case mode&fs.ModeSymlink != 0:
		return entry{}, refuse(ReasonSymlink, f.Name, "")
	case mode&(fs.ModeType&^fs.ModeDir) != 0:
		return entry{}, refuse(ReasonSpecialFile, f.Name, "file type %v", mode.Type())
	}
	dir := mode.IsDir() || f.Name[len(f.Name)-1] == '/'
	if !dir {
		if f.Flags&0x1 != 0 {
			return entry{}, refuse(ReasonUnsupported, f.Name, "encrypted")
		}
		if f.Method != zip.Store && f.Method != zip.Deflate {
			return entry{}, refuse(ReasonUnsupported, f.Name, "compression method %d", f.Method)
		}
	}
	e := entry{
		raw:   f.Name,
		name:  clean,
		dir:   dir,
		junk:  isJunk(clean),
		mode:  mode.Perm(),
		size:  clampSize(f.UncompressedSize64),
		csize: clampSize(f.CompressedSize64),
	}
	if !dir {
		e.open = func() (io.ReadCloser, error) { return f.Open() }
	}
	return e, nil
}

func clampSize(u uint64) int64 {
	if u > 1<<62 {
		return 1 << 62
	}
	return int64(u)
}

// checkOverlap refuses entries whose compressed data overlap. Real zips
// never share bytes between entries; "non-recursive" zip bombs do, to make
// many large entries from one small stream.
func checkOverlap(files []*zip.File) error {
	type span struct {
		start, end int64
		name       string
	}
	spans := make([]span, 0, len(files))
	for _, f := range files {
		if f.CompressedSize64 == 0 {
			continue
		}
		off, err := f.DataOffset()
		if err != nil {
			return refuse(ReasonCorrupt, f.Name, "%v", err)
		}
		spans = append(spans, span{off, off + clampSize(f.CompressedSize64), f.Name})
	}
	slices.SortFunc(spans, func(a, b span) int { return cmp.Compare(a.start, b.start) })
	for i := 1; i < len(spans); i++ {
		if spans[i].start < spans[i-1].end {
			return refuse(ReasonOverlap, spans[i].name, "shares data with %q", spans[i-1].name)
		}
	}
	return nil
}
