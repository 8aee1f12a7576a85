package charts

import (
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/software"
)

// Snapshot draws a copy of chart (a *LineChart, *BarChart or *Heatmap)
// at its current size into an image with Fyne's software painter, scale
// pixels per unit, for exporting it as PNG. The copy has the chart's data,
// title and formats but no hover marker; drawing it off screen does not
// depend on the window's graphics driver, which may not read its own
// frame back (some OpenGL setups give a blank picture). nil for anything
// else.
func Snapshot(chart fyne.CanvasObject, scale float32) image.Image {
	var cp fyne.CanvasObject
	switch c := chart.(type) {
	case *LineChart:
		n := NewLineChart(c.series)
		n.Title, n.EmptyText, n.ValueFormat, n.Floating = c.Title, c.EmptyText, c.ValueFormat, c.Floating
		cp = n
	case *BarChart:
		n := NewBarChart(c.bars)
		n.Title, n.EmptyText, n.ValueFormat = c.Title, c.EmptyText, c.ValueFormat
		cp = n
	case *Heatmap:
		n := NewHeatmap()
		n.Title, n.EmptyText, n.UntrustedText, n.Color, n.ValueFormat = c.Title, c.EmptyText, c.UntrustedText, c.Color, c.ValueFormat
		n.SetCells(c.cells)
		cp = n
	default:
		return nil
	}
	size := chart.Size().Max(cp.MinSize())
	cv := software.NewCanvas()
	cv.SetPadded(false)
	cv.SetScale(scale)
	cv.SetContent(cp)
	cv.Resize(size)
	return cv.Capture()
}

// WritePNG writes img to path as PNG by way of a temporary file in the same
// folder, so a failed export never leaves half a file under the name.
func WritePNG(path string, img image.Image) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".chart-*.png")
	if err != nil {
		return fmt.Errorf("save chart: %w", err)
	}
	tmp := f.Name()
	defer os.Remove(tmp)                   // after a successful rename there is nothing to remove
	if err := f.Chmod(0o644); err != nil { // CreateTemp's 0600 is for secrets, not pictures
		f.Close()
		return fmt.Errorf("save chart as %s: %w", filepath.Base(path), err)
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return fmt.Errorf("save chart as %s: %w", filepath.Base(path), err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("save chart as %s: %w", filepath.Base(path), err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("save chart as %s: %w", filepath.Base(path), err)
	}
	return nil
}
