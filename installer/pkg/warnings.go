package pkg

import "github.com/ocsetup/ocsetup/installer/msg"

// WarningCode identifies a kind of warning; the values are stable.
type WarningCode string

// Warning codes.
const (
	// WarnUntestedLine: the store's version is outside the lines whose
	// sources these rules were checked against.
	WarnUntestedLine = WarningCode("untested-line")
	// WarnHiddenPage: the 1.5/2.0 folder trap — a 2.3-style folder
	// admin/controller/extension/<type>/ hides the core page
	// Extensions > <type>.
	WarnHiddenPage = WarningCode("hidden-extensions-page")
	// WarnOldLayout: a 1.5–2.2 package on 2.3 or 3.x.
	WarnOldLayout = WarningCode("old-layout")
	// WarnNewLayout: a 2.3/3.x package on 1.5–2.2.
	WarnNewLayout = WarningCode("new-layout")
	// WarnNotFor4: a 1.5–3.x package on OpenCart 4.
	WarnNotFor4 = WarningCode("not-for-4")
	// WarnNeeds4: an OpenCart 4 package on 1.5–3.x.
	WarnNeeds4 = WarningCode("needs-4")
	// WarnNotAllowed3: files the 3.x Extension Installer refuses to write.
	WarnNotAllowed3 = WarningCode("not-allowed-3")
	// WarnLanguageFolder: language files only for english/ on 2.2+, or only
	// for en-gb/ before 2.2.
	WarnLanguageFolder = WarningCode("language-folder")
	// WarnCoreFile: the package replaces a core file such as config.php.
	WarnCoreFile = WarningCode("core-file")
	// WarnDotFiles: names starting with "." that the 2.x and 3.x installers
	// skip (they list files with glob, which hides them).
	WarnDotFiles = WarningCode("dot-files")
	// WarnExtensionCode: the 4.x code has characters that break PHP
	// namespaces.
	WarnExtensionCode = WarningCode("extension-code")
	// WarnNamespace: the 4.x classes declare a namespace for another code.
	WarnNamespace = WarningCode("namespace-mismatch")
	// WarnStorage: 4.x files bound for the storage folder.
	WarnStorage = WarningCode("storage-folder")
	// WarnWrapped: a 4.x package whose install.json is not at the zip root.
	WarnWrapped = WarningCode("wrapped-package")
	// WarnManifest: install.json missing or refused on 4.x.
	WarnManifest = WarningCode("install-json")
)

// Warning is a problem Map found, in plain language, with the store paths
// (or package paths, when nothing is mapped) it concerns.
type Warning struct {
	Code    WarningCode
	Message string
	Paths   []string
	// Msg is Message with its translation key, for the app; zero for a
	// warning that has none yet.
	Msg msg.Msg `json:"-"`
}
