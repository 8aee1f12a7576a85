// Package charts draws the analytics window's charts (a line chart over
// time, horizontal bars, a weekday × hour heatmap) as Fyne widgets built
// from canvas lines, rectangles, circles and text, so they follow the theme,
// re-lay out on resize and answer hover and tap without rasterising images.
package charts

import (
	"image/color"
	"math"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
)

// DefaultEmptyText is what a chart without data says unless told otherwise.
const DefaultEmptyText = "No numbers for this period yet"

// Grouped writes v in full with thousands separators: 23,800; 1,234.5.
func Grouped(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "–"
	}
	neg := v < 0
	s := strconv.FormatFloat(math.Abs(v), 'f', -1, 64)
	whole, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	out := b.String()
	if frac != "" {
		out += "." + frac
	}
	if neg {
		out = "-" + out
	}
	return out
}

// distinct says whether no two labels are the same.
func distinct(labels []string) bool {
	seen := map[string]bool{}
	for _, l := range labels {
		if seen[l] {
			return false
		}
		seen[l] = true
	}
	return true
}

// Compact formats v for an axis or a tooltip: 0, 12, 999, 1.2k, 12k,
// 1.2M, 3.4B; values under 1 keep up to three significant digits (0.042).
func Compact(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "–"
	}
	if v < 0 {
		return "-" + Compact(-v)
	}
	units := []struct {
		div    float64
		suffix string
	}{{1e9, "B"}, {1e6, "M"}, {1e3, "k"}}
	for i, u := range units {
		if v < u.div*0.9995 { // 999.6 rounds to "1k", not "1000"
			continue
		}
		x := v / u.div
		s := trimFloat(x, 1)
		if x >= 9.95 {
			s = strconv.FormatFloat(math.Round(x), 'f', 0, 64)
		}
		if s == "1000" && i > 0 { // 999,999 is 1M, not 1000k
			return "1" + units[i-1].suffix
		}
		return s + u.suffix
	}
	switch {
	case v >= 100:
		return strconv.FormatFloat(math.Round(v), 'f', 0, 64)
	case v >= 10:
		return trimFloat(v, 1)
	case v >= 1:
		return trimFloat(v, 2)
	case v == 0:
		return "0"
	}
	// three significant digits below 1
	digits := 2 - int(math.Floor(math.Log10(v)))
	return trimFloat(v, min(digits, 12))
}

// trimFloat formats v with up to prec decimals, dropping trailing zeros.
func trimFloat(v float64, prec int) string {
	s := strconv.FormatFloat(v, 'f', prec, 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}

// niceTicks returns 3 to 5 evenly spaced "round" values (steps of 1, 2,
// 2.5 or 5 times a power of ten) from at or below lo to at or above hi, so
// that the last tick wastes as little room as possible. The axis starts at
// 0 unless lo is negative. With integer set (counts) the step is at least 1.
func niceTicks(lo, hi float64, integer bool) []float64 {
	return niceTicksFrom(lo, hi, integer, true)
}

// niceTicksFrom is niceTicks; without zero the ticks fit the data's range
// instead of starting at 0 (followers: 21,800 to 22,900).
func niceTicksFrom(lo, hi float64, integer, zero bool) []float64 {
	if math.IsNaN(lo) || math.IsNaN(hi) || math.IsInf(lo, 0) || math.IsInf(hi, 0) {
		lo, hi = 0, 0
	}
	if zero || lo <= 0 {
		lo = min(lo, 0)
	} else if hi > lo {
		lo = max(0, lo-(hi-lo)*0.1) // a little room below the lowest point
	}
	if hi <= lo {
		hi = lo + 1
	}
	if integer && hi-lo < 2 {
		hi = lo + 2
	}
	var best []float64
	bestTop := math.Inf(1)
	base := math.Pow(10, math.Floor(math.Log10((hi-lo)/4)))
	for _, scale := range []float64{base / 10, base, base * 10} {
		for _, m := range []float64{1, 2, 2.5, 5} {
			step := m * scale
			if integer && step < 1 {
				continue
			}
			if m == 2.5 && integer && step < 10 { // 2.5 likes is no tick
				continue
			}
			start := math.Floor(lo/step+1e-9) * step
			n := int(math.Ceil((hi-start)/step - 1e-9)) // intervals
			if n < 2 || n > 4 {
				continue
			}
			top := start + float64(n)*step
			// the tightest fit; on a tie, more ticks
			if top < bestTop-step*1e-9 || (math.Abs(top-bestTop) <= step*1e-9 && n+1 > len(best)) {
				bestTop = top
				best = best[:0:0]
				for i := 0; i <= n; i++ {
					best = append(best, roundTo(start+float64(i)*step, step))
				}
			}
		}
	}
	return best
}

// roundTo removes float noise (0.30000000000000004) from a tick.
func roundTo(v, step float64) float64 {
	p := math.Pow(10, math.Max(0, 2-math.Floor(math.Log10(step))))
	return math.Round(v*p) / p
}

// palette is the theme's colours a chart draws with.
type palette struct {
	fg, bg, muted, grid, axis, hover, primary color.Color
	tipBg, tipBorder                          color.Color
}

func paletteOf(w interface{ Theme() fyne.Theme }) palette {
	th := w.Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	fg := th.Color(theme.ColorNameForeground, v)
	return palette{
		fg:        fg,
		bg:        th.Color(theme.ColorNameBackground, v),
		muted:     th.Color(theme.ColorNamePlaceHolder, v),
		grid:      withAlpha(fg, 0x22),
		axis:      withAlpha(fg, 0x66),
		hover:     th.Color(theme.ColorNameHover, v),
		primary:   th.Color(theme.ColorNamePrimary, v),
		tipBg:     th.Color(theme.ColorNameOverlayBackground, v),
		tipBorder: th.Color(theme.ColorNameInputBorder, v),
	}
}

// withAlpha is c with its alpha replaced.
func withAlpha(c color.Color, a uint8) color.Color {
	n := color.NRGBAModel.Convert(c).(color.NRGBA)
	n.A = a
	return n
}

// mix is the colour a fraction t (0..1) of the way from a to b.
func mix(a, b color.Color, t float64) color.Color {
	t = math.Max(0, math.Min(1, t))
	x := color.NRGBAModel.Convert(a).(color.NRGBA)
	y := color.NRGBAModel.Convert(b).(color.NRGBA)
	l := func(p, q uint8) uint8 { return uint8(math.Round(float64(p) + (float64(q)-float64(p))*t)) }
	return color.NRGBA{l(x.R, y.R), l(x.G, y.G), l(x.B, y.B), l(x.A, y.A)}
}

func textSize() float32  { return theme.Size(theme.SizeNameCaptionText) }
func bodySize() float32  { return theme.Size(theme.SizeNameText) }
func titleSize() float32 { return theme.Size(theme.SizeNameSubHeadingText) }
func pad() float32       { return theme.Size(theme.SizeNamePadding) }
func measure(s string, size float32, style fyne.TextStyle) fyne.Size {
	return fyne.MeasureText(s, size, style)
}

// objects hands out canvas objects, reusing those of the last build so a
// resize or a hover moves existing objects instead of making new ones.
type objects struct {
	lines   []*canvas.Line
	rects   []*canvas.Rectangle
	texts   []*canvas.Text
	circles []*canvas.Circle
	nl, nr  int
	nt, nc  int
	drawn   []fyne.CanvasObject // in drawing order
	changed []fyne.CanvasObject // to repaint: all but texts that are as they were
}

func (o *objects) reset() {
	o.nl, o.nr, o.nt, o.nc = 0, 0, 0, 0
	o.drawn, o.changed = o.drawn[:0], o.changed[:0]
}

func (o *objects) add(obj fyne.CanvasObject, changed bool) {
	o.drawn = append(o.drawn, obj)
	if changed {
		o.changed = append(o.changed, obj)
	}
}

func (o *objects) line(c color.Color, width float32, from, to fyne.Position) *canvas.Line {
	if o.nl == len(o.lines) {
		o.lines = append(o.lines, canvas.NewLine(c))
	}
	l := o.lines[o.nl]
	o.nl++
	l.StrokeColor, l.StrokeWidth = c, width
	l.Position1, l.Position2 = from, to
	o.add(l, true)
	return l
}

func (o *objects) rect(fill color.Color, pos fyne.Position, size fyne.Size) *canvas.Rectangle {
	if o.nr == len(o.rects) {
		o.rects = append(o.rects, canvas.NewRectangle(fill))
	}
	r := o.rects[o.nr]
	o.nr++
	r.FillColor, r.StrokeColor, r.StrokeWidth, r.CornerRadius = fill, color.Transparent, 0, 0
	r.Move(pos)
	r.Resize(size)
	o.add(r, true)
	return r
}

func (o *objects) circle(fill color.Color, center fyne.Position, radius float32) *canvas.Circle {
	if o.nc == len(o.circles) {
		o.circles = append(o.circles, canvas.NewCircle(fill))
	}
	c := o.circles[o.nc]
	o.nc++
	c.FillColor, c.StrokeColor, c.StrokeWidth = fill, color.Transparent, 0
	c.Move(center.SubtractXY(radius, radius))
	c.Resize(fyne.NewSquareSize(2 * radius))
	o.add(c, true)
	return c
}

// text places s with its top left at pos; align says which end of s pos is
// for (leading: left, center: middle, trailing: right).
func (o *objects) text(s string, c color.Color, size float32, bold bool, pos fyne.Position, align fyne.TextAlign) *canvas.Text {
	if o.nt == len(o.texts) {
		o.texts = append(o.texts, canvas.NewText("", c))
	}
	t := o.texts[o.nt]
	o.nt++
	style := fyne.TextStyle{Bold: bold}
	// a text's picture is cached until it is refreshed: only a changed one is
	same := t.Text == s && t.Color == c && t.TextSize == size && t.TextStyle == style
	t.Text, t.Color, t.TextSize, t.TextStyle = s, c, size, style
	t.Alignment = fyne.TextAlignLeading
	m := measure(s, size, t.TextStyle)
	switch align {
	case fyne.TextAlignCenter:
		pos.X -= m.Width / 2
	case fyne.TextAlignTrailing:
		pos.X -= m.Width
	}
	t.Move(pos)
	t.Resize(m)
	o.add(t, !same)
	return t
}

// refresh repaints what was built.
func (o *objects) refresh() {
	for _, d := range o.changed {
		d.Refresh()
	}
}

// tooltip draws a small box of lines beside anchor, kept inside bounds.
// swatches, when given, are a colour square per line (nil for none).
func (o *objects) tooltip(p palette, lines []string, swatches []color.Color, anchor fyne.Position, bounds fyne.Size) {
	if len(lines) == 0 {
		return
	}
	ts, gap := textSize(), pad()
	sw := float32(0)
	for _, s := range swatches {
		if s != nil {
			sw = ts * 0.7
		}
	}
	w, h := float32(0), float32(0)
	lh := measure("Mg", ts, fyne.TextStyle{}).Height
	for i, l := range lines {
		lw := measure(l, ts, fyne.TextStyle{Bold: i == 0}).Width
		if i < len(swatches) && swatches[i] != nil {
			lw += sw + gap
		}
		w = max(w, lw)
		h += lh
	}
	w += 2 * gap
	h += 2 * gap
	x := anchor.X + 2*gap
	if x+w > bounds.Width { // no room on the right: the left of the anchor
		x = anchor.X - 2*gap - w
	}
	x = max(0, min(x, bounds.Width-w))
	y := max(0, min(anchor.Y, bounds.Height-h))
	bg := o.rect(p.tipBg, fyne.NewPos(x, y), fyne.NewSize(w, h))
	bg.StrokeColor, bg.StrokeWidth, bg.CornerRadius = p.tipBorder, 1, 4
	ty := y + gap
	for i, l := range lines {
		tx := x + gap
		if i < len(swatches) && swatches[i] != nil {
			o.rect(swatches[i], fyne.NewPos(tx, ty+(lh-sw)/2), fyne.NewSquareSize(sw))
			tx += sw + gap
		}
		o.text(l, p.fg, ts, i == 0, fyne.NewPos(tx, ty), fyne.TextAlignLeading)
		ty += lh
	}
}

// fitText cuts s with an ellipsis so it fits in width.
func fitText(s string, width, size float32) string {
	if measure(s, size, fyne.TextStyle{}).Width <= width {
		return s
	}
	runes := []rune(s)
	for n := len(runes) - 1; n > 0; n-- {
		t := strings.TrimRight(string(runes[:n]), " ") + "…"
		if measure(t, size, fyne.TextStyle{}).Width <= width {
			return t
		}
	}
	return ""
}
