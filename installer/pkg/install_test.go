package pkg

import (
	"slices"
	"strings"
	"testing"
)

func sqlOf(text string) *SQLScript {
	return parseSQL(MetaFile{Path: "install.sql", Data: []byte(text), Size: int64(len(text))})
}

func TestParseSQL(t *testing.T) {
	s := sqlOf(installSQL)
	if len(s.Statements) != 3 {
		t.Fatalf("statements = %q", s.Statements)
	}
	equal(t, "tables", s.Tables, []string{"oc_foo_order", "oc_setting", "oc_foo_old"})
	equal(t, "prefixed", s.PrefixedTables, []string{"oc_foo_order", "oc_setting"})
	equal(t, "fixed", s.FixedTables, []string{"oc_foo_old"})
	if !s.UsesPrefix || len(s.Destructive) != 1 || !strings.HasPrefix(s.Destructive[0], "DROP TABLE") {
		t.Errorf("uses prefix %v, destructive %q", s.UsesPrefix, s.Destructive)
	}
	if len(s.Problems) != 0 {
		t.Errorf("problems: %q", s.Problems)
	}
	got := s.ForPrefix("shop_")
	if !strings.Contains(got[0], "CREATE TABLE IF NOT EXISTS `shop_foo_order`") || !strings.Contains(got[2], "oc_foo_old") {
		t.Errorf("ForPrefix = %q", got)
	}
}

func TestParseSQLLikeOpenCart(t *testing.T) {
	cases := []struct {
		name       string
		text       string
		statements int
		problem    string
		tables     []string
	}{
		{"comments skipped", "# a\n-- b\nSELECT 1;\n", 1, "", nil},
		// OpenCart only skips comment lines that start in column 1.
		{"indented comment kept", "  -- c\nSELECT 1;\n", 1, "", nil},
		{"unterminated tail", "SELECT 1;\nINSERT INTO `oc_x` VALUES (1)\n", 1, "does not end with", nil},
		{"two on a line", "INSERT INTO `oc_a` VALUES (1); INSERT INTO `oc_b` VALUES (2);\n", 1, "more than one statement", []string{"oc_a"}},
		{"semicolon in a string", "INSERT INTO `oc_a` VALUES ('x; y');\n", 1, "", []string{"oc_a"}},
		{"byte-order mark", "\ufeffSELECT 1;\n", 1, "byte-order mark", nil},
		{"CRLF", "CREATE TABLE `oc_a` (id int);\r\nCREATE TABLE `oc_b` (id int)  ;  \r\n", 2, "", []string{"oc_a", "oc_b"}},
		{"newline before name", "ALTER TABLE\n`oc_a` ADD x int;\n", 1, "", []string{"oc_a"}},
		{"update, delete, replace", "UPDATE `oc_a` SET x=1;\nDELETE FROM `oc_b`;\nREPLACE INTO foo VALUES (1);\n", 3, "", []string{"oc_a", "oc_b", "foo"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := sqlOf(c.text)
			if len(s.Statements) != c.statements {
				t.Errorf("statements = %q", s.Statements)
			}
			joined := strings.Join(s.Problems, "|")
			if c.problem == "" && joined != "" || !strings.Contains(joined, c.problem) {
				t.Errorf("problems = %q, want %q", s.Problems, c.problem)
			}
			if c.tables != nil {
				equal(t, "tables", s.Tables, c.tables)
			}
		})
	}
	// "\n`oc_" is not rewritten by OpenCart: the table keeps oc_.
	if s := sqlOf("ALTER TABLE\n`oc_a` ADD x int;\n"); !slices.Equal(s.FixedTables, []string{"oc_a"}) {
		t.Errorf("fixed = %q", s.FixedTables)
	}
}

func TestManifestCheck(t *testing.T) {
	l40, _ := ParseLine("4.0.2.3")
	l41, _ := ParseLine("4.1.0.4")
	l30, _ := ParseLine("3.0.3.8")
	mk := func(s string) *Manifest { return parseManifest(MetaFile{Path: "install.json", Data: []byte(s)}) }

	if fatal, notes := mk(manifestJSON).Check(l40); len(fatal)+len(notes) != 0 {
		t.Errorf("good manifest: %q %q", fatal, notes)
	}
	// "0" is empty to PHP; a number is fine.
	j := mk(`{"name": "Foo", "version": 1.5, "author": "0", "link": "x"}`)
	fatal, notes := j.Check(l40)
	if j.Version != "1.5" || len(fatal) != 1 || !strings.Contains(fatal[0], `"author"`) {
		t.Errorf("4.0: version %q, fatal %q", j.Version, fatal)
	}
	if !slices.ContainsFunc(notes, func(s string) bool { return strings.Contains(s, `"link" is 1 characters`) }) {
		t.Errorf("4.0 notes %q", notes)
	}
	// 4.1 fills missing keys with '' and carries on.
	if fatal, _ := j.Check(l41); len(fatal) != 0 {
		t.Errorf("4.1 fatal %q", fatal)
	}
	if fatal, _ := mk(`[1,2]`).Check(l41); len(fatal) != 1 {
		t.Errorf("array accepted on 4.1")
	}
	if fatal, _ := mk(`{}`).Check(l41); len(fatal) != 1 {
		t.Errorf("empty object accepted on 4.1")
	}
	if fatal, notes := mk(`{}`).Check(l30); fatal != nil || notes != nil {
		t.Error("3.0 should not check install.json")
	}
}

func TestInstallSteps(t *testing.T) {
	withPHP := append(pkg23(), file("install.php", "<?php // install"))
	p := mustOpen(t, "foo.ocmod.zip", withPHP...)
	p4 := mustOpen(t, "foo.ocmod.zip", pkg4()...)
	type want map[string]StepAction
	cases := []struct {
		version string
		p       *Package
		want    want
	}{
		{"1.5.6.4", p, want{"install.xml": StepIgnored, "install.sql": StepManual, "install.php": StepManual}},
		{"2.0.3.1", p, want{"install.xml": StepRun, "install.sql": StepRun, "install.php": StepRun}},
		{"2.3.0.2", p, want{"install.xml": StepRun, "install.sql": StepRun, "install.php": StepRun}},
		{"3.0.3.8", p, want{"install.xml": StepRun, "install.sql": StepIgnored, "install.php": StepIgnored}},
		{"4.0.2.3", p, want{"install.xml": StepIgnored, "install.sql": StepIgnored, "install.php": StepIgnored, "install.json": StepMissing}},
		{"4.0.2.3", p4, want{"install.json": StepRun, "ocmod/foo_cart.ocmod.xml": StepIgnored}},
		{"4.1.0.4", p4, want{"install.json": StepRun, "ocmod/foo_cart.ocmod.xml": StepRun}},
		{"3.0.3.8", p4, want{"install.json": StepIgnored, "ocmod/foo_cart.ocmod.xml": StepIgnored}},
	}
	for _, c := range cases {
		l, err := ParseLine(c.version)
		if err != nil {
			t.Fatal(err)
		}
		got := want{}
		for _, s := range c.p.InstallSteps(l) {
			got[s.File] = s.Action
			if s.Message == "" {
				t.Errorf("%s %s: no message", c.version, s.File)
			}
		}
		if len(got) != len(c.want) {
			t.Errorf("%s: steps %v, want %v", c.version, got, c.want)
		}
		for f, a := range c.want {
			if got[f] != a {
				t.Errorf("%s %s: %q, want %q", c.version, f, got[f], a)
			}
		}
	}
	// A 2.x install.xml without <code> fails there.
	p = mustOpen(t, "x.zip", file("install.xml", "<modification><name>x</name></modification>"), file("upload/system/library/x.php", "<?php"))
	l, _ := ParseLine("2.3.0.2")
	if s := p.InstallSteps(l); len(s) != 1 || s[0].Action != StepInvalid {
		t.Errorf("no <code>: %+v", s)
	}
}

func TestParseLine(t *testing.T) {
	cases := map[string]Line{
		"1.5.6.4": {1, 5, 6, 4}, "2.0.3.1": {2, 0, 3, 1}, "3.0": {3, 0, 0, 0},
		"v4.1.0.4": {4, 1, 0, 4}, "5.0.0.0 Alpha": {5, 0, 0, 0}, " 3.0.3.8 ": {3, 0, 3, 8}, "4.0.2.3-rc": {4, 0, 2, 3},
	}
	for in, want := range cases {
		if got, err := ParseLine(in); err != nil || got != want {
			t.Errorf("ParseLine(%q) = %v, %v", in, got, err)
		}
	}
	for _, bad := range []string{"", "3", "three", "0.9.1", "1.2.3.4.5", "3.x"} {
		if _, err := ParseLine(bad); err == nil {
			t.Errorf("ParseLine(%q) accepted", bad)
		}
	}
}
