package app

import (
	"time"

	"github.com/ocsetup/ocsetup/installer/db"
	"github.com/ocsetup/ocsetup/installer/remote"
)

// preferredStoreURL is the store's address to use for checks and reports:
// HTTPS_SERVER when config.php has one, so that the storefront, the API
// key and the bridge travel encrypted (a certificate that then fails is a
// hard stop, never a reason to fall back to http).
func preferredStoreURL(c *db.Credentials) string {
	if urls := c.StoreURLs(); len(urls) > 0 {
		return urls[0]
	}
	return c.Catalog.HTTPServer
}

// recordUpload records the check suite's temporary files on site among
// the leftovers of dataDir before they are uploaded (the suite's own
// leftovers check does not count them: see earlierLeftovers).
func recordUpload(dataDir string, site remote.Site) func(string) (func() error, error) {
	return func(p string) (func() error, error) {
		return db.RecordUpload(dataDir, site, p, time.Hour)
	}
}
