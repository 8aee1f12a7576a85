package views

import (
	"image/color"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"localpost/data"
)

// Paging of the list view.
const (
	listPage     = 100 // posts read from the core at a time
	maxListPages = 20  // pages kept; past that the farthest are dropped
)

// listView is the calendar as a list: one row per post of a date range, in
// time order. It is virtualised: the list builds only the rows on screen,
// and the posts are read a page at a time as rows come into view, so a
// range of tens of thousands of posts costs no more than a short one.
type listView struct {
	core Core
	b    *bridge
	now  func() time.Time

	list  *widget.List
	empty *widget.Label
	obj   fyne.CanvasObject

	created int // rows the list has built (CreateItem calls)

	from, to time.Time
	filter   data.CalendarFilter
	loc      *time.Location
	n        int                          // posts in the range
	pages    map[int][]data.CalendarEntry // by page number
	pending  map[int]bool                 // pages being read
	gen      int                          // drops pages of an older range or filter

	onOpen func(e data.CalendarEntry)
}

func newListView(core Core, b *bridge, now func() time.Time) *listView {
	l := &listView{core: core, b: b, now: now, loc: core.Location(),
		pages: map[int][]data.CalendarEntry{}, pending: map[int]bool{}}
	l.list = widget.NewList(func() int { return l.n }, l.createRow, l.updateRow)
	l.empty = ext(&widget.Label{Text: "No posts in this range.", Alignment: fyne.TextAlignCenter, Importance: widget.LowImportance})
	l.empty.Hide()
	l.obj = container.NewStack(l.list, container.NewVBox(l.empty))
	return l
}

// listRow is one row: the day, then the post's chip (time, state, text).
// The list keeps rows scrolled out of view in a pool and the collector may
// free them, so nothing else holds on to a row.
type listRow struct {
	widget.BaseWidget
	day  *widget.Label
	chip *postChip
	box  *fyne.Container
}

func (r *listRow) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(r.box) }

func (l *listView) createRow() fyne.CanvasObject {
	l.created++
	r := &listRow{
		day:  ext(&widget.Label{TextStyle: fyne.TextStyle{Bold: true}}),
		chip: newPostChip(data.CalendarEntry{}, l.loc, nil),
	}
	r.chip.onTap = func() {
		if r.chip.entry.PostID != 0 && l.onOpen != nil {
			l.onOpen(r.chip.entry)
		}
	}
	w := canvas.NewRectangle(color.Transparent)
	w.SetMinSize(fyne.NewSize(120, 0))
	r.box = container.NewBorder(nil, nil, container.NewStack(w, r.day), nil, r.chip)
	return ext(r)
}

func (l *listView) updateRow(id widget.ListItemID, o fyne.CanvasObject) {
	r := o.(*listRow)
	e, ok := l.entry(id)
	if !ok {
		r.day.SetText("Loading…")
		r.chip.Hide()
		return
	}
	t := e.PlannedAt.In(l.loc)
	r.day.Importance = widget.MediumImportance
	text := t.Format("Mon 2 Jan")
	if t.Format(time.DateOnly) == l.now().In(l.loc).Format(time.DateOnly) {
		text = "Today"
		r.day.Importance = widget.HighImportance
	}
	r.day.SetText(text)
	r.chip.setEntry(e, l.loc)
	r.chip.Show()
}

// entry is row id's post, reading its page if it is not at hand.
func (l *listView) entry(id int) (data.CalendarEntry, bool) {
	p := id / listPage
	if es, ok := l.pages[p]; ok && id%listPage < len(es) {
		return es[id%listPage], true
	}
	l.fetch(p)
	return data.CalendarEntry{}, false
}

// fetch reads page p off the UI thread and shows its rows.
func (l *listView) fetch(p int) {
	if l.pending[p] {
		return
	}
	l.pending[p] = true
	gen, from, to, f := l.gen, l.from, l.to, l.filter
	l.b.run(func() func() {
		ctx, cancel := l.b.ctx()
		defer cancel()
		es, err := l.core.CalendarPage(ctx, from, to, f, p*listPage, listPage)
		return func() {
			if gen != l.gen {
				return
			}
			delete(l.pending, p)
			if err != nil {
				l.b.errorDialog(err)
				return
			}
			l.keep(p, es)
			l.list.Refresh()
		}
	})
}

// keep stores page p, dropping the pages farthest from it past maxListPages.
func (l *listView) keep(p int, es []data.CalendarEntry) {
	l.pages[p] = es
	for len(l.pages) > maxListPages {
		far, dist := -1, -1
		for q := range l.pages {
			if d := max(q-p, p-q); d > dist {
				far, dist = q, d
			}
		}
		delete(l.pages, far)
	}
}

// load shows the posts in [from, to) that pass f, scrolled to the first on
// or after focus; onDone gets the error, if any.
func (l *listView) load(from, to, focus time.Time, f data.CalendarFilter, loc *time.Location, onDone func(error)) {
	l.gen++
	gen := l.gen
	l.from, l.to, l.filter, l.loc = from, to, f, loc
	l.pages, l.pending = map[int][]data.CalendarEntry{}, map[int]bool{}
	l.pending[0] = true // read below with the count
	l.b.run(func() func() {
		ctx, cancel := l.b.ctx()
		defer cancel()
		n, err := l.core.CalendarCount(ctx, from, to, f)
		var first []data.CalendarEntry
		before := 0
		if err == nil && n > 0 {
			first, err = l.core.CalendarPage(ctx, from, to, f, 0, listPage)
		}
		if err == nil && n > 0 && focus.After(from) {
			before, err = l.core.CalendarCount(ctx, from, focus, f)
		}
		return func() {
			if gen != l.gen {
				return
			}
			delete(l.pending, 0)
			if onDone != nil {
				onDone(err)
			}
			if err != nil {
				return
			}
			l.n = n
			l.keep(0, first)
			l.empty.Hidden = n > 0
			l.empty.Refresh()
			l.list.Refresh()
			l.list.ScrollTo(min(before, max(n-1, 0)))
		}
	})
}

// clear empties the list until the next load (a new zone or range).
func (l *listView) clear() {
	l.gen++
	l.n = 0
	l.pages, l.pending = map[int][]data.CalendarEntry{}, map[int]bool{}
	l.list.Refresh()
}
