package charts

import (
	"image/color"
	"math"
	"slices"
	"sort"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"
)

// Point is one value at one time.
type Point struct {
	At    time.Time
	Value float64
}

// Series is one line: its name (in the legend and tooltip), colour and
// points in any order.
type Series struct {
	Name   string
	Color  color.Color
	Points []Point
}

// LineChart draws series over time: date ticks along the bottom, round
// values up the side with light gridlines, a legend when there is more than
// one series. Hovering or tapping marks the nearest date and shows every
// series' value at it.
type LineChart struct {
	widget.BaseWidget
	Title       string               // drawn at the top when set
	EmptyText   string               // shown without points; DefaultEmptyText when empty
	ValueFormat func(float64) string // axis and tooltip values; Compact when nil
	// Floating fits the y axis to the data instead of starting it at 0,
	// for numbers that change little against their size (followers).
	Floating bool

	series []Series
	times  []time.Time // every series' times, sorted, once each
	hover  int         // index into times; -1: none
	r      *lineRenderer
}

var (
	_ fyne.Widget       = (*LineChart)(nil)
	_ fyne.Tappable     = (*LineChart)(nil)
	_ desktop.Hoverable = (*LineChart)(nil)
)

// NewLineChart returns a chart of series.
func NewLineChart(series []Series) *LineChart {
	c := &LineChart{hover: -1}
	c.ExtendBaseWidget(c)
	c.setSeries(series)
	return c
}

// SetSeries replaces the chart's data and redraws it.
func (c *LineChart) SetSeries(series []Series) {
	c.setSeries(series)
	c.Refresh()
}

func (c *LineChart) setSeries(series []Series) {
	c.series = make([]Series, len(series))
	c.times = c.times[:0]
	for i, s := range series {
		s.Points = slices.Clone(s.Points)
		slices.SortStableFunc(s.Points, func(a, b Point) int { return a.At.Compare(b.At) })
		c.series[i] = s
		for _, p := range s.Points {
			c.times = append(c.times, p.At)
		}
	}
	slices.SortFunc(c.times, func(a, b time.Time) int { return a.Compare(b) })
	c.times = slices.CompactFunc(c.times, func(a, b time.Time) bool { return a.Equal(b) })
	c.hover = -1
}

func (c *LineChart) format(v float64) string {
	if c.ValueFormat != nil {
		return c.ValueFormat(v)
	}
	return Compact(v)
}

// Tooltip is the text the chart shows for the hovered or tapped date, a
// line each, or nil when nothing is marked.
func (c *LineChart) Tooltip() []string {
	if c.hover < 0 || c.hover >= len(c.times) {
		return nil
	}
	t := c.times[c.hover]
	layout := "Mon 2 Jan 2006"
	for _, x := range c.times {
		if h, m, _ := x.Clock(); h != 0 || m != 0 {
			layout = "Mon 2 Jan 2006 15:04"
			break
		}
	}
	lines := []string{t.Format(layout)}
	for _, s := range c.series {
		v := "–"
		if i, ok := slices.BinarySearchFunc(s.Points, t, func(p Point, t time.Time) int { return p.At.Compare(t) }); ok {
			v = c.format(s.Points[i].Value)
		}
		name := s.Name
		if name == "" {
			name = "Value"
		}
		lines = append(lines, name+": "+v)
	}
	return lines
}

func (c *LineChart) MouseIn(e *desktop.MouseEvent) { c.MouseMoved(e) }

func (c *LineChart) MouseMoved(e *desktop.MouseEvent) {
	if e != nil {
		c.markAt(e.Position)
	}
}

func (c *LineChart) MouseOut() { c.setHover(-1) }

// Tapped marks the nearest date, for touch screens.
func (c *LineChart) Tapped(e *fyne.PointEvent) { c.markAt(e.Position) }

// markAt marks the date nearest to pos, or none outside the plot.
func (c *LineChart) markAt(pos fyne.Position) {
	if c.r == nil || len(c.times) == 0 {
		return
	}
	g := c.r.geo
	if pos.X < g.plot.X-pad() || pos.X > g.plot.X+g.size.Width+pad() || pos.Y < g.plot.Y || pos.Y > g.plot.Y+g.size.Height {
		c.setHover(-1)
		return
	}
	t := g.timeAt(pos.X)
	i := sort.Search(len(c.times), func(i int) bool { return !c.times[i].Before(t) })
	switch {
	case i == len(c.times):
		i--
	case i > 0 && t.Sub(c.times[i-1]) < c.times[i].Sub(t):
		i--
	}
	c.setHover(i)
}

func (c *LineChart) setHover(i int) {
	if i == c.hover {
		return
	}
	c.hover = i
	if c.r != nil {
		c.r.overlay()
	}
}

func (c *LineChart) CreateRenderer() fyne.WidgetRenderer {
	r := &lineRenderer{c: c, blank: canvas.NewRectangle(color.Transparent)}
	c.r = r
	return r
}

// lineGeo maps times and values to positions in the plot.
type lineGeo struct {
	plot     fyne.Position // top left
	size     fyne.Size
	from, to time.Time
	lo, hi   float64
}

func (g lineGeo) x(t time.Time) float32 {
	span := g.to.Sub(g.from)
	if span <= 0 {
		return g.plot.X + g.size.Width/2
	}
	return g.plot.X + float32(float64(t.Sub(g.from))/float64(span))*g.size.Width
}

func (g lineGeo) y(v float64) float32 {
	return g.plot.Y + g.size.Height - float32((v-g.lo)/(g.hi-g.lo))*g.size.Height
}

func (g lineGeo) timeAt(x float32) time.Time {
	if g.size.Width <= 0 {
		return g.from
	}
	f := float64((x - g.plot.X) / g.size.Width)
	return g.from.Add(time.Duration(f * float64(g.to.Sub(g.from))))
}

type lineRenderer struct {
	c     *LineChart
	base  objects // axes, grid, lines: rebuilt on resize and data
	top   objects // marker and tooltip: rebuilt on hover
	geo   lineGeo
	size  fyne.Size
	pal   palette
	objs  []fyne.CanvasObject
	blank *canvas.Rectangle // refreshed to have the window repainted
}

func (r *lineRenderer) MinSize() fyne.Size { return fyne.NewSize(400, 220) }

func (r *lineRenderer) Layout(size fyne.Size) {
	r.size = size
	r.build()
}

func (r *lineRenderer) Refresh() {
	r.pal = paletteOf(r.c)
	r.size = r.c.Size()
	r.build()
}

func (r *lineRenderer) Objects() []fyne.CanvasObject { return r.objs }

func (r *lineRenderer) Destroy() {
	if r.c.r == r {
		r.c.r = nil
	}
}

// build draws the whole chart for r.size.
func (r *lineRenderer) build() {
	if r.pal.fg == nil {
		r.pal = paletteOf(r.c)
	}
	c, o, p, size := r.c, &r.base, r.pal, r.size
	o.reset()
	ts, gap := textSize(), pad()
	y := gap
	if c.Title != "" {
		o.text(c.Title, p.fg, titleSize(), true, fyne.NewPos(gap, y), fyne.TextAlignLeading)
		y += measure(c.Title, titleSize(), fyne.TextStyle{Bold: true}).Height + gap
	}
	if len(c.times) == 0 {
		empty := c.EmptyText
		if empty == "" {
			empty = DefaultEmptyText
		}
		o.text(empty, p.muted, bodySize(), false, fyne.NewPos(size.Width/2, y+(size.Height-y)/2-ts), fyne.TextAlignCenter)
		r.geo = lineGeo{}
		r.finish()
		return
	}
	if len(c.series) > 1 {
		y = r.legend(y)
	}

	// y axis: round ticks from the data's range
	lo, hi := math.Inf(1), math.Inf(-1)
	integer := true
	for _, s := range c.series {
		for _, pt := range s.Points {
			lo, hi = min(lo, pt.Value), max(hi, pt.Value)
			integer = integer && pt.Value == math.Trunc(pt.Value)
		}
	}
	yt := niceTicksFrom(lo, hi, integer, !c.Floating)
	labels := make([]string, len(yt))
	for i, v := range yt {
		labels[i] = c.format(v)
	}
	if c.ValueFormat == nil && !distinct(labels) { // 23.8k, 24k, 24.2k all read "24k"
		for i, v := range yt {
			labels[i] = Grouped(v)
		}
	}
	lw := float32(0)
	for i := range labels {
		lw = max(lw, measure(labels[i], ts, fyne.TextStyle{}).Width)
	}
	lh := measure("0", ts, fyne.TextStyle{}).Height
	g := lineGeo{lo: yt[0], hi: yt[len(yt)-1], from: c.times[0], to: c.times[len(c.times)-1]}
	g.plot = fyne.NewPos(gap+lw+gap, y+lh/2)
	g.size = fyne.NewSize(max(size.Width-g.plot.X-2*gap, 1), max(size.Height-g.plot.Y-lh-2*gap, 1))
	r.geo = g

	for i, v := range yt {
		gy := g.y(v)
		col := p.grid
		if i == 0 {
			col = p.axis
		}
		o.line(col, 1, fyne.NewPos(g.plot.X, gy), fyne.NewPos(g.plot.X+g.size.Width, gy))
		o.text(labels[i], p.muted, ts, false, fyne.NewPos(g.plot.X-gap, gy-lh/2), fyne.TextAlignTrailing)
	}

	// x axis: dates
	xt, layout := timeTicks(g.from, g.to)
	bottom := g.plot.Y + g.size.Height
	for _, t := range xt {
		x := g.x(t)
		o.line(p.axis, 1, fyne.NewPos(x, bottom), fyne.NewPos(x, bottom+gap))
		s := t.Format(layout)
		half := measure(s, ts, fyne.TextStyle{}).Width / 2
		cx := max(half, min(x, size.Width-half)) // keep the end labels inside
		o.text(s, p.muted, ts, false, fyne.NewPos(cx, bottom+gap), fyne.TextAlignCenter)
	}

	// the series
	dots := len(c.times) <= 40
	for _, s := range c.series {
		col := seriesColor(s, p)
		for i, pt := range s.Points {
			at := fyne.NewPos(g.x(pt.At), g.y(pt.Value))
			if i > 0 {
				prev := s.Points[i-1]
				o.line(col, 2, fyne.NewPos(g.x(prev.At), g.y(prev.Value)), at)
			}
			if dots || len(s.Points) == 1 {
				o.circle(col, at, 2.5)
			}
		}
	}
	r.finish()
}

// legend draws a swatch and name per series from y, wrapping rows, and
// returns the y below it.
func (r *lineRenderer) legend(y float32) float32 {
	o, p, ts, gap := &r.base, r.pal, textSize(), pad()
	lh := measure("Mg", ts, fyne.TextStyle{}).Height
	sw := ts * 0.8
	x := gap
	for _, s := range r.c.series {
		w := sw + gap + measure(s.Name, ts, fyne.TextStyle{}).Width + 3*gap
		if x > gap && x+w > r.size.Width {
			x, y = gap, y+lh+gap/2
		}
		o.rect(seriesColor(s, p), fyne.NewPos(x, y+(lh-sw)/2), fyne.NewSquareSize(sw)).CornerRadius = 2
		o.text(s.Name, p.fg, ts, false, fyne.NewPos(x+sw+gap, y), fyne.TextAlignLeading)
		x += w
	}
	return y + lh + gap
}

func seriesColor(s Series, p palette) color.Color {
	if s.Color == nil {
		return p.primary
	}
	return s.Color
}

// finish repaints the base and redraws the overlay.
func (r *lineRenderer) finish() {
	r.base.refresh()
	r.overlay()
}

// overlay draws the hover marker and tooltip over the base.
func (r *lineRenderer) overlay() {
	c, o, p, g := r.c, &r.top, r.pal, r.geo
	o.reset()
	if c.hover >= 0 && c.hover < len(c.times) && g.size.Width > 0 {
		t := c.times[c.hover]
		x := g.x(t)
		o.line(p.axis, 1, fyne.NewPos(x, g.plot.Y), fyne.NewPos(x, g.plot.Y+g.size.Height))
		swatches := []color.Color{nil}
		for _, s := range c.series {
			col := seriesColor(s, p)
			swatches = append(swatches, col)
			if i, ok := slices.BinarySearchFunc(s.Points, t, func(p Point, t time.Time) int { return p.At.Compare(t) }); ok {
				dot := o.circle(col, fyne.NewPos(x, g.y(s.Points[i].Value)), 4)
				dot.StrokeColor, dot.StrokeWidth = p.bg, 1.5
			}
		}
		if len(c.series) == 1 {
			swatches = nil
		}
		o.tooltip(p, c.Tooltip(), swatches, fyne.NewPos(x, g.plot.Y), r.size)
	}
	o.refresh()
	r.objs = slices.Concat(r.base.drawn, o.drawn, []fyne.CanvasObject{r.blank})
	r.blank.Refresh() // repaint where a marker was taken away

}
