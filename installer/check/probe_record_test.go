package check_test

import (
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/ocsetup/ocsetup/installer/check"
	"github.com/ocsetup/ocsetup/internal/testenv"
)

// TestPHPProbeRecordedBeforeUpload: the probe is a file of ours on the
// store; it is recorded (so a crash leaves a record the next start cleans
// up) before it is uploaded, and the record is dropped once it is gone.
func TestPHPProbeRecordedBeforeUpload(t *testing.T) {
	env := testenv.Get(t)
	sc := newScene(t, env, "3.0.3.8")
	var mu sync.Mutex
	var recorded []string
	forgotten := map[string]bool{}
	sc.setup.RecordUpload = func(p string) (func() error, error) {
		mu.Lock()
		defer mu.Unlock()
		if _, err := os.Stat(filepath.Join(sc.st.Local, path.Base(p))); err == nil {
			t.Errorf("%s was on the store before it was recorded", p)
		}
		recorded = append(recorded, p)
		return func() error {
			mu.Lock()
			defer mu.Unlock()
			forgotten[p] = true
			return nil
		}, nil
	}
	res := run(t, sc.setup)
	if r := res["php-probe"]; r.Status != check.Pass {
		t.Fatalf("php-probe: %+v", r)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(recorded) != 1 || !strings.HasPrefix(path.Base(recorded[0]), "ocsetup-probe-") {
		t.Fatalf("recorded %v; want the probe once", recorded)
	}
	if !forgotten[recorded[0]] {
		t.Error("the record was kept after the probe was removed")
	}
	if _, err := os.Stat(filepath.Join(sc.st.Local, path.Base(recorded[0]))); err == nil {
		t.Error("the probe is still on the store")
	}
}
