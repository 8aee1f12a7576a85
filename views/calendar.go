package views

import (
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"localpost/data"
)

// calendarView is one of the calendar's ways to show the posts.
type calendarView int

const (
	viewMonth calendarView = iota
	viewWeek
	viewDay
	viewList
)

var viewNames = [...]string{viewMonth: "Month", viewWeek: "Week", viewDay: "Day", viewList: "List"}

// calendarScreen is the calendar: a month grid (weeks start on Monday), a
// week or a day of hours, or a list of a month's posts, switched in the
// toolbar; all share the shown day, the filters and the user's zone, and
// mark today in the theme's primary colour.
type calendarScreen struct {
	core Core
	b    *bridge
	now  func() time.Time

	view    calendarView
	day     time.Time              // midnight of the day shown or in view, in the user's zone
	month   time.Time              // midnight on the first of day's month
	filter  data.CalendarFilter    // what the filter bar asks for
	gen     int                    // drops loads that finished after a newer one started
	shownIn *time.Location         // the zone this view shows times in; nil: the user's
	labels  map[int64][]data.Label // the shown posts' labels, by post id

	monthLabel *widget.Label // the period shown: a month, a week or a day
	status     *widget.Label
	banner     *fyne.Container
	problems   fyne.CanvasObject // set before build: the banner of changes the networks could not make
	cells      [42]*dayCell
	prev, next *widget.Button
	todayBtn   *widget.Button
	viewBtns   [len(viewNames)]*widget.Button
	zone       *zonePicker       // the zone times are shown in
	jump       *widget.DateEntry // "jump to date"
	filters    *filterBar
	body       *fyne.Container // the current view's object

	monthObj fyne.CanvasObject
	week     *timeGrid // built when first shown, as are the two below
	dayGrid  *timeGrid
	list     *listView
	drag     *dragger // a post or an idea dragged over the cells (drag.go)

	onOpenPost func(e data.CalendarEntry)
	onNewPost  func(day time.Time)
	onAccounts func()
}

func newCalendarScreen(core Core, b *bridge, now func() time.Time) *calendarScreen {
	s := &calendarScreen{core: core, b: b, now: now}
	s.drag = newDragger(s)
	s.setDay(now())
	return s
}

func firstOfMonth(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, t.Location())
}

func midnight(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, t.Location())
}

// mondayOf is midnight on the Monday of t's week.
func mondayOf(t time.Time) time.Time {
	return midnight(t).AddDate(0, 0, -((int(t.Weekday()) + 6) % 7))
}

func (s *calendarScreen) build() fyne.CanvasObject {
	s.monthLabel = ext(&widget.Label{TextStyle: fyne.TextStyle{Bold: true}, SizeName: theme.SizeNameHeadingText})
	s.status = ext(&widget.Label{Truncation: fyne.TextTruncateEllipsis, Alignment: fyne.TextAlignTrailing})
	s.prev = ext(&widget.Button{Icon: theme.NavigateBackIcon(), Importance: widget.LowImportance, OnTapped: s.onPrevious})
	s.next = ext(&widget.Button{Icon: theme.NavigateNextIcon(), Importance: widget.LowImportance, OnTapped: s.onNext})
	s.todayBtn = ext(&widget.Button{Text: "Today", OnTapped: s.onToday})
	newBtn := ext(&widget.Button{Text: "New post", Icon: theme.ContentAddIcon(), Importance: widget.HighImportance,
		OnTapped: func() {
			if s.onNewPost != nil {
				s.onNewPost(s.defaultNewDay())
			}
		}})
	switcher := container.NewHBox()
	for v := range s.viewBtns {
		s.viewBtns[v] = ext(&widget.Button{Text: viewNames[v], OnTapped: func() { s.setView(calendarView(v)) }})
		switcher.Add(s.viewBtns[v])
	}
	toolbar := container.NewBorder(nil, nil,
		container.NewHBox(s.todayBtn, s.prev, s.next, s.monthLabel),
		container.NewHBox(switcher, newBtn), s.status)

	s.zone = newZonePicker(s.b.win, s.core.Location())
	s.zone.onPick = func(loc *time.Location) {
		s.shownIn = loc
		s.relocate()
		s.reload()
	}
	s.jump = widget.NewDateEntry()
	s.jump.PlaceHolder = "Jump to date"
	s.jump.OnChanged = func(d *time.Time) {
		if d != nil {
			s.jumpTo(*d)
		}
	}
	s.filters = newFilterBar()
	s.filters.onChanged = func(f data.CalendarFilter) {
		s.filter = f
		s.reload()
	}
	jumpBox := container.New(layout.NewGridWrapLayout(fyne.NewSize(140, s.jump.MinSize().Height)), s.jump)
	// a clock and the zone's name, e.g. "Europe/Berlin (yours)": the bar
	// must fit the default window with every filter
	zoneBox := container.NewHBox(layout.NewSpacer(), widget.NewIcon(theme.HistoryIcon()),
		container.New(layout.NewGridWrapLayout(fyne.NewSize(180, s.jump.MinSize().Height)), s.zone.sel))
	toolbar2 := container.NewBorder(nil, nil, s.filters.obj, jumpBox, zoneBox)

	bannerText := widget.NewLabel("No accounts yet — connect one to start posting.")
	s.banner = container.NewHBox(widget.NewIcon(theme.InfoIcon()), bannerText,
		ext(&widget.Button{Text: "Accounts…", Icon: theme.AccountIcon(), OnTapped: func() {
			if s.onAccounts != nil {
				s.onAccounts()
			}
		}}))
	s.banner.Hide()

	var heads []fyne.CanvasObject
	for _, d := range []string{"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"} {
		heads = append(heads, ext(&widget.Label{Text: d, Alignment: fyne.TextAlignCenter, TextStyle: fyne.TextStyle{Bold: true}}))
	}
	var cells []fyne.CanvasObject
	for i := range s.cells {
		c := newDayCell()
		c.onNew = func(day time.Time) {
			if s.onNewPost != nil {
				s.onNewPost(day)
			}
		}
		c.onOpen = s.openPost
		c.onMore = s.onMore
		c.drag = s.drag
		s.cells[i] = c
		cells = append(cells, c)
	}
	s.monthObj = container.NewBorder(container.NewGridWithColumns(7, heads...), nil, nil, nil,
		container.New(layout.NewGridLayoutWithColumns(7), cells...))
	s.body = container.NewStack(s.monthObj)
	s.showZone()
	s.showView()
	top := container.NewVBox(toolbar, toolbar2, s.banner)
	if s.problems != nil {
		top.Add(s.problems)
	}
	return container.NewBorder(top, nil, nil, nil, s.body)
}

func (s *calendarScreen) openPost(e data.CalendarEntry) {
	if s.onOpenPost != nil {
		s.onOpenPost(e)
	}
}

func (s *calendarScreen) newPost(at time.Time) {
	if s.onNewPost != nil {
		s.onNewPost(at)
	}
}

// setView switches to view v and loads it.
func (s *calendarScreen) setView(v calendarView) {
	if v == s.view {
		return
	}
	s.view = v
	s.showView()
	s.reload()
}

// showView puts the current view on screen, empty until reload, and marks
// its button.
func (s *calendarScreen) showView() {
	var obj fyne.CanvasObject
	fresh := false
	switch s.view {
	case viewMonth:
		obj = s.monthObj
	case viewWeek:
		if s.week == nil {
			s.week, fresh = s.newTimeGrid(7), true
		}
		obj = s.week.obj
	case viewDay:
		if s.dayGrid == nil {
			s.dayGrid, fresh = s.newTimeGrid(1), true
		}
		obj = s.dayGrid.obj
	case viewList:
		if s.list == nil {
			s.list = newListView(s.core, s.b, s.now)
			s.list.onOpen = s.openPost
		}
		obj = s.list.obj
	}
	for v, btn := range s.viewBtns {
		btn.Importance = widget.LowImportance
		if calendarView(v) == s.view {
			btn.Importance = widget.MediumImportance
		}
		btn.Refresh()
	}
	s.body.Objects = []fyne.CanvasObject{obj}
	s.body.Refresh()
	s.layoutView(nil)
	if fresh {
		s.timeGrid().scrollToHour(firstShownHour)
	}
}

func (s *calendarScreen) newTimeGrid(days int) *timeGrid {
	g := newTimeGrid(days)
	g.onNew = s.newPost
	g.onOpen = s.openPost
	g.onMore = s.onMore
	g.drag = s.drag
	return g
}

// timeGrid is the week's or the day's grid, whichever is shown; nil in
// the month and list views.
func (s *calendarScreen) timeGrid() *timeGrid {
	switch s.view {
	case viewWeek:
		return s.week
	case viewDay:
		return s.dayGrid
	}
	return nil
}

// period is the time the current view shows, [from, to).
func (s *calendarScreen) period() (from, to time.Time) {
	switch s.view {
	case viewWeek:
		from = mondayOf(s.day)
		return from, from.AddDate(0, 0, 7)
	case viewDay:
		return s.day, s.day.AddDate(0, 0, 1)
	}
	return s.month, s.month.AddDate(0, 1, 0)
}

// title names the period shown: "July 2026", "13 – 19 July 2026",
// "Wednesday 15 July 2026".
func (s *calendarScreen) title() string {
	switch s.view {
	case viewWeek:
		from, to := s.period()
		last := to.AddDate(0, 0, -1)
		switch {
		case from.Year() != last.Year():
			return from.Format("2 Jan 2006") + " – " + last.Format("2 Jan 2006")
		case from.Month() != last.Month():
			return from.Format("2 January") + " – " + last.Format("2 January 2006")
		}
		return from.Format("2") + " – " + last.Format("2 January 2006")
	case viewDay:
		return s.day.Format("Monday 2 January 2006")
	}
	return s.month.Format("January 2006")
}

// defaultNewDay is the day a "New post" from the toolbar starts on: today
// when it is in the shown period, else the period's first day (the shown
// day in the day view).
func (s *calendarScreen) defaultNewDay() time.Time {
	today := s.now().In(s.loc())
	from, to := s.period()
	if !today.Before(from) && today.Before(to) {
		return today
	}
	return from
}

func (s *calendarScreen) onPrevious() { s.step(-1) }
func (s *calendarScreen) onNext()     { s.step(1) }
func (s *calendarScreen) onToday()    { s.showMonth(s.now()) }

// step moves n periods (months, weeks or days) on.
func (s *calendarScreen) step(n int) {
	switch s.view {
	case viewWeek:
		s.showMonth(s.day.AddDate(0, 0, 7*n))
	case viewDay:
		s.showMonth(s.day.AddDate(0, 0, n))
	default:
		s.showMonth(s.month.AddDate(0, n, 0))
	}
}

// jumpTo shows the calendar date of d (as picked, whatever its zone) in the
// current view; the list scrolls to its first post.
func (s *calendarScreen) jumpTo(d time.Time) {
	s.showMonth(time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, s.loc()))
}

// showMonth shows the period containing t in the current view and loads it.
func (s *calendarScreen) showMonth(t time.Time) {
	s.setMonth(t)
	s.reload()
}

// setMonth moves the view to the period containing t without loading it.
func (s *calendarScreen) setMonth(t time.Time) {
	s.setDay(t)
	s.layoutView(nil)
}

func (s *calendarScreen) setDay(t time.Time) {
	s.day = midnight(t.In(s.loc()))
	s.month = firstOfMonth(s.day)
}

// loc is the zone the calendar shows times in: the one picked for this
// view, else the user's.
func (s *calendarScreen) loc() *time.Location {
	if s.shownIn != nil {
		return s.shownIn
	}
	return s.core.Location()
}

// zoneChanged keeps the shown day when the user's zone changes.
func (s *calendarScreen) zoneChanged() {
	s.showZone()
	s.relocate()
}

// relocate keeps the shown day when the zone times are shown in changes.
func (s *calendarScreen) relocate() {
	loc := s.loc()
	s.day = time.Date(s.day.Year(), s.day.Month(), s.day.Day(), 0, 0, 0, 0, loc)
	s.month = firstOfMonth(s.day)
	if s.list != nil {
		s.list.clear()
	}
	s.layoutView(nil)
}

// showZone offers the user's zone in the toolbar's zone menu.
func (s *calendarScreen) showZone() {
	s.zone.setUser(s.core.Location())
}

// reload fetches the shown period's posts off the UI thread.
func (s *calendarScreen) reload() {
	s.gen++
	gen, view, f := s.gen, s.view, s.filter
	from, to := s.period()
	failed := func(err error) {
		s.setStatus("Could not load "+map[calendarView]string{viewMonth: "this month", viewWeek: "this week",
			viewDay: "this day", viewList: "these posts"}[view]+": "+err.Error(), true)
	}
	done := func() {
		if s.status.Importance == widget.DangerImportance {
			s.setStatus("", false) // the load error is over
		}
	}
	if view == viewList {
		s.b.run(func() func() {
			ctx, cancel := s.b.ctx()
			defer cancel()
			all, err := s.core.Labels(ctx)
			return func() {
				if err == nil && gen == s.gen {
					s.filters.setLabels(all)
				}
			}
		})
		s.list.load(from, to, s.day, f, s.loc(), func(err error) {
			if gen != s.gen {
				return
			}
			if err != nil {
				failed(err)
				return
			}
			done()
		})
		return
	}
	s.b.run(func() func() {
		ctx, cancel := s.b.ctx()
		defer cancel()
		// the chips' labels come alongside, in a query of their own
		type labelsResult struct {
			labels map[int64][]data.Label
			all    []data.Label // for the filter bar
			err    error
		}
		lc := make(chan labelsResult, 1)
		go func() {
			ls, err := s.core.CalendarLabels(ctx, from, to)
			var all []data.Label
			if err == nil {
				all, err = s.core.Labels(ctx)
			}
			lc <- labelsResult{ls, all, err}
		}()
		entries, err := s.core.Calendar(ctx, from, to, f)
		lr := <-lc
		if err == nil {
			err = lr.err
		}
		return func() {
			if gen != s.gen {
				return
			}
			if err != nil {
				failed(err)
				return
			}
			done()
			s.labels = lr.labels
			s.layoutView(entries)
			s.filters.setLabels(lr.all)
		}
	})
}

// layoutView shows entries in the current view, and its title.
func (s *calendarScreen) layoutView(entries []data.CalendarEntry) {
	s.monthLabel.SetText(s.title())
	loc := s.day.Location()
	today := s.now().In(loc).Format(time.DateOnly)
	switch s.view {
	case viewMonth:
		s.layoutMonth(entries)
	case viewWeek:
		s.week.labels = s.labels
		s.week.set(mondayOf(s.day), today, entries, loc)
	case viewDay:
		s.dayGrid.labels = s.labels
		s.dayGrid.set(s.day, today, entries, loc)
	}
}

// setAccounts shows the "connect an account" banner when there are none,
// and offers the accounts and their networks as filters.
func (s *calendarScreen) setAccounts(accs []data.Account) {
	s.banner.Hidden = len(accs) > 0
	s.banner.Refresh()
	s.filters.setAccounts(accs)
	s.b.run(func() func() {
		ctx, cancel := s.b.ctx()
		defer cancel()
		var locs []*time.Location
		for _, a := range accs {
			locs = append(locs, s.core.AccountZone(ctx, a.ID))
		}
		return func() { s.zone.setAccountZones(locs) }
	})
}

// setStatus shows a short line beside the month name.
func (s *calendarScreen) setStatus(msg string, isErr bool) {
	s.status.Importance = widget.MediumImportance
	if isErr {
		s.status.Importance = widget.DangerImportance
	}
	s.status.SetText(msg)
}

// layoutMonth fills the grid for s.month with entries.
func (s *calendarScreen) layoutMonth(entries []data.CalendarEntry) {
	loc := s.month.Location()
	byDay := map[string][]data.CalendarEntry{}
	for _, e := range entries {
		k := e.PlannedAt.In(loc).Format(time.DateOnly)
		byDay[k] = append(byDay[k], e)
	}
	today := s.now().In(loc).Format(time.DateOnly)
	offset := (int(s.month.Weekday()) + 6) % 7 // Monday = 0
	start := s.month.AddDate(0, 0, -offset)
	for i, c := range s.cells {
		day := start.AddDate(0, 0, i)
		k := day.Format(time.DateOnly)
		c.labels = s.labels
		c.set(day, day.Month() == s.month.Month(), k == today, byDay[k], loc)
	}
}

// cellFor returns the cell showing day, nil if it is not in the grid.
func (s *calendarScreen) cellFor(day time.Time) *dayCell {
	k := day.Format(time.DateOnly)
	for _, c := range s.cells {
		if c.date.Format(time.DateOnly) == k {
			return c
		}
	}
	return nil
}

// onMore lists all posts of a crowded day in a dialog.
func (s *calendarScreen) onMore(day time.Time, entries []data.CalendarEntry) {
	loc := s.month.Location()
	var d dialog.Dialog
	list := container.NewVBox()
	for _, e := range entries {
		list.Add(newPostChip(e, loc, func() {
			d.Hide()
			s.openPost(e)
		}))
	}
	d = dialog.NewCustom(day.Format("Monday 2 January 2006"), "Close",
		container.NewVScroll(list), s.b.win)
	d.Resize(fyne.NewSize(420, 360))
	d.Show()
}

// describe is a one-line summary of a post for dialogs.
func describe(e data.CalendarEntry, loc *time.Location) string {
	return fmt.Sprintf("%s · %s", styleOf(e.State).marker, e.PlannedAt.In(loc).Format("Mon 2 Jan 2006, 15:04"))
}
