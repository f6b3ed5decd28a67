//go:build !windows

package winconsole

// Attach does nothing outside Windows (see the package comment).
func Attach() {}
