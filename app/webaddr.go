package app

import (
	"sync"
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
// the leftovers of dataDir before they are uploaded. inFlight (may be nil)
// holds the paths recorded and not yet forgotten, so that the suite's own
// leftovers check, running alongside, does not count them.
func recordUpload(dataDir string, site remote.Site, inFlight *sync.Map) func(string) (func() error, error) {
	return func(p string) (func() error, error) {
		forget, err := db.RecordUpload(dataDir, site, p, time.Hour)
		if err != nil {
			return nil, err
		}
		if inFlight != nil {
			inFlight.Store(p, true)
		}
		return func() error {
			err := forget()
			if inFlight != nil {
				inFlight.Delete(p)
			}
			return err
		}, nil
	}
}
