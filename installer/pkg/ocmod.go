package pkg

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// OCMOD is a parsed install.xml or ocmod/*.ocmod.xml.
type OCMOD struct {
	MetaFile
	Name, Code, Version, Author, Link string
	// Modifies lists the <file path="…"> values, split into single paths or
	// globs. 2.0.x separates several paths with ",", later lines with "|"
	// (oc@2.0.3.1 and oc@2.1.0.2:upload/admin/controller/extension/modification.php).
	Modifies []string
	// VQmod is set for a vQmod script (<vqmver>, or <file name="…">), the
	// 1.5-era format; OCMOD installers cannot use it.
	VQmod bool
	// Err is set when the XML could not be parsed. OpenCart's DOMDocument is
	// strict too, so a package with Err set fails there as well.
	Err error
}

type ocmodDoc struct {
	XMLName xml.Name `xml:"modification"`
	Name    string   `xml:"name"`
	Code    string   `xml:"code"`
	ID      string   `xml:"id"` // vQmod's name
	Version string   `xml:"version"`
	Author  string   `xml:"author"`
	Link    string   `xml:"link"`
	VQMVer  string   `xml:"vqmver"`
	Files   []struct {
		Path string `xml:"path,attr"`
		Name string `xml:"name,attr"` // vQmod
	} `xml:"file"`
}

func parseOCMOD(m MetaFile) *OCMOD {
	o := &OCMOD{MetaFile: m}
	if m.TooLarge {
		o.Err = fmt.Errorf("%d bytes, too large to inspect", m.Size)
		return o
	}
	var doc ocmodDoc
	dec := xml.NewDecoder(bytes.NewReader(m.Data))
	dec.CharsetReader = charsetReader
	if err := dec.Decode(&doc); err != nil {
		o.Err = err
		return o
	}
	o.Name, o.Code = strings.TrimSpace(doc.Name), strings.TrimSpace(doc.Code)
	o.Version, o.Author, o.Link = strings.TrimSpace(doc.Version), strings.TrimSpace(doc.Author), strings.TrimSpace(doc.Link)
	o.VQmod = doc.VQMVer != "" || doc.ID != "" && doc.Code == ""
	if o.Name == "" && o.VQmod {
		o.Name = strings.TrimSpace(doc.ID)
	}
	for _, f := range doc.Files {
		p := f.Path
		if p == "" && f.Name != "" {
			o.VQmod, p = true, f.Name
		}
		for _, one := range strings.FieldsFunc(p, func(r rune) bool { return r == '|' || r == ',' }) {
			if one = strings.TrimSpace(one); one != "" {
				o.Modifies = append(o.Modifies, one)
			}
		}
	}
	return o
}

// charsetReader accepts the encodings OCMOD files declare in practice:
// UTF-8 and ISO-8859-1 / windows-1252 (read as Latin-1).
func charsetReader(label string, in io.Reader) (io.Reader, error) {
	switch strings.ToLower(label) {
	case "utf-8", "utf8":
		return in, nil
	case "iso-8859-1", "latin1", "latin-1", "windows-1252", "cp1252":
		b, err := io.ReadAll(in)
		if err != nil {
			return nil, err
		}
		var out []byte
		for _, c := range b {
			out = utf8.AppendRune(out, rune(c))
		}
		return bytes.NewReader(out), nil
	}
	return nil, fmt.Errorf("unsupported XML encoding %q", label)
}
