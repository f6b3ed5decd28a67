package db

import (
	"errors"
	"strings"
	"testing"

	"github.com/ocsetup/ocsetup/internal/fixture"
	"github.com/ocsetup/ocsetup/internal/testenv"
)

// TestSchemaPrefixes: an empty prefix works; a prefix with a quote is
// refused before anything is sent; a prefix without tables says which
// prefix the database has; a VERSION from another line is a warning.
func TestSchemaPrefixes(t *testing.T) {
	env := testenv.Get(t)
	ts := env.Site(t, testenv.SFTP)
	st := fixture.New(t, env, ts, fixture.Options{Version: "2.2.0.0", NoPrefix: true})
	pool := openPool(t, ts)
	c := readCreds(t, pool, st)
	if c.Prefix != "" {
		t.Fatalf("prefix %q", c.Prefix)
	}
	d, _ := connect(t, pool, c, Options{Routes: []Route{RouteDirect}})
	s, err := d.Schema(ctxT(t))
	if err != nil || !s.Has("setting") || s.Line() != "2.2" || len(s.Check("2.2.0.0")) != 0 {
		t.Fatalf("empty prefix: %+v, %v", s, err)
	}
	if w := s.Check("2.3.0.2"); len(w) != 1 || w[0].Code != "schema-mismatch" || !strings.Contains(w[0].Message, "2.2 line") {
		t.Errorf("mismatch: %v", w)
	}

	c.Prefix = "xx_"
	other, _ := connect(t, pool, c, Options{Routes: []Route{RouteDirect}})
	s, err = other.Schema(ctxT(t))
	if err != nil || len(s.Tables) != 0 || s.Line() != "" {
		t.Fatalf("wrong prefix: %+v, %v", s, err)
	}
	if w := s.Check("2.2.0.0"); len(w) != 1 || w[0].Code != "schema-no-tables" || !strings.Contains(w[0].Message, `""`) {
		t.Errorf("wrong prefix: %v", w)
	}

	// The check comes before any statement: on a closed connection a
	// query would fail differently.
	for _, bad := range []string{"oc'", "oc`", `oc"`, `oc\`, "oc_;", "oc-", "oc ", "ôc_"} {
		c.Prefix = bad
		q, _ := connect(t, pool, c, Options{Routes: []Route{RouteDirect}})
		if err := q.Close(); err != nil {
			t.Fatal(err)
		}
		var pe *PrefixError
		if _, err := q.Schema(ctxT(t)); !errors.As(err, &pe) || !strings.Contains(err.Error(), "ran nothing") {
			t.Errorf("prefix %q: %v", bad, err)
		}
		if _, err := Table(bad, "setting"); !errors.As(err, &pe) {
			t.Errorf("Table with prefix %q: %v", bad, err)
		}
	}
	if name, err := Table("oc_", "setting"); err != nil || name != "`oc_setting`" {
		t.Errorf("Table: %q, %v", name, err)
	}
	if _, err := Table("oc_", "setting`; DROP"); err == nil {
		t.Error("Table accepted a bad table name")
	}
}
