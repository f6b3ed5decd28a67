package app

import locale "github.com/jeandeaual/go-locale"

// systemLanguage is the user's display language from Windows, which
// keeps it outside the environment.
func systemLanguage() string {
	l, err := locale.GetLanguage()
	if err != nil {
		return ""
	}
	return l
}
