package app

import (
	"fmt"
	"os"
	"path/filepath"
)

// DataDirVar overrides where ocsetup keeps its files (tests, portable use).
const DataDirVar = "OCSETUP_HOME"

// DataDir is the folder for known hosts and certificates, manifests,
// backups and sync history: $OCSETUP_HOME, else the user's config folder.
// It holds trust decisions, backups of config files and leftover records,
// so it is made private to the user (0700) even when it already existed
// with looser permissions.
func DataDir(getenv func(string) string) (string, error) {
	d, err := dataDirPath(getenv)
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(d, 0o700); err != nil {
		return "", err
	}
	fi, err := os.Stat(d)
	if err != nil {
		return "", err
	}
	if fi.Mode().Perm() != 0o700 {
		if err := os.Chmod(d, 0o700); err != nil {
			return "", fmt.Errorf("make the data folder %s private (0700): %w", d, err)
		}
	}
	return d, nil
}

func dataDirPath(getenv func(string) string) (string, error) {
	if d := getenv(DataDirVar); d != "" {
		return d, nil
	}
	base, err := os.UserConfigDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(base, Name), nil
}

// DataDirWarning is a sentence when the data folder exists and belongs to
// another user (who could read the backups and change the trusted keys),
// "" otherwise.
func DataDirWarning(getenv func(string) string) string {
	d, err := dataDirPath(getenv)
	if err != nil {
		return ""
	}
	fi, err := os.Stat(d)
	if err != nil {
		return ""
	}
	if owner, ok := ownerOf(fi); ok && owner != os.Getuid() {
		return fmt.Sprintf("the data folder %s belongs to another user (uid %d), who can read its backups and change the keys and certificates it trusts. Use a folder of your own (set %s) unless you trust that user.", d, owner, DataDirVar)
	}
	return ""
}
