package app

import (
	"os"
	"path/filepath"
)

// DataDirVar overrides where ocsetup keeps its files (tests, portable use).
const DataDirVar = "OCSETUP_HOME"

// DataDir is the folder for known hosts and certificates, manifests,
// backups and sync history: $OCSETUP_HOME, else the user's config folder.
func DataDir(getenv func(string) string) (string, error) {
	if d := getenv(DataDirVar); d != "" {
		return d, os.MkdirAll(d, 0o700)
	}
	base, err := os.UserConfigDir()
	if err != nil {
		return "", err
	}
	d := filepath.Join(base, Name)
	return d, os.MkdirAll(d, 0o700)
}
