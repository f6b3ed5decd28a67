package db

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// TestSecretMasked: no fmt verb and no JSON encoding shows the password,
// on its own or inside a struct; Reveal does.
func TestSecretMasked(t *testing.T) {
	const pw = `p'w\d@:/s3cret`
	s := NewSecret(pw)
	holder := struct {
		Name     string
		Password Secret
	}{"x", s}
	var outs []string
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%10s", "%-8v"} {
		outs = append(outs, fmt.Sprintf(verb, s), fmt.Sprintf(verb, holder), fmt.Sprintf(verb, &holder))
	}
	js, _ := json.Marshal(holder)
	outs = append(outs, string(js))
	for _, o := range outs {
		if strings.Contains(o, "s3cret") || strings.Contains(o, fmt.Sprintf("%x", pw)) || strings.Contains(o, fmt.Sprintf("%X", pw)) {
			t.Errorf("the password shows: %s", o)
		}
	}
	if s.Reveal() != pw || !s.IsSet() || s.String() != "********" || NewSecret("").String() != "" {
		t.Error("Reveal, IsSet or String is wrong")
	}
}
