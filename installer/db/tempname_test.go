package db

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"path"
	"strings"
	"testing"

	"github.com/ocsetup/ocsetup/installer/remote"
	"github.com/ocsetup/ocsetup/internal/fixture"
	"github.com/ocsetup/ocsetup/internal/testenv"
)

// TestSecretUploadTempNameNotServed: while a PHP file holding a secret
// (the bridge, OneBox's cron.php) is being uploaded, its temporary name in
// the web root is requested by someone watching: the web server must run
// it as PHP, not hand out its source.
func TestSecretUploadTempNameNotServed(t *testing.T) {
	env := testenv.Get(t)
	ts := env.Site(t, testenv.SFTP)
	st := fixture.New(t, env, ts, fixture.Options{Version: "3.0.3.8"})
	pool := openPool(t, ts)
	const secret = "onebox-key-7f3a9c0d2e"
	for _, name := range []string{"cron.php", bridgePrefix + "0123456789abcdef01234567.php"} {
		tmp := remote.TempName(path.Join(st.Remote, name))
		if !remote.IsTempName(tmp) {
			t.Errorf("IsTempName(%q) = false", tmp)
		}
		err := pool.Do(ctxT(t), func(c remote.Conn) error {
			return c.Store(ctxT(t), tmp, bytes.NewReader([]byte("<?php $key = '"+secret+"';\n")))
		})
		if err != nil {
			t.Fatal(err)
		}
		req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, st.URL+path.Base(tmp), nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if strings.Contains(string(body), secret) {
			t.Errorf("%s: the temporary name %s is served as text with the secret (HTTP %d)", name, path.Base(tmp), resp.StatusCode)
		}
		_ = pool.Do(ctxT(t), func(c remote.Conn) error { return c.Remove(ctxT(t), tmp) })
	}
}
