//go:build !unix

package testenv

import "testing"

// Lock is a no-op where the test servers cannot run: the tests that need
// it skip there (Get finds no environment).
func (e *Env) Lock(t testing.TB, name string) { t.Helper() }
