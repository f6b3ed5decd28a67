package pkg

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Manifest is a parsed install.json, the descriptor OpenCart 4 requires at
// the root of a .ocmod.zip.
type Manifest struct {
	MetaFile
	Name, Version, Author, Link, Description string
	// Code is install.json's "code", which 4.1 reads but then overrides
	// with the zip's file name; 4.0 ignores it.
	Code string
	// Err is set when the file is not a JSON object, which makes every 4.x
	// installer refuse the package ("Could not find install.json!").
	Err error
}

func parseManifest(m MetaFile) *Manifest {
	j := &Manifest{MetaFile: m}
	if m.TooLarge {
		j.Err = fmt.Errorf("%d bytes, too large to inspect", m.Size)
		return j
	}
	var doc map[string]any
	dec := json.NewDecoder(bytes.NewReader(m.Data))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		j.Err = fmt.Errorf("not a JSON object: %v", err)
		return j
	}
	if len(doc) == 0 {
		// PHP's json_decode gives an empty array, which is false.
		j.Err = fmt.Errorf("an empty JSON object")
		return j
	}
	j.Name, j.Version, j.Author = phpString(doc["name"]), phpString(doc["version"]), phpString(doc["author"])
	j.Link, j.Description, j.Code = phpString(doc["link"]), phpString(doc["description"]), phpString(doc["code"])
	return j
}

// phpString renders a JSON value the way PHP prints it in a string context.
func phpString(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case json.Number:
		return v.String()
	case bool:
		if v {
			return "1"
		}
	}
	return ""
}

// phpEmpty is PHP's !$value for a string: "" and "0" are false.
func phpEmpty(s string) bool { return s == "" || s == "0" }

// Check lists what stops the 4.x installer of line l (fatal) and what only
// looks wrong (notes). Lines before 4.0 do not read install.json.
func (j *Manifest) Check(l Line) (fatal, notes []string) {
	if !l.AtLeast(4, 0) {
		return nil, nil
	}
	if j.Err != nil {
		return []string{"install.json is " + j.Err.Error() + "; OpenCart 4 answers \"Could not find install.json!\""}, nil
	}
	fields := []struct{ key, val string }{
		{"name", j.Name}, {"version", j.Version}, {"author", j.Author}, {"link", j.Link},
	}
	for _, f := range fields {
		n := utf8.RuneCountInString(f.val)
		switch {
		case phpEmpty(f.val) && !l.AtLeast(4, 1):
			// oc@4.0.2.3:upload/admin/controller/marketplace/installer.php
			// upload(): if (!$install_info['name']) … error.
			fatal = append(fatal, fmt.Sprintf("%q is missing or empty; OpenCart %s refuses the package", f.key, l))
		case phpEmpty(f.val):
			// 4.1 fills missing keys with '' and installs anyway.
			notes = append(notes, fmt.Sprintf("%q is missing or empty; Extensions > Installer will show it blank", f.key))
		case n < 3 || n > 128:
			// The 4.0 language file says "must be between 3 and 128
			// characters" but the code only tests for empty.
			notes = append(notes, fmt.Sprintf("%q is %d characters; OpenCart's message asks for 3 to 128", f.key, n))
		}
	}
	if strings.TrimSpace(j.Link) != "" && !strings.Contains(j.Link, "://") {
		notes = append(notes, fmt.Sprintf("link %s is not a full address (http://…)", strconv.Quote(j.Link)))
	}
	return fatal, notes
}
