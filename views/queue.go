package views

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"localpost/app"
	"localpost/data"
)

// queueCore is what posting times, "Add to queue" and repeating posts need
// from the core.
type queueCore interface {
	// AccountZone is the zone an account's posting times are in (its own,
	// else the user's); SetAccountZone sets it by IANA name ("" = the
	// user's).
	AccountZone(ctx context.Context, accountID int64) *time.Location
	SetAccountZone(ctx context.Context, accountID int64, name string) error
	QueueSlots(ctx context.Context, accountID int64) ([]data.QueueSlot, error)
	AddQueueSlots(ctx context.Context, accountID int64, days []time.Weekday, clock string) error
	RemoveQueueSlot(ctx context.Context, id int64) error
	// AddToQueue schedules the draft at the earliest posting time free on
	// every chosen account (app.NextQueueSlot); its error matches
	// app.ErrNoQueueSlot when there is none.
	AddToQueue(ctx context.Context, d app.Draft) (data.Post, string, error)
	ScheduleSeries(ctx context.Context, d app.Draft, r app.Repeat) (data.Post, int, string, error)
	PostSeries(ctx context.Context, postID int64) (data.Series, error)
	DeleteSeriesFrom(ctx context.Context, postID int64) (deleted, kept int, err error)
	// UpdateSeriesFrom schedules the edited post of a series and applies it
	// to every later one still draft or scheduled (kept counts the others).
	UpdateSeriesFrom(ctx context.Context, postID int64, d app.Draft) (changed, kept int, notes []string, err error)
}

// weekdays in the order the dialog shows them, Monday first.
var weekdays = []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday}

// --- posting times of one account

// slotsDialog lists an account's posting times and adds or removes them.
type slotsDialog struct {
	core Core
	b    *bridge
	acc  data.Account

	dlg      *dialog.CustomDialog
	list     *fyne.Container
	empty    *widget.Label
	days     []*widget.Check // as weekdays
	clock    *widget.Entry
	addBtn   *widget.Button
	zone     *widget.Entry
	zoneBtn  *widget.Button
	closeBtn *widget.Button
	problem  *widget.Label
	slots    []data.QueueSlot
}

// onPostingTimes opens the posting times of an account.
func (s *accountsScreen) onPostingTimes(a data.Account) {
	d := &slotsDialog{core: s.core, b: s.b, acc: a}
	s.slots = d
	d.show()
}

func (d *slotsDialog) show() {
	d.list = container.NewVBox()
	d.empty = ext(&widget.Label{Text: "No posting times yet. \"Add to queue\" in the composer plans posts at these times.",
		Wrapping: fyne.TextWrapWord})
	row := container.NewHBox()
	for _, wd := range weekdays {
		c := widget.NewCheck(wd.String()[:3], nil)
		d.days = append(d.days, c)
		row.Add(c)
	}
	d.clock = ext(&widget.Entry{PlaceHolder: "HH:MM"})
	d.addBtn = ext(&widget.Button{Text: "Add", Icon: theme.ContentAddIcon(), OnTapped: d.onAdd})
	h := d.clock.MinSize().Height
	add := container.NewHBox(ext(&widget.Label{Text: "at"}),
		container.New(layout.NewGridWrapLayout(fyne.NewSize(90, h)), d.clock), d.addBtn)
	d.zone = ext(&widget.Entry{PlaceHolder: "Region/City, e.g. Europe/Berlin"})
	d.zoneBtn = ext(&widget.Button{Text: "Use this zone", OnTapped: d.onZone})
	d.problem = problemLabel()
	d.closeBtn = ext(&widget.Button{Text: "Done", Icon: theme.ConfirmIcon(), Importance: widget.HighImportance, OnTapped: func() { d.dlg.Hide() }})
	bold := func(s string) *widget.Label {
		return ext(&widget.Label{Text: s, TextStyle: fyne.TextStyle{Bold: true}})
	}
	content := container.NewVBox(
		bold("Posting times"), d.empty, d.list,
		bold("Add a time"), row, add,
		bold("Time zone of these times"), container.NewBorder(nil, nil, nil, d.zoneBtn, d.zone),
		ext(&widget.Label{Text: "Leave it empty to follow your own time zone (Settings).", Wrapping: fyne.TextWrapWord}),
		d.problem)
	d.dlg = dialog.NewCustomWithoutButtons("Posting times — "+accountName(d.acc), container.NewVScroll(content), d.b.win)
	d.dlg.SetButtons([]fyne.CanvasObject{d.closeBtn})
	d.dlg.Resize(fyne.NewSize(560, 520))
	d.dlg.Show()
	d.reload()
}

// reload reads the account's times and zone from the core.
func (d *slotsDialog) reload() {
	id := d.acc.ID
	d.b.run(func() func() {
		ctx, cancel := d.b.ctx()
		defer cancel()
		slots, err := d.core.QueueSlots(ctx, id)
		loc := d.core.AccountZone(ctx, id)
		return func() {
			if err != nil {
				d.setProblem("Could not read the posting times: " + err.Error())
				return
			}
			d.setSlots(slots)
			if d.zone.Text == "" && loc != nil {
				d.zone.SetText(loc.String())
			}
		}
	})
}

func (d *slotsDialog) setSlots(slots []data.QueueSlot) {
	slices.SortStableFunc(slots, func(a, b data.QueueSlot) int {
		return cmp.Compare(mondayFirst(a.Weekday)*1440+a.Minute, mondayFirst(b.Weekday)*1440+b.Minute)
	})
	d.slots = slots
	d.list.RemoveAll()
	for _, s := range slots {
		rm := ext(&widget.Button{Icon: theme.DeleteIcon(), Importance: widget.LowImportance})
		rm.OnTapped = func() { d.onRemove(s.ID) }
		d.list.Add(container.NewBorder(nil, nil, nil, rm, ext(&widget.Label{Text: slotText(s)})))
	}
	d.empty.Hidden = len(slots) > 0
	d.empty.Refresh()
}

func mondayFirst(w time.Weekday) int { return (int(w) + 6) % 7 }

// slotText is "Monday 09:30".
func slotText(s data.QueueSlot) string { return s.Weekday.String() + " " + s.Clock() }

func (d *slotsDialog) setProblem(msg string) {
	d.problem.Text = msg
	d.problem.Hidden = msg == ""
	d.problem.Refresh()
}

func (d *slotsDialog) onAdd() {
	var days []time.Weekday
	for i, c := range d.days {
		if c.Checked {
			days = append(days, weekdays[i])
		}
	}
	clock, err := parseClock(d.clock.Text)
	switch {
	case len(days) == 0:
		d.setProblem("Tick the days this time is for.")
		return
	case err != nil:
		d.setProblem(err.Error())
		return
	}
	d.setProblem("")
	id := d.acc.ID
	d.b.run(func() func() {
		ctx, cancel := d.b.ctx()
		defer cancel()
		err := d.core.AddQueueSlots(ctx, id, days, clock)
		var slots []data.QueueSlot
		if err == nil {
			slots, err = d.core.QueueSlots(ctx, id)
		}
		return func() {
			if err != nil {
				d.setProblem("Could not add the time: " + err.Error())
				return
			}
			for _, c := range d.days {
				c.SetChecked(false)
			}
			d.clock.SetText("")
			d.setSlots(slots)
		}
	})
}

func (d *slotsDialog) onRemove(slotID int64) {
	id := d.acc.ID
	d.b.run(func() func() {
		ctx, cancel := d.b.ctx()
		defer cancel()
		err := d.core.RemoveQueueSlot(ctx, slotID)
		var slots []data.QueueSlot
		if err == nil || errors.Is(err, data.ErrNotFound) {
			slots, err = d.core.QueueSlots(ctx, id)
		}
		return func() {
			if err != nil {
				d.setProblem("Could not remove the time: " + err.Error())
				return
			}
			d.setSlots(slots)
		}
	})
}

func (d *slotsDialog) onZone() {
	name, id := strings.TrimSpace(d.zone.Text), d.acc.ID
	d.b.run(func() func() {
		ctx, cancel := d.b.ctx()
		defer cancel()
		err := d.core.SetAccountZone(ctx, id, name)
		loc := d.core.AccountZone(ctx, id)
		return func() {
			if err != nil {
				d.setProblem(err.Error())
				return
			}
			d.setProblem("")
			if loc != nil {
				d.zone.SetText(loc.String())
			}
		}
	})
}

// --- the composer: "Add to queue", "Repeat", deleting a series

// repeatRow is the composer's "Repeat every N days/weeks until <date> or
// <count> times".
type repeatRow struct {
	on    *widget.Check
	every *widget.Entry
	unit  *widget.Select
	until *widget.DateEntry
	count *widget.Entry
	obj   *fyne.Container
}

const (
	unitDays  = "days"
	unitWeeks = "weeks"
)

func newRepeatRow() *repeatRow {
	r := &repeatRow{
		every: ext(&widget.Entry{Text: "1"}),
		unit:  widget.NewSelect([]string{unitDays, unitWeeks}, nil),
		until: widget.NewDateEntry(),
		count: ext(&widget.Entry{PlaceHolder: "n"}),
	}
	r.on = widget.NewCheck("Repeat every", func(on bool) { r.enable(on) })
	h := r.every.MinSize().Height
	r.obj = container.NewVBox(
		container.NewHBox(r.on, container.New(layout.NewGridWrapLayout(fyne.NewSize(60, h)), r.every), r.unit),
		container.NewHBox(ext(&widget.Label{Text: "until"}), container.New(layout.NewGridWrapLayout(fyne.NewSize(200, h)), r.until),
			ext(&widget.Label{Text: "or"}), container.New(layout.NewGridWrapLayout(fyne.NewSize(60, h)), r.count),
			ext(&widget.Label{Text: "times"})))
	r.reset()
	return r
}

// reset unticks the row for a new post and shows it.
func (r *repeatRow) reset() {
	r.on.SetChecked(false)
	r.every.SetText("1")
	r.unit.SetSelected(unitWeeks)
	r.until.SetDate(nil)
	r.count.SetText("")
	r.enable(false)
	r.obj.Show()
}

func (r *repeatRow) enable(on bool) {
	for _, w := range []fyne.Disableable{r.every, r.unit, r.until, r.count} {
		if on {
			w.Enable()
		} else {
			w.Disable()
		}
	}
}

// active reports whether the post is to repeat.
func (r *repeatRow) active() bool { return r.on.Checked && r.obj.Visible() }

// read returns the repeat, or a message saying what to fix.
func (r *repeatRow) read() (app.Repeat, string) {
	n, err := strconv.Atoi(strings.TrimSpace(r.every.Text))
	if err != nil || n < 1 {
		return app.Repeat{}, "Repeat every how many " + r.unit.Selected + "? Type a number of 1 or more."
	}
	rep := app.Repeat{Every: n, Unit: data.SeriesWeeks}
	if r.unit.Selected == unitDays {
		rep.Unit = data.SeriesDays
	}
	if s := strings.TrimSpace(r.count.Text); s != "" {
		c, err := strconv.Atoi(s)
		if err != nil || c < 1 {
			return app.Repeat{}, "Type how many times the post goes out as a number, e.g. 5."
		}
		rep.Count = c
	}
	if r.until.Date != nil {
		rep.Until = *r.until.Date
	}
	if rep.Count == 0 && rep.Until.IsZero() {
		return app.Repeat{}, "Say until which day the post repeats, or how many times."
	}
	return rep, ""
}

// scheduler is what Schedule calls: the core's Schedule, or ScheduleSeries
// when the post repeats. It returns nil, with the problem shown by the
// time, when the repeat cannot be read.
func (c *composerScreen) scheduler() func(context.Context, app.Draft) (data.Post, string, error) {
	if !c.repeat.active() {
		return c.core.Schedule
	}
	r, msg := c.repeat.read()
	if msg != "" {
		if prev := c.timeProblem.Text; prev != "" {
			msg = prev + " " + msg
		}
		c.setProblem(c.timeProblem, msg)
		return nil
	}
	return func(ctx context.Context, d app.Draft) (data.Post, string, error) {
		p, _, note, err := c.core.ScheduleSeries(ctx, d, r)
		return p, note, err
	}
}

// onAddToQueue schedules the post at the next free posting time of its
// accounts; the day and time fields are not used.
func (c *composerScreen) onAddToQueue() {
	d, ok := c.snapshot(false, true)
	if !ok || c.busy {
		return
	}
	c.setBusy(true)
	c.b.run(func() func() {
		ctx, cancel := c.b.ctx()
		defer cancel()
		p, note, err := c.core.AddToQueue(ctx, d)
		return func() {
			c.setBusy(false)
			var pe *app.ProblemsError
			switch {
			case errors.As(err, &pe):
				c.showProblems(pe.Problems)
			case errors.Is(err, app.ErrNoQueueSlot):
				c.setProblem(c.timeProblem, err.Error())
				c.setProblem(c.summary, "Not queued: "+err.Error())
			case err != nil:
				c.b.errorDialog(err)
			default:
				c.planned(p, d, note, "Added to the queue for ")
			}
		}
	})
}

// seriesDeleteDialog asks whether to delete only this post of a series or
// this and every later one.
type seriesDeleteDialog struct {
	dlg                       *dialog.CustomDialog
	oneBtn, futureBtn, cancel *widget.Button
}

// confirmDeleteSeries is confirmDelete for a post of a series.
func (c *composerScreen) confirmDeleteSeries(id int64, sr data.Series, held []string) {
	msg := "This post repeats " + seriesText(sr) + "."
	if len(held) > 0 {
		msg += " It is already scheduled on " + strings.Join(held, " and ") + ": Localpost takes it back there too, " +
			"as soon as it can reach the network, and tells you if it cannot."
	}
	sd := &seriesDeleteDialog{}
	sd.oneBtn = ext(&widget.Button{Text: "Only this one", Icon: theme.DeleteIcon(), OnTapped: func() {
		sd.dlg.Hide()
		c.deleteSeriesPost(id, false)
	}})
	sd.futureBtn = ext(&widget.Button{Text: "This and all later ones", Icon: theme.DeleteIcon(), Importance: widget.DangerImportance,
		OnTapped: func() {
			sd.dlg.Hide()
			c.deleteSeriesPost(id, true)
		}})
	sd.cancel = ext(&widget.Button{Text: "Cancel", Icon: theme.CancelIcon(), OnTapped: func() { sd.dlg.Hide() }})
	sd.dlg = dialog.NewCustomWithoutButtons("Delete a repeating post?",
		ext(&widget.Label{Text: msg, Wrapping: fyne.TextWrapWord}), c.b.win)
	sd.dlg.SetButtons([]fyne.CanvasObject{sd.cancel, sd.oneBtn, sd.futureBtn})
	sd.dlg.Resize(fyne.NewSize(520, 200))
	c.seriesDelete = sd
	sd.dlg.Show()
}

func (c *composerScreen) deleteSeriesPost(id int64, future bool) {
	c.b.run(func() func() {
		ctx, cancel := c.b.ctx()
		defer cancel()
		msg := "Post deleted."
		var err error
		if future {
			var n, kept int
			n, kept, err = c.core.DeleteSeriesFrom(ctx, id)
			msg = fmt.Sprintf("%d posts of the series deleted.", n)
			if kept > 0 {
				msg += fmt.Sprintf(" %d already published or being published stay.", kept)
			}
		} else {
			var undo bool
			undo, err = c.core.DeleteWithUndo(ctx, id)
			if err == nil && c.lib.onDeleted != nil { // the calendar offers Undo
				return func() {
					c.reset()
					c.lib.onDeleted(id, undo)
				}
			}
		}
		return func() {
			if err != nil {
				c.b.errorDialog(err)
				return
			}
			c.reset()
			if c.onDone != nil {
				c.onDone(data.Post{}, msg)
			}
		}
	})
}

// confirmSaveSeries asks, on Schedule of an edited post of a series,
// whether the change is for this post only or for every later one too.
func (c *composerScreen) confirmSaveSeries(d app.Draft, sr data.Series) {
	msg := "This post repeats " + seriesText(sr) + ". Change only this one, or this and every later one that is not " +
		"published yet? Later ones keep their own dates; a new time of day applies to each of them."
	sd := &seriesDeleteDialog{}
	sd.oneBtn = ext(&widget.Button{Text: "Only this one", Icon: theme.DocumentSaveIcon(), OnTapped: func() {
		sd.dlg.Hide()
		c.seriesSave = nil
		c.saveSeriesPost(d, false)
	}})
	sd.futureBtn = ext(&widget.Button{Text: "This and all later ones", Icon: theme.DocumentSaveIcon(), Importance: widget.HighImportance,
		OnTapped: func() {
			sd.dlg.Hide()
			c.seriesSave = nil
			c.saveSeriesPost(d, true)
		}})
	sd.cancel = ext(&widget.Button{Text: "Cancel", Icon: theme.CancelIcon(), OnTapped: func() {
		sd.dlg.Hide()
		c.seriesSave = nil
	}})
	sd.dlg = dialog.NewCustomWithoutButtons("Change a repeating post?",
		ext(&widget.Label{Text: msg, Wrapping: fyne.TextWrapWord}), c.b.win)
	sd.dlg.SetButtons([]fyne.CanvasObject{sd.cancel, sd.oneBtn, sd.futureBtn})
	sd.dlg.Resize(fyne.NewSize(520, 220))
	c.seriesSave = sd
	sd.dlg.Show()
}

// saveSeriesPost schedules the edited post of a series: alone, as
// Schedule does, or with every later one (future).
func (c *composerScreen) saveSeriesPost(d app.Draft, future bool) {
	if c.busy {
		return
	}
	c.setBusy(true)
	c.b.run(func() func() {
		ctx, cancel := c.b.ctx()
		defer cancel()
		if !future {
			p, note, err := c.core.Schedule(ctx, d)
			return func() { c.scheduleDone(d, p, note, err) }
		}
		n, kept, notes, err := c.core.UpdateSeriesFrom(ctx, d.PostID, d)
		var p data.Post
		if err == nil {
			p, _ = c.core.Post(ctx, d.PostID) // for the calendar to show its month
		}
		return func() {
			c.setBusy(false)
			var pe *app.ProblemsError
			switch {
			case errors.Is(err, app.ErrInPast):
				c.setProblem(c.timeProblem, "That time has already passed; pick a later day or time for this post and the later ones.")
				c.setProblem(c.summary, "Not scheduled: that time has already passed.")
			case errors.As(err, &pe):
				c.showProblems(pe.Problems)
			case err != nil:
				c.b.errorDialog(err)
			default:
				msg := fmt.Sprintf("%d posts of the series changed.", n)
				if n == 1 {
					msg = "1 post of the series changed."
				}
				if kept > 0 {
					msg += fmt.Sprintf(" %d already published, being published or needing your decision stay as they were.", kept)
				}
				c.reset()
				if len(notes) > 0 {
					dialog.ShowInformation("Time adjusted", strings.Join(notes, "\n"), c.b.win)
				}
				if c.onDone != nil {
					c.onDone(p, msg)
				}
			}
		}
	})
}

// seriesText is "every 2 weeks, 5 times" or "every day until 3 May 2026".
func seriesText(sr data.Series) string {
	unit := "day"
	if sr.Unit == data.SeriesWeeks {
		unit = "week"
	}
	s := "every " + unit
	if sr.EveryN > 1 {
		s = fmt.Sprintf("every %d %ss", sr.EveryN, unit)
	}
	if sr.Count > 0 {
		s += fmt.Sprintf(", %d times", sr.Count)
	}
	if !sr.Until.IsZero() {
		s += " until " + sr.Until.Format("2 Jan 2006")
	}
	return s
}
