package webguard

import (
	"net/url"
	"testing"
)

func TestSameOrigin(t *testing.T) {
	for _, c := range []struct {
		from, to string
		ok       bool
	}{
		{"https://shop.test/admin/", "https://shop.test/admin/index.php?route=x", true},
		{"http://shop.test/admin/", "https://shop.test/admin/", true},
		{"http://shop.test:8080/", "https://shop.test:8080/", true},
		{"http://SHOP.test/", "http://shop.TEST:80/x", true},
		{"https://shop.test/", "http://shop.test/", false},
		{"https://shop.test/", "https://evil.test/", false},
		{"https://shop.test/", "https://shop.test:8443/", false},
		{"http://shop.test/", "http://shop.test:8080/", false},
		{"http://shop.test:8080/", "https://shop.test:9443/", false},
		{"http://shop.test/", "ftp://shop.test/", false},
	} {
		from, _ := url.Parse(c.from)
		to, _ := url.Parse(c.to)
		if err := SameOrigin(from, to); (err == nil) != c.ok {
			t.Errorf("%s → %s: %v, want allowed=%v", c.from, c.to, err, c.ok)
		}
	}
}
