package charts

import (
	"image/color"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"
)

// Bar is one bar: its label (a network's name), value and colour.
type Bar struct {
	Label string
	Value float64
	Color color.Color // the theme's primary colour when nil
}

// barRow is the height of one bar's row.
const barRow = 28

// BarChart draws horizontal bars, labels on the left and each value at its
// bar's end. Hovering or tapping a bar highlights it and shows
// "Label: value".
type BarChart struct {
	widget.BaseWidget
	Title       string               // drawn at the top when set
	EmptyText   string               // shown without bars; DefaultEmptyText when empty
	ValueFormat func(float64) string // values; Compact when nil

	bars  []Bar
	hover int // index into bars; -1: none
	r     *barRenderer
}

var (
	_ fyne.Widget       = (*BarChart)(nil)
	_ fyne.Tappable     = (*BarChart)(nil)
	_ desktop.Hoverable = (*BarChart)(nil)
)

// NewBarChart returns a chart of bars, top to bottom in the given order.
func NewBarChart(bars []Bar) *BarChart {
	c := &BarChart{bars: slices.Clone(bars), hover: -1}
	c.ExtendBaseWidget(c)
	return c
}

// SetBars replaces the chart's data and redraws it.
func (c *BarChart) SetBars(bars []Bar) {
	c.bars, c.hover = slices.Clone(bars), -1
	c.Refresh()
}

func (c *BarChart) format(v float64) string {
	if c.ValueFormat != nil {
		return c.ValueFormat(v)
	}
	return Compact(v)
}

// Tooltip is the highlighted bar's "Label: value", or "" with none.
func (c *BarChart) Tooltip() string {
	if c.hover < 0 || c.hover >= len(c.bars) {
		return ""
	}
	b := c.bars[c.hover]
	return b.Label + ": " + c.format(b.Value)
}

func (c *BarChart) MouseIn(e *desktop.MouseEvent) { c.MouseMoved(e) }

func (c *BarChart) MouseMoved(e *desktop.MouseEvent) {
	if e != nil {
		c.markAt(e.Position)
	}
}

func (c *BarChart) MouseOut() { c.setHover(-1) }

// Tapped highlights the bar under the tap, for touch screens.
func (c *BarChart) Tapped(e *fyne.PointEvent) { c.markAt(e.Position) }

func (c *BarChart) markAt(pos fyne.Position) {
	if c.r == nil {
		return
	}
	i := -1
	if pos.Y >= c.r.top && pos.X >= 0 && pos.X <= c.r.size.Width {
		i = int((pos.Y - c.r.top) / barRow)
	}
	if i >= len(c.bars) {
		i = -1
	}
	c.r.pointer = pos
	c.setHover(i)
}

func (c *BarChart) setHover(i int) {
	if i == c.hover {
		return
	}
	c.hover = i
	if c.r != nil {
		c.r.build()
	}
}

func (c *BarChart) CreateRenderer() fyne.WidgetRenderer {
	r := &barRenderer{c: c}
	c.r = r
	return r
}

type barRenderer struct {
	c       *BarChart
	o       objects
	pal     palette
	size    fyne.Size
	top     float32 // where the first row starts
	pointer fyne.Position
}

func (r *barRenderer) MinSize() fyne.Size {
	h := float32(barRow*max(len(r.c.bars), 1)) + 2*pad()
	if r.c.Title != "" {
		h += measure(r.c.Title, titleSize(), fyne.TextStyle{Bold: true}).Height + pad()
	}
	return fyne.NewSize(300, h)
}

func (r *barRenderer) Layout(size fyne.Size) {
	r.size = size
	r.build()
}

func (r *barRenderer) Refresh() {
	r.pal = paletteOf(r.c)
	r.size = r.c.Size()
	r.build()
}

func (r *barRenderer) Objects() []fyne.CanvasObject { return r.o.drawn }

func (r *barRenderer) Destroy() {
	if r.c.r == r {
		r.c.r = nil
	}
}

// build draws the chart for r.size; a few dozen objects, so hover redraws
// it all.
func (r *barRenderer) build() {
	if r.pal.fg == nil {
		r.pal = paletteOf(r.c)
	}
	c, p, size, ts, gap := r.c, r.pal, r.size, textSize(), pad()
	o := &r.o
	o.reset()
	y := gap
	if c.Title != "" {
		o.text(c.Title, p.fg, titleSize(), true, fyne.NewPos(gap, y), fyne.TextAlignLeading)
		y += measure(c.Title, titleSize(), fyne.TextStyle{Bold: true}).Height + gap
	}
	r.top = y
	if len(c.bars) == 0 {
		empty := c.EmptyText
		if empty == "" {
			empty = DefaultEmptyText
		}
		o.text(empty, p.muted, bodySize(), false, fyne.NewPos(size.Width/2, y+(size.Height-y)/2-ts), fyne.TextAlignCenter)
		o.refresh()
		return
	}
	labelW, valueW, hi := float32(0), float32(0), 0.0
	values := make([]string, len(c.bars))
	for i, b := range c.bars {
		labelW = max(labelW, measure(b.Label, ts, fyne.TextStyle{Bold: true}).Width) // bold when highlighted
		values[i] = c.format(b.Value)
		valueW = max(valueW, measure(values[i], ts, fyne.TextStyle{}).Width)
		hi = max(hi, b.Value)
	}
	labelW = min(labelW, size.Width*0.4) // long names are cut, not the bars
	x0 := gap + labelW + gap
	room := max(size.Width-x0-gap-valueW-gap, 1)
	lh := measure("Mg", ts, fyne.TextStyle{}).Height
	barH := float32(barRow - 10)
	for i, b := range c.bars {
		ry := y + float32(i)*barRow
		if i == c.hover {
			o.rect(p.hover, fyne.NewPos(0, ry), fyne.NewSize(size.Width, barRow)).CornerRadius = 4
		}
		o.text(fitText(b.Label, labelW, ts), p.fg, ts, i == c.hover, fyne.NewPos(x0-gap, ry+(barRow-lh)/2), fyne.TextAlignTrailing)
		w := float32(0)
		if hi > 0 && b.Value > 0 {
			w = float32(b.Value/hi) * room
		}
		col := b.Color
		if col == nil {
			col = p.primary
		}
		bar := o.rect(col, fyne.NewPos(x0, ry+(barRow-barH)/2), fyne.NewSize(w, barH))
		bar.CornerRadius = 3
		if i == c.hover {
			bar.StrokeColor, bar.StrokeWidth = p.fg, 1.5
		}
		o.text(values[i], p.muted, ts, false, fyne.NewPos(x0+w+gap, ry+(barRow-lh)/2), fyne.TextAlignLeading)
	}
	o.line(p.axis, 1, fyne.NewPos(x0, y), fyne.NewPos(x0, y+float32(len(c.bars))*barRow))
	if tip := c.Tooltip(); tip != "" {
		o.tooltip(p, []string{tip}, nil, fyne.NewPos(r.pointer.X, y+float32(c.hover+1)*barRow), size)
	}
	o.refresh()
}
