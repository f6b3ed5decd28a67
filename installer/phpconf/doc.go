// Package phpconf reads and edits the small PHP files ocsetup meets on an
// OpenCart store: the store's config.php / admin/config.php (a list of
// define() calls) and connector files such as OneBox's catalog/onebox/cron.php
// (a few "$name = '...';" lines).
//
// It works on tokens from its own PHP tokenizer, never on regular
// expressions over the raw text, so comments, strings that contain
// "define(", odd spacing and escape sequences are handled the way PHP
// handles them. Nothing here runs PHP: a value that depends on the server
// (getenv(), __DIR__, a variable, a function call) is reported as computed
// with its source text and is never guessed.
//
// The package has no state beyond constant tables; all functions are safe
// for concurrent use and bound their work on any input.
package phpconf
