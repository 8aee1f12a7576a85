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

// calendarScreen is the month view: weeks start on Monday, today is marked
// in the theme's primary colour, each day lists its posts.
type calendarScreen struct {
	core Core
	b    *bridge
	now  func() time.Time

	month time.Time // midnight on the first of the month shown, in the user's zone
	gen   int       // drops month loads that finished after a newer one started

	monthLabel *widget.Label
	status     *widget.Label
	banner     *fyne.Container
	problems   fyne.CanvasObject // set before build: the banner of changes the networks could not make
	cells      [42]*dayCell
	prev, next *widget.Button
	todayBtn   *widget.Button

	onOpenPost func(e data.CalendarEntry)
	onNewPost  func(day time.Time)
	onAccounts func()
}

func newCalendarScreen(core Core, b *bridge, now func() time.Time) *calendarScreen {
	s := &calendarScreen{core: core, b: b, now: now}
	t := now().In(core.Location())
	s.month = firstOfMonth(t)
	return s
}

func firstOfMonth(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, t.Location())
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
	toolbar := container.NewBorder(nil, nil,
		container.NewHBox(s.todayBtn, s.prev, s.next, s.monthLabel),
		newBtn, s.status)

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
		c.onOpen = func(e data.CalendarEntry) {
			if s.onOpenPost != nil {
				s.onOpenPost(e)
			}
		}
		c.onMore = s.onMore
		s.cells[i] = c
		cells = append(cells, c)
	}
	s.layoutMonth(nil)
	top := container.NewVBox(toolbar, s.banner)
	if s.problems != nil {
		top.Add(s.problems)
	}
	top.Add(container.NewGridWithColumns(7, heads...))
	return container.NewBorder(
		top,
		nil, nil, nil,
		container.New(layout.NewGridLayoutWithColumns(7), cells...))
}

// defaultNewDay is the day a "New post" from the toolbar starts on: today
// when the shown month is the current one, else the first of the month.
func (s *calendarScreen) defaultNewDay() time.Time {
	today := s.now().In(s.core.Location())
	if today.Year() == s.month.Year() && today.Month() == s.month.Month() {
		return today
	}
	return s.month
}

func (s *calendarScreen) onPrevious() { s.showMonth(s.month.AddDate(0, -1, 0)) }
func (s *calendarScreen) onNext()     { s.showMonth(s.month.AddDate(0, 1, 0)) }
func (s *calendarScreen) onToday()    { s.showMonth(s.now()) }

// showMonth switches to the month containing t and loads it.
func (s *calendarScreen) showMonth(t time.Time) {
	s.setMonth(t)
	s.reload()
}

// setMonth switches to the month containing t without loading it.
func (s *calendarScreen) setMonth(t time.Time) {
	s.month = firstOfMonth(t.In(s.core.Location()))
	s.layoutMonth(nil)
}

// zoneChanged keeps the shown month when the user's zone changes.
func (s *calendarScreen) zoneChanged() {
	s.month = time.Date(s.month.Year(), s.month.Month(), 1, 0, 0, 0, 0, s.core.Location())
	s.layoutMonth(nil)
}

// reload fetches the shown month's posts off the UI thread.
func (s *calendarScreen) reload() {
	s.gen++
	gen, month, loc := s.gen, s.month, s.core.Location()
	s.b.run(func() func() {
		ctx, cancel := s.b.ctx()
		defer cancel()
		entries, err := s.core.Month(ctx, month.Year(), month.Month(), loc)
		return func() {
			if gen != s.gen {
				return
			}
			if err != nil {
				s.setStatus("Could not load this month: "+err.Error(), true)
				return
			}
			if s.status.Importance == widget.DangerImportance {
				s.setStatus("", false) // the load error is over
			}
			s.layoutMonth(entries)
		}
	})
}

// setAccounts shows the "connect an account" banner when there are none.
func (s *calendarScreen) setAccounts(accs []data.Account) {
	s.banner.Hidden = len(accs) > 0
	s.banner.Refresh()
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
	s.monthLabel.SetText(s.month.Format("January 2006"))
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
			if s.onOpenPost != nil {
				s.onOpenPost(e)
			}
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
