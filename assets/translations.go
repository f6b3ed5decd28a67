package assets

import "embed"

// Translations holds the texts of the user interface, one JSON file per
// language (en.json, ru.json, and ar.json with the Amazon Payment Services
// field labels), in the format of Fyne's lang package: a key maps to a
// text, or to its plural forms. ui.T reads them through lang.
//
//go:embed translations/*.json
var Translations embed.FS

// TranslationsDir is the folder of Translations that holds the files.
const TranslationsDir = "translations"
