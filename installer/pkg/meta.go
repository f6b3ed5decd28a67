package pkg

import "crypto/sha256"

// MetaFile is one install.* file (or ocmod/*.ocmod.xml), kept in memory.
type MetaFile struct {
	// Path is the name in the archive, e.g. "install.sql" or
	// "vendor-1.2/install.xml".
	Path   string
	Size   int64
	SHA256 [sha256.Size]byte
	// Data is the content, nil when the file is bigger than
	// Limits.MaxMetaSize (then TooLarge is set and nothing is parsed).
	Data     []byte
	TooLarge bool
}

// Install describes the install.* files of a package.
type Install struct {
	XML  *OCMOD     // install.xml beside upload/ (2.x/3.x OCMOD, or a 1.5 vQmod script)
	SQL  *SQLScript // install.sql (run by 2.x only)
	PHP  *MetaFile  // install.php (run by 2.x only)
	JSON *Manifest  // install.json (required by 4.x)
	// OCMOD lists ocmod/*.ocmod.xml inside a 4.x package; 4.1 loads them as
	// modifications (oc@4.1.0.4:upload/admin/controller/marketplace/installer.php).
	OCMOD []*OCMOD
}

// metaKind names the install.* file a name is, if any.
type metaKind int

const (
	metaNone metaKind = iota
	metaXML
	metaSQL
	metaPHP
	metaJSON
	metaOCMOD4
)
