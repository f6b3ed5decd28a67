package app

import "github.com/ocsetup/ocsetup/installer/db"

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
