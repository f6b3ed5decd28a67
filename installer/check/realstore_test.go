package check

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ocsetup/ocsetup/internal/testenv"
)

// TestStorefrontCheckOnRealStores: the PHP-messages check passes on every
// clean real store and warns on every noisy twin (deprecations), whatever
// form the line's messages take (2.3 and 3.0/4.0 "<b>Unknown</b>:", 4.1
// "<b>Deprecated</b>:"); a PHP warning in the page fails it.
func TestStorefrontCheckOnRealStores(t *testing.T) {
	env := testenv.Get(t)
	for _, v := range testenv.RealVersions {
		t.Run(v, func(t *testing.T) {
			t.Parallel()
			rs := env.Store(t, v)
			run := func() Result {
				ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
				defer cancel()
				_, st := suite(&Setup{StoreURL: rs.URL})
				return st.storefront(ctx)
			}
			if r := run(); r.Status != Pass {
				t.Fatalf("clean %s: %s %s %s", v, r.Status, r.Cause, r.Detail)
			}
			env.MakeNoisy(t, rs)
			r := run()
			if r.Status != Warn || !strings.Contains(r.Cause, "PHP messages") || !strings.Contains(r.Fix, "Display Errors") || r.Detail == "" {
				t.Fatalf("noisy %s: %s %q %q %q", v, r.Status, r.Cause, r.Fix, r.Detail)
			}
			// A warning, as a module passing an array where a string goes
			// makes (here on purpose, into the noise module's handler).
			noise := "catalog/controller/extension/module/ocnoise.php"
			if rs.Line != "2.3" && rs.Line != "3.0" {
				noise = "extension/ocnoise/catalog/controller/module/ocnoise.php"
			}
			if rs.Line != "2.3" {
				p := filepath.Join(rs.Root, filepath.FromSlash(noise))
				b, err := os.ReadFile(p)
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, []byte(strings.Replace(string(b), "strlen(null)", "strlen(null) + (int)(string)array()", 1)), 0o644); err != nil {
					t.Fatal(err)
				}
				if r := run(); r.Status != Fail || !strings.Contains(r.Detail, "Warning") {
					t.Fatalf("a PHP warning in %s's page: %s %q", v, r.Status, r.Detail)
				}
			}
		})
	}
}
