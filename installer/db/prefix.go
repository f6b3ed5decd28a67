package db

import (
	"fmt"
	"regexp"
)

// prefixRE is the only shape of table prefix that is ever put into SQL.
// OpenCart's installers allow a-z, 0-9 and _ (upper case is let through
// for hand-made stores); anything else could close a quote.
var prefixRE = regexp.MustCompile(`^[A-Za-z0-9_]*$`)

// tableNameRE is what a table name (without prefix) from our own code
// must look like.
var tableNameRE = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// PrefixError says the table prefix cannot be used in SQL.
type PrefixError struct{ Prefix string }

func (e *PrefixError) Error() string {
	return fmt.Sprintf("The table prefix (DB_PREFIX) in config.php is %q. It has characters other than letters, digits and _, so ocsetup will not put it into SQL and ran nothing. OpenCart itself never writes such a prefix; check DB_PREFIX in config.php.", e.Prefix)
}

// CheckPrefix returns a *PrefixError unless p matches ^[A-Za-z0-9_]*$.
func CheckPrefix(p string) error {
	if !prefixRE.MatchString(p) {
		return &PrefixError{Prefix: p}
	}
	return nil
}

// Table returns the quoted name of an OpenCart table ("`oc_setting`" for
// prefix "oc_" and name "setting"), or an error when the prefix or the
// name is not safe to put into SQL.
func Table(prefix, name string) (string, error) {
	if err := CheckPrefix(prefix); err != nil {
		return "", err
	}
	if !tableNameRE.MatchString(name) {
		return "", fmt.Errorf("db: %q is not an OpenCart table name", name)
	}
	return "`" + prefix + name + "`", nil
}
