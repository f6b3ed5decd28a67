package access

import (
	"fmt"
	"io"

	"github.com/ocsetup/ocsetup/installer/msg"
	"github.com/ocsetup/ocsetup/installer/phpconf"
	"github.com/ocsetup/ocsetup/installer/pkg"
)

// ConfigureOneBox returns the package with catalog/onebox/cron.php's $host
// and $apiKey filled in — only those two literals change, every other byte
// stays — so that the file goes through the package's atomic, manifest-
// recorded upload and a rollback restores the old one. Bad values are
// refused before anything is uploaded.
func ConfigureOneBox(p *pkg.Package, host, apiKey string) (*pkg.Package, error) {
	if err := phpconf.ValidateOneBoxHost(host); err != nil {
		return nil, err
	}
	if err := phpconf.ValidateOneBoxAPIKey(apiKey); err != nil {
		return nil, err
	}
	f, ok := p.File(phpconf.OneBoxCronPath)
	if !ok {
		return nil, msg.NewError("error.access.no_connector_file", "Path", phpconf.OneBoxCronPath)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	src, err := io.ReadAll(rc)
	rc.Close()
	if err != nil {
		return nil, err
	}
	out, err := phpconf.SetOneBoxCron(src, host, apiKey)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", phpconf.OneBoxCronPath, err)
	}
	return p.WithContent(phpconf.OneBoxCronPath, out)
}
