package integrations

import (
	"strings"
	"testing"
	"time"

	"github.com/ocsetup/ocsetup/installer/store"
)

func TestRegistryRefusesBadProfiles(t *testing.T) {
	for name, c := range map[string]struct {
		profiles []Profile
		want     string
	}{
		"twice":   {[]Profile{OneBox(), OneBox()}, `"onebox" is listed twice`},
		"no ID":   {[]Profile{{Name: "Nameless", Impl: customProfile{}}}, `"Nameless" has no ID`},
		"no Impl": {[]Profile{{ID: "empty"}}, `"empty" has no Impl`},
	} {
		if _, err := NewRegistry(c.profiles...); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", name, err, c.want)
		}
	}
	if _, err := Builtin().With(Custom()); err == nil {
		t.Error("With accepted a second custom profile")
	}
}

func TestBuiltinDeclarations(t *testing.T) {
	reg := Builtin()
	if got := strings.Join(reg.IDs(), " "); got != "amazon_ps latitudepay despatch_cloud onebox custom" {
		t.Fatalf("built-ins %s", got)
	}
	ext := map[string]string{"amazon_ps": "payment/amazon_ps", "latitudepay": "payment/latitudepay", "despatch_cloud": "module/despatch_cloud", "onebox": "", "custom": ""}
	for id, want := range ext {
		p, _ := reg.ByID(id)
		got := ""
		if e := p.Extension(); e != nil {
			got = e.Type + "/" + e.Code
		}
		if got != want {
			t.Errorf("%s installs %q, want %q", id, got, want)
		}
	}
	c := SyncContext{Store: store.Store{Root: "/shop", Line: store.Line30, Version: "3.0.3.8"}, StoreURL: "https://shop.example.com/"}
	ob, _ := reg.ByID("onebox")
	spec := ob.Sync(c)
	if spec.LogPath != "/shop/catalog/onebox/log.txt" || len(spec.Jobs) != 1 || spec.Jobs[0].Name != "onebox-cron" || spec.Jobs[0].Period != time.Hour {
		t.Errorf("onebox sync %+v", spec)
	}
	for _, id := range []string{"latitudepay", "despatch_cloud", "custom"} {
		p, _ := reg.ByID(id)
		if s := p.Sync(c); s.Log != nil || len(s.Jobs) != 0 || p.Needs().Sync {
			t.Errorf("%s syncs %+v", id, s)
		}
	}
	aps, _ := reg.ByID("amazon_ps")
	c.Settings = Values{"check_status_cron_duration": "30"}
	if j := aps.Sync(c).Jobs; len(j) != 1 || j[0].Period != 30*time.Minute {
		t.Errorf("aps jobs %+v", j)
	}
}
