//go:build ignore

// Command icon draws Localpost's application icon (a white calendar on a
// calm blue rounded square) as a 512×512 PNG. It is run once by
// `go generate ./resources` and the PNG is committed; nothing downloads or
// needs a drawing program.
package main

import (
	"flag"
	"image"
	"image/color"
	"image/png"
	"log"
	"math"
	"os"
)

const size = 512

// shape paints one colour where inside reports true.
type shape struct {
	inside func(x, y float64) bool
	col    func(x, y float64) color.NRGBA
}

func solid(c color.NRGBA) func(x, y float64) color.NRGBA {
	return func(float64, float64) color.NRGBA { return c }
}

// roundRect reports whether (x, y) lies in the rectangle [x0,x1]×[y0,y1]
// with corners of radius r.
func roundRect(x0, y0, x1, y1, r float64) func(x, y float64) bool {
	return func(x, y float64) bool {
		if x < x0 || x > x1 || y < y0 || y > y1 {
			return false
		}
		cx := math.Max(x0+r, math.Min(x, x1-r))
		cy := math.Max(y0+r, math.Min(y, y1-r))
		return (x-cx)*(x-cx)+(y-cy)*(y-cy) <= r*r
	}
}

func and(a, b func(x, y float64) bool) func(x, y float64) bool {
	return func(x, y float64) bool { return a(x, y) && b(x, y) }
}

func rect(x0, y0, x1, y1 float64) func(x, y float64) bool {
	return func(x, y float64) bool { return x >= x0 && x <= x1 && y >= y0 && y <= y1 }
}

func main() {
	out := flag.String("o", "icon.png", "output file")
	flag.Parse()

	var (
		blueTop    = color.NRGBA{0x4f, 0x8f, 0xd6, 0xff}
		blueBottom = color.NRGBA{0x2c, 0x64, 0xad, 0xff}
		white      = color.NRGBA{0xff, 0xff, 0xff, 0xff}
		header     = color.NRGBA{0xd3, 0xe3, 0xf6, 0xff}
		ring       = color.NRGBA{0x1d, 0x47, 0x7e, 0xff}
		cell       = color.NRGBA{0xa9, 0xc6, 0xea, 0xff}
		today      = color.NRGBA{0x2c, 0x64, 0xad, 0xff}
	)
	body := roundRect(116, 140, 396, 400, 36)
	shapes := []shape{
		{roundRect(0, 0, size, size, 112), func(_, y float64) color.NRGBA {
			t := y / size
			mix := func(a, b uint8) uint8 { return uint8(float64(a)*(1-t) + float64(b)*t) }
			return color.NRGBA{mix(blueTop.R, blueBottom.R), mix(blueTop.G, blueBottom.G), mix(blueTop.B, blueBottom.B), 0xff}
		}},
		{body, solid(white)},
		{and(body, rect(0, 0, size, 204)), solid(header)},
		{roundRect(180, 108, 208, 172, 14), solid(ring)},
		{roundRect(304, 108, 332, 172, 14), solid(ring)},
	}
	// A 4×3 grid of days with one of them, "today", filled.
	for row := 0; row < 3; row++ {
		for c := 0; c < 4; c++ {
			x0 := 150 + float64(c)*56
			y0 := 228 + float64(row)*52
			col := cell
			if row == 1 && c == 2 {
				col = today
			}
			shapes = append(shapes, shape{roundRect(x0, y0, x0+40, y0+38, 8), solid(col)})
		}
	}

	// Supersample 4×4 per pixel for smooth edges.
	const ss = 4
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	for py := 0; py < size; py++ {
		for px := 0; px < size; px++ {
			var r, g, b, a float64
			for sy := 0; sy < ss; sy++ {
				for sx := 0; sx < ss; sx++ {
					x := float64(px) + (float64(sx)+0.5)/ss
					y := float64(py) + (float64(sy)+0.5)/ss
					var c color.NRGBA
					for _, s := range shapes {
						if s.inside(x, y) {
							c = s.col(x, y)
						}
					}
					fa := float64(c.A) / 255
					r += float64(c.R) * fa
					g += float64(c.G) * fa
					b += float64(c.B) * fa
					a += fa
				}
			}
			if a == 0 {
				continue
			}
			img.SetNRGBA(px, py, color.NRGBA{
				R: uint8(r/a + 0.5), G: uint8(g/a + 0.5), B: uint8(b/a + 0.5),
				A: uint8(a/(ss*ss)*255 + 0.5),
			})
		}
	}

	f, err := os.Create(*out)
	if err != nil {
		log.Fatal(err)
	}
	if err := (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(f, img); err != nil {
		log.Fatal(err)
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
}
