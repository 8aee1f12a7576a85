// Package resources holds Localpost's bundled assets: the application icon
// (also named in FyneApp.toml).
package resources

import (
	_ "embed"

	"fyne.io/fyne/v2"
)

// The icon is drawn by a small program and committed; run `go generate
// ./resources` after changing the drawing.
//
//go:generate go run ./gen/icon/main.go -o icon.png

//go:embed icon.png
var iconPNG []byte

// Icon is the application and window icon.
var Icon fyne.Resource = fyne.NewStaticResource("icon.png", iconPNG)
