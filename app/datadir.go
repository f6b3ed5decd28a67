package app

import (
	"os"
	"path/filepath"

	"github.com/ocsetup/ocsetup/installer/msg"
)

// DataDirVar overrides where ocsetup keeps its files (tests, portable use).
const DataDirVar = "OCSETUP_HOME"

// dataFolderHelp tells where the data folder is and which of its files
// keep secrets (the way back must hold what the setup replaced).
const dataFolderHelp = "cli.help.data_folder"

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
// no message otherwise.
func DataDirWarning(getenv func(string) string) msg.Msg {
	d, err := dataDirPath(getenv)
	if err != nil {
		return msg.Msg{}
	}
	fi, err := os.Stat(d)
	if err != nil {
		return msg.Msg{}
	}
	if owner, ok := ownerOf(fi); ok && owner != os.Getuid() {
		return msg.New("cli.data_dir.other_owner", "Dir", d, "UID", owner, "Var", DataDirVar)
	}
	return msg.Msg{}
}
