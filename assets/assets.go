// Package assets holds the files built into the binary: the application
// icon and embedded defaults.
package assets

import _ "embed"

// Icon is the application icon (PNG, 256x256), also named in FyneApp.toml.
//
//go:embed icon.png
var Icon []byte
