package views

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// analyticsIcon is a bar chart for the Analytics tab (the theme has none;
// its list icon looked like the storage icon of "Your data").
var analyticsIcon = theme.NewThemedResource(fyne.NewStaticResource("analytics.svg", []byte(
	`<svg xmlns="http://www.w3.org/2000/svg" width="24" height="24" viewBox="0 0 24 24">`+
		`<path fill="#000000" d="M3 19h18v2H3zM5 11h3v7H5zM10.5 5h3v13h-3zM16 9h3v9h-3z"/></svg>`)))
