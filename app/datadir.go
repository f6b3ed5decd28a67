package app

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/ocsetup/ocsetup/installer/msg"
)

// DataDirVar overrides where ocsetup keeps its files (tests, portable use).
const DataDirVar = "OCSETUP_HOME"

// dataFolderHelp tells where the data folder is and which of its files
// keep secrets (the way back must hold what the setup replaced).
const dataFolderHelp = `
Data folder ($` + DataDirVar + `, else ocsetup/ in your user config folder; only you may read it, 0700):
  known_hosts, known_certs   the host keys and certificates you trusted
  deploy/                    the uploads' manifests; deploy/<manifest>/ holds the backups of the
                             files an upload replaced (config.php keeps the database password)
  journals/                  setup journals for uninstall: the rows and settings as they were and as
                             the setup wrote them (API keys, payment secrets)
  settings-backups/          the settings as they were before a setup changed them
  modcache/                  the store's modification files as they were
  sync/                      what sync saw (counts, marks, alerts)
  Backups and journals hold secrets: they are written 0600; copy them only to a private place.
`

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
			return "", msg.Wrap(err, "error.app.data_dir_private", "Dir", d)
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
