package check

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ocsetup/ocsetup/internal/testenv"
)

// TestStorefrontCheckOnRealStores: the PHP-messages check passes on every
// clean real store and fails on every noisy twin, whatever form the
// line's messages take (2.3 and 3.0/4.0 "<b>Unknown</b>:", 4.1
// "<b>Deprecated</b>:").
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
			if r.Status != Fail || !strings.Contains(r.Cause, "PHP messages") || !strings.Contains(r.Fix, "Display Errors") || r.Detail == "" {
				t.Fatalf("noisy %s: %s %q %q %q", v, r.Status, r.Cause, r.Fix, r.Detail)
			}
		})
	}
}
