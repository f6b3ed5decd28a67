package app

import (
	"strings"

	"github.com/ocsetup/ocsetup/installer/msg"
)

// Language is the language the command line speaks ("en", "ru"): the
// locale's, as gettext reads it (LANGUAGE's first entry, LC_ALL,
// LC_MESSAGES, LANG), else the system's (Windows keeps it outside the
// environment); English for the C locale and for a language ocsetup
// does not speak. docs/i18n.md says what is translated.
func Language(getenv func(string) string) string {
	for _, v := range []string{"LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"} {
		value := getenv(v)
		if v == "LANGUAGE" {
			value, _, _ = strings.Cut(value, ":")
		}
		if value == "" {
			continue
		}
		return spoken(value)
	}
	return spoken(systemLanguage())
}

// spoken is the base language of a locale name ("ru" for "ru_RU.UTF-8")
// when ocsetup speaks it, else "en".
func spoken(locale string) string {
	base := strings.ToLower(locale)
	if i := strings.IndexAny(base, "-_.@"); i >= 0 {
		base = base[:i]
	}
	if base == "" || base == "c" || base == "posix" || !msg.Speaks(base) {
		return "en"
	}
	return base
}
