package integrations

import (
	"testing"

	"github.com/ocsetup/ocsetup/installer/store"
)

func TestNeedsPerIntegration(t *testing.T) {
	aps, _ := ByID("amazon_ps")
	if n := aps.Needs(); n.APIUser || n.ProviderIPs {
		t.Errorf("Amazon Payment Services needs no API user and no provider IPs: %+v", n)
	}
	ob, _ := ByID("onebox")
	if n := ob.Needs(); !n.APIUser || !n.ProviderIPs || n.APIUserName == "" || n.APIUserName == "Default" {
		t.Errorf("OneBox needs its own API user and the provider's IPs: %+v", n)
	}
}

// TestRequiredActionsMarked: what the merchant must paste in the
// provider's portal is marked required.
func TestRequiredActionsMarked(t *testing.T) {
	dc, _ := ByID("despatch_cloud")
	plan, err := dc.Plan(Target{Line: store.Line30, Version: "3.0.3.8", StoreURL: "http://127.0.0.1/shop/"}, Values{})
	if err != nil {
		t.Fatal(err)
	}
	required := 0
	for _, i := range plan.Show {
		if i.Required {
			required++
		}
	}
	if required != 2 {
		t.Fatalf("%d required of %+v", required, plan.Show)
	}
}
