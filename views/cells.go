package views

import (
	"fmt"
	"image/color"
	"strconv"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"localpost/data"
)

// stateStyle is how a post state looks everywhere in the views.
type stateStyle struct {
	marker string // short text shown with the post
	icon   fyne.Resource
	color  fyne.ThemeColorName
}

func styleOf(s data.PostState) stateStyle {
	switch s {
	case data.StateDraft:
		return stateStyle{"Draft", theme.DocumentCreateIcon(), theme.ColorNamePlaceHolder}
	case data.StateScheduled:
		return stateStyle{"Scheduled", theme.HistoryIcon(), theme.ColorNamePrimary}
	case data.StatePublishing:
		return stateStyle{"Publishing", theme.UploadIcon(), theme.ColorNamePrimary}
	case data.StatePublished:
		return stateStyle{"Published ✓", theme.ConfirmIcon(), theme.ColorNameSuccess}
	case data.StateFailed:
		return stateStyle{"Failed !", theme.ErrorIcon(), theme.ColorNameError}
	case data.StateMissed:
		// Missed posts and due reminders both wait for the user's move.
		return stateStyle{"Waiting for you", theme.WarningIcon(), theme.ColorNameWarning}
	case data.StateUncertain:
		return stateStyle{"Uncertain ?", theme.QuestionIcon(), theme.ColorNameWarning}
	}
	return stateStyle{string(s), theme.InfoIcon(), theme.ColorNameForeground}
}

var (
	stateIconsMu sync.Mutex
	stateIcons   = map[data.PostState]fyne.Resource{}
)

// stateIcon is the state's icon in its colour, one resource per state.
func stateIcon(s data.PostState) fyne.Resource {
	stateIconsMu.Lock()
	defer stateIconsMu.Unlock()
	r, ok := stateIcons[s]
	if !ok {
		st := styleOf(s)
		r = theme.NewColoredResource(st.icon, st.color)
		stateIcons[s] = r
	}
	return r
}

func withAlpha(c color.Color, a uint8) color.Color {
	n := color.NRGBAModel.Convert(c).(color.NRGBA)
	n.A = a
	return n
}

// networkColors are the chips' colours per network: mid tones that read
// as a solid stripe and as a light tint behind text in both the light and
// the dark theme (X and TikTok are black and white at home, which would
// vanish in one theme, so they get a slate and a teal).
var networkColors = map[string]color.NRGBA{
	"mastodon":  {0x63, 0x64, 0xff, 0xff},
	"x":         {0x78, 0x86, 0x9b, 0xff},
	"facebook":  {0x18, 0x77, 0xf2, 0xff},
	"fbgroup":   {0x4c, 0xaf, 0x50, 0xff},
	"instagram": {0xe1, 0x30, 0x6c, 0xff},
	"linkedin":  {0x00, 0xa0, 0xdc, 0xff},
	"pinterest": {0xe6, 0x00, 0x23, 0xff},
	"tiktok":    {0x1f, 0xb5, 0xb0, 0xff},
	"youtube":   {0xff, 0x80, 0x00, 0xff},
}

// networkColor is a network's chip colour; unknown networks are grey.
func networkColor(n string) color.NRGBA {
	if c, ok := networkColors[n]; ok {
		return c
	}
	return color.NRGBA{0x90, 0x90, 0x90, 0xff}
}

// splitNetworks cuts an entry's comma-separated networks.
func splitNetworks(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// maxDots is how many further networks a chip marks with a dot.
const maxDots = 3

// postChip is one post in a calendar cell or list row: a stripe in its
// (first) network's colour, its state icon, a dot per further network, the
// local time and the start of the text, cut to the chip's width. A stock
// Button cannot truncate its label, and a Label is too tall for a month
// grid, hence this widget.
type postChip struct {
	widget.BaseWidget
	entry   data.CalendarEntry
	text    string       // "09:30 Hello world"
	labels  []data.Label // a mark each at the chip's end; their names on hover
	onTap   func()
	hovered bool
	drag    *dragger // set: the post can be dragged to another day (drag.go)
}

var (
	_ fyne.Widget        = (*postChip)(nil)
	_ fyne.Tappable      = (*postChip)(nil)
	_ desktop.Hoverable  = (*postChip)(nil)
	_ desktop.Cursorable = (*postChip)(nil)
)

func newPostChip(e data.CalendarEntry, loc *time.Location, onTap func()) *postChip {
	c := &postChip{onTap: onTap}
	c.entry, c.text = e, chipText(e, loc)
	c.ExtendBaseWidget(c)
	return c
}

// setEntry shows another post in this chip (list rows are reused).
func (c *postChip) setEntry(e data.CalendarEntry, loc *time.Location) {
	c.entry, c.text = e, chipText(e, loc)
	c.Refresh()
}

// setLabels marks the post's labels on the chip.
func (c *postChip) setLabels(ls []data.Label) {
	c.labels = ls
	c.Refresh()
}

// shownText is the chip's text: on hover a labelled post names its labels
// instead of its text.
func (c *postChip) shownText() string {
	if !c.hovered || len(c.labels) == 0 {
		return c.text
	}
	names := make([]string, len(c.labels))
	for i, l := range c.labels {
		names[i] = l.Name
	}
	clock, _, _ := strings.Cut(c.text, " ")
	return clock + " " + strings.Join(names, ", ")
}

func chipText(e data.CalendarEntry, loc *time.Location) string {
	snippet := strings.Join(strings.Fields(e.Snippet), " ")
	if snippet == "" {
		snippet = "(no text)"
	}
	text := e.PlannedAt.In(loc).Format("15:04") + " "
	if e.State == data.StateMissed {
		// the one state that asks something of the user says so
		text += styleOf(e.State).marker + " · "
	}
	return text + snippet
}

func (c *postChip) Tapped(*fyne.PointEvent) {
	if c.onTap != nil {
		c.onTap()
	}
}

func (c *postChip) Cursor() desktop.Cursor { return desktop.PointerCursor }

func (c *postChip) MouseIn(*desktop.MouseEvent) { c.hovered = true; c.Refresh() }

func (c *postChip) MouseMoved(*desktop.MouseEvent) {}

func (c *postChip) MouseOut() { c.hovered = false; c.Refresh() }

func (c *postChip) CreateRenderer() fyne.WidgetRenderer {
	r := &postChipRenderer{
		chip:   c,
		bg:     canvas.NewRectangle(color.Transparent),
		stripe: canvas.NewRectangle(color.Transparent),
		icon:   widget.NewIcon(stateIcon(c.entry.State)),
		label:  canvas.NewText(c.text, color.Black),
	}
	for i := range r.dots {
		r.dots[i] = canvas.NewCircle(color.Transparent)
	}
	r.bg.CornerRadius = 4
	r.label.TextSize = theme.Size(theme.SizeNameCaptionText)
	r.Refresh()
	return r
}

type postChipRenderer struct {
	chip   *postChip
	bg     *canvas.Rectangle
	stripe *canvas.Rectangle // the first network's colour
	icon   *widget.Icon      // the state
	dots   [maxDots]*canvas.Circle
	ndots  int
	series *widget.Icon // the repeat symbol of a post in a series; nil until one is shown
	marks  [maxMarks]*canvas.Rectangle
	nmarks int // labels marked, at the chip's end
	label  *canvas.Text
}

// maxMarks is how many labels a chip marks.
const maxMarks = 3

const (
	chipPad    = 3
	stripeW    = 3
	dotSize    = 5
	dotSpacing = 2
)

func (r *postChipRenderer) iconSize() float32 { return r.label.TextSize + 2 }

func (r *postChipRenderer) MinSize() fyne.Size {
	h := fyne.MeasureText("09:30", r.label.TextSize, r.label.TextStyle).Height
	return fyne.NewSize(stripeW+r.iconSize()+40, fyne.Max(h, r.iconSize())+2*chipPad)
}

func (r *postChipRenderer) Layout(size fyne.Size) {
	r.bg.Resize(size)
	r.stripe.Move(fyne.NewPos(0, 0))
	r.stripe.Resize(fyne.NewSize(stripeW, size.Height))
	is := r.iconSize()
	x := float32(stripeW + chipPad)
	r.icon.Resize(fyne.NewSquareSize(is))
	r.icon.Move(fyne.NewPos(x, (size.Height-is)/2))
	x += is + chipPad
	for i, d := range r.dots {
		d.Hidden = i >= r.ndots
		if d.Hidden {
			continue
		}
		d.Resize(fyne.NewSquareSize(dotSize))
		d.Move(fyne.NewPos(x, (size.Height-dotSize)/2))
		x += dotSize + dotSpacing
	}
	if r.ndots > 0 {
		x += chipPad - dotSpacing
	}
	if r.series != nil && !r.series.Hidden {
		ss := is - 2
		r.series.Resize(fyne.NewSquareSize(ss))
		r.series.Move(fyne.NewPos(x, (size.Height-ss)/2))
		x += ss + chipPad
	}
	end := size.Width - chipPad // the label marks go from the end leftwards
	for i := r.nmarks - 1; i >= 0; i-- {
		m := r.marks[i]
		end -= dotSize
		m.Resize(fyne.NewSize(dotSize, dotSize+3))
		m.Move(fyne.NewPos(end, (size.Height-dotSize-3)/2))
		end -= dotSpacing
	}
	if r.nmarks > 0 {
		end -= chipPad - dotSpacing
	}
	r.label.Text = fitText(r.chip.shownText(), end-x, r.label.TextSize, r.label.TextStyle)
	th := fyne.MeasureText(r.label.Text, r.label.TextSize, r.label.TextStyle).Height
	r.label.Move(fyne.NewPos(x, (size.Height-th)/2))
	r.label.Resize(fyne.NewSize(max(end-x, 0), th))
}

func (r *postChipRenderer) Refresh() {
	th := r.chip.Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	st := styleOf(r.chip.entry.State)
	nets := splitNetworks(r.chip.entry.Networks)
	switch {
	case r.chip.hovered:
		r.bg.FillColor = th.Color(theme.ColorNameHover, v)
	case len(nets) > 0:
		r.bg.FillColor = withAlpha(networkColor(nets[0]), 0x33)
	default: // no account yet: the state's colour
		r.bg.FillColor = withAlpha(th.Color(st.color, v), 0x26)
	}
	r.stripe.FillColor = color.Transparent
	if len(nets) > 0 {
		r.stripe.FillColor = networkColor(nets[0])
	}
	r.ndots = 0
	for i := 1; i < len(nets) && r.ndots < maxDots; i++ {
		r.dots[r.ndots].FillColor = networkColor(nets[i])
		r.ndots++
	}
	// The same resource for the same state: recolouring an SVG is the
	// dearest part of a chip, so the icon is only refreshed when the state
	// changed (a theme change refreshes the icon widget itself).
	iconChanged := false
	if res := stateIcon(r.chip.entry.State); r.icon.Resource != res {
		r.icon.Resource, iconChanged = res, true
	}
	if r.chip.entry.SeriesID != 0 && r.series == nil {
		r.series = widget.NewIcon(theme.NewColoredResource(theme.ViewRefreshIcon(), theme.ColorNameForeground))
	}
	if r.series != nil {
		r.series.Hidden = r.chip.entry.SeriesID == 0
	}
	r.nmarks = min(len(r.chip.labels), maxMarks)
	for i := range r.nmarks {
		if r.marks[i] == nil {
			r.marks[i] = canvas.NewRectangle(color.Transparent)
			r.marks[i].CornerRadius = 1
		}
		r.marks[i].FillColor = labelColor(r.chip.labels[i].Colour)
		r.marks[i].Refresh()
	}
	r.label.Color = th.Color(theme.ColorNameForeground, v)
	r.label.TextStyle.Italic = r.chip.entry.State == data.StateDraft
	r.bg.Refresh()
	r.stripe.Refresh()
	for _, d := range r.dots {
		d.Refresh()
	}
	if iconChanged {
		r.icon.Refresh()
	}
	r.Layout(r.chip.Size())
	r.label.Refresh()
}

func (r *postChipRenderer) Objects() []fyne.CanvasObject {
	objs := []fyne.CanvasObject{r.bg, r.stripe, r.icon}
	for _, d := range r.dots {
		objs = append(objs, d)
	}
	if r.series != nil && !r.series.Hidden {
		objs = append(objs, r.series)
	}
	for _, m := range r.marks[:r.nmarks] {
		objs = append(objs, m)
	}
	return append(objs, r.label)
}

// labelColor reads a label's "#rrggbb"; anything else is grey.
func labelColor(s string) color.Color {
	var c color.NRGBA
	if n, err := fmt.Sscanf(s, "#%02x%02x%02x", &c.R, &c.G, &c.B); err != nil || n != 3 || len(s) != 7 {
		return color.NRGBA{0x90, 0x90, 0x90, 0xff}
	}
	c.A = 0xff
	return c
}

func (r *postChipRenderer) Destroy() {}

// fitText cuts s with an ellipsis so it fits in width.
func fitText(s string, width, size float32, style fyne.TextStyle) string {
	if width <= 0 {
		return ""
	}
	if fyne.MeasureText(s, size, style).Width <= width {
		return s
	}
	runes := []rune(s)
	lo, hi := 0, len(runes)
	for lo < hi { // largest prefix that fits with the ellipsis
		mid := (lo + hi + 1) / 2
		if fyne.MeasureText(string(runes[:mid])+"…", size, style).Width <= width {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	if lo == 0 {
		return ""
	}
	return strings.TrimRight(string(runes[:lo]), " ") + "…"
}

// moreLink is a day cell's "+N more": one line of bold text, a chip's
// height, that opens the day's posts.
type moreLink struct {
	widget.BaseWidget
	Text     string
	OnTapped func()
	text     *canvas.Text
}

var (
	_ fyne.Tappable      = (*moreLink)(nil)
	_ desktop.Cursorable = (*moreLink)(nil)
)

func newMoreLink(tapped func()) *moreLink {
	m := &moreLink{OnTapped: tapped, text: canvas.NewText("", color.Black)}
	m.text.TextStyle.Bold = true
	m.ExtendBaseWidget(m)
	return m
}

// SetText changes the text, redrawing only when it changed.
func (m *moreLink) SetText(s string) {
	if s != m.Text {
		m.Text = s
		m.Refresh()
	}
}

func (m *moreLink) Tapped(*fyne.PointEvent) {
	if m.OnTapped != nil {
		m.OnTapped()
	}
}

func (m *moreLink) Cursor() desktop.Cursor { return desktop.PointerCursor }

func (m *moreLink) CreateRenderer() fyne.WidgetRenderer {
	r := &moreLinkRenderer{m: m, WidgetRenderer: widget.NewSimpleRenderer(container.New(layout.NewCustomPaddedLayout(2, 2, 6, 2), m.text))}
	r.Refresh()
	return r
}

type moreLinkRenderer struct {
	fyne.WidgetRenderer
	m *moreLink
}

func (r *moreLinkRenderer) Refresh() {
	t := r.m.text
	t.Text, t.Color, t.TextSize = r.m.Text, theme.Color(theme.ColorNameForeground), theme.TextSize()
	t.Refresh()
	r.WidgetRenderer.Refresh()
}

// maxChips is how many posts a day cell lists before "+N more".
const maxChips = 3

// fitList lays out a day's chips top to bottom with its "+N more" button
// last, showing as many chips as the cell has room for: a busy month must
// not make the window taller than the screen. Its minimum is one line.
type fitList struct{ cell *dayCell }

func (l *fitList) MinSize(objs []fyne.CanvasObject) fyne.Size {
	if len(objs) < 2 {
		return fyne.Size{}
	}
	w := float32(0)
	for _, o := range objs {
		w = max(w, o.MinSize().Width)
	}
	return fyne.NewSize(w, objs[0].MinSize().Height)
}

func (l *fitList) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	if len(objs) == 0 {
		return
	}
	more := objs[len(objs)-1].(*moreLink)
	chips := objs[:len(objs)-1]
	total := len(l.cell.entries)
	gap := theme.Padding()
	height := func(k int) float32 { // k chips, and "more" if any post is left out
		h := float32(0)
		for _, ch := range chips[:k] {
			h += ch.MinSize().Height + gap
		}
		if k < total {
			h += more.MinSize().Height + gap
		}
		return h - gap
	}
	k := len(chips)
	for k > 0 && height(k) > size.Height {
		k--
	}
	if k == 0 && total > 0 && len(chips) > 0 && more.MinSize().Height > size.Height {
		k = 1 // no room even for "more": the first post, cut
	}
	y := float32(0)
	for i, ch := range chips {
		if i >= k {
			ch.Hide()
			continue
		}
		ch.Show()
		h := ch.MinSize().Height
		ch.Move(fyne.NewPos(0, y))
		ch.Resize(fyne.NewSize(size.Width, h))
		y += h + gap
	}
	hidden := total - k
	if text := "+" + strconv.Itoa(hidden) + " more"; hidden <= 0 {
		more.Hide()
	} else {
		more.Show()
		more.SetText(text)
		more.Move(fyne.NewPos(0, y))
		more.Resize(fyne.NewSize(size.Width, more.MinSize().Height))
	}
}

// dayCell is one day of the month grid. Double-clicking it starts a post on
// that day; it is a widget only to receive that double tap.
type dayCell struct {
	widget.BaseWidget
	date    time.Time
	inMonth bool
	today   bool
	entries []data.CalendarEntry
	labels  map[int64][]data.Label // by post id, set before set; the chips mark them

	onNew  func(day time.Time)
	onOpen func(e data.CalendarEntry)
	onMore func(day time.Time, entries []data.CalendarEntry)
	drag   *dragger // lets the chips be dragged to another day (drag.go)

	bg      *canvas.Rectangle // the cell
	badge   *canvas.Rectangle // today's primary-coloured mark behind the number
	number  *canvas.Text
	add     *plusButton
	list    *fyne.Container
	content *fyne.Container
}

var (
	_ fyne.Widget         = (*dayCell)(nil)
	_ fyne.DoubleTappable = (*dayCell)(nil)
)

func newDayCell() *dayCell {
	c := &dayCell{
		bg:     canvas.NewRectangle(color.Transparent),
		badge:  canvas.NewRectangle(color.Transparent),
		number: canvas.NewText("", color.Black),
	}
	c.list = container.New(&fitList{cell: c})
	c.ExtendBaseWidget(c)
	c.bg.CornerRadius = 6
	c.badge.CornerRadius = 8
	c.number.Alignment = fyne.TextAlignCenter
	c.number.TextStyle.Bold = true
	c.add = newPlusButton(func() {
		if c.onNew != nil {
			c.onNew(c.date)
		}
	})
	numberBox := container.New(layout.NewGridWrapLayout(fyne.NewSquareSize(28)),
		container.NewStack(c.badge, c.number))
	addBox := container.New(layout.NewGridWrapLayout(fyne.NewSquareSize(24)), c.add)
	c.content = container.NewStack(c.bg, container.New(layout.NewCustomPaddedLayout(4, 4, 4, 4),
		container.NewBorder(container.NewBorder(nil, nil, numberBox, addBox), nil, nil, nil, c.list)))
	return c
}

// DoubleTapped starts a new post on this day.
func (c *dayCell) DoubleTapped(*fyne.PointEvent) {
	if c.onNew != nil {
		c.onNew(c.date)
	}
}

// set shows a day and its posts (already in time order).
func (c *dayCell) set(day time.Time, inMonth, today bool, entries []data.CalendarEntry, loc *time.Location) {
	c.date, c.inMonth, c.today, c.entries = day, inMonth, today, entries
	c.number.Text = day.Format("2")
	var objs []fyne.CanvasObject
	shown := entries
	if len(entries) > maxChips {
		shown = entries[:maxChips-1]
	}
	for _, e := range shown {
		objs = append(objs, withDrag(c.drag, newPostChip(e, loc, func() {
			if c.onOpen != nil {
				c.onOpen(e)
			}
		})))
	}
	// Always last: the list's layout shows it, with the number of posts
	// it could not show, when some did not fit or were not built.
	more := newMoreLink(func() {
		if c.onMore != nil {
			c.onMore(c.date, c.entries)
		}
	})
	more.Hidden = len(shown) == len(entries)
	more.Text = "+" + strconv.Itoa(len(entries)-len(shown)) + " more"
	objs = append(objs, more)
	for _, o := range objs {
		if ch, ok := o.(*postChip); ok {
			ch.labels = c.labels[ch.entry.PostID]
		}
	}
	c.list.Objects = objs
	c.list.Refresh()
	c.Refresh()
}

func (c *dayCell) CreateRenderer() fyne.WidgetRenderer {
	return &dayCellRenderer{cell: c, WidgetRenderer: widget.NewSimpleRenderer(c.content)}
}

type dayCellRenderer struct {
	fyne.WidgetRenderer
	cell *dayCell
	// The theme last applied: the cell's buttons re-read it (recolouring
	// their SVG icons, which is slow) only when it changed.
	theme   fyne.Theme
	variant fyne.ThemeVariant
}

// Refresh re-reads the theme so a light/dark switch recolours the grid.
func (r *dayCellRenderer) Refresh() {
	c := r.cell
	th := c.Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	primary := th.Color(theme.ColorNamePrimary, v)
	c.bg.FillColor = th.Color(theme.ColorNameInputBackground, v)
	c.bg.StrokeWidth = 0
	c.badge.FillColor = color.Transparent
	c.number.Color = th.Color(theme.ColorNameForeground, v)
	switch {
	case c.today:
		c.bg.FillColor = withAlpha(primary, 0x30)
		c.bg.StrokeColor = primary
		c.bg.StrokeWidth = 2
		c.badge.FillColor = primary
		c.number.Color = th.Color(theme.ColorNameForegroundOnPrimary, v)
	case !c.inMonth:
		c.bg.FillColor = withAlpha(th.Color(theme.ColorNameInputBackground, v), 0x50)
		c.number.Color = th.Color(theme.ColorNameDisabled, v)
	}
	addChanged := c.add.Hidden != !c.inMonth
	c.add.Hidden = !c.inMonth
	c.bg.Refresh()
	c.badge.Refresh()
	c.number.Refresh()
	if th != r.theme || v != r.variant {
		r.theme, r.variant = th, v
		r.WidgetRenderer.Refresh()
		return
	}
	if addChanged {
		c.add.Refresh()
	}
}
