package demo

import (
	"fmt"
	"os"
	"path/filepath"
)

// SamplePackage is the folder name WriteSamplePackage uses.
const SamplePackage = "onebox-demo"

// samplePackageFiles stand in for OneBox CRM's OpenCart "API files"
// (docs/integrations.md §4): the same paths, and a cron.php with
// the same settings head ($host, $apiKey), so that uploading and
// configuring them takes the real steps. The code is ours and does
// nothing; the demo store runs no PHP anyway.
func samplePackageFiles() map[string]string {
	return map[string]string{
		"upload/" + sampleCronPath: `<?php
// ocsetup demo: a stand-in for OneBox CRM's cron.php. The demo store
// runs it: it logs in to the store's API at $host with $apiKey, as
// OneBox's does before it syncs, and writes log.txt beside it.
$languages = array('en');
$host = '';
$track = 'catalog/onebox/';
$apiKey = '';
`,
		"upload/catalog/controller/api/oneboxsync.php": `<?php
// ocsetup demo: a stand-in for OneBox CRM's sync controller.
class ControllerApiOneboxsync extends Controller {
}
`,
		"upload/catalog/model/oneboxsync/oneboxsync.php": `<?php
// ocsetup demo: a stand-in for OneBox CRM's sync model.
class ModelOneboxsyncOneboxsync extends Model {
}
`,
	}
}

// WriteSamplePackage writes a small extension package, an unpacked
// folder in the upload/ layout every line's installer reads, into dir and
// returns its path: something to upload to the demo store.
func WriteSamplePackage(dir string) (string, error) {
	root := filepath.Join(dir, SamplePackage)
	for rel, content := range samplePackageFiles() {
		p := filepath.Join(root, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return "", fmt.Errorf("write the sample package: %w", err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			return "", fmt.Errorf("write the sample package: %w", err)
		}
	}
	return root, nil
}
