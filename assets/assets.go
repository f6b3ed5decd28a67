// Package assets holds the files the app carries inside its binary: the
// icon, and later translations and the PHP probe and bridge.
package assets

import _ "embed"

// Icon is the application icon (512×512 PNG), also named in FyneApp.toml.
//
//go:embed icon.png
var Icon []byte
