package app

import (
	"os"
	"path/filepath"
	"strings"
)

// PackageFolderPref is the preference that remembers the folder the last
// package was chosen from.
const PackageFolderPref = "package.last_folder"

// PackageFolder is where the package chooser opens: the folder of the last
// package when it still exists, else the Downloads folder (where a
// provider's download lands), else home.
func PackageFolder(last, home string) string {
	for _, dir := range []string{last, filepath.Join(home, "Downloads"), home} {
		if dir == "" {
			continue
		}
		if fi, err := os.Stat(dir); err == nil && fi.IsDir() {
			return dir
		}
	}
	return home
}

// IsPackage reports whether path names something the Package step takes:
// a .zip (an .ocmod.zip included) or a folder.
func IsPackage(path string) bool {
	fi, err := os.Stat(path)
	if err != nil {
		return false
	}
	return fi.IsDir() || strings.HasSuffix(strings.ToLower(path), ".zip")
}

// DroppedPackage is the first dropped path that is a package ("" when
// none is).
func DroppedPackage(paths []string) string {
	for _, p := range paths {
		if IsPackage(p) {
			return p
		}
	}
	return ""
}
