package charts

import (
	"fmt"
	"image/color"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"
)

// HeatCell is one weekday-and-hour of the heatmap: its value (a median
// engagement rate, say), how many posts it comes from, and whether they
// are enough to trust it.
type HeatCell struct {
	Value   float64
	N       int
	Trusted bool
}

// Weekdays are the heatmap's row labels, Monday first.
var Weekdays = [7]string{"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"}

// heatCellSize is a cell's minimum width and height.
const heatCellSize = 24

// Heatmap draws a weekday × hour grid (rows Mon..Sun, columns 00..23),
// each cell coloured from the theme's background to Color by its value
// relative to the largest trusted one. Cells without posts are blank;
// cells with too few to trust are pale and dotted.
type Heatmap struct {
	widget.BaseWidget
	Title         string               // drawn at the top when set
	EmptyText     string               // shown when no cell has posts; DefaultEmptyText when empty
	UntrustedText string               // legend for the pale cells ("pale = fewer than 3 posts, not enough to trust"); none when empty
	Color         color.Color          // the strong end of the scale; the theme's primary colour when nil
	ValueFormat   func(float64) string // values in the default tooltip; Compact when nil
	// TooltipText says what a hovered cell shows; nil: "Tue 09:00 – 4.2 from 7 posts".
	TooltipText func(day, hour int, c HeatCell) string
	// OnTapped is called with the tapped cell's day (0 = Monday) and hour.
	OnTapped func(day, hour int)

	cells     [7][24]HeatCell
	hoverDay  int // -1: none
	hoverHour int
	r         *heatRenderer
}

var (
	_ fyne.Widget       = (*Heatmap)(nil)
	_ fyne.Tappable     = (*Heatmap)(nil)
	_ desktop.Hoverable = (*Heatmap)(nil)
)

// NewHeatmap returns an empty heatmap; SetCells fills it.
func NewHeatmap() *Heatmap {
	h := &Heatmap{hoverDay: -1}
	h.ExtendBaseWidget(h)
	return h
}

// SetCells replaces the heatmap's data and redraws it; cells[0] is Monday.
func (h *Heatmap) SetCells(cells [7][24]HeatCell) {
	h.cells, h.hoverDay = cells, -1
	h.Refresh()
}

// Tooltip is the hovered cell's text, or "" with none.
func (h *Heatmap) Tooltip() string {
	if h.hoverDay < 0 {
		return ""
	}
	d, hr := h.hoverDay, h.hoverHour
	c := h.cells[d][hr]
	if h.TooltipText != nil {
		return h.TooltipText(d, hr, c)
	}
	if c.N == 0 {
		return fmt.Sprintf("%s %02d:00 – no posts", Weekdays[d], hr)
	}
	f := Compact
	if h.ValueFormat != nil {
		f = h.ValueFormat
	}
	posts := "posts"
	if c.N == 1 {
		posts = "post"
	}
	return fmt.Sprintf("%s %02d:00 – %s from %d %s", Weekdays[d], hr, f(c.Value), c.N, posts)
}

func (h *Heatmap) MouseIn(e *desktop.MouseEvent) { h.MouseMoved(e) }

func (h *Heatmap) MouseMoved(e *desktop.MouseEvent) {
	if e != nil {
		d, hr, ok := h.cellAt(e.Position)
		if !ok {
			d = -1
		}
		h.setHover(d, hr)
	}
}

func (h *Heatmap) MouseOut() { h.setHover(-1, 0) }

// Tapped shows the cell's tooltip and calls OnTapped.
func (h *Heatmap) Tapped(e *fyne.PointEvent) {
	d, hr, ok := h.cellAt(e.Position)
	if !ok {
		return
	}
	h.setHover(d, hr)
	if h.OnTapped != nil {
		h.OnTapped(d, hr)
	}
}

// cellAt is the cell under pos.
func (h *Heatmap) cellAt(pos fyne.Position) (day, hour int, ok bool) {
	if h.r == nil || h.r.cell.Width <= 0 {
		return 0, 0, false
	}
	g := h.r.grid
	if pos.X < g.X || pos.Y < g.Y {
		return 0, 0, false
	}
	hour = int((pos.X - g.X) / h.r.cell.Width)
	day = int((pos.Y - g.Y) / h.r.cell.Height)
	return day, hour, day < 7 && hour < 24
}

// CellCenter is the middle of a cell in the widget's coordinates, for
// tests and for placing things beside a cell.
func (h *Heatmap) CellCenter(day, hour int) fyne.Position {
	if h.r == nil {
		return fyne.Position{}
	}
	return h.r.grid.AddXY((float32(hour)+0.5)*h.r.cell.Width, (float32(day)+0.5)*h.r.cell.Height)
}

func (h *Heatmap) setHover(day, hour int) {
	if day == h.hoverDay && (day < 0 || hour == h.hoverHour) {
		return
	}
	h.hoverDay, h.hoverHour = day, hour
	if h.r != nil {
		h.r.overlay()
	}
}

func (h *Heatmap) CreateRenderer() fyne.WidgetRenderer {
	r := &heatRenderer{h: h, blank: canvas.NewRectangle(color.Transparent)}
	h.r = r
	return r
}

type heatRenderer struct {
	h      *Heatmap
	base   objects // the grid and legend
	top    objects // the hovered cell's frame and tooltip
	pal    palette
	size   fyne.Size
	grid   fyne.Position // top left of Monday 00:00
	cell   fyne.Size
	objs   []fyne.CanvasObject
	blank  *canvas.Rectangle // refreshed to have the window repainted
	labelW float32
}

func (r *heatRenderer) MinSize() fyne.Size {
	ts, gap := textSize(), pad()
	lh := measure("Mg", ts, fyne.TextStyle{}).Height
	labelW := measure("Wed", ts, fyne.TextStyle{}).Width + 2*gap
	h := gap + 7*heatCellSize + gap + lh + gap + lh + gap
	if r.h.UntrustedText != "" {
		h += lh + gap
	}
	if r.h.Title != "" {
		h += measure(r.h.Title, titleSize(), fyne.TextStyle{Bold: true}).Height + gap
	}
	return fyne.NewSize(labelW+24*heatCellSize+gap, h)
}

func (r *heatRenderer) Layout(size fyne.Size) {
	r.size = size
	r.build()
}

func (r *heatRenderer) Refresh() {
	r.pal = paletteOf(r.h)
	r.size = r.h.Size()
	r.build()
}

func (r *heatRenderer) Objects() []fyne.CanvasObject { return r.objs }

func (r *heatRenderer) Destroy() {
	if r.h.r == r {
		r.h.r = nil
	}
}

func (r *heatRenderer) accent() color.Color {
	if r.h.Color != nil {
		return r.h.Color
	}
	return r.pal.primary
}

func (r *heatRenderer) build() {
	if r.pal.fg == nil {
		r.pal = paletteOf(r.h)
	}
	h, o, p, size := r.h, &r.base, r.pal, r.size
	ts, gap := textSize(), pad()
	lh := measure("Mg", ts, fyne.TextStyle{}).Height
	o.reset()
	y := gap
	if h.Title != "" {
		o.text(h.Title, p.fg, titleSize(), true, fyne.NewPos(gap, y), fyne.TextAlignLeading)
		y += measure(h.Title, titleSize(), fyne.TextStyle{Bold: true}).Height + gap
	}
	top, some := float32(0), false
	for _, row := range h.cells {
		for _, c := range row {
			some = some || c.N > 0
			if c.N > 0 && c.Trusted {
				top = max(top, float32(c.Value))
			}
		}
	}
	if !some {
		empty := h.EmptyText
		if empty == "" {
			empty = DefaultEmptyText
		}
		o.text(empty, p.muted, bodySize(), false, fyne.NewPos(size.Width/2, y+(size.Height-y)/2-ts), fyne.TextAlignCenter)
		r.cell = fyne.Size{}
		r.finish()
		return
	}

	legends := lh + gap // the colour scale
	if h.UntrustedText != "" {
		legends += lh + gap
	}
	r.labelW = measure("Wed", ts, fyne.TextStyle{}).Width + 2*gap
	r.grid = fyne.NewPos(r.labelW, y)
	r.cell = fyne.NewSize(max((size.Width-r.labelW-gap)/24, 1), max((size.Height-y-gap-lh-gap-legends)/7, 1))
	accent := r.accent()
	const gapPx = 1
	for d, row := range h.cells {
		cy := r.grid.Y + float32(d)*r.cell.Height
		o.text(Weekdays[d], p.muted, ts, false, fyne.NewPos(r.labelW-gap, cy+(r.cell.Height-lh)/2), fyne.TextAlignTrailing)
		for hr, c := range row {
			pos := fyne.NewPos(r.grid.X+float32(hr)*r.cell.Width, cy)
			sz := r.cell.SubtractWidthHeight(gapPx, gapPx)
			switch {
			case c.N == 0:
				cell := o.rect(color.Transparent, pos, sz)
				cell.StrokeColor, cell.StrokeWidth = p.grid, 1
			case c.Trusted:
				frac := 0.0
				if top > 0 {
					frac = c.Value / float64(top)
				}
				o.rect(mix(p.bg, accent, 0.08+0.92*frac), pos, sz)
			default: // pale, with a dot: a hint only
				frac := 0.0
				if top > 0 {
					frac = c.Value / float64(top)
				}
				o.rect(mix(p.bg, accent, 0.05+0.25*min(frac, 1)), pos, sz)
				o.circle(p.muted, pos.AddXY(sz.Width/2, sz.Height/2), 1.5)
			}
		}
	}
	hy := r.grid.Y + 7*r.cell.Height + gap/2
	for hr := 0; hr < 24; hr += 3 {
		x := r.grid.X + (float32(hr)+0.5)*r.cell.Width
		o.text(fmt.Sprintf("%02d", hr), p.muted, ts, false, fyne.NewPos(x, hy), fyne.TextAlignCenter)
	}

	// the colour scale: low → high, then what pale means
	ly := hy + lh + gap
	lx := r.grid.X
	o.text("low", p.muted, ts, false, fyne.NewPos(lx, ly), fyne.TextAlignLeading)
	lx += measure("low", ts, fyne.TextStyle{}).Width + gap
	sw := lh * 0.9
	for i := range 6 {
		o.rect(mix(p.bg, accent, 0.08+0.92*float64(i)/5), fyne.NewPos(lx, ly+(lh-sw)/2), fyne.NewSquareSize(sw))
		lx += sw + 1
	}
	o.text("high", p.muted, ts, false, fyne.NewPos(lx+gap, ly), fyne.TextAlignLeading)
	if h.UntrustedText != "" {
		ly += lh + gap
		lx = r.grid.X
		pos := fyne.NewPos(lx, ly+(lh-sw)/2)
		o.rect(mix(p.bg, accent, 0.15), pos, fyne.NewSquareSize(sw))
		o.circle(p.muted, pos.AddXY(sw/2, sw/2), 1.5)
		o.text(h.UntrustedText, p.muted, ts, false, fyne.NewPos(lx+sw+gap, ly), fyne.TextAlignLeading)
	}
	r.finish()
}

func (r *heatRenderer) finish() {
	r.base.refresh()
	r.overlay()
}

// overlay frames the hovered cell and shows its tooltip.
func (r *heatRenderer) overlay() {
	h, o, p := r.h, &r.top, r.pal
	o.reset()
	if h.hoverDay >= 0 && r.cell.Width > 0 {
		pos := r.grid.AddXY(float32(h.hoverHour)*r.cell.Width, float32(h.hoverDay)*r.cell.Height)
		frame := o.rect(color.Transparent, pos.SubtractXY(1, 1), r.cell.AddWidthHeight(1, 1))
		frame.StrokeColor, frame.StrokeWidth = p.fg, 2
		o.tooltip(p, []string{h.Tooltip()}, nil, pos.AddXY(r.cell.Width, r.cell.Height), r.size)
	}
	o.refresh()
	r.objs = slices.Concat(r.base.drawn, o.drawn, []fyne.CanvasObject{r.blank})
	r.blank.Refresh() // repaint where a frame was taken away
}
