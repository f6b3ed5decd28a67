package pkg

import (
	"archive/zip"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
)

// build runs the checks shared by zips and folders, reads every file once
// (hashing it and enforcing the limits on the real bytes) and assembles the
// Package. Any failure returns no Package at all.
func build(name string, kind SourceKind, entries []entry, lim Limits, closer io.Closer) (*Package, error) {
	if err := checkTree(entries, lim.MaxEntries); err != nil {
		return nil, err
	}
	if err := checkClaimedSizes(entries, lim); err != nil {
		return nil, err
	}
	pkgRoot, filesRoot, rk, err := findRoot(newTree(entries))
	if err != nil {
		return nil, err
	}
	p := &Package{Name: name, Kind: kind, Root: pkgRoot, FilesRoot: filesRoot, RootKind: rk}
	r := reader{lim: lim, remaining: lim.MaxTotalSize, zip: kind == SourceZip}
	dirs := map[string]bool{}
	var metas []MetaFile
	var metaKinds []metaKind
	for _, e := range entries {
		mk := metaKindOf(e.name, pkgRoot, filesRoot, rk)
		rel, inFiles := underRoot(e.name, filesRoot, rk)
		if rk == RootStoreTree && mk != metaNone {
			inFiles = false // install.* of a store tree describe it, they are not store files
		}
		if e.junk {
			inFiles, mk = false, metaNone
			p.Ignored = append(p.Ignored, Ignored{e.raw, "system junk (macOS or Windows folder data)"})
		}
		if e.dir {
			if inFiles {
				dirs[rel] = true
			}
			continue
		}
		if !inFiles && mk == metaNone && !e.junk {
			p.Ignored = append(p.Ignored, Ignored{e.raw, "outside the files root " + rootLabel(filesRoot, rk)})
		}
		// Zips are read whole, junk included: it proves every checksum and
		// keeps bombs out even where OpenCart itself would unpack them
		// (3.x extracts the whole zip). Folders need only what is used.
		if !inFiles && mk == metaNone && kind == SourceDir {
			continue
		}
		res, err := r.read(e, mk != metaNone, inFiles && strings.HasSuffix(e.name, ".php"))
		if err != nil {
			return nil, err
		}
		if mk != metaNone {
			metas = append(metas, MetaFile{Path: e.raw, Size: res.size, SHA256: res.sum, Data: res.data, TooLarge: res.tooLarge})
			metaKinds = append(metaKinds, mk)
		}
		if inFiles {
			p.Files = append(p.Files, File{Path: rel, Size: res.size, SHA256: res.sum, Mode: e.mode, Namespace: res.namespace, open: e.open})
			for _, d := range parents(rel) {
				dirs[d] = true
			}
		}
	}
	slices.SortFunc(p.Files, func(a, b File) int { return strings.Compare(a.Path, b.Path) })
	for d := range dirs {
		p.Dirs = append(p.Dirs, d)
	}
	slices.Sort(p.Dirs)
	for i, m := range metas {
		p.Install.add(metaKinds[i], m)
	}
	p.Layout = detectLayout(rk, p.Files)
	p.closer = closer
	return p, nil
}

// underRoot returns name relative to the files root and whether it is
// inside it (the root folder itself is not).
func underRoot(name, filesRoot string, rk RootKind) (string, bool) {
	if rk == RootNone {
		return "", false
	}
	rel, ok := strings.CutPrefix(name, filesRoot)
	return rel, ok && rel != ""
}

func rootLabel(filesRoot string, rk RootKind) string {
	if rk == RootNone {
		return "(the package has no files)"
	}
	if filesRoot == "" {
		return "(the archive root)"
	}
	return filesRoot
}

// metaKindOf says whether name is one of the install.* files.
func metaKindOf(name, pkgRoot, filesRoot string, rk RootKind) metaKind {
	switch name {
	case pkgRoot + "install.xml":
		return metaXML
	case pkgRoot + "install.sql":
		return metaSQL
	case pkgRoot + "install.php":
		return metaPHP
	case pkgRoot + "install.json":
		return metaJSON
	}
	// oc@4.1.0.4:upload/admin/controller/marketplace/installer.php:
	// substr($source, 0, 6) == 'ocmod/' && substr($source, -10) == '.ocmod.xml'.
	if rel, ok := strings.CutPrefix(name, filesRoot); ok && rk == RootManifest &&
		strings.HasPrefix(rel, "ocmod/") && strings.HasSuffix(rel, ".ocmod.xml") {
		return metaOCMOD4
	}
	return metaNone
}

func (in *Install) add(k metaKind, m MetaFile) {
	switch k {
	case metaXML:
		in.XML = parseOCMOD(m)
	case metaSQL:
		in.SQL = parseSQL(m)
	case metaPHP:
		in.PHP = &m
	case metaJSON:
		in.JSON = parseManifest(m)
	case metaOCMOD4:
		in.OCMOD = append(in.OCMOD, parseOCMOD(m))
	}
}

// reader inflates entries under the limits.
type reader struct {
	lim       Limits
	remaining int64 // bytes still allowed in all
	zip       bool
	buf       []byte
}

type readResult struct {
	size      int64
	sum       [sha256.Size]byte
	data      []byte // kept for install.* files
	tooLarge  bool   // data not kept: above MaxMetaSize
	namespace string
}

// headSize is how much of a .php file is searched for its namespace.
const headSize = 8 << 10

var phpNamespace = regexp.MustCompile(`(?m)^\s*namespace\s+([A-Za-z_\\][A-Za-z0-9_\\]*)\s*[;{]`)

// read inflates one entry, stopping one byte past what the limits allow
// so that a lying header cannot make it read (or allocate) more.
func (r *reader) read(e entry, keep, php bool) (readResult, error) {
	var res readResult
	rc, err := e.open()
	if err != nil {
		return res, r.fail(e, err)
	}
	defer rc.Close()
	fileCap := r.lim.fileCap(e.csize)
	limit := min(fileCap, r.remaining)
	h := sha256.New()
	w := []io.Writer{h}
	var head, data limitedBuffer
	if php {
		head.max = headSize
		w = append(w, &head)
	}
	if keep {
		data.max = r.lim.MaxMetaSize
		w = append(w, &data)
	}
	if r.buf == nil {
		r.buf = make([]byte, 64<<10)
	}
	n, err := io.CopyBuffer(io.MultiWriter(w...), io.LimitReader(rc, limit+1), r.buf)
	if n > limit {
		if n > fileCap && e.csize >= 0 {
			return res, refuse(ReasonRatio, e.raw, "inflates past %d bytes from %d (more than %.0f:1)", fileCap, e.csize, r.lim.MaxRatio)
		}
		return res, refuse(ReasonTooLarge, e.raw, "more than %d bytes in all", r.lim.MaxTotalSize)
	}
	if err != nil {
		return res, r.fail(e, err)
	}
	r.remaining -= n
	res.size = n
	h.Sum(res.sum[:0])
	if keep {
		if data.over {
			res.tooLarge = true
		} else {
			res.data = append([]byte{}, data.b...) // non-nil even when empty
		}
	}
	if m := phpNamespace.FindSubmatch(head.b); m != nil {
		res.namespace = string(m[1])
	}
	return res, nil
}

// fail turns a read error into a refusal for zips; a folder's I/O errors
// are the machine's, not the package's.
func (r *reader) fail(e entry, err error) error {
	var re *RefusedError
	switch {
	case errors.As(err, &re):
		return err
	case !r.zip:
		return fmt.Errorf("reading %s: %w", e.raw, err)
	case errors.Is(err, zip.ErrAlgorithm):
		return refuse(ReasonUnsupported, e.raw, "%v", err)
	}
	return refuse(ReasonCorrupt, e.raw, "%v", err)
}

// limitedBuffer keeps the first max bytes written to it and notes overflow.
type limitedBuffer struct {
	b    []byte
	max  int64
	over bool
}

func (l *limitedBuffer) Write(p []byte) (int, error) {
	n := len(p) // report all of p written, or io.MultiWriter stops the copy
	room := l.max - int64(len(l.b))
	if int64(len(p)) > room {
		l.over = true
		p = p[:max(room, 0)]
	}
	l.b = append(l.b, p...)
	return n, nil
}
