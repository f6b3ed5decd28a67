package settings

import (
	"context"
	"errors"
	"strings"

	"github.com/ocsetup/ocsetup/installer/db"
	"github.com/ocsetup/ocsetup/installer/store"
)

// RegisterFolder makes a 4.x extension folder known to the store, as its
// extension installer does after unpacking an upload
// (oc@4.0.2.3:upload/admin/controller/marketplace/installer.php): an
// extension_install row, enabled, and an extension_path row per folder
// and file. The admin loads an extension's classes only from the folders
// of extension_install (admin/controller/startup/extension.php), so files
// uploaded over FTP alone stay invisible to it. It does nothing when the
// folder is registered already or the line is older than 4.0.
func RegisterFolder(ctx context.Context, d db.DB, sc *db.Schema, line store.Line, folder string, p PackageInfo, paths []string) (bool, error) {
	if !line.AtLeast(store.Line40) || folder == "" || !sc.Has("extension_install") {
		return false, nil
	}
	install, err := db.Table(sc.Prefix, "extension_install")
	if err != nil {
		return false, err
	}
	pathTable, err := db.Table(sc.Prefix, "extension_path")
	if err != nil {
		return false, err
	}
	_, err = d.QueryRow(ctx, "SELECT extension_install_id FROM "+install+" WHERE code = ?", folder)
	switch {
	case err == nil:
		return false, nil
	case !errors.Is(err, db.ErrNoRows):
		return false, err
	}
	if p.Name == "" {
		p.Name = folder
	}
	if p.Version == "" {
		p.Version = "1.0"
	}
	cols := []string{"extension_id", "extension_download_id", "name", "code", "version", "author", "link", "status"}
	args := []any{0, 0, p.Name, folder, p.Version, p.Author, p.Link, 1}
	if sc.HasColumn("extension_install", "description") {
		cols, args = append(cols, "description"), append(args, "")
	}
	place := strings.Repeat("?, ", len(args)) + "NOW()"
	return true, d.Tx(ctx, func(tx db.Tx) error {
		ins := tx.Exec("INSERT INTO "+install+" (`"+strings.Join(cols, "`, `")+"`, `date_added`) VALUES ("+place+")", args...)
		for _, path := range paths {
			tx.Exec("INSERT INTO "+pathTable+" (`extension_install_id`, `path`) VALUES (?, ?)", ins.InsertID(), path)
		}
		return nil
	})
}
