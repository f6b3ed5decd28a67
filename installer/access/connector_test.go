package access_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ocsetup/ocsetup/installer/access"
	"github.com/ocsetup/ocsetup/installer/deploy"
	"github.com/ocsetup/ocsetup/installer/keygen"
	"github.com/ocsetup/ocsetup/installer/pkg"
	"github.com/ocsetup/ocsetup/internal/fixture"
)

// cronPHP is shaped like OneBox's cron.php head (docs/
// integrations.md §4), with comments, other variables and odd spacing.
const cronPHP = "<?php\r\n// OneBox sync -- change only host and apiKey\r\n$languages = array('ru');\r\n$host    =  '' ; # store url, ends with /\r\n/* $host = 'old'; */\r\n$track = 'catalog/onebox/';\r\n$apiKey='';\r\nif (!file_exists(__DIR__ . '/category.json')) { exit; }\r\n"

func oneboxPackage(t *testing.T) *pkg.Package {
	t.Helper()
	dir := t.TempDir()
	for name, body := range map[string]string{
		"upload/catalog/onebox/cron.php":                 cronPHP,
		"upload/catalog/controller/api/oneboxsync.php":   "<?php class ControllerApiOneboxsync extends Controller {}\n",
		"upload/catalog/model/oneboxsync/oneboxsync.php": "<?php class ModelOneboxsyncOneboxsync extends Model {}\n",
	} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	p, err := pkg.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestOneBoxCronConfiguredAndUploaded: the configured cron.php is what
// lands on the store, and the manifest records it. The channel is not the
// subject: the store is in an in-memory account (remote.Conn's contract,
// checked on every real server by remote's conformance suite).
func TestOneBoxCronConfiguredAndUploaded(t *testing.T) {
	srv, st := fixture.InMemory(t, fixture.Options{Version: "2.3.0.2"})
	key, _ := keygen.Generate(32)
	p, err := access.ConfigureOneBox(oneboxPackage(t), "https://shop.example/", key)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	pool, err := srv.Pool(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	dataDir := t.TempDir()
	e := &deploy.Engine{Files: pool, DataDir: dataDir,
		Store: deploy.Store{Site: pool.Site().String(), Root: st.Remote, Version: st.Version, AdminDir: "admin"}}
	pl, err := e.Plan(ctx, p, deploy.PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	m, err := e.Upload(ctx, pl, p)
	if err != nil {
		t.Fatal(err)
	}
	got, err := srv.ReadFile(st.Remote + "/catalog/onebox/cron.php")
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Replace(strings.Replace(cronPHP, "$host    =  ''", "$host    =  'https://shop.example/'", 1), "$apiKey=''", "$apiKey='"+key+"'", 1)
	if !bytes.Equal(got, []byte(want)) {
		t.Fatalf("cron.php on the store:\n%q\nwant\n%q", got, want)
	}
	recorded := false
	for _, en := range m.Entries {
		recorded = recorded || strings.HasSuffix(en.Path, "catalog/onebox/cron.php")
	}
	if !recorded {
		t.Fatal("cron.php is not in the manifest")
	}
}

func TestOneBoxCronBadValues(t *testing.T) {
	key, _ := keygen.Generate(32)
	for name, c := range map[string]struct{ host, key string }{
		"no scheme":         {"shop.example/", key},
		"no trailing slash": {"https://shop.example", key},
		"quote in key":      {"https://shop.example/", key[:30] + "'x"},
		"short key":         {"https://shop.example/", "abc"},
	} {
		if _, err := access.ConfigureOneBox(oneboxPackage(t), c.host, c.key); err == nil {
			t.Errorf("%s: accepted", name)
		} else if err.Error() == "" {
			t.Errorf("%s: no message", name)
		}
	}
}
