package charts

import (
	"fmt"
	"image"
	"image/draw"
	"image/png"
	"os"
	"path/filepath"

	"fyne.io/fyne/v2"
)

// Capture returns the part of c's picture that obj covers, for exporting a
// chart as PNG. The crop is worked out in pixels from the captured image's
// own size, so HiDPI scaling and the canvas scale are both accounted for.
func Capture(c fyne.Canvas, obj fyne.CanvasObject) image.Image {
	full := c.Capture()
	b := full.Bounds()
	cs := c.Size()
	if cs.Width <= 0 || cs.Height <= 0 {
		return image.NewNRGBA(image.Rect(0, 0, 0, 0))
	}
	sx, sy := float32(b.Dx())/cs.Width, float32(b.Dy())/cs.Height
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(obj)
	size := obj.Size()
	r := image.Rect(
		int(pos.X*sx+0.5), int(pos.Y*sy+0.5),
		int((pos.X+size.Width)*sx+0.5), int((pos.Y+size.Height)*sy+0.5),
	).Add(b.Min).Intersect(b)
	out := image.NewNRGBA(image.Rect(0, 0, r.Dx(), r.Dy()))
	draw.Draw(out, out.Bounds(), full, r.Min, draw.Src)
	return out
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
