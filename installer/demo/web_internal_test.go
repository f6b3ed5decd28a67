package demo

import (
	"context"
	"errors"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/ocsetup/ocsetup/installer/storefront"
)

func TestPHPBuildQuery(t *testing.T) {
	for body, want := range map[string]string{
		"":                        "",
		"a=1&b=two+words":         "a=1&b=two+words",
		"k=a%7Eb&x=%2F%3F":        "k=a%7Eb&x=%2F%3F",
		"k=a~b":                   "k=a%7Eb", // PHP escapes the tilde
		"z=1&a=2":                 "z=1&a=2", // the order of the post
		"bad=%zz&ok=1":            "ok=1",
		"name=J%C3%BCrgen&e=&f=3": "name=J%C3%BCrgen&e=&f=3",
	} {
		if got := phpBuildQuery(body); got != want {
			t.Errorf("phpBuildQuery(%q) = %q, want %q", body, got, want)
		}
	}
}

func TestPHPInt(t *testing.T) {
	for s, want := range map[string]int64{"12": 12, "12abc": 12, " -5": -5, "+7": 7, "abc": 0, "": 0, "-": 0} {
		if got := phpInt(s); got != want {
			t.Errorf("phpInt(%q) = %d, want %d", s, got, want)
		}
	}
}

// TestSignatureWindow: 4.1 accepts a call whose time is at most 450 s off
// (startup/api.php). The cases keep a second clear of the edge on both
// sides, as the client's and the server's clocks are read a moment apart.
func TestSignatureWindow(t *testing.T) {
	ctx := context.Background()
	d, err := Start(ctx, Options{Line: "4.1", TempDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	key := "k" + d.site.Password + d.site.Password + d.site.Password // 79 characters
	if err := d.storeDB.exec(ctx, "INSERT INTO "+d.storeDB.table("api")+" SET api_id = 7, username = 'signer', `key` = ?, status = 1, date_added = NOW(), date_modified = NOW()", key); err != nil {
		t.Fatal(err)
	}
	if err := d.storeDB.exec(ctx, "INSERT INTO "+d.storeDB.table("api_ip")+" SET api_id = 7, ip = '127.0.0.1'"); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		skew time.Duration
		ok   bool
	}{{0, true}, {449 * time.Second, true}, {-449 * time.Second, true}, {452 * time.Second, false}, {-452 * time.Second, false}} {
		w := &web{version: d.version, line: d.line, adminDir: "admin", db: d.storeDB,
			now: func() time.Time { return time.Now().Add(c.skew) }}
		srv := httptest.NewServer(w)
		err := storefront.New(srv.URL).SignedCall(ctx, "signer", key, "api/order", "confirm", nil)
		srv.Close()
		var le *storefront.LoginError
		switch {
		case c.ok && err != nil:
			t.Errorf("clock %v off: %v", c.skew, err)
		case !c.ok && !errors.As(err, &le):
			t.Errorf("clock %v off was accepted: %v", c.skew, err)
		}
	}
}
