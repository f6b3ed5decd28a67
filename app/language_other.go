//go:build !windows

package app

// systemLanguage is "": outside Windows the environment is the locale.
func systemLanguage() string { return "" }
