package pkg

import (
	"fmt"
	"strings"
)

// StepAction says what a line's own installer does with an install.* file.
type StepAction string

// Step actions.
const (
	StepRun     = StepAction("run")     // the installer acts on it
	StepIgnored = StepAction("ignored") // the installer does not read it
	StepMissing = StepAction("missing") // required on this line, absent
	StepInvalid = StepAction("invalid") // present, but the installer fails on it
	StepManual  = StepAction("manual")  // the line has no installer for it; someone must do it by hand
)

// Step is what happens to one install.* file on one line.
type Step struct {
	File    string // archive name, or "install.json" when missing
	Action  StepAction
	Message string
	Notes   []string // details: problems found, tables, destructive statements
}

// InstallSteps reports what OpenCart's own installer on line l would do
// with each install.* file (docs/opencart.md §6, checked against the sources
// cited below): 2.x runs install.sql, install.xml and install.php; 3.x reads
// only install.xml; 4.0 requires install.json and has no OCMOD; 4.1 adds
// ocmod/*.ocmod.xml; 1.5 has no installer at all.
func (p *Package) InstallSteps(l Line) []Step {
	in := p.Install
	var steps []Step
	copied := p.RootKind == RootManifest // 4.x copies root files as plain files
	if in.XML != nil {
		steps = append(steps, xmlStep(in.XML, l, copied))
	}
	if in.SQL != nil {
		steps = append(steps, sqlStep(in.SQL, l, copied))
	}
	if in.PHP != nil {
		steps = append(steps, phpStep(in.PHP, l, copied))
	}
	if in.JSON != nil || l.AtLeast(4, 0) {
		steps = append(steps, jsonStep(in.JSON, l))
	}
	for _, o := range in.OCMOD {
		steps = append(steps, ocmod4Step(o, l))
	}
	return steps
}

func xmlStep(o *OCMOD, l Line, copied bool) Step {
	s := Step{File: o.Path}
	switch {
	case !l.AtLeast(2, 0) && o.VQmod:
		s.Action, s.Message = StepManual, "a vQmod script: OpenCart 1.5 has no installer; it works only where vQmod is installed, copied into vqmod/xml/"
	case !l.AtLeast(2, 0):
		s.Action, s.Message = StepIgnored, "OCMOD needs OpenCart 2.0 or later; 1.5 does not read it"
	case l.AtLeast(4, 0):
		s.Action = StepIgnored
		s.Message = "OpenCart 4 does not read install.xml (4.0 has no OCMOD; 4.1 reads only ocmod/*.ocmod.xml)"
		if copied {
			s.Message += "; it is copied into the extension folder as a plain file"
		}
	case o.Err != nil:
		s.Action, s.Message = StepInvalid, "the XML cannot be read ("+o.Err.Error()+"); the installer stops with an error"
	case o.VQmod:
		s.Action, s.Message = StepInvalid, "a vQmod script, not OCMOD: it has no <code>, so the installer stops with an error"
	case o.Code == "":
		// oc@2.0.3.1 …/extension/installer.php and oc@3.0.3.8 …/marketplace/install.php: error_code.
		s.Action, s.Message = StepInvalid, "has no <code>; the installer stops with an error"
	case l.AtLeast(3, 0):
		// oc@3.0.3.8:upload/admin/controller/marketplace/install.php xml(): deleteModification, then add.
		s.Action = StepRun
		s.Message = fmt.Sprintf("added to Extensions > Modifications as %q, replacing an older one with that code; it takes effect after Refresh", o.Code)
	default:
		// oc@2.0.3.1:upload/admin/controller/extension/installer.php xml(): error_exists.
		s.Action = StepRun
		s.Message = fmt.Sprintf("added to Extensions > Modifications as %q (the installer fails if that code is already installed); it takes effect after Refresh", o.Code)
	}
	if len(o.Modifies) > 0 && s.Action == StepRun {
		s.Notes = append(s.Notes, "modifies "+strings.Join(o.Modifies, ", "))
	}
	return s
}

func sqlStep(q *SQLScript, l Line, copied bool) Step {
	s := Step{File: q.Path}
	switch {
	case !l.AtLeast(2, 0):
		s.Action, s.Message = StepManual, "OpenCart 1.5 has no installer; the statements must be run by hand, with oc_ replaced by the store's table prefix"
	case l.AtLeast(3, 0):
		s.Action = StepIgnored
		s.Message = fmt.Sprintf("OpenCart %s ignores install.sql; the extension's own install() must create what it needs", l)
		if copied {
			s.Message += "; it is copied into the extension folder as a plain file"
		}
		return s
	default:
		s.Action = StepRun
		s.Message = fmt.Sprintf("%d statement(s) run one by one, with \" `oc_\" replaced by the store's table prefix", len(q.Statements))
	}
	if len(q.Tables) > 0 {
		s.Notes = append(s.Notes, "tables: "+strings.Join(q.Tables, ", "))
	}
	if len(q.FixedTables) > 0 {
		s.Notes = append(s.Notes, "keep the literal oc_ prefix whatever the store's prefix (not written as \" `oc_…`\"): "+strings.Join(q.FixedTables, ", "))
	}
	for _, d := range q.Destructive {
		s.Notes = append(s.Notes, "destructive: "+d)
	}
	s.Notes = append(s.Notes, q.Problems...)
	return s
}

func phpStep(m *MetaFile, l Line, copied bool) Step {
	s := Step{File: m.Path}
	switch {
	case !l.AtLeast(2, 0):
		s.Action, s.Message = StepManual, "OpenCart 1.5 has no installer to run it; read it and do what it does by hand"
	case l.AtLeast(3, 0):
		s.Action, s.Message = StepIgnored, fmt.Sprintf("OpenCart %s ignores install.php", l)
		if copied {
			s.Message += "; it is copied into the extension folder as a plain file and never run"
		}
	default:
		// oc@2.0.3.1:upload/admin/controller/extension/installer.php php(): include($file).
		s.Action, s.Message = StepRun, "the installer runs it inside the admin (include); uploading files by FTP does not"
	}
	return s
}

func jsonStep(j *Manifest, l Line) Step {
	if j == nil {
		return Step{File: "install.json", Action: StepMissing,
			Message: "OpenCart 4 requires install.json at the root of the .ocmod.zip (\"Could not find install.json!\")"}
	}
	s := Step{File: j.Path}
	if !l.AtLeast(4, 0) {
		s.Action, s.Message = StepIgnored, fmt.Sprintf("OpenCart %s does not read install.json", l)
		return s
	}
	fatal, notes := j.Check(l)
	if len(fatal) > 0 {
		s.Action, s.Message, s.Notes = StepInvalid, "the installer refuses the package", append(fatal, notes...)
		return s
	}
	s.Action = StepRun
	s.Message = fmt.Sprintf("recorded in Extensions > Installer as %q %s by %s", j.Name, j.Version, j.Author)
	s.Notes = notes
	return s
}

func ocmod4Step(o *OCMOD, l Line) Step {
	s := Step{File: o.Path}
	code := strings.TrimSuffix(o.Path[strings.LastIndexByte(o.Path, '/')+1:], ".ocmod.xml")
	switch {
	case !l.AtLeast(4, 1):
		s.Action, s.Message = StepIgnored, fmt.Sprintf("OpenCart %s has no OCMOD; the file is copied into the extension folder and not used", l)
	case o.Err != nil:
		s.Action, s.Message = StepInvalid, "the XML cannot be read ("+o.Err.Error()+")"
	default:
		// oc@4.1.0.4:upload/admin/controller/marketplace/installer.php:
		// $code = basename($source, '.ocmod.xml'); skipped if the code
		// exists; added with 'status' => 0.
		s.Action = StepRun
		s.Message = fmt.Sprintf("added to Extensions > Modifications as %q (named after the file, not <code>), switched off: enable it and press Refresh; "+
			"nothing happens if that code is already installed; the file itself is not copied", code)
		if len(o.Modifies) > 0 {
			s.Notes = append(s.Notes, "modifies "+strings.Join(o.Modifies, ", "))
		}
	}
	return s
}
