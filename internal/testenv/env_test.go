package testenv

import "testing"

func TestChownTreeRefusesOutsideItsFolder(t *testing.T) {
	for _, p := range []string{"/", "/var", "/var/lib/ocsetup-testenv", "/var/lib/ocsetup-testenv/../x", "/tmp/x"} {
		if err := ChownTree(p, 12345, 12345); err == nil {
			t.Errorf("ChownTree(%q) was allowed", p)
		}
	}
}
