package pkg

import (
	"io"
	"os"
	"path/filepath"
	"testing"
)

func TestWithContent(t *testing.T) {
	dir := t.TempDir()
	up := filepath.Join(dir, "upload", "catalog", "onebox")
	if err := os.MkdirAll(up, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(up, "cron.php"), []byte("<?php $host = '';\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	q, err := p.WithContent("catalog/onebox/cron.php", []byte("<?php $host = 'https://x/';\n"))
	if err != nil {
		t.Fatal(err)
	}
	f, _ := q.File("catalog/onebox/cron.php")
	rc, err := f.Open()
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(rc)
	if err != nil || string(b) != "<?php $host = 'https://x/';\n" || f.Size != int64(len(b)) {
		t.Fatalf("%q %v", b, err)
	}
	orig, _ := p.File("catalog/onebox/cron.php")
	if orig.Size != int64(len("<?php $host = '';\n")) {
		t.Fatal("the original package changed")
	}
	if _, err := p.WithContent("no/such.php", nil); err == nil {
		t.Fatal("a missing file was accepted")
	}
}
