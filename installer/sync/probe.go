package sync

import (
	"context"
	"fmt"
	"io"
	"net/http"
)

// HTTPProbe checks that the storefront answers: a network error or an
// HTTP 5xx is "down". Other statuses mean PHP and the web server work,
// which is what the alert is about.
func HTTPProbe(client *http.Client, url string) func(ctx context.Context) error {
	if client == nil {
		client = http.DefaultClient
	}
	return func(ctx context.Context) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return err
		}
		req.Header.Set("User-Agent", "ocsetup-sync")
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
		if resp.StatusCode >= 500 {
			return fmt.Errorf("%s answered HTTP %s", url, resp.Status)
		}
		return nil
	}
}
