package views

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// plusButton is the "+" in every day cell of the month: a flat button
// drawn with two bars instead of an SVG icon. Forty-two of them are built
// with each month view, and decoding and recolouring the theme's icon for
// each took most of the time of building the view.
type plusButton struct {
	widget.BaseWidget
	OnTapped func()
	hovered  bool
}

var (
	_ fyne.Tappable      = (*plusButton)(nil)
	_ desktop.Hoverable  = (*plusButton)(nil)
	_ desktop.Cursorable = (*plusButton)(nil)
)

func newPlusButton(tapped func()) *plusButton {
	b := &plusButton{OnTapped: tapped}
	b.ExtendBaseWidget(b)
	return b
}

func (b *plusButton) Tapped(*fyne.PointEvent) {
	if b.OnTapped != nil && !b.Hidden {
		b.OnTapped()
	}
}

func (b *plusButton) Cursor() desktop.Cursor              { return desktop.PointerCursor }
func (b *plusButton) MouseIn(*desktop.MouseEvent)         { b.hovered = true; b.Refresh() }
func (b *plusButton) MouseMoved(*desktop.MouseEvent)      {}
func (b *plusButton) MouseOut()                           { b.hovered = false; b.Refresh() }
func (b *plusButton) CreateRenderer() fyne.WidgetRenderer { return newPlusRenderer(b) }

type plusRenderer struct {
	b    *plusButton
	bg   *canvas.Rectangle
	h, v *canvas.Rectangle
}

func newPlusRenderer(b *plusButton) *plusRenderer {
	r := &plusRenderer{b: b, bg: canvas.NewRectangle(color.Transparent),
		h: canvas.NewRectangle(color.Black), v: canvas.NewRectangle(color.Black)}
	r.bg.CornerRadius = 4
	r.Refresh()
	return r
}

func (r *plusRenderer) Layout(size fyne.Size) {
	r.bg.Resize(size)
	// The bars are as long as the theme's inline icon, centred.
	l := fyne.Min(theme.Size(theme.SizeNameInlineIcon)*0.7, fyne.Min(size.Width, size.Height))
	const w = 2
	r.h.Resize(fyne.NewSize(l, w))
	r.h.Move(fyne.NewPos((size.Width-l)/2, (size.Height-w)/2))
	r.v.Resize(fyne.NewSize(w, l))
	r.v.Move(fyne.NewPos((size.Width-w)/2, (size.Height-l)/2))
}

func (r *plusRenderer) MinSize() fyne.Size {
	s := theme.Size(theme.SizeNameInlineIcon)
	return fyne.NewSquareSize(s)
}

func (r *plusRenderer) Refresh() {
	th := r.b.Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	fg := th.Color(theme.ColorNameForeground, v)
	r.h.FillColor, r.v.FillColor = fg, fg
	r.bg.FillColor = color.Transparent
	if r.b.hovered {
		r.bg.FillColor = th.Color(theme.ColorNameHover, v)
	}
	r.bg.Refresh()
	r.h.Refresh()
	r.v.Refresh()
}

func (r *plusRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.bg, r.h, r.v} }
func (r *plusRenderer) Destroy()                     {}
