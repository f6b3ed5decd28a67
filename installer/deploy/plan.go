package deploy

import (
	"context"
	"errors"
	"io/fs"
	"slices"
	"sort"
	"strings"

	"github.com/ocsetup/ocsetup/installer/msg"
	"github.com/ocsetup/ocsetup/installer/pkg"
)

// Status is what a plan will do with one package file.
type Status string

// Statuses.
const (
	StatusNew       Status = "new"       // not on the server: sent
	StatusChanged   Status = "changed"   // on the server with other (or unknown) content: backed up, sent
	StatusIdentical Status = "identical" // on the server with the same size and hash: not sent
	StatusSkipped   Status = "skipped"   // not for this store (pkg.Map or a fix): not sent
	StatusRemove    Status = "remove"    // a server file a fix removes, after a backup
)

// PlannedFile is one line of a plan.
type PlannedFile struct {
	Path   string   `json:"path"`             // relative to the store root
	Source string   `json:"source,omitempty"` // the package path
	Status Status   `json:"status"`
	Why    string   `json:"why,omitempty"`
	New    *Content `json:"new,omitempty"`
	Old    *Content `json:"old,omitempty"`
	// WhyMsg is Why as a message, for the user's language.
	WhyMsg msg.Msg `json:"-"`
}

// because sets the file's reason, in English and as a message.
func (f *PlannedFile) because(m msg.Msg) { f.Why, f.WhyMsg = m.English(), m }

// Comparison says how identical files were told.
type Comparison string

// Comparisons.
const (
	// CompareServerHash: sha256sum ran on the server (SFTP with a shell).
	CompareServerHash Comparison = "size and SHA-256 computed on the server"
	// CompareManifest: same size, and the content a previous install of
	// ocsetup recorded is the package's (FTP, or SFTP without a shell).
	CompareManifest Comparison = "size on the server and SHA-256 from the previous install's manifest"
)

// Msg is the comparison in words, as a message.
func (c Comparison) Msg() msg.Msg {
	switch c {
	case CompareServerHash:
		return msg.New("deploy.compared.server_hash")
	case CompareManifest:
		return msg.New("deploy.compared.manifest")
	}
	return msg.Msg{Key: "deploy.compared.other", Own: string(c)}
}

// FixID names a fix a plan can apply.
type FixID string

// Fixes.
const (
	// FixHiddenPages answers pkg.WarnHiddenPage (the 1.5/2.0 folder trap):
	// the package's files in admin/controller/extension/<type>/ are not
	// uploaded, and such folders already on the server are backed up and
	// removed, as the vendors' guides say (docs/opencart.md §6).
	FixHiddenPages FixID = "hidden-extensions-page"
)

// PlanOptions choose fixes.
type PlanOptions struct {
	Fixes []FixID
}

// Plan is what an upload would do; nothing has changed yet.
type Plan struct {
	Store   Store         `json:"store"`
	Package PackageInfo   `json:"package"`
	Line    string        `json:"line"`
	Code    string        `json:"code,omitempty"` // the OpenCart 4 extension folder
	Files   []PlannedFile `json:"files"`
	// Folders to create, parents first.
	Folders []string `json:"folders"`
	// RemoveFolders are removed by a fix, deepest first.
	RemoveFolders []string       `json:"remove_folders,omitempty"`
	Counts        map[Status]int `json:"counts"`
	// Bytes to send.
	Bytes int64 `json:"bytes"`
	// Compared says how "identical" was decided.
	Compared   Comparison    `json:"compared"`
	Warnings   []pkg.Warning `json:"warnings,omitempty"`
	Steps      []pkg.Step    `json:"steps,omitempty"`
	Fixes      []string      `json:"fixes,omitempty"`       // applied, in plain words
	FixOffered []FixID       `json:"fix_offered,omitempty"` // available, not applied
	// FixMsgs are Fixes as messages, for the user's language.
	FixMsgs []msg.Msg `json:"-"`
}

// Plan reads the store and says what uploading p would do. It changes
// nothing.
func (e *Engine) Plan(ctx context.Context, p *pkg.Package, opts PlanOptions) (*Plan, error) {
	if err := e.check(); err != nil {
		return nil, err
	}
	m, err := pkg.Map(p, pkg.Target{Version: e.Store.Version, AdminDir: e.Store.AdminDir})
	if err != nil {
		return nil, err
	}
	pl := &Plan{Store: e.Store, Package: Describe(p), Line: m.Line.String(), Code: m.Code,
		Warnings: m.Warnings, Steps: m.Steps, Counts: map[Status]int{}}
	for _, s := range m.Skipped {
		pl.Files = append(pl.Files, PlannedFile{Path: s.Path, Source: s.Path, Status: StatusSkipped, Why: s.Why, WhyMsg: s.WhyMsg})
	}

	// The trap fix decides which files are left out and which server
	// folders go, before the server is read.
	trap := trapFolders(m)
	fix := slices.Contains(opts.Fixes, FixHiddenPages)
	if len(trap) > 0 && !fix {
		pl.FixOffered = append(pl.FixOffered, FixHiddenPages)
	}
	mapped := m.Files
	dirs := m.Dirs
	if fix && len(trap) > 0 {
		mapped, dirs = nil, nil
		for _, f := range m.Files {
			if inAny(f.To, trap) {
				pf := PlannedFile{Path: f.To, Source: f.File.Path, Status: StatusSkipped, New: contentOf(f.File)}
				pf.because(msg.New("deploy.why.trap_left_out", "Line", pl.Line))
				pl.Files = append(pl.Files, pf)
				continue
			}
			mapped = append(mapped, f)
		}
		for _, d := range m.Dirs {
			if !inAny(d, trap) {
				dirs = append(dirs, d)
			}
		}
	}

	want := slices.Clone(dirs)
	if fix {
		want = append(want, trap...)
	}
	// Only the trap fix needs whole subtrees (level by level); otherwise
	// every wanted folder is listed at once.
	var whole func(rel string) bool
	if fix {
		whole = func(rel string) bool { return inAny(rel, trap) }
	}
	tr, err := scan(ctx, e.Files, e.Store, want, whole)
	if err != nil {
		return nil, msg.Wrap(err, "error.deploy.read_folders")
	}

	if fix {
		for _, t := range trap {
			if !tr.dirs[t] {
				continue
			}
			fx := msg.New("deploy.fix.trap", "Folder", t, "Line", pl.Line)
			pl.Fixes, pl.FixMsgs = append(pl.Fixes, fx.English()), append(pl.FixMsgs, fx)
			var folders []string
			for rel, fi := range tr.files {
				switch {
				case !under(rel, t) || rel == t:
				case fi.IsDir():
					folders = append(folders, rel)
				default:
					pf := PlannedFile{Path: rel, Status: StatusRemove, Old: &Content{Size: fi.Size}}
					pf.because(msg.New("deploy.why.trap_removed"))
					pl.Files = append(pl.Files, pf)
				}
			}
			folders = append(folders, t)
			// Deepest first, so each folder is empty when it is removed.
			sort.Slice(folders, func(i, j int) bool {
				if depth(folders[i]) != depth(folders[j]) {
					return depth(folders[i]) > depth(folders[j])
				}
				return folders[i] < folders[j]
			})
			pl.RemoveFolders = append(pl.RemoveFolders, folders...)
		}
	}

	for _, d := range dirs {
		fi, exists := tr.entry(d)
		switch {
		case !exists:
			pl.Folders = append(pl.Folders, d)
		case !fi.IsDir():
			return nil, msg.NewError("error.deploy.file_for_folder", "Path", e.Store.abs(d))
		}
	}

	// Files on the server with the size of the package's need a hash.
	var sameSize []string
	for _, f := range mapped {
		if fi, ok := tr.entry(f.To); ok && !fi.IsDir() && fi.Size == f.File.Size {
			sameSize = append(sameSize, e.Store.abs(f.To))
		}
	}
	hashes, err := serverHashes(ctx, e.Files, sameSize)
	pl.Compared = CompareServerHash
	if errors.Is(err, errNoServerHash) {
		pl.Compared, hashes = CompareManifest, nil
	} else if err != nil {
		return nil, err
	}
	var prev map[string]Content
	if pl.Compared == CompareManifest && len(sameSize) > 0 {
		if prev, err = known(e.DataDir, e.Store); err != nil {
			return nil, err
		}
	}

	for _, f := range mapped {
		nc := contentOf(f.File)
		pf := PlannedFile{Path: f.To, Source: f.File.Path, New: nc}
		fi, exists := tr.entry(f.To)
		switch {
		case !exists:
			pf.Status = StatusNew
		case fi.IsDir():
			return nil, msg.NewError("error.deploy.folder_for_file", "Path", e.Store.abs(f.To))
		case fi.Mode&(fs.ModeSymlink|fs.ModeNamedPipe|fs.ModeSocket|fs.ModeDevice|fs.ModeIrregular) != 0:
			return nil, msg.NewError("error.deploy.special_file", "Path", e.Store.abs(f.To))
		case fi.Size != f.File.Size:
			pf.Status, pf.Old = StatusChanged, &Content{Size: fi.Size}
			pf.because(msg.New("deploy.why.sizes", "Server", fi.Size, "Package", f.File.Size))
		default:
			pf.Old = &Content{Size: fi.Size}
			if h, ok := hashes[e.Store.abs(f.To)]; ok {
				pf.Old.SHA256 = h
				if h == nc.SHA256 {
					pf.Status = StatusIdentical
					pf.because(msg.New("deploy.why.same_hash"))
				} else {
					pf.Status = StatusChanged
					pf.because(msg.New("deploy.why.other_hash"))
				}
			} else if k, ok := prev[f.To]; ok && k.Size == fi.Size && k.SHA256 == nc.SHA256 {
				pf.Status = StatusIdentical
				pf.because(msg.New("deploy.why.recorded"))
				pf.Old.SHA256 = k.SHA256
			} else {
				pf.Status = StatusChanged
				pf.because(msg.New("deploy.why.uncompared"))
			}
		}
		pl.Files = append(pl.Files, pf)
	}
	sort.SliceStable(pl.Files, func(i, j int) bool { return pl.Files[i].Path < pl.Files[j].Path })
	for _, f := range pl.Files {
		pl.Counts[f.Status]++
		if f.Status == StatusNew || f.Status == StatusChanged {
			pl.Bytes += f.New.Size
		}
	}
	return pl, nil
}

// trapFolders are the admin/controller/extension/<type> folders of the
// hidden-page warnings, as store paths.
func trapFolders(m *pkg.Mapping) []string {
	var out []string
	prefix := m.AdminDir + "/controller/extension/"
	for _, w := range m.Warnings {
		if w.Code != pkg.WarnHiddenPage {
			continue
		}
		for _, p := range w.Paths {
			rest, ok := strings.CutPrefix(p, prefix)
			if !ok {
				continue
			}
			typ, _, _ := strings.Cut(rest, "/")
			if d := prefix + typ; !slices.Contains(out, d) {
				out = append(out, d)
			}
		}
	}
	slices.Sort(out)
	return out
}

func inAny(rel string, dirs []string) bool {
	for _, d := range dirs {
		if under(rel, d) {
			return true
		}
	}
	return false
}

// Sends reports whether the plan would change the store at all.
func (pl *Plan) Sends() bool {
	return pl.Counts[StatusNew]+pl.Counts[StatusChanged]+pl.Counts[StatusRemove] > 0 ||
		len(pl.Folders) > 0 || len(pl.RemoveFolders) > 0
}
