package views

import (
	"image/color"
	"strconv"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"localpost/data"
)

// Sizes of the week and day views.
const (
	gutterW        = 52 // the hours column
	hourRowH       = 52 // one hour: two chips
	maxHourChips   = 2  // posts an hour cell lists before "+N more"
	firstShownHour = 7  // the hour a fresh week or day view scrolls to
)

// timeGrid is the week view (seven days) and the day view (one): a column
// per day and a row per hour, each post in the cell of its local hour. The
// hours scroll under a fixed row of day headings.
type timeGrid struct {
	days   int
	heads  []*widget.Label
	cells  [][]*hourCell // [day][hour]
	scroll *container.Scroll
	obj    fyne.CanvasObject

	onNew  func(at time.Time)
	onOpen func(e data.CalendarEntry)
	onMore func(day time.Time, entries []data.CalendarEntry)
	drag   *dragger // lets the chips be dragged to another hour (drag.go)

	labels map[int64][]data.Label // the shown posts' labels by post id, set before set; the chips mark them
}

func newTimeGrid(days int) *timeGrid {
	g := &timeGrid{days: days, heads: make([]*widget.Label, days), cells: make([][]*hourCell, days)}
	var heads []fyne.CanvasObject
	for d := range days {
		g.heads[d] = ext(&widget.Label{Alignment: fyne.TextAlignCenter, TextStyle: fyne.TextStyle{Bold: true}})
		heads = append(heads, g.heads[d])
		g.cells[d] = make([]*hourCell, 24)
	}
	var rows []fyne.CanvasObject
	for h := range 24 {
		var row []fyne.CanvasObject
		for d := range days {
			c := newHourCell(h)
			c.onNew = func(at time.Time) {
				if g.onNew != nil {
					g.onNew(at)
				}
			}
			c.onOpen = func(e data.CalendarEntry) {
				if g.onOpen != nil {
					g.onOpen(e)
				}
			}
			c.onMore = func(at time.Time, es []data.CalendarEntry) {
				if g.onMore != nil {
					g.onMore(at, es)
				}
			}
			c.grid = g
			g.cells[d][h] = c
			row = append(row, c)
		}
		hour := ext(&widget.Label{Text: strconv.Itoa(h/10) + strconv.Itoa(h%10) + ":00",
			SizeName: theme.SizeNameCaptionText, Importance: widget.LowImportance})
		rows = append(rows, container.NewBorder(nil, nil, gutter(container.NewVBox(hour)), nil,
			container.New(layout.NewGridLayoutWithColumns(days), row...)))
	}
	g.scroll = container.NewVScroll(container.New(layout.NewGridLayoutWithColumns(1), rows...))
	g.obj = container.NewBorder(
		container.NewBorder(nil, nil, gutter(layout.NewSpacer()), nil, container.NewGridWithColumns(days, heads...)),
		nil, nil, nil, g.scroll)
	return g
}

// gutter sets obj in the hours column's width.
func gutter(obj fyne.CanvasObject) fyne.CanvasObject {
	r := canvas.NewRectangle(color.Transparent)
	r.SetMinSize(fyne.NewSize(gutterW, 0))
	return container.NewStack(r, obj)
}

// set shows the days from first on with their posts (in time order);
// loc is the user's zone, today's column is marked.
func (g *timeGrid) set(first time.Time, today string, entries []data.CalendarEntry, loc *time.Location) {
	type slot struct{ day, hour int }
	bySlot := map[slot][]data.CalendarEntry{}
	days := map[string]int{}
	for d := range g.days {
		days[first.AddDate(0, 0, d).Format(time.DateOnly)] = d
	}
	for _, e := range entries {
		t := e.PlannedAt.In(loc)
		if d, ok := days[t.Format(time.DateOnly)]; ok {
			bySlot[slot{d, t.Hour()}] = append(bySlot[slot{d, t.Hour()}], e)
		}
	}
	for d := range g.days {
		day := first.AddDate(0, 0, d)
		isToday := day.Format(time.DateOnly) == today
		head := day.Format("Mon 2 Jan")
		if g.days == 1 {
			head = day.Format("Monday 2 January")
		}
		g.heads[d].Importance = widget.MediumImportance
		if isToday {
			head = "Today · " + head
			g.heads[d].Importance = widget.HighImportance
		}
		g.heads[d].SetText(head)
		for h, c := range g.cells[d] {
			c.set(day, isToday, bySlot[slot{d, h}], loc)
		}
	}
}

// cellAt is the cell of the hour of t (in the grid's zone), nil if the
// grid does not show it.
func (g *timeGrid) cellAt(t time.Time) *hourCell {
	for _, col := range g.cells {
		c := col[t.Hour()]
		if c.day.Year() == t.Year() && c.day.YearDay() == t.YearDay() {
			return c
		}
	}
	return nil
}

// scrollToHour scrolls so that hour h is at the top.
func (g *timeGrid) scrollToHour(h int) {
	g.scroll.ScrollToOffset(fyne.NewPos(0, float32(h)*g.scroll.Content.MinSize().Height/24))
}

// hourCell is one hour of one day in the week and day views. Double-
// clicking it starts a post at that hour.
type hourCell struct {
	widget.BaseWidget
	day     time.Time // midnight of the day, in the user's zone
	hour    int
	today   bool
	entries []data.CalendarEntry

	onNew  func(at time.Time)
	onOpen func(e data.CalendarEntry)
	onMore func(at time.Time, entries []data.CalendarEntry)
	grid   *timeGrid // its drag lets the chips be dragged (drag.go)

	bg      *canvas.Rectangle
	list    *fyne.Container
	content *fyne.Container
}

var (
	_ fyne.Widget         = (*hourCell)(nil)
	_ fyne.DoubleTappable = (*hourCell)(nil)
)

func newHourCell(hour int) *hourCell {
	c := &hourCell{hour: hour, bg: canvas.NewRectangle(color.Transparent), list: container.NewVBox()}
	c.ExtendBaseWidget(c)
	c.content = container.NewStack(c.bg, container.New(layout.NewCustomPaddedLayout(1, 1, 2, 2), c.list))
	return c
}

// at is the instant the cell starts (the hour after a clock change's gap
// when the hour does not exist that day).
func (c *hourCell) at() time.Time {
	return time.Date(c.day.Year(), c.day.Month(), c.day.Day(), c.hour, 0, 0, 0, c.day.Location())
}

// DoubleTapped starts a new post at this hour.
func (c *hourCell) DoubleTapped(*fyne.PointEvent) {
	if c.onNew != nil {
		c.onNew(c.at())
	}
}

// set shows the cell's day and its posts.
func (c *hourCell) set(day time.Time, today bool, entries []data.CalendarEntry, loc *time.Location) {
	c.day, c.today, c.entries = day, today, entries
	var objs []fyne.CanvasObject
	shown := entries
	if len(entries) > maxHourChips {
		shown = entries[:maxHourChips-1]
	}
	for _, e := range shown {
		ch := newPostChip(e, loc, func() {
			if c.onOpen != nil {
				c.onOpen(e)
			}
		})
		ch.labels = c.grid.labels[e.PostID]
		objs = append(objs, withDrag(c.grid.drag, ch))
	}
	if len(shown) < len(entries) {
		objs = append(objs, ext(&widget.Button{Text: "+" + strconv.Itoa(len(entries)-len(shown)) + " more",
			Importance: widget.LowImportance, Alignment: widget.ButtonAlignLeading, OnTapped: func() {
				if c.onMore != nil {
					c.onMore(c.at(), c.entries)
				}
			}}))
	}
	c.list.Objects = objs
	c.list.Refresh()
	c.Refresh()
}

// chips are the post chips the cell shows.
func (c *hourCell) chips() []*postChip {
	var out []*postChip
	for _, o := range c.list.Objects {
		if pc, ok := o.(*postChip); ok {
			out = append(out, pc)
		}
	}
	return out
}

func (c *hourCell) CreateRenderer() fyne.WidgetRenderer {
	return &hourCellRenderer{cell: c, WidgetRenderer: widget.NewSimpleRenderer(c.content)}
}

type hourCellRenderer struct {
	fyne.WidgetRenderer
	cell *hourCell
}

// MinSize keeps every hour the same height, with or without posts.
func (r *hourCellRenderer) MinSize() fyne.Size {
	return r.WidgetRenderer.MinSize().Max(fyne.NewSize(0, hourRowH))
}

// Refresh re-reads the theme so a light/dark switch recolours the grid.
func (r *hourCellRenderer) Refresh() {
	c := r.cell
	th := c.Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	c.bg.FillColor = th.Color(theme.ColorNameInputBackground, v)
	c.bg.StrokeColor = th.Color(theme.ColorNameSeparator, v)
	c.bg.StrokeWidth = 0.5
	if c.today {
		c.bg.FillColor = withAlpha(th.Color(theme.ColorNamePrimary, v), 0x20)
	}
	c.bg.Refresh()
	r.WidgetRenderer.Refresh()
}
