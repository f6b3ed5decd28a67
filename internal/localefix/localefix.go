// Package localefix keeps Fyne quiet about the C locale. It is imported
// for its init only, by main.
//
// Fyne's lang package reads the user's language in its own init, from
// LC_ALL, LC_MESSAGES or LANG. Under LANG=C.UTF-8 (Debian's default in
// containers and services) it takes "C" for a language, fails to parse it
// and logs a "Fyne error" on stderr, before main runs, in every command.
// "C" means "no translation", which is English; when the locale is C or
// POSIX with an encoding and LANGUAGE is unset, this sets LANGUAGE=en,
// which Fyne reads instead and which programs that use gettext ignore
// under the C locale.
//
// Go initializes a package after the packages it imports and, among the
// ready ones, in the order of their import paths. This package imports
// only os and strings, which Fyne's packages need too, so it is ready
// long before fyne.io/fyne/v2/lang, which waits for net/http and
// text/template; a test of the built binary (TestQuietStart in the main
// package) fails if that ever changes.
package localefix

import (
	"os"
	"strings"
)

func init() {
	if lang := cLocale(os.Getenv); lang != "" {
		_ = os.Setenv("LANGUAGE", lang)
	}
}

// cLocale is the LANGUAGE to set: "en" when the locale that decides the
// messages' language is C or POSIX with an encoding ("C.UTF-8") and
// LANGUAGE is unset, else "".
func cLocale(getenv func(string) string) string {
	if getenv("LANGUAGE") != "" {
		return ""
	}
	var locale string
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if locale = getenv(name); locale != "" {
			break
		}
	}
	base, _, hasEncoding := strings.Cut(locale, ".")
	if hasEncoding && (base == "C" || base == "POSIX") {
		return "en"
	}
	return ""
}
